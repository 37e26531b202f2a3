"""Data models, all in one place: rules, what the crawler reads, and what it reports."""
from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Status(str, Enum):
    """The one status vocabulary (DESIGN.md), used in code, JSON and HTML."""

    found = "found"
    stale = "stale"
    missing = "missing"
    unverified = "unverified"


class Freshness(str, Enum):
    """Which fiscal year (B.E.) the evidence of an item must show, relative to the rule year Y."""

    current = "current"  # FY Y
    previous = "previous"  # FY Y-1
    current_or_previous = "current_or_previous"  # FY Y or Y-1
    plan_covers = "plan_covers"  # a multi-year plan whose period covers Y (or FY Y itself)
    none = "none"  # the current state; no year needed


# ---------------------------------------------------------------- rules (rules/oit-YYYY.yaml)

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Phrase = str | list[str]
"""A phrase matches when it occurs in the normalised text; a list matches when all its parts do."""


class Match(_Strict):
    """How to recognise an item. Texts are compared after Thai normalisation (crawler.thai)."""

    names: list[Phrase] = Field(min_length=1)  # link text, page titles, headings
    url_words: list[str] = []  # words in a URL path or file name (Latin, lower case)
    keywords: list[Phrase] = []  # body text of a page or document that confirms the item
    exclude: list[Phrase] = []  # a text containing one of these is not this item
    mentions: list[Phrase] = []  # a readable evidence page must mention one (a general channel is not it)


class ItemRule(_Strict):
    code: str = Field(pattern=r"^[A-Z]+[0-9]+$")
    name: str = Field(min_length=1)
    topic: str
    indicator: str
    match: Match
    freshness: Freshness
    expect: str = Field(min_length=1)  # what an assessor expects to see: the hint for fixing
    must_work: bool = False  # an online channel (E-Service, complaint form) must answer now
    # the period may show anywhere in the evidence, not only in its title: an ethics code of 2564
    # with this year's activities in its body is current
    years_anywhere: bool = False
    # what the item was in the previous year's pack (two merged: both; omitted: its own code):
    # history and changes compare it across a change of rule year
    previous: list[str] = []

    @property
    def before(self) -> list[str]:
        """Its code(s) in the previous year's pack."""
        return self.previous or [self.code]


class Band(_Strict):
    band: str
    min: float


class Window(_Strict):
    start: dt.date
    end: dt.date


class RuleSet(_Strict):
    year: int = Field(ge=2500, le=2700)  # assessment (fiscal) year, B.E.
    scheme: str
    provisional: bool = False  # not from a published list yet (reports say "เกณฑ์ชั่วคราว")
    answer_window: Window  # when agencies answer ITAS: --as-of is clamped into it
    index_names: list[Phrase] = Field(min_length=1)  # link text / titles of an ITA-OIT index page
    index_url_words: list[str] = []
    exclude: list[Phrase] = []  # other schemes (MOIT, vocational O1-O37...) on any text
    # what agencies write before an item's number on their index ("O13", "OIT 13", "ข้อ 13"): in
    # a list of this year the number is the item's code; other years number differently
    item_labels: list[str] = []
    generic_links: list[str] = []  # link texts that say nothing ("คลิก"): the row around tells
    placeholders: list[Phrase] = []  # a short page saying this is not there yet is not evidence
    bands: list[Band] = Field(min_length=1)
    items: list[ItemRule] = Field(min_length=1)

    @field_validator("items")
    @classmethod
    def _unique_codes(cls, items: list[ItemRule]) -> list[ItemRule]:
        seen: set[str] = set()
        for item in items:
            if item.code in seen:
                raise ValueError(f"duplicate item code {item.code}")
            seen.add(item.code)
        return items

    @field_validator("bands")
    @classmethod
    def _bands_descending(cls, bands: list[Band]) -> list[Band]:
        if [b.min for b in bands] != sorted((b.min for b in bands), reverse=True):
            raise ValueError("bands must be listed from the highest minimum to the lowest")
        return bands

    def item(self, code: str) -> ItemRule:
        return next(i for i in self.items if i.code == code)


# ---------------------------------------------------------------- what the crawler reads


class Link(BaseModel):
    url: str  # absolute, fragment removed
    text: str  # normalised anchor text (or image alt/title/file name for image links)
    context: str = ""  # normalised text of the row, list item or block around the link
    section: str = ""  # normalised nearest heading / tab label above the link
    chrome: bool = False  # in the site's menus, header or footer, not the page's own content
    image: bool = False  # the link shows only an image


class Page(BaseModel):
    """One fetched URL, reduced to what classification needs. Produced by crawler.extract."""

    url: str  # URL as requested (what a link points to)
    depth: int = 0
    via: str = ""  # normalised section and text of the link that led here (index context)
    kind: str  # html | pdf | xlsx | image | other
    http_status: int | None = None
    error: str = ""  # failure class when the fetch failed: dns, connect, tls, timeout, http, blocked...
    title: str = ""
    headings: list[str] = []
    text: str = ""  # normalised body text (capped)
    links: list[Link] = []
    scanned: bool = False  # a PDF without a text layer
    ocr: bool = False  # its text was read from the images of a scanned PDF (--ocr)
    form: bool = False  # an HTML page holding a form to fill in (a complaint form, an e-service)


# ---------------------------------------------------------------- what classification learns

YearSpan = tuple[int, int]
"""Fiscal years (B.E.) shown by a text: (first, last); first == last for one year."""


