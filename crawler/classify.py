"""Match pages and links against the rules: which item a link or page is about, which years it
shows, which ITA/OIT index it is filed under, and which links are worth fetching first."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlparse

from .dates import find_years, span_years
from .extract import file_words
from .models import Candidate, Link, Page, Reading, RuleSet, YearSpan
from .thai import compact, normalize, phrase_len
from .urls import url_kind

# crawl priorities (higher first): index pages, then item links, then the rest by depth
P_INDEX, P_ITEM, P_INDEX_CHILD, P_OTHER = 300, 200, 150, 100
DOCUMENTS = {"pdf", "xlsx", "xls", "doc", "docx"}
_LETTERS = re.compile("[a-z\u0e01-\u0e2e]")  # Latin letters and Thai consonants
_PLACEHOLDER_MAX = 800  # characters, site header and footer included: evidence says more
_LATIN = re.compile(r"[a-z0-9 .&\-]+")
# Link texts, rows, sections and menus repeat on every page of a site: a short text is matched
# once and remembered (a few thousand texts cover the sites crawled side by side). Page texts
# are read once each and are not kept.
_CACHE = 4096
_SHORT = 500  # characters: longer texts are page bodies


def spans(text: str, m: "Matcher | None" = None) -> list[YearSpan]:
    """Fiscal years a text shows. An explicit fiscal year or plan period ("ปีงบประมาณ 2567",
    "2566-2570") says what the document is for; dates beside it only say when it was posted.
    With a matcher, "ITA 2568" is left out: that is the assessment a page is filed under, not
    the year of the document."""
    if len(text) > _SHORT:
        return _spans(text, m)
    return list(_short_spans(text, m))


@lru_cache(maxsize=_CACHE)
def _short_spans(text: str, m: "Matcher | None") -> tuple[YearSpan, ...]:
    return tuple(_spans(text, m))


def _remembered(method):
    """`method(text)`, computed once per short text."""
    cached = lru_cache(maxsize=_CACHE)(method)
    return lambda text: cached(text) if len(text) <= _SHORT else method(text)


def _spans(text: str, m: "Matcher | None") -> list[YearSpan]:
    mentions = find_years(text) if text else []
    if m is not None and mentions:
        n = normalize(text)
        mentions = [y for y in mentions if not m.index(n[y.start:y.end])]
    explicit = [y for y in mentions if y.kind in ("fiscal", "range")]
    return [(y.first, y.last) for y in explicit or mentions]


def _url_words(url: str) -> str:
    return unquote(urlparse(url).path).lower()


def _word(word: str) -> re.Pattern:
    """A URL word as a whole word of a path ("ita" not inside "hospital")."""
    return re.compile(rf"(?<![a-z]){re.escape(word.lower())}(?![a-z])")


def _forms(text: str) -> tuple[str, str]:
    """(normalised, compact) forms of a text: Latin words are matched in the first, Thai in the second."""
    n = normalize(text)
    return n, n.replace(" ", "")


Compiled = tuple[tuple[re.Pattern | None, str], ...]


def _compile(phrase) -> Compiled:
    """A rule phrase ready to match: Latin parts as whole-word patterns ("ita" must not match
    "hospital"), Thai parts as compact substrings (PDF text has stray spaces inside words)."""
    parts = []
    for part in [phrase] if isinstance(phrase, str) else phrase:
        n = normalize(part)
        if _LATIN.fullmatch(n) and re.search("[a-z]", n):
            parts.append((re.compile(rf"(?<![a-z]){re.escape(n)}(?![a-z])"), ""))
        else:
            parts.append((None, compact(part)))
    return tuple(p for p in parts if p[0] or p[1])


def _hit(norm: str, comp: str, phrase: Compiled) -> bool:
    return bool(phrase) and all(p.search(norm) if p else s in comp for p, s in phrase)


def _key(phrase: Compiled) -> str:
    return next((s[:2] for p, s in phrase if s), "")


def _any(norm: str, comp: str, phrases: list[Compiled]) -> bool:
    return any(_hit(norm, comp, p) for p in phrases)


class Matcher:
    """The rule file compiled for matching: longest (most specific) phrase wins."""

    def __init__(self, rules: RuleSet):
        self.rules = rules
        names = [(item.code, _compile(p), phrase_len(p)) for item in rules.items for p in item.match.names]
        # most specific first; each with the first two letters of a Thai part, a cheap pre-check
        self._names = [(code, phrase, length, _key(phrase))
                       for code, phrase, length in sorted(names, key=lambda n: -n[2])]
        self._item_exclude = {item.code: [_compile(p) for p in item.match.exclude] for item in rules.items}
        self._exclude = [_compile(p) for p in rules.exclude]
        self._index = [_compile(p) for p in rules.index_names]
        self._placeholders = [_compile(p) for p in rules.placeholders]
        self._keywords = [(item.code, [_compile(p) for p in item.match.keywords]) for item in rules.items]
        self._generic = sorted((compact(p) for p in rules.generic_links), key=len, reverse=True)
        self._mentions = [(item.code, [_compile(p) for p in item.match.mentions])
                          for item in rules.items if item.match.mentions]
        self._url_words = [(item.code, _word(w)) for item in rules.items for w in item.match.url_words]
        self._index_url_words = [_word(w) for w in rules.index_url_words]
        self._numbers = {int(n[0]): item.code for item in rules.items if (n := re.search(r"\d+$", item.code))}
        labels = "|".join(sorted(map(re.escape, map(normalize, rules.item_labels)), key=len, reverse=True))
        # "O13", "OIT 13", "O.13", "ข้อ 13": a word of its own, then one or two digits (not "9.1")
        self._label = re.compile(rf"(?<![a-z0-9\u0e01-\u0e4f])(?:{labels})\s*[.:-]?\s*(\d{{1,2}})(?![0-9])(?![.,]\d)") \
            if labels else None
        for name in ("generic", "excluded", "item", "index", "url_item", "label"):  # pure functions of a text
            setattr(self, name, _remembered(getattr(self, name)))

    def generic(self, text: str) -> bool:
        """A link text that says nothing about its target ("คลิก", "O16", "ต.ค. 67", "")."""
        if self.index(text):  # "ITA 2568" says: the index
            return False
        n = normalize(text)
        for m in reversed(find_years(n)):  # dates say nothing about what a document is
            n = n[:m.start] + n[m.end:]
        c = n.replace(" ", "")
        for phrase in self._generic:
            c = c.replace(phrase, "")
        return len(_LETTERS.findall(c)) <= 2

    def placeholder(self, text: str) -> bool:
        n, c = _forms(text)
        return len(n) < _PLACEHOLDER_MAX and _any(n, c, self._placeholders)

    def mentions(self, text: str) -> list[str]:
        """Items whose `match.mentions` the text satisfies."""
        n, c = _forms(text)
        return [code for code, phrases in self._mentions if _any(n, c, phrases)]

    def excluded(self, text: str) -> bool:
        n, c = _forms(text)
        return _any(n, c, self._exclude)

    def item(self, text: str) -> tuple[str, int] | None:
        """(code, specificity) of the item a short text (link, row, title) names, if any."""
        if not text:
            return None
        n, c = _forms(text)
        if _any(n, c, self._exclude):
            return None
        pairs = {c[i:i + 2] for i in range(len(c) - 1)}
        for code, phrase, length, key in self._names:
            if (not key or key in pairs) and _hit(n, c, phrase) and not _any(n, c, self._item_exclude[code]):
                return code, length
        return None

    def label(self, text: str) -> int | None:
        """The item number an agency labels a text with ("O13", "OIT 13", "O.๑๓", "ข้อ 13"); None
        when it shows none, or several ("O1-O28" labels nothing)."""
        if self._label is None or not text:
            return None
        numbers = set(map(int, self._label.findall(normalize(text))))
        return numbers.pop() if len(numbers) == 1 else None

    def code(self, number: int) -> str | None:
        """The item of this rule year with that number."""
        return self._numbers.get(number)

    def index(self, text: str) -> bool:
        n, c = _forms(text)
        return _any(n, c, self._index) and not _any(n, c, self._exclude)

    def index_url(self, url: str) -> bool:
        path = _url_words(url)
        return any(w.search(path) for w in self._index_url_words)

    def url_item(self, url: str) -> str | None:
        path = _url_words(url)
        return next((code for code, w in self._url_words if w.search(path)), None)

    def keyword_item(self, text: str) -> tuple[str, int] | None:
        """The item whose body keywords occur most often (two at least, no tie) in a document's
        opening text: how a PDF behind a generic "ดาวน์โหลด" link says what it is."""
        n, c = _forms(text)
        counts = sorted(((sum(_hit(n, c, k) for k in kws), code) for code, kws in self._keywords if kws),
                        reverse=True)
        if not counts or counts[0][0] < 2 or (len(counts) > 1 and counts[1][0] == counts[0][0]):
            return None
        return counts[0][1], 1


def _last(section: str) -> str:
    return section.rsplit(" > ", 1)[-1]


def _filed(section: str) -> list[int]:
    """The year of the list a link is filed in: of the outermost label that states one (the pane
    "ITA 2569" above "O7 รายงานผลการดำเนินงาน พ.ศ. 2568", whose year is the document's)."""
    return next((years for part in section.split(" > ") if (years := span_years(spans(part)))), [])


def read(page: Page, m: Matcher, nav: frozenset[str] = frozenset()) -> Reading:
    """Classify one fetched page. `nav` = links of the home page (site-wide menu)."""
    head = " ".join([page.title, *page.headings[:3]])
    reading = Reading(url=page.url, kind=page.kind, error=page.error, http_status=page.http_status,
                      scanned=page.scanned, ocr=page.ocr, form=page.form, head_years=spans(head, m), body_years=spans(page.text, m),
                      name_years=spans(file_words(page.url), m) if page.scanned else [])
    if page.error:
        return reading
    reading.placeholder = m.placeholder(page.text)
    reading.mentions = m.mentions(f"{page.title} {page.text}")
    label = index_label(page, m)
    reading.index = bool(label)
    page_filed = span_years(spans(label))
    page_item = None if reading.index else _page_item(page, m)
    rows: list[_Row] = []
    for link in page.links:
        if m.excluded(link.text):  # a row of another scheme (MOIT 13) still names what it links
            continue
        # on an index page, its list (not its menus); elsewhere, a menu or row labelled as the index
        listed = reading.index and not link.chrome or m.index(link.section) or m.index(link.context)
        filed = _filed(link.section) if listed else []
        if not filed and reading.index and not link.chrome and link.url not in nav:
            filed = page_filed
        number = next(filter(None, map(m.label, (link.text, link.context, _last(link.section)))), None) \
            if listed else None
        rows.append(_Row(link, listed, tuple(filed), _named(link, listed, m), number))
    ours = _numbered(rows, m)
    for row in rows:
        link, cand = row.link, row.named
        code = m.code(row.number) if row.number is not None and row.filed in ours else None
        if code:  # the agency's own filing: in a list of this year, its number is the item
            cand = Candidate(code=code, url=link.url, text=link.text or link.context[:120], how="code",
                             specificity=cand.specificity if cand and cand.code == code else 1,
                             years=cand.years if cand else spans(f"{link.text} {link.context}", m))
        if cand is None and page_item and m.generic(link.text) and (
                url_kind(link.url) in DOCUMENTS or urlparse(link.url).netloc != urlparse(page.url).netloc):
            # "ดูเอกสาร" on the page of O26: its document (menus of the page are other links)
            cand = Candidate(code=page_item, url=link.url, text=link.text, how="section", specificity=1,
                             years=spans(link.text, m))
        if cand is None:
            continue
        cand.filed = list(row.filed)
        cand.menu = link.url in nav
        # the page of one item states the year of what it lists (not of its menus)
        cand.page_years = reading.head_years if page_item == cand.code and not cand.menu else []
        # filed under the item by its number or by the words of its link or row (a heading above
        # a list may name the topic of several items)
        cand.listed = row.listed and cand.how in ("code", "link", "context")
        reading.candidates.append(cand)
    if not reading.index:
        hit = m.item(page.title) or (m.item(page.headings[0]) if page.kind != "html" and page.headings else None)
        if hit is None and page.kind in DOCUMENTS:
            hit = m.keyword_item(page.text[:3000])
        if hit:
            reading.candidates.append(Candidate(code=hit[0], url=page.url, text=page.title[:200],
                                                how="page", specificity=hit[1]))
    return reading


@dataclass
class _Row:
    """A link of a page as classification first sees it."""

    link: Link
    listed: bool  # on an ITA/OIT index (the page, or the section or row the link sits in)
    filed: tuple[int, ...]  # the years of that index
    named: Candidate | None  # the item its text, row or section names
    number: int | None  # the item number the agency labels it with ("O13")


def _numbered(rows: list[_Row], m: Matcher) -> set[tuple[int, ...]]:
    """The lists of a page (by the years they are filed under) whose item numbers are this rule
    year's codes: filed under this year or under none, with no more than a stray number this year
    does not have, and where rows also name an item, mostly the item of their number (an older
    list numbered its 43 items otherwise, and a list of no year may be one)."""
    stats: dict[tuple[int, ...], Counter] = {}
    for row in rows:
        if row.number is not None:
            code, c = m.code(row.number), stats.setdefault(row.filed, Counter())
            c["named"] += bool(code and row.named)
            c["alike"] += bool(row.named and row.named.code == code)
            c["foreign"] += code is None
    return {filed for filed, c in stats.items() if set(filed) <= {m.rules.year} and c["foreign"] < 2
            and (c["named"] < 3 or 2 * c["alike"] >= c["named"])}


def _named(link: Link, listed: bool, m: Matcher) -> Candidate | None:
    """The item a link's text names; on an index, or for a link that says nothing ("คลิก"), its
    row; on an index, its section (the heading above a list). On an index the row is what the
    agency filed the link under: the more specific of the two wins (a link "จัดซื้อจัดจ้าง" in the
    row of the annual procurement report)."""
    how, hit, year_text = "link", m.item(link.text), f"{link.text} {link.context}"
    if link.context and (listed or hit is None and m.generic(link.text)):
        row = m.item(link.context)
        if row and (hit is None or row[1] > hit[1]):
            how, hit = "context", row
    if hit is None and listed and link.section:
        how, hit = "section", m.item(_last(link.section))
        if hit:  # the heading names the item (an index's own label is its filing, not a year shown)
            year_text = f"{year_text} {_last(link.section)}"
    if hit is None:
        code = m.url_item(link.url)
        how, hit = "url", (code, 1) if code else None
    if hit is None:
        return None
    return Candidate(code=hit[0], url=link.url, text=link.text or link.context[:120], how=how,
                     specificity=hit[1], years=spans(year_text, m))


def _page_item(page: Page, m: Matcher, with_title: bool = True) -> str | None:
    """The one item a page is about, when its (title and) first headings name exactly one."""
    named = {hit[0] for hit in map(m.item, [page.title] * with_title + page.headings[:6]) if hit}
    return named.pop() if len(named) == 1 else None


def index_label(page: Page, m: Matcher) -> str:
    """The ITA/OIT index a page belongs to ("ITA 2568"), or "" when it is not an index page."""
    own = " ".join([page.title, *page.headings[:1]])
    if page.kind == "html" and (m.index(page.title) or (page.headings and m.index(page.headings[0]))):
        # "ITA 2568 > ข้อ 7 รายงานผลการดำเนินงานประจำปี" is the page of one item, not an index
        if _page_item(page, m, with_title=False) is None:
            return own
    return page.via


def follow(page: Page, reading: Reading, link: Link, m: Matcher,
           nav: frozenset[str]) -> tuple[int, str] | None:
    """(priority, via) for an in-site link worth fetching, None when it is not worth a request."""
    kind = url_kind(link.url)
    is_candidate = any(c.url == link.url for c in reading.candidates)
    if kind in DOCUMENTS:
        return (P_ITEM, "") if is_candidate else None
    if kind != "html":
        return None
    if m.index(link.text):
        return P_INDEX, " > ".join(filter(None, (link.section, link.text)))
    if is_candidate:
        return P_ITEM + (50 if reading.index else 0), ""
    if m.index_url(link.url):
        return P_INDEX, ""
    label = index_label(page, m)
    # topic pages of an index inherit its year; their own links do not (one level, not a chain)
    if reading.index and link.url not in nav and (label != page.via or m.index(_last(page.via))):
        return P_INDEX_CHILD, " > ".join(filter(None, (label, link.text)))
    return P_OTHER - 10 * page.depth, ""
