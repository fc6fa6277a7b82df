"""Test oracle for evalboard's metrics.

This is an independent reimplementation, written for evalboard, of the metric
semantics that EleutherAI's lm-evaluation-harness v0.4 documents and exhibits.
It contains no code taken from that project; lm_eval is not installed or
imported. src/metrics/index.test.ts runs it as a second, plain-Python opinion
on what each metric should return.

Protocol: one JSON object arrives on stdin with these lists of cases:

    multiple_choice  {lls, choices, gold, is_greedy}     -> {acc, acc_norm, exact_match}
    exact_match      {prediction, target, kwargs}        -> 1.0 or 0.0
    rolling          {text, ll}                          -> per-document [ll, weight] pairs
    aggregations     {name, values}                      -> one number
    mean_stderr      [number, ...]                       -> one number
    bootstrap        {name, values, iters[, seed]}       -> one number

and one JSON object goes to stdout with the same keys, one answer per case, in
order. Pair values ([ll, weight]) arrive as JSON arrays.

Behaviours worth knowing (all deliberate, matching lm-eval v0.4):
  * "median" takes the middle element of the list as given; it does not sort.
  * acc_norm divides each log-likelihood by the choice's length in code points.
  * a gold index past the last choice, or a gold string that is not a choice,
    never matches.
  * exact_match on generations succeeds if any one target matches; strings
    are compared as plain Python str (trailing NULs dropped, as numpy's
    string arrays do), each target on its own, so results never depend on
    the other targets in the list.
  * bootstrap resamples in chunks of min(1000, iters); chunk k draws from its
    own random.Random(seed + k) via choices(), and only whole chunks are run.
"""
import json
import math
import random
import re
import string
import sys

import numpy as np

MISSING = -100  # stands for "no valid gold choice"
LN2 = math.log(2)


# ---------------------------------------------------------------------------
# String normalisation and exact match
# ---------------------------------------------------------------------------

_PUNCTUATION_REMOVER = {ord(ch): None for ch in string.punctuation}
_DIGIT_REMOVER = {ord(ch): None for ch in string.digits}


def _as_numpy_str(text):
    # lm-eval hands these strings to HF evaluate, which holds them in numpy
    # fixed-width unicode arrays; such arrays cannot keep trailing NULs.
    return text.rstrip("\0")


def normalise(text, regexes_to_ignore=None, ignore_case=False,
              ignore_punctuation=False, ignore_numbers=False):
    """Apply the exact-match options to one string, in lm-eval's order:
    each regex is deleted in turn, then case folding, punctuation, digits."""
    for pattern in regexes_to_ignore or ():
        text = _as_numpy_str(re.sub(pattern, "", text))
    text = _as_numpy_str(text)
    if ignore_case:
        text = _as_numpy_str(text.lower())
    if ignore_punctuation:
        text = _as_numpy_str(text.translate(_PUNCTUATION_REMOVER))
    if ignore_numbers:
        text = _as_numpy_str(text.translate(_DIGIT_REMOVER))
    return text


def generation_exact_match(case):
    """1.0 when the prediction equals at least one target after normalising
    both sides with the case's keyword options, else 0.0."""
    targets = case["target"]
    if not isinstance(targets, list):
        targets = [targets]
    options = case["kwargs"]
    guess = normalise(case["prediction"], **options)
    hit = any(normalise(t, **options) == guess for t in targets)
    return 1.0 if hit else 0.0


# ---------------------------------------------------------------------------
# Multiple choice
# ---------------------------------------------------------------------------

def resolve_gold(gold, choices):
    """Turn a gold label (index, choice text, or list of indices) into index
    form, replacing anything out of range with MISSING."""
    count = len(choices)

    def checked(index):
        return index if index < count else MISSING

    if isinstance(gold, list):
        return [checked(g) for g in gold]
    if isinstance(gold, str):
        return checked(choices.index(gold)) if gold in choices else MISSING
    return checked(gold)


