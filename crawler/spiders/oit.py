"""The focused OIT spider: one or many agency sites, each crawled best-first until every item is
answered or the site's page/depth/time budget is spent. Yields one `CheckResult` per site.

    scrapy crawl oit -a url=https://www.example.go.th/ -O result.jsonl
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider

from .. import classify, extract, rules as rules_mod
from ..errors import failure_class
from ..evaluate import as_of_for, evaluate, same_site
from ..models import CheckResult, Page, Reading, RuleSet, Status

_EVAL_EVERY = 8  # pages between checks of "is every item answered?"


def site_id(url: str) -> str:
    parsed = urlparse(url)
    return (parsed.hostname or url).removeprefix("www.") + (f":{parsed.port}" if parsed.port else "")


@dataclass
class SiteState:
    id: str
    home: str
    started: float = field(default_factory=time.monotonic)
    seen: set[str] = field(default_factory=set)
    readings: dict[str, Reading] = field(default_factory=dict)
    nav: frozenset[str] = frozenset()
    pending: int = 0
    fetched: int = 0
    error: str = ""  # the home page could not be fetched
    done: bool = False  # every item answered or budget spent: queued requests are dropped
    cut: bool = False  # the budget ran out before the queue did
    finished: bool = False


class OitSpider(scrapy.Spider):
    name = "oit"

    def __init__(self, url: str | None = None, sites: list[tuple[str, str]] | None = None,
                 rules: RuleSet | str | None = None, as_of: dt.date | str | None = None, **kwargs):
        super().__init__(**kwargs)
        if not sites and not url:
            raise ValueError("give a site: -a url=https://...")
        self.targets = sites or [(site_id(url), url)]
        self.ruleset = rules if isinstance(rules, RuleSet) else rules_mod.load(rules)
        self.as_of = as_of_for(self.ruleset, as_of)
        self.matcher = classify.Matcher(self.ruleset)
        self.sites: dict[str, SiteState] = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        s = crawler.settings
        spider.max_pages = s.getint("OIT_MAX_PAGES")
        spider.max_depth = s.getint("OIT_MAX_DEPTH")
        spider.site_seconds = s.getfloat("OIT_SITE_SECONDS")
        return spider

    async def start(self):
        for sid, url in self.targets:
            st = self.sites[sid] = SiteState(id=sid, home=url)
            yield self._request(st, url, depth=0, priority=classify.P_INDEX + 100)

    def _request(self, st: SiteState, url: str, depth: int, priority: int, via: str = ""):
        st.seen.add(url)
        st.pending += 1
        return scrapy.Request(url, callback=self.parse, errback=self.failed, priority=priority,
                              dont_filter=True,  # the site state dedupes; the filter would lose count
                              meta={"site": st.id, "url": url, "depth": depth, "via": via,
                                    "download_slot": st.id})

    def allowed(self, request) -> bool:
        """False when the request's site is done or out of time (asked by SiteBudgetMiddleware)."""
        st = self.sites.get(request.meta.get("site"))
        if st is None or request.meta.get("depth", 0) == 0:
            return True
        if time.monotonic() - st.started > self.site_seconds:
            st.done = st.cut = True
        return not st.done

    # ------------------------------------------------------------ callbacks

    def parse(self, response):
        meta = response.meta
        st = self.sites[meta["site"]]
        st.pending -= 1
        st.fetched += 1
        page = Page(site=st.id, url=meta["url"], final_url=response.url, depth=meta["depth"],
                    via=meta["via"], http_status=response.status,
                    **extract.read(response.url, response.headers.get("Content-Type", b"").decode("latin-1"),
                                   response.body))
        if response.status >= 400:
            page.error = f"http-{response.status}"
        elif page.depth and response.url != page.url and _is_home(response.url, st):
            page.error = "soft404"  # a CMS that sends missing pages to the home page
        if page.depth == 0:
            if page.error:
                st.error = page.error
            else:
                st.nav = frozenset(link.url for link in page.links)
                st.seen.add(response.url)
        reading = classify.read(page, self.matcher, st.nav if page.depth else frozenset())
        st.readings[page.url] = reading
        if not page.error:
            yield from self._follow(st, page, reading)
        if st.fetched % _EVAL_EVERY == 0 and self._all_found(st):
            st.done = True
        yield from self._finish_if_idle(st)

    def failed(self, failure):
        request = failure.request
        st = self.sites[request.meta["site"]]
        st.pending -= 1
        error = failure_class(failure)
        if error != "skipped":
            url = request.meta["url"]
            page = Page(site=st.id, url=url, final_url=request.url, depth=request.meta["depth"],
                        kind=extract.url_kind(url), error=error,
                        http_status=getattr(getattr(failure.value, "response", None), "status", None))
            st.readings[url] = classify.read(page, self.matcher)
            if page.depth == 0:
                st.error = error
        yield from self._finish_if_idle(st)

    def _follow(self, st: SiteState, page: Page, reading: Reading):
        if st.done or page.depth >= self.max_depth:
            return
        hosts = (st.home, page.final_url)
        for link in page.links:
            if link.url in st.seen or not any(same_site(link.url, h) for h in hosts):
                continue
            if len(st.seen) >= self.max_pages:
                st.cut = True
                return
            decision = classify.follow(page, reading, link, self.matcher, st.nav)
            if decision:
                priority, via = decision
                yield self._request(st, link.url, page.depth + 1, priority, via)

    def _all_found(self, st: SiteState) -> bool:
        result = evaluate(self.ruleset, st.home, st.readings, self.as_of)
        return all(item.status is Status.found for item in result.items)

    def _finish_if_idle(self, st: SiteState):
        if st.pending <= 0 and not st.finished:
            yield self._result(st)

    def _result(self, st: SiteState) -> CheckResult:
        st.finished = True
        result = evaluate(self.ruleset, st.home, st.readings, self.as_of, site_error=st.error,
                          partial=st.cut and not self._all_found(st))
        st.readings = {}  # results are computed once; keep memory flat over thousands of sites
        return result

    # ------------------------------------------------------------ safety net

    def _idle(self):
        """Sites whose requests vanished without a callback (should not happen) still report."""
        left = [st for st in self.sites.values() if not st.finished]
        if left:
            for st in left:
                st.pending = 0
                self.crawler.engine.crawl(scrapy.Request("data:,", callback=self._flush, dont_filter=True,
                                                         meta={"site": st.id}))
            raise DontCloseSpider

    def _flush(self, response):
        st = self.sites[response.meta["site"]]
        if not st.finished:
            yield self._result(st)


def _is_home(url: str, st: SiteState) -> bool:
    path = urlparse(url).path.rstrip("/")
    return same_site(url, st.home) and path in ("", "/index.php", "/index.html", "/index.htm",
                                                urlparse(st.home).path.rstrip("/"))
