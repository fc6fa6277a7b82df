"""Writes oracle.json: lm-eval's own IFEval checkers on the dataset's prompts, turned into responses.

lm-eval v0.4.9.2's lm_eval/tasks/ifeval/{instructions,instructions_registry,instructions_util,utils}.py
are the spec. They import nltk and langdetect, which are not installed here, so the instructions
that need them (number_sentences, capital_word_frequency, response_language, english_capital,
english_lowercase) are left out ("-"), as are letter_frequency kwargs that are not a letter
(the reference draws a random letter then). Run with CPython 3.11 and a checkout of lm-eval:
    python3 src/metrics/ifeval/reference/oracle.py LM_EVAL_CHECKOUT DATASET_JSONL
Each prompt's key maps to one "strict/loose" entry per response of responses(), one character
per instruction: T followed, F not, - left out.
"""
import json
import logging
import pathlib
import re
import sys
import types

logging.disable(logging.ERROR)
checkout, dataset = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
source_dir = checkout / "lm_eval" / "tasks" / "ifeval"

# Stand-ins for the modules the checkers left out import at load time.
nltk = types.ModuleType("nltk")
nltk.tokenize = types.SimpleNamespace(RegexpTokenizer=None)
nltk.word_tokenize = lambda text: []
sys.modules["nltk"] = nltk
langdetect = types.ModuleType("langdetect")
langdetect.LangDetectException = Exception
sys.modules["langdetect"] = langdetect
immutabledict = types.ModuleType("immutabledict")
immutabledict.immutabledict = dict
sys.modules["immutabledict"] = immutabledict

package = types.ModuleType("lm_eval.tasks.ifeval")
package.__path__ = []
for name in ("lm_eval", "lm_eval.tasks"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["lm_eval.tasks.ifeval"] = package


def load(name, text):
    module = types.ModuleType(f"lm_eval.tasks.ifeval.{name}")
    sys.modules[module.__name__] = module
    setattr(package, name, module)
    exec(compile(text, str(source_dir / f"{name}.py"), "exec"), module.__dict__)
    return module


util_source = (source_dir / "instructions_util.py").read_text()
# The nltk download check runs at import; RegexpTokenizer(r"\w+") is re.findall(r"\w+").
util_source = util_source.replace("\ndownload_nltk_resources()\n", "\n")
util = load("instructions_util", util_source)
util.count_words = lambda text: len(re.findall(r"\w+", text))
util.count_sentences = lambda text: 0
load("instructions", (source_dir / "instructions.py").read_text())
load("instructions_registry", (source_dir / "instructions_registry.py").read_text())
utils = load("utils", (source_dir / "utils.py").read_text())

SKIPPED = {
    "length_constraints:number_sentences",
    "change_case:capital_word_frequency",
    "language:response_language",
    "change_case:english_capital",
    "change_case:english_lowercase",
}


def responses(prompt):
    """Responses that follow some instructions and break others, in the ways models do."""
    sentences = prompt.replace("? ", "?\n").replace(". ", ".\n").split("\n")
    return [
        prompt,
        f"Sure, here it is:\n{prompt}\nP.S. Any other questions?",
        "\n\n".join(sentences),
        "\n***\n".join(f"* {s}" for s in sentences),
        f'"{prompt.lower().replace(",", "")}"',
        "******".join(f"**{s}**" for s in sentences[:2]) + "\nSection 1 <<Title>> [name]",
    ]


outcomes = {}
# The reference's own regex sentence splitter (our count_sentences; lm-eval's runs punkt) on each
# response, and str.isupper()/islower() on the prompt as is, upper-cased and lower-cased.
sentences = {}
cases = {}
for line in dataset.read_text().splitlines():
    doc = json.loads(line)
    skipped = [
        iid in SKIPPED or (iid == "keywords:letter_frequency" and not kw["letter"].isalpha())
        for iid, kw in zip(doc["instruction_id_list"], doc["kwargs"])
    ]
    inp = utils.InputExample(doc["key"], doc["instruction_id_list"], doc["prompt"], doc["kwargs"])
    outcomes[str(doc["key"])] = row = []
    sentences[str(doc["key"])] = [len(util.split_into_sentences(r)) for r in responses(doc["prompt"])]
    variants = (doc["prompt"], doc["prompt"].upper(), doc["prompt"].lower())
    cases[str(doc["key"])] = "".join("U" if v.isupper() else "L" if v.islower() else "-" for v in variants)
    for response in responses(doc["prompt"]):
        strict = utils.test_instruction_following_strict(inp, response).follow_instruction_list
        loose = utils.test_instruction_following_loose(inp, response).follow_instruction_list
        code = lambda outcomes: "".join("-" if s else "TF"[not o] for s, o in zip(skipped, outcomes))
        row.append(f"{code(strict)}/{code(loose)}")

out = pathlib.Path(__file__).with_name("oracle.json")
out.write_text(json.dumps({"outcomes": outcomes, "sentences": sentences, "cases": cases}, indent=None) + "\n")
print(f"wrote {len(outcomes)} prompts to {out}")
