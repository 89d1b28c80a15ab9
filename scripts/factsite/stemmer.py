"""Words as the site's search engine reads them, so `make check` sees lay phrases the way search does.

`stem` is the Porter stemmer of the npm package `stemmer` 2.0.1 (Copyright (c) Titus Wormer, MIT
licence, shipped beside it in docs/assets/search/stemmer.LICENSE.txt), written line for line from
docs/assets/search/stemmer.js; `words` is `words()` of docs/assets/search/engine.js. A test runs both
the JavaScript and this over every word of the pages and the vocabulary and compares.
"""

from __future__ import annotations

import re
import unicodedata

_STEP2 = {
    "ational": "ate", "tional": "tion", "enci": "ence", "anci": "ance", "izer": "ize", "bli": "ble", "alli": "al",
    "entli": "ent", "eli": "e", "ousli": "ous", "ization": "ize", "ation": "ate", "ator": "ate", "alism": "al",
    "iveness": "ive", "fulness": "ful", "ousness": "ous", "aliti": "al", "iviti": "ive", "biliti": "ble", "logi": "log",
}
_STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}

_CONSONANT = "[^aeiou]"
_VOWEL = "[aeiouy]"
_CONSONANTS = "(" + _CONSONANT + "[^aeiouy]*)"
_VOWELS = "(" + _VOWEL + "[aeiou]*)"

_GT0 = re.compile("^" + _CONSONANTS + "?" + _VOWELS + _CONSONANTS)
_EQ1 = re.compile("^" + _CONSONANTS + "?" + _VOWELS + _CONSONANTS + _VOWELS + "?$")
_GT1 = re.compile("^" + _CONSONANTS + "?(" + _VOWELS + _CONSONANTS + "){2,}")
_VOWEL_IN_STEM = re.compile("^" + _CONSONANTS + "?" + _VOWEL)
_CONSONANT_LIKE = re.compile("^" + _CONSONANTS + _VOWEL + "[^aeiouwxy]$")

_SFX_LL = re.compile("ll$")
_SFX_E = re.compile("^(.+?)e$")
_SFX_Y = re.compile("^(.+?)y$")
_SFX_ION = re.compile("^(.+?(s|t))(ion)$")
_SFX_ED_OR_ING = re.compile("^(.+?)(ed|ing)$")
_SFX_AT_BL_IZ = re.compile("(at|bl|iz)$")
_SFX_EED = re.compile("^(.+?)eed$")
_SFX_S = re.compile("^.+?[^s]s$")
_SFX_SSES_OR_IES = re.compile("^.+?(ss|i)es$")
_SFX_DOUBLE = re.compile(r"([^aeiouylsz])\1$")
_STEP2_RE = re.compile("^(.+?)(" + "|".join(_STEP2) + ")$")
_STEP3_RE = re.compile("^(.+?)(" + "|".join(_STEP3) + ")$")
_STEP4_RE = re.compile("^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$")


def stem(value: str) -> str:
    """The Porter stem of one word, exactly as stemmer.js gives it ("cramping" -> "cramp")."""
    result = value.lower()
    if len(result) < 3:
        return result
    first_y = result[0] == "y"
    if first_y:
        result = "Y" + result[1:]
    # Step 1a.
    if _SFX_SSES_OR_IES.search(result):
        result = result[:-2]
    elif _SFX_S.search(result):
        result = result[:-1]
    # Step 1b.
    if match := _SFX_EED.search(result):
        if _GT0.search(match[1]):
            result = result[:-1]
    elif (match := _SFX_ED_OR_ING.search(result)) and _VOWEL_IN_STEM.search(match[1]):
        result = match[1]
        if _SFX_AT_BL_IZ.search(result):
            result += "e"
        elif _SFX_DOUBLE.search(result):
            result = result[:-1]
        elif _CONSONANT_LIKE.search(result):
            result += "e"
    # Step 1c.
    if (match := _SFX_Y.search(result)) and _VOWEL_IN_STEM.search(match[1]):
        result = match[1] + "i"
    # Steps 2 and 3.
    if (match := _STEP2_RE.search(result)) and _GT0.search(match[1]):
        result = match[1] + _STEP2[match[2]]
    if (match := _STEP3_RE.search(result)) and _GT0.search(match[1]):
        result = match[1] + _STEP3[match[2]]
    # Step 4.
    if match := _STEP4_RE.search(result):
        if _GT1.search(match[1]):
            result = match[1]
    elif (match := _SFX_ION.search(result)) and _GT1.search(match[1]):
        result = match[1]
    # Step 5.
    if (match := _SFX_E.search(result)) and (
            _GT1.search(match[1]) or (_EQ1.search(match[1]) and not _CONSONANT_LIKE.search(match[1]))):
        result = match[1]
    if _SFX_LL.search(result) and _GT1.search(result):
        result = result[:-1]
    if first_y:
        result = "y" + result[1:]
    return result


def fold(text: str) -> str:
    """Lower case, accents off, apostrophes out ("won't" -> "wont"), as engine.js's fold()."""
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) not in ("Mn", "Mc", "Me"))
    return re.sub("['\u2019\u2018`]", "", text.lower())


def words(text: str) -> list[str]:
    """The words of a text as engine.js's words() splits them: runs of letters and digits."""
    return [w for w in re.split(r"[^\w]+|_", fold(text)) if w]


def phrase_key(phrase: str) -> tuple[str, ...]:
    """A lay phrase as search matches it: every word stemmed, common words kept ("legs gave way" and
    "leg gave way" are one)."""
    return tuple(stem(w) for w in words(phrase))
