"""Buddhist-Era years, Thai month names and fiscal years as written on Thai agency sites.

Thai fiscal year N (B.E.) runs 1 October (N-1) to 30 September N; B.E. = C.E. + 543.
`find_years` reads a text as a sequence of atoms (a full date, a month with or without a year,
a number with an optional keyword such as "ปีงบประมาณ"), joins two atoms separated only by a dash
or "ถึง" into a range, and reports each resulting span once.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from crawler.thai import normalize

_BE = 543


def to_be(year: int) -> int | None:
    """A year as written (B.E., C.E. or 2-digit B.E.) as a B.E. year; None for anything else."""
    if 2400 <= year <= 2700:
        return year
    if 1900 <= year <= 2157:
        return year + _BE
    if 40 <= year <= 99:
        return 2500 + year
    return None


THAILAND = ZoneInfo("Asia/Bangkok")


def local_day(moment: dt.datetime) -> dt.date:
    """The Thai calendar day of a stored (UTC) time: a run at 01:00 belongs to that night."""
    return (moment if moment.tzinfo is None else moment.astimezone(THAILAND)).date()


def fiscal_year(d: dt.date) -> int:
    """B.E. fiscal year of a C.E. date (October starts the next fiscal year)."""
    return d.year + _BE + (d.month >= 10)


def fiscal_year_start(year: int) -> dt.date:
    """The first day of B.E. fiscal year `year`: 1 October of the C.E. year before."""
    return dt.date(year - _BE - 1, 10, 1)


@dataclass(frozen=True)
class YearMention:
    kind: str  # "fiscal" | "range" | "period" | "year"
    first: int  # B.E. fiscal years; first == last except for ranges and multi-year periods
    last: int
    start: int  # character offsets into normalize(text)
    end: int


# ------------------------------------------------------------------------------ month names

_TH_FULL = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
            "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
TH_ABBR = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",
            "พ.ย.", "ธ.ค."]
_EN_FULL = ["january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december"]

_MONTHS: dict[str, int] = {}  # key: lower case without dots or spaces
for _m, (_full, _abbr, _en) in enumerate(zip(_TH_FULL, TH_ABBR, _EN_FULL), 1):
    _MONTHS[_full] = _MONTHS[_abbr.replace(".", "")] = _MONTHS[_en] = _MONTHS[_en[:3]] = _m
    _MONTHS[re.sub("(คม|ยน|พันธ์)$", "", _full)] = _m  # colloquial: ตุลา, มีนา, กุมภา
_MONTHS.update({"กรกฏาคม": 7, "กรกฏา": 7, "กุมภาพันธ": 2, "sept": 9})  # common misspellings
del _m, _full, _abbr, _en


def _thai_month_alts() -> list[str]:
    alts = [n for n in _MONTHS if not n.isascii() and len(n) > 3]  # full and colloquial, not "มีค"
    for abbr in TH_ABBR:
        parts = abbr.rstrip(".").split(".")
        # dotted "มี.ค." (not inside an acronym such as อ.ส.ค.) or dotless "มีค" (not inside a word)
        alts.append(r"(?<!\.)" + r"\.\s?".join(parts) + r"\.?")
        alts.append(r"(?<![ก-๙])" + "".join(parts) + r"\.?")
    return sorted(alts, key=len, reverse=True)


_MON_EN = r"(?<![a-z])(?:%s)(?![a-z])\.?" % "|".join(
    sorted((n for n in _MONTHS if n.isascii()), key=len, reverse=True))
_MON = "(?:%s|%s)" % ("|".join(_thai_month_alts()), _MON_EN)


def _month(name: str) -> int:
    return _MONTHS[name.replace(".", "").replace(" ", "")]  # text is normalised: plain spaces only


# ------------------------------------------------------------------------------ atoms

def _yr(group: str) -> str:
    return rf"(?:(?:พ\.ศ\.|ค\.ศ\.)\s*)?(?P<{group}>\d{{4}}|\d{{2}})(?!\d)"


_FISCAL_KW = r"(?:ประจำ)?ปีงบประมาณ|ปีงบ(?:ฯ|\.)?|งบประมาณ|fiscal\s*year|fy\.?"
_YEAR_KW = r"ค\.ศ\.|ita|oit|(?:ประจำ)?ปี(?:\s*พ\.ศ\.)?|พ\.ศ\."
_UNGLUED = r"(?<![0-9a-z.,:/])"  # not part of a code, a decimal, a time or a longer date
_NUMERIC = r"(?<![0-9a-z.,:/-])"  # ... and numeric dates not inside dashed codes (ISBN, phone)
_NUMERIC_END = r"(?![-/.]?\d)"

_ATOM = re.compile(
    rf"(?P<iso>{_NUMERIC}(?P<iy>\d{{4}})(?P<isep>[-/])(?P<im>\d{{1,2}})(?P=isep)"
    rf"(?P<id>\d{{1,2}}){_NUMERIC_END})"
    rf"|(?P<dmy>{_NUMERIC}(?P<dd>\d{{1,2}})(?P<dsep>[-/.])(?P<dm>\d{{1,2}})(?P=dsep)"
    rf"(?P<dy>\d{{4}}|\d{{2}}){_NUMERIC_END})"
    rf"|(?P<tdate>{_UNGLUED}(?P<td>\d{{1,2}})(?:st|nd|rd|th)?\s*(?P<tm>{_MON})\s*{_yr('ty')})"
    rf"|(?P<mdy>(?P<em>{_MON_EN})\s*(?P<ed>\d{{1,2}})(?:st|nd|rd|th)?,?\s*(?P<ey>\d{{4}})(?!\d))"
    rf"|(?P<mon>(?P<mm>{_MON})(?:\s*{_yr('my')})?)"
    rf"|(?P<num>(?<![0-9a-z])(?:(?:(?P<fkw>{_FISCAL_KW})|(?P<ykw>{_YEAR_KW}))"
    rf"(?:\s*(?:พ\.ศ\.|ค\.ศ\.))?\s*)?(?P<n>\d{{4}}|\d{{2}})(?![0-9a-z])(?![.,:]\d))"
)
_DATE_GROUPS = {"iso": ("id", "im", "iy"), "dmy": ("dd", "dm", "dy"), "tdate": ("td", "tm", "ty"),
                "mdy": ("ed", "em", "ey")}  # day, month, year groups of each full-date alternative
_SEP = re.compile(r"\s*(?:-|จนถึง|ถึง|to)\s*(?:วันที่|เดือน)?\s*")
# Masked before scanning: phone numbers (0-2568-1234, 02 568 1234, +66 2 568 1234), URLs, e-mails.
_MASK = re.compile(
    r"(?<![0-9a-z])(?:\+66|\(?0)(?:[-\s.()]{0,2}\d){8,9}(?!\d)"
    r"|(?:https?://|www\.)\S+|\S+@\S+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:th|com|net|org)/\S*"
)
# A number after these is a count, a phone extension, a code or the end of a broken range.
_NUM_BAD_BEFORE = re.compile(
    r"(?:\d[.,:]|\d\s*-\s*|[\d#]\s*ต่อ\.?\s*"
    r"|(?:จำนวน|โทร\S*|เลขที่|หน้า|รหัส|(?<![a-z])(?:tel|fax|ext|page|no))\.?\s*)$")
# ... and before these it is money, a count or pages.
_NUM_BAD_AFTER = re.compile(
    r"\s*(?:บาท|บ\.|ล้าน|แสน|(?:หน้า|แผ่น|ราย|คน|ครั้ง|ข้อ|ชิ้น)(?![ก-๙])|%"
    r"|(?:baht|thb|pages?)(?![a-z])|-\s*\d)")


@dataclass
class _Atom:
    m: re.Match
    kind: str  # the regex alternative: iso, dmy, tdate, mdy, mon, num

    @property
    def start(self) -> int:
        return self.m.start()

    @property
    def end(self) -> int:
        return self.m.end()

    def date(self) -> dt.date | None:
        """The full date of a date atom (C.E.); None for other atoms and impossible dates."""
        if self.kind not in _DATE_GROUPS:
            return None
        day, month, year = (self.m.group(g) for g in _DATE_GROUPS[self.kind])
        be = to_be(int(year))
        try:
            month = int(month) if month.isdigit() else _month(month)
            return dt.date(be - _BE, month, int(day)) if be else None
        except ValueError:
            return None

    def month(self) -> tuple[int | None, int] | None:
        """(B.E. year or None, month) of a date or month atom; a wrong day still gives the month."""
        if self.kind == "mon":
            year, month = self.m.group("my"), self.m.group("mm")
        else:
            _, month, year = (self.m.group(g) for g in _DATE_GROUPS[self.kind])
        month = int(month) if month.isdigit() else _month(month)
        return ((to_be(int(year)) if year else None), month) if 1 <= month <= 12 else None

    def year(self) -> int | None:
        """B.E. year of a number atom, as far as its keyword allows."""
        n, kw = self.m.group("n"), self.m.group("fkw") or self.m.group("ykw")
        ce_ok = bool(kw and kw.isascii()) or "ค.ศ." in self.m.group()  # fy, ita, oit, ค.ศ.
        if len(n) == 2:  # 2 digits only after a Thai keyword: ปีงบประมาณ 68, พ.ศ. 68, ปี 67
            return to_be(int(n)) if kw and not ce_ok else None
        if 2400 <= int(n) <= 2700:
            return int(n)
        return int(n) + _BE if ce_ok and 1957 <= int(n) <= 2157 else None


def _clean(text: str, start: int, end: int) -> bool:
    """Numbers at start..end are not money, a count, an extension or half of a broken range."""
    return not (_NUM_BAD_BEFORE.search(text, max(0, start - 12), start)
                or _NUM_BAD_AFTER.match(text, end))


def _atoms(text: str) -> list[_Atom]:
    masked = _MASK.sub(lambda m: "#" * len(m.group()), text)
    return [_Atom(m, m.lastgroup) for lo, hi in _near_digits(masked) for m in _ATOM.finditer(masked, lo, hi)]


# Every mention has a year in digits: an atom that gives one (a keyword, a month name, the start
# of a range, then the digits) starts at most this many characters before them. A page's text
# is scanned only there: the atom pattern is slow, and most of a long text is far from any digit.
_REACH = 80
_DIGITS = re.compile("[0-9]+")


def _near_digits(text: str):
    """(start, end) of the stretches of `text` within reach of its digits, in order."""
    lo = hi = -1
    for m in _DIGITS.finditer(text):
        start = max(0, m.start() - _REACH)
        if start > hi + _REACH:  # far from the last stretch: a new one, from a word boundary
            if hi >= 0:
                yield lo, hi
            space = text.rfind(" ", max(0, start - _REACH), start)
            lo = space + 1 if space >= 0 else start
        hi = min(len(text), m.end() + 10)  # room for the lookaheads after the last digit
    if hi >= 0:
        yield lo, hi


def _year_range(a: _Atom, b: _Atom) -> tuple[int, int] | None:
    """'2566-2570', 'พ.ศ. 2566 - 2570', '2566-70', 'ค.ศ. 2023-2027'."""
    first = a.year()
    if first is None:
        return None
    raw_a, raw_b = a.m.group("n"), b.m.group("n")
    if len(raw_b) == 2:  # short end takes the century of the start as written
        last = to_be(int(raw_a) // 100 * 100 + int(raw_b))
    elif (int(raw_a) >= 2400) == (int(raw_b) >= 2400):
        last = to_be(int(raw_b))
    else:
        return None
    return (first, last) if last and 0 < last - first <= 10 else None


def _period_range(a: _Atom, b: _Atom) -> tuple[int, int] | None:
    """'ต.ค. 67 - มี.ค. 68', '1 ตุลาคม 2567 - 31 มีนาคม 2568', 'ตุลาคม - ธันวาคม 2567'."""
    start, end = a.month(), b.month()
    if not start or not end or end[0] is None:
        return None
    year = start[0] or (end[0] if start[1] <= end[1] else end[0] - 1)  # "ต.ค. - มี.ค. 68"
    first = fiscal_year(dt.date(year - _BE, start[1], 1))
    last = fiscal_year(dt.date(end[0] - _BE, end[1], 1))
    return (first, last) if 0 <= last - first <= 10 else None


def _joined(a: _Atom, b: _Atom, text: str) -> YearMention | None:
    """The mention of two atoms separated only by a dash or "ถึง", if they make a range."""
    if a.kind == b.kind == "num":
        span = _year_range(a, b)
        ok = span and _clean(text, a.start, b.end)
        return YearMention("range", *span, a.start, b.end) if ok else None
    if "num" in (a.kind, b.kind):
        return None
    span = _period_range(a, b)
    return YearMention("period", *span, a.start, b.end) if span else None


def _single(a: _Atom, text: str) -> YearMention | None:
    if a.kind == "num":
        year = a.year()
        if year is None or not _clean(text, a.start, a.end):
            return None
        return YearMention("fiscal" if a.m.group("fkw") else "year", year, year, a.start, a.end)
    ym = a.month()
    if not ym or ym[0] is None:
        return None
    fy = fiscal_year(dt.date(ym[0] - _BE, ym[1], 1))
    return YearMention("period", fy, fy, a.start, a.end)


def find_years(text: str) -> list[YearMention]:
    """All year mentions in reading order; offsets refer to normalize(text)."""
    text = normalize(text)
    atoms = _atoms(text)
    found: list[YearMention] = []
    i = 0
    while i < len(atoms):
        a, b = atoms[i], atoms[i + 1] if i + 1 < len(atoms) else None
        joined = b and _SEP.fullmatch(text, a.end, b.start) and _joined(a, b, text)
        mention = joined or _single(a, text)
        if mention:
            found.append(mention)
        i += 2 if joined else 1
    return found








def span_years(spans) -> list[int]:
    """Every fiscal year covered by (first, last) spans, sorted."""
    return sorted({y for first, last in spans for y in range(first, last + 1)})