def score_choices(case):
    lls = np.asarray(case["lls"], dtype=float)
    choices, greedy = case["choices"], case["is_greedy"]
    lengths = np.asarray([len(c) for c in choices], dtype=float)

    best = int(np.argmax(lls))                # ties go to the earliest choice
    best_per_char = int(np.argmax(lls / lengths))
    gold = resolve_gold(case["gold"], choices)

    golds = gold if isinstance(gold, list) else [gold]
    greedy_hit = any(greedy[g] for g in golds if g != MISSING)
    return {
        "acc": float(best in golds),
        "acc_norm": float(best_per_char in golds),
        "exact_match": int(greedy_hit),
    }


# ---------------------------------------------------------------------------
# Rolling log-likelihood: per-document (ll, weight) pairs
# ---------------------------------------------------------------------------

def rolling_pairs(case):
    text, ll = case["text"], case["ll"]
    word_count = len(re.split(r"\s+", text))  # leading/trailing space adds an empty word
    byte_count = len(text.encode("utf-8"))
    return {
        "word_perplexity": [ll, word_count],
        "byte_perplexity": [ll, byte_count],
        "bits_per_byte": [ll, byte_count],
    }


# ---------------------------------------------------------------------------
# Aggregations (plain left-to-right sums, so rounding matches lm-eval's)
# ---------------------------------------------------------------------------

def average(values):
    return sum(values) / len(values)


def middle_element(values):
    return values[len(values) // 2]


def ll_ratio(pairs):
    """Total log-likelihood over total weight."""
    total_ll = sum(ll for ll, _ in pairs)
    total_weight = sum(w for _, w in pairs)
    return total_ll / total_weight


def exp_neg_average(values):
    return math.exp(-average(values))


def exp_neg_ratio(pairs):
    return math.exp(-ll_ratio(pairs))


def neg_ratio_in_bits(pairs):
    return -ll_ratio(pairs) / LN2


AGGREGATORS = {
    "mean": average,
    "median": middle_element,
    "perplexity": exp_neg_average,
    "weighted_perplexity": exp_neg_ratio,
    "bits_per_byte": neg_ratio_in_bits,
}


# ---------------------------------------------------------------------------
# Standard errors
# ---------------------------------------------------------------------------

def unbiased_std(values):
    centre = average(values)
    squares = sum([(v - centre) ** 2 for v in values])
    return math.sqrt(squares / (len(values) - 1))


def standard_error_of_mean(values):
    return unbiased_std(values) / math.sqrt(len(values))


def bootstrap_std(aggregate, values, iters, seed=0):
    """Spread of `aggregate` over resamples of `values`, drawn chunk by chunk
    so that the sequence of draws is reproducible from `seed`."""
    per_chunk = min(1000, iters)
    estimates = []
    for chunk in range(iters // per_chunk):
        draw = random.Random(seed + chunk)
        for _ in range(per_chunk):
            resample = draw.choices(values, k=len(values))
            estimates.append(aggregate(resample))
    return unbiased_std(estimates)


# ---------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------

def as_values(raw):
    """JSON arrays become tuples, so pairs unpack like (ll, weight)."""
    return [tuple(v) if isinstance(v, list) else v for v in raw]


def run(request):
    return {
        "multiple_choice": [score_choices(c) for c in request["multiple_choice"]],
        "exact_match": [generation_exact_match(c) for c in request["exact_match"]],
        "rolling": [rolling_pairs(c) for c in request["rolling"]],
        "aggregations": [AGGREGATORS[c["name"]](as_values(c["values"]))
                         for c in request["aggregations"]],
        "mean_stderr": [standard_error_of_mean(v) for v in request["mean_stderr"]],
        "bootstrap": [bootstrap_std(AGGREGATORS[c["name"]], as_values(c["values"]),
                                    c["iters"], c.get("seed", 0))
                      for c in request["bootstrap"]],
    }


if __name__ == "__main__":
    json.dump(run(json.load(sys.stdin)), sys.stdout)
    sys.stdout.write("\n")