class Candidate(BaseModel):
    """Something on a page that points at an item: a link (its target is the evidence) or the page."""

    code: str
    url: str  # the evidence URL an agency would paste into ITAS
    text: str  # what the agency called it
    how: str  # code | link | context | section | page | url
    specificity: int  # length of the rule phrase that matched: the most specific item wins
    years: list[YearSpan] = []  # years shown next to the link (its text and row)
    page_years: list[YearSpan] = []  # years the (non-index) page it is on states: for a document that states none
    filed: list[int] = []  # years of the ITA/OIT index it is filed under
    listed: bool = False  # the agency listed it on an ITA/OIT index (under this item)
    menu: bool = False  # a link of the site's menu (on the home page too), not of this page's content


class Reading(BaseModel):
    """What classification learned from one fetched URL, kept per site until it is evaluated."""

    url: str
    kind: str
    error: str = ""
    http_status: int | None = None
    scanned: bool = False
    ocr: bool = False
    head_years: list[YearSpan] = []  # in the title / first lines
    body_years: list[YearSpan] = []  # anywhere in the main text
    name_years: list[YearSpan] = []  # in the file name (all a scanned document tells)
    index: bool = False  # an ITA/OIT index page
    placeholder: bool = False  # a page that says its content is not there yet
    form: bool = False  # holds a form to fill in: it is an online channel itself
    mentions: list[str] = []  # items whose `match.mentions` this page satisfies
    candidates: list[Candidate] = []


# ---------------------------------------------------------------- results


class Evidence(BaseModel):
    url: str
    text: str = ""
    years: list[int] = []  # fiscal years (B.E.) the evidence shows


class ItemResult(BaseModel):
    code: str
    name: str
    status: Status
    evidence: list[Evidence] = []
    reason: str  # short Thai explanation
    years_seen: list[int] = []
    years_needed: list[int] = []
    hint: str = ""  # what an assessor expects (from the rules)
    previous: list[str] = []  # its code(s) in the previous year's rules, when they differ


class SiteInfo(BaseModel):
    id: str = ""  # the agency (site) id the crawl knew it by
    url: str
    status: str  # ok | partial | unreachable
    pages_fetched: int
    pages_rendered: int = 0  # of those, pages read through the browser (built by JavaScript)
    error: str = ""  # failure class when unreachable; why a page was not rendered when partial


class RulesInfo(BaseModel):
    year: int
    items: int
    provisional: bool = False


class Failure(BaseModel):
    """A URL of the site that could not be read, and why (failure class)."""

    url: str
    error: str
    http_status: int | None = None


class CheckResult(BaseModel):
    """The contract JSON of `oit check` (DESIGN.md); extra fields are additive."""

    site: SiteInfo
    rules: RulesInfo
    as_of: dt.date
    score: float
    band: str
    items: list[ItemResult]
    failures: list[Failure] = []


# ---------------------------------------------------------------- labelled farms (truth.json)


class TruthItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Status
    urls: list[str] = []


class TruthSite(BaseModel):
    name: str = ""
    items: dict[str, TruthItem]


class FarmTruth(BaseModel):
    as_of: dt.date
    rules: str
    sites: dict[str, TruthSite]


# ---------------------------------------------------------------- many agencies, many runs


class Agency(BaseModel):
    """One row of the agency list (CSV or XLSX: name,url,province,district,type + extra columns)."""

    id: str  # stable key across runs: the site address without scheme and "www."
    name: str
    url: str
    province: str = ""
    district: str = ""
    type: str = ""
    extra: dict[str, str] = {}


class Run(BaseModel):
    id: int
    started: dt.datetime
    finished: dt.datetime | None = None
    status: str  # running | complete (only complete runs are reported)
    rules_year: int
    as_of: dt.date
    agencies: int  # agencies in the list of this run


class AgencyResult(BaseModel):
    agency: Agency
    result: CheckResult


class HistoryPoint(BaseModel):
    """One agency in one past run: for the history on its page."""

    run_id: int
    date: dt.date  # when the run started
    score: float
    site_status: str
    items: dict[str, Status]


class ItemChange(BaseModel):
    agency_id: str
    agency_name: str
    code: str
    before: Status | None  # None: the agency or item was not in the previous run
    after: Status
    reason: str = ""


class Changes(BaseModel):
    """What changed since the previous complete run."""

    previous_run: int | None = None
    previous_year: int | None = None  # its rule year, when not this run's
    was: dict[str, list[str]] = {}  # then: each renumbered item's code(s) in previous_year ("2568: O12")
    comparable: bool = True  # False: no rule packs link the two years' items, nothing is compared
    new_gaps: list[ItemChange] = []  # found before, missing or stale now
    unverifiable: list[ItemChange] = []  # found before, could not be checked now (not a gap)
    fixed: list[ItemChange] = []  # not found before, found now
    unreachable: list[str] = []  # agency ids whose site became unreachable
    recovered: list[str] = []  # agency ids reachable again
    added: list[str] = []  # agency ids new in the list
    removed: list[str] = []  # agency ids no longer in the list


class TrendPoint(BaseModel):
    run_id: int
    date: dt.date
    agencies: int
    mean_score: float
    below_target: int  # agencies scoring under 85
    unreachable: int
    counts: dict[Status, int]  # items per status over all agencies


class RunReport(BaseModel):
    """Everything the reporters need about one run, computed once (crawler.results)."""

    run: Run
    items: list[tuple[str, str]]  # (code, Thai name) of the rule year, in order
    target: float = 85.0
    agencies: list[AgencyResult]
    history: dict[str, list[HistoryPoint]]  # agency id -> runs oldest first (this run included)
    changes: Changes
    trend: list[TrendPoint]  # complete runs oldest first, this one last
    provisional: bool = False  # judged by a provisional rule pack ("เกณฑ์ชั่วคราว")
