"""Writes regex-oracle.json: what CPython's `re` returns for the cases src/python/regex.test.ts pins.

Run with CPython 3.11, then let biome lay the JSON out:
    python3 src/python/cpython/regex-oracle.py && npx biome format --write src/python/cpython
"""
import json
import pathlib
import re
import sys

TEXTS = [
    "The answer is 42.\n#### 42",
    "#### -1,234.5 and #### 7",
    "First $1,000.50 then 3 apples, total 12\n",
    "line one\nline two\n",
    "ΣΊΣΥΦΟΣ ate ٣ apples_and 4 pears\u00a0today\u2003ok",
    "naïve café, {braces} [brackets] a{2} x?",
    "ABC abc AbC\tabc\r\n",
    "carriage\rreturn\r\nline\u2028sep 0x1F 017",
    "",
]

PATTERNS = [
    r"#### (\-?[0-9\.\,]+)",
    "(-?[$0-9.,]{2,})|(-?[0-9]+)",
    r"The answer is (\-?[0-9\.\,]+).",
    r"\d+",
    r"\w+",
    r"\b\w",
    r"\s+",
    r"[^\s\w]",
    r"[\W\d]",
    "(?i)abc",
    r"(?im)^\w+$",
    r"\w+$",
    r"two\n\Z",
    "(?s)one.line",
    "one.line",
    "(?P<word>[a-z]+) (?P=word)",
    r"{braces}|a{2}|x{,1}\?",
    r"(?a)\w+",
    r"(?x) \d + # digits",
    r"[]a]|\]",
    r"(a)|(b)|(\d)",
    r"\101\x42\u0043",
    r"(?<=is )\d+(?=\.)",
    r"[\-,\.]",
    "x*",
    r"(?m)^\w+",
    "a.c|e.r",
    r"\D+",
    r"[^\d\s]+",
    r"(?i)σ\w*",
    r"\bline\b|\Bin\B",
    r"0x[0-9A-F]{2}|\0|\017",
    r"[\w.-]+@?",
]

# re.sub(pattern, repl, text, count): the Jinja regex_replace filter's cases.
SUBS = [
    [r"(\d+)", r"<\1>", "a 12 b 3", 0],
    ["(?P<n>[0-9]+)", r"[\g<n>]", "x1y22", 1],
    [r"\s+", " ", "a \u3000 b", 0],
    [r"(\w)(\w*)", r"\2\1\g<1>", "ab cd", 0],
    [r"\n", r"\t|\\", "a\nb", 0],
    [r"\bé", "E", "café é", 0],
    [r"o.", "_", "o\ro\u2028o\no!", 0],
    [r"x$", "Y", "x\n", 0],
    [r"[\D]+", "-", "a1b22c", 0],
    [r"a{,2}b{", "#", "aab{ b{", 0],
    [r"\,", ";", "1,2", 0],
    [r"(?s)a.b", "+", "a\nb", 0],
]

out = {
    "python": sys.version.split()[0],
    "texts": TEXTS,
    "patterns": PATTERNS,
    "findall_and_remove": [[[re.findall(p, t), re.sub(p, "", t)] for t in TEXTS] for p in PATTERNS],
    "subs": [[p, r, t, n, re.sub(p, r, t, count=n)] for p, r, t, n in SUBS],
}
target = pathlib.Path(__file__).with_suffix(".json")
target.write_text(json.dumps(out, ensure_ascii=False) + "\n")
