"""Thai text normalisation: the one normaliser behind every comparison (rules and page texts).

`normalize` gives a canonical text that keeps single spaces (Thai uses them as phrase separators);
`compact` also drops the spaces, because PDF extraction inserts stray ones inside Thai words.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TONES = "\u0e48\u0e49\u0e4a\u0e4b\u0e4c"  # mai ek, mai tho, mai tri, mai chattawa, thanthakhat

# Private-use glyphs that Thai PDF fonts emit for shifted vowels and tone marks.
_PUA = {
    0xF700: "\u0e10", 0xF701: "\u0e34", 0xF702: "\u0e35", 0xF703: "\u0e36", 0xF704: "\u0e37",
    0xF70F: "\u0e0d", 0xF710: "\u0e31", 0xF711: "\u0e4d", 0xF712: "\u0e47",
    0xF718: "\u0e38", 0xF719: "\u0e39", 0xF71A: "\u0e3a",
}
for _run in (0xF705, 0xF70A, 0xF713):  # three runs of five shifted tone marks
    _PUA.update({_run + i: tone for i, tone in enumerate(_TONES)})

_TABLE = str.maketrans({
    **_PUA,
    **{0x0E50 + i: str(i) for i in range(10)},  # Thai digits
    **{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)},  # full-width Latin, digits, punctuation
    **dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-"),
    **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032"), "'"),
    **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033"), '"'),
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None),  # zero-width
})

# Decomposed sara am (nikhahit + sara aa), with the tone mark on either side of the nikhahit;
# stored correctly as consonant + tone + sara am.
_SARA_AM = re.compile("([\u0e48-\u0e4b]?)\u0e4d([\u0e48-\u0e4b]?)\u0e32")
# A tone mark typed before its above vowel ("ท่ี" for "ที่") looks the same on screen and in PDFs;
# stored vowel first. NFC does not do it: the above vowels have combining class 0.
_TONE_BEFORE_VOWEL = re.compile("[\u0e48-\u0e4c]+[\u0e31\u0e34-\u0e37][\u0e31\u0e34-\u0e37\u0e48-\u0e4c]*")
_SPACES = re.compile(r"\s+")  # every Unicode space, NBSP included


def _vowels_first(m: re.Match) -> str:
    return "".join(sorted(m.group(), key=lambda ch: ch >= "\u0e48"))  # stable: tones keep their order


# Link texts, section labels and menus repeat on every page of a site: a short text is
# normalised once and remembered (most are normal already: then the text itself is kept, once;
# 8,192 of them at 200 characters are a few MB). A page's text is asked for again while the page
# is classified (years, placeholders, mentions): the last few are remembered, with their results
# (normalising a result again changes nothing). Whole pages before the text is cut are not kept.
_SHORT = 200
_LONG: dict[str, str] = {}
_LONG_KEPT, _LONG_MAX = 32, 100_000


def normalize(text: str) -> str:
    """Canonical form for comparisons; idempotent."""
    if len(text) <= _SHORT:
        return _normalize_short(text)
    if len(text) > _LONG_MAX:
        return _normalize(text)
    done = _LONG.get(text)
    if done is None:
        if len(_LONG) >= _LONG_KEPT:
            _LONG.clear()
        done = _LONG[text] = _normalize(text)
        _LONG[done] = done
    return done


@lru_cache(maxsize=8192)
def _normalize_short(text: str) -> str:
    done = _normalize(text)
    return text if done == text else done


def _normalize(text: str) -> str:
    # sara e typed twice renders as sara ae ("เเผน" for "แผน")
    text = _SARA_AM.sub("\\1\\2\u0e33", text.translate(_TABLE)).replace("\u0e40\u0e40", "\u0e41")
    # lower() before NFC so composed results are final (a second pass changes nothing)
    text = unicodedata.normalize("NFC", text.lower())
    while _TONE_BEFORE_VOWEL.search(text):  # NFC may bring a tone back before a vowel: until none
        text = unicodedata.normalize("NFC", _TONE_BEFORE_VOWEL.sub(_vowels_first, text))
    return _SPACES.sub(" ", text).strip()


def compact(text: str) -> str:
    """Normalised text without any whitespace, for substring matching of Thai phrases."""
    return normalize(text).replace(" ", "")


@lru_cache(maxsize=4096)
def _compact_phrase(phrase: str) -> str:
    return compact(phrase)


def _parts(phrase: str | list[str]) -> list[str]:
    return [phrase] if isinstance(phrase, str) else list(phrase)


def contains(haystack_compact: str, phrase: str | list[str]) -> bool:
    """True when the phrase (every part of a list) occurs in the compacted haystack.

    An empty phrase, or an empty list, never matches: it would match every page.
    """
    needles = [_compact_phrase(p) for p in _parts(phrase)]
    return bool(needles) and all(n and n in haystack_compact for n in needles)


def phrase_len(phrase: str | list[str]) -> int:
    """Compacted length (summed over a list), to prefer the most specific matching phrase."""
    return sum(len(_compact_phrase(p)) for p in _parts(phrase))
