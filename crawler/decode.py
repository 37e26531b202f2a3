"""Bytes to text for HTML, with Thai legacy encodings detected even when mislabelled.

Old agency sites serve TIS-620 / windows-874 with no charset, with ISO-8859-1 from a server
default, or even with a wrong `<meta charset="utf-8">`. Valid UTF-8 with non-ASCII bytes is
almost never accidental, so it wins; otherwise bytes that look like Thai words in cp874 win
over a Latin or UTF-8 label.
"""
from __future__ import annotations

import codecs
import re

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_\-]+)", re.I)
# TIS-620 and ISO-8859-11 are subsets of cp874 (which adds a few punctuation marks).
_THAI_ALIASES = {"tis-620", "tis620", "tis_620", "iso-8859-11", "iso8859-11", "iso8859_11",
                 "windows-874", "cp874", "x-windows-874", "ms874"}
_THAI_RUNS = re.compile(rb"[\xa1-\xfb]{3,}")  # Thai words are runs of high bytes; Latin-1 has lone ones
_HIGH = bytes(range(0x80, 0x100))
_UTF8_THAI = re.compile(rb"\xe0[\xb8\xb9][\x80-\xbf]")  # a Thai letter (U+0E00-U+0E7F) in UTF-8


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    if label in _THAI_ALIASES:
        return "cp874"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared(body: bytes, content_type: str = "") -> tuple[str | None, str | None]:
    """(header charset, meta charset) as codec names, either may be None."""
    header = _HEADER.search(content_type or "")
    meta = _META.search(body[:4096])
    return (_codec(header.group(1)) if header else None,
            _codec(meta.group(1).decode("ascii", "ignore")) if meta else None)


def decode_html(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Return (text, encoding used)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return body.decode(enc, "replace").lstrip("\ufeff"), enc
    header, meta = declared(body, content_type)
    if body.isascii():
        return body.decode("ascii"), header or meta or "ascii"
    text = body.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    if bad == 0:  # valid UTF-8 with non-ASCII bytes is almost never accidental
        return text, "utf-8"
    high = len(body) - len(body.translate(None, _HIGH))
    if bad <= 0.01 * (len(text) - len(body.decode("ascii", "ignore"))) or \
            3 * len(_UTF8_THAI.findall(body)) >= 0.9 * high:
        # UTF-8 with a stray bad byte (a title cut mid-character by PHP substr) is still UTF-8,
        # and so is a short page whose high bytes are nearly all Thai letters in UTF-8
        return text, "utf-8"
    label = header or meta
    if label and label not in ("utf-8", "cp1252", "latin-1", "iso8859-1", "ascii"):
        return body.decode(label, "replace"), label
    if sum(len(run) for run in _THAI_RUNS.findall(body)) >= 0.6 * high:
        return body.decode("cp874", "replace"), "cp874"
    return body.decode(label if label and label != "utf-8" else "cp1252", "replace"), label or "cp1252"
