"""The focused OIT spider: one or many agency sites, each crawled best-first until every item is
answered or the site's page/depth/time budget is spent. Yields one `CheckResult` per site.

    scrapy crawl oit -a url=https://www.example.go.th/ -O result.jsonl

Pages that JavaScript builds (app shells, hash routes, ITA lists that appear on a click) are
read a second time through Chromium (see `render`); the rest never touch the browser.

Each site keeps its own frontier (a priority heap) and hands Scrapy only as many requests as it
may have in flight: requests already given to the downloader are served first-in first-out, so
a frontier held back in the spider is what keeps "index pages and item links first" true.
"""
from __future__ import annotations

import datetime as dt
import heapq
import itertools
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_to_future
from twisted.internet.threads import deferToThread
from scrapy_playwright.page import PageMethod

from .. import classify, extract, render, rules as rules_mod
from ..errors import failure_class, retryable
from ..evaluate import as_of_for, evaluate
from ..models import CheckResult, Page, Reading, RuleSet, Status
from ..urls import hash_route, same_site, site_id, url_kind

_EVAL_EVERY = 4  # pages between checks of "is every item answered?"
_RECYCLE = 100  # pages rendered in one browser context before it is closed (Chromium grows)
_order = itertools.count()  # ties in the frontier: first seen, first fetched


@dataclass
class SiteState:
    id: str
    home: str
    hosts: tuple[str, ...] = ()  # the home address and where it redirected: what counts as in-site
    home_final: str = ""  # where the home page really is (a redirect back there is a soft 404)
    started: float = 0.0  # when the home page answered: the time budget runs from there
    seen: set[str] = field(default_factory=set)
    frontier: list[tuple[int, int, str, int, str, bool]] = field(default_factory=list)  # -priority, order, url, depth, via, render
    inflight: int = 0
    requested: int = 0
    last: str = ""  # the last URL read, for the progress display
    variants: dict[str, int] = field(default_factory=dict)  # query strings seen per path
    retry: list[tuple[str, int, str]] = field(default_factory=list)  # failed, may pass later
    retried: bool = False  # its failed pages had their second pass
    revisited: bool = False  # the site was down and was tried again at the end of the run
    readings: dict[str, Reading] = field(default_factory=dict)
    nav: frozenset[str] = frozenset()
    error: str = ""  # the home page could not be fetched
    done: bool = False  # every item answered: fetch nothing more
    cut: bool = False  # a page, depth or time budget stopped the crawl before the frontier ran out
    rendered: int = 0  # pages read through the browser
    unrendered: str = ""  # why a page that needed the browser was read without it
    static: dict[str, Reading] = field(default_factory=dict)  # pages waiting for the browser, as bytes read
    finished: bool = False


class OitSpider(scrapy.Spider):
    name = "oit"

    def __init__(self, url: str | None = None, sites: list[tuple[str, str]] | None = None,
                 rules: RuleSet | str | None = None, as_of: dt.date | str | None = None,
                 no_robots: list[str] = (), **kwargs):
        super().__init__(**kwargs)
        if not sites and not url:
            raise ValueError("give a site: -a url=https://...")
        self.targets = sites or [(site_id(url), url)]
        ids = [sid for sid, _ in self.targets]
        if len(set(ids)) != len(ids):
            raise ValueError("the same site id twice in one crawl")
        self.ruleset = rules if isinstance(rules, RuleSet) else rules_mod.load(rules)
        self.as_of = as_of_for(self.ruleset, as_of)
        self.matcher = classify.Matcher(self.ruleset)
        self.sites: dict[str, SiteState] = {}
        self.no_robots = set(no_robots)
        self.waiting: list[SiteState] = []  # down sites, tried again at the end of the run
        self.renders = 0  # render requests so far: which browser context a page goes to
        self.open_pages: dict[str, int] = {}  # browser context -> pages open in it
        self.warned = False

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        render.configure(settings)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        s = crawler.settings
        spider.max_pages = s.getint("OIT_MAX_PAGES")
        spider.max_depth = s.getint("OIT_MAX_DEPTH")
        spider.site_seconds = s.getfloat("OIT_SITE_SECONDS")
        spider.max_variants = s.getint("OIT_MAX_QUERY_VARIANTS")
        spider.inflight = max(1, s.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        browser = s.get("PLAYWRIGHT_ABORT_REQUEST")
        spider.browser = browser if isinstance(browser, render.Browser) else None
        spider.agent = s.get("USER_AGENT")
        spider.ocr = s.getbool("OIT_OCR")
        return spider

    async def start(self):
        for sid, url in self.targets:
            st = self.sites[sid] = SiteState(id=sid, home=url, hosts=(url,))
            self._push(st, url, 0, classify.P_INDEX)
            for request in self._release(st):
                yield request

    # ------------------------------------------------------------ frontier

    def _push(self, st: SiteState, url: str, depth: int, priority: int, via: str = "",
              rendered: bool = False) -> None:
        st.seen.add(url)
        rendered = (rendered or hash_route(url)) and self.browser is not None
        heapq.heappush(st.frontier, (-priority, next(_order), url, depth, via, rendered))

    def _release(self, st: SiteState):
        """Hand Scrapy the best requests of a site, as many as may be in flight."""
        while st.inflight < self.inflight and st.frontier and not st.done:
            if st.requested >= self.max_pages or st.started and time.monotonic() - st.started > self.site_seconds:
                st.cut = True
                return
            _, _, url, depth, via, rendered = heapq.heappop(st.frontier)
            st.inflight += 1
            st.requested += 1
            meta = {"site": st.id, "url": url, "oit_depth": depth, "via": via, "download_slot": st.id,
                    "dont_obey_robotstxt": st.id in self.no_robots}
            if rendered:
                yield self._render_request(url, meta)
            else:
                yield scrapy.Request(url, callback=self.parse_ocr if self.ocr else self.parse,
                                     errback=self.failed, dont_filter=True, meta=meta)

    def _render_request(self, url: str, meta: dict) -> scrapy.Request:
        """The page again, through Chromium. Contexts are used for `_RECYCLE` pages, then closed."""
        context = f"render-{self.renders // _RECYCLE}"
        self.renders += 1
        self.open_pages[context] = self.open_pages.get(context, 0) + 1
        return scrapy.Request(url, callback=self.parse_rendered, errback=self.render_failed, dont_filter=True,
                              meta={**meta, "playwright": True, "playwright_include_page": True,
                                    "playwright_context": context,
                                    "playwright_context_kwargs": {"user_agent": self.agent,
                                                                  "ignore_https_errors": True,
                                                                  "service_workers": "block"},
                                    "playwright_page_init_callback": self.browser.prepare,
                                    "playwright_page_methods": [PageMethod(render.expand)]})

    async def _close_page(self, meta: dict) -> None:
        page, context = meta.get("playwright_page"), meta["playwright_context"]
        self.open_pages[context] -= 1
        if page is None:
            return
        await page.close()
        if not self.open_pages[context] and context != f"render-{self.renders // _RECYCLE}":
            del self.open_pages[context]
            await page.context.close()

    def _after(self, st: SiteState):
        """After each response of a site: more requests, a second pass over what failed for a
        reason that may pass (timeouts, refused connections, 5xx), or the site's result."""
        if not st.done and len(st.readings) % _EVAL_EVERY == 0 and self._all_found(st):
            st.done = True
        yield from self._release(st)
        if st.inflight or st.finished:
            return
        if st.retry and st.error and not st.revisited:  # the whole site was down: try at the end
            self.waiting.append(st)
        elif st.retry and not st.retried and not st.error:
            st.retried = True
            yield from self._requeue(st)
            if not st.inflight:  # the budget was spent: nothing to retry with
                yield self._result(st)
        else:
            yield self._result(st)

    def _requeue(self, st: SiteState):
        """Push the failed pages again, with a fresh budget of their own."""
        st.done = st.cut = False
        st.requested, st.started = 0, time.monotonic() if st.started else 0.0
        for url, depth, via in st.retry:
            self._push(st, url, depth, classify.P_OTHER if depth else classify.P_INDEX, via)
        st.retry = []
        yield from self._release(st)

    # ------------------------------------------------------------ callbacks

    async def parse_rendered(self, response):
        await self._close_page(response.meta)
        self.sites[response.meta["site"]].rendered += 1
        for out in self.parse(response):
            yield out

    async def render_failed(self, failure):
        """The browser could not show the page: what the bytes said stands (when they were read)."""
        meta = failure.request.meta
        await self._close_page(meta)
        st = self.sites[meta["site"]]
        st.inflight -= 1
        st.unrendered = st.unrendered or f"render-{failure_class(failure)}"
        self.logger.warning("cannot render %s: %s", meta["url"], failure.value)
        st.readings[meta["url"]] = st.static.pop(meta["url"], None) or Reading(
            url=meta["url"], kind="html", error=st.unrendered)
        for out in self._after(st):
            yield out

    async def parse_ocr(self, response):
        """With --ocr: documents are read in a thread (Tesseract takes seconds a page)."""
        try:
            fields = await deferred_to_future(deferToThread(self._fields, response))
        except Exception:  # reported by parse, as for any page that cannot be read
            fields = None
        for out in self.parse(response, fields):
            yield out

    def _fields(self, response) -> dict:
        return extract.read(response.url, response.headers.get("Content-Type", b"").decode("latin-1"),
                            response.body, ocr=self.ocr)

    def parse(self, response, fields: dict | None = None):
        meta = response.meta
        st = self.sites[meta["site"]]
        st.inflight -= 1
        try:
            self._read(st, response, fields or self._fields(response))
        except Exception as exc:  # one odd page never stops the site: it is a failure of its own
            self.logger.exception("cannot read %s", response.url)
            st.readings[meta["url"]] = Reading(url=meta["url"], kind=url_kind(meta["url"]),
                                               error=f"parse-error {type(exc).__name__}")
        yield from self._after(st)

    def _read(self, st: SiteState, response, fields: dict) -> None:
        meta = response.meta
        page = Page(url=meta["url"], depth=meta["oit_depth"], via=meta["via"], http_status=response.status,
                    **fields)
        redirected = bool(meta.get("redirect_urls"))
        if response.status >= 400:
            page.error = f"http-{response.status}"
        elif page.depth and redirected and _same_page(response.url, st.home_final):
            page.error = "soft404"  # a CMS that sends missing pages to the home page
        self._maybe_retry(st, page)
        if page.depth == 0:
            st.started = time.monotonic()
            if page.error:
                st.error = page.error
            else:
                st.home_final = response.url
                st.hosts = (st.home, response.url)
                st.nav = frozenset(link.url for link in page.links)
        st.seen.add(response.url)
        st.last = page.url
        reading = classify.read(page, self.matcher, st.nav if page.depth else frozenset())
        if not meta.get("playwright") and self._needs_browser(st, page, reading, response.body):
            st.static[page.url] = reading  # stands if the browser fails
            self._push(st, page.url, page.depth, classify.P_INDEX + 100, page.via, rendered=True)
            return
        st.static.pop(page.url, None)
        st.readings[page.url] = reading
        if not page.error:
            self._follow(st, page, reading)

    def _needs_browser(self, st: SiteState, page: Page, reading: Reading, body: bytes) -> bool:
        important = reading.index or any(c.url == page.url for c in reading.candidates)
        if not render.needs_browser(page, body, important):
            return False
        if not self.browser:
            self._unrendered(st)
        return bool(self.browser)

    def _unrendered(self, st: SiteState) -> None:
        st.unrendered = "no-browser"
        if not self.warned:
            self.warned = True
            self.logger.warning("no Chromium: pages built by JavaScript are read as bytes only "
                                "(install Debian's chromium or set OIT_BROWSER)")

    def failed(self, failure):
        request = failure.request
        st = self.sites[request.meta["site"]]
        st.inflight -= 1
        url = request.meta["url"]
        error = failure_class(failure)
        page = Page(url=url, depth=request.meta["oit_depth"],
                    kind=url_kind(url), error=error,
                    http_status=getattr(getattr(failure.value, "response", None), "status", None))
        st.readings[url] = classify.read(page, self.matcher)
        if page.depth == 0:
            st.started = time.monotonic()
            st.error = error
        self._maybe_retry(st, page)
        yield from self._after(st)

    def _maybe_retry(self, st: SiteState, page: Page) -> None:
        if not st.retried and retryable(page.error) and \
                (page.depth == 0 or not st.error):
            st.retry.append((page.url, page.depth, page.via))

    def _follow(self, st: SiteState, page: Page, reading: Reading) -> None:
        for link in page.links:
            if link.url in st.seen or not same_site(link.url, st.hosts):
                continue
            if not self.browser and hash_route(link.url):
                self._unrendered(st)
                continue
            decision = classify.follow(page, reading, link, self.matcher, st.nav)
            # index and item links always go; the rest is where calendars and searches trap a crawl
            if decision and (decision[0] >= classify.P_INDEX_CHILD or not self._trap(st, link.url)):
                if page.depth >= self.max_depth:  # a page it would have fetched lies beyond the limit
                    st.cut = True
                    return
                self._push(st, link.url, page.depth + 1, *decision)

    def _trap(self, st: SiteState, url: str) -> bool:
        """Calendars and searches: one path with endless query strings. Past a few variants of a
        path and parameter names the rest are not fetched; the cut is reported once ("trap")."""
        parsed = urlparse(url)
        if not parsed.query:
            return False
        names = sorted({part.split("=", 1)[0] for part in parsed.query.split("&")})
        path = parsed._replace(query="&".join(names), fragment="").geturl()
        st.variants[path] = count = st.variants.get(path, 0) + 1
        if count == self.max_variants + 1:
            st.readings[path] = Reading(url=path, kind="html", error="trap")
        return count > self.max_variants

    def _all_found(self, st: SiteState) -> bool:
        result = evaluate(self.ruleset, st.home, st.readings, self.as_of, hosts=st.hosts)
        return all(item.status is Status.found for item in result.items)

    def _result(self, st: SiteState) -> CheckResult:
        st.finished = True
        for url, reading in st.static.items():  # the budget ran out before the browser got to them
            st.readings.setdefault(url, reading)
        # cut by a budget with pages left, or a home page that links nowhere (built by JavaScript)
        partial = (st.cut or st.inflight > 0 or len(st.readings) == 1 and not st.error) \
            and not self._all_found(st)
        result = evaluate(self.ruleset, st.home, st.readings, self.as_of, site_error=st.error,
                          partial=partial, site_id=st.id, hosts=st.hosts, rendered=st.rendered,
                          unrendered=st.unrendered)
        st.readings, st.frontier, st.seen, st.variants, st.static = {}, [], set(), {}, {}  # computed once; memory stays flat
        return result

    # ------------------------------------------------------------ safety net

    def _idle(self):
        """The end of the run: sites that were down get their second pass; a site whose last
        request vanished without a callback (should not happen) still reports."""
        if self.waiting:
            for st in self.waiting:
                st.error, st.readings, st.seen, st.revisited, st.started = "", {}, set(), True, 0.0
                for request in self._requeue(st):
                    self.crawler.engine.crawl(request)
            self.waiting = []
            raise DontCloseSpider
        left = [st for st in self.sites.values() if not st.finished and not st.inflight]
        if left:
            for st in left:
                self.crawler.engine.crawl(scrapy.Request("data:,", callback=self._flush, dont_filter=True,
                                                         meta={"site": st.id}))
            raise DontCloseSpider

    def _flush(self, response):
        st = self.sites[response.meta["site"]]
        if not st.finished:
            st.cut = True
            yield self._result(st)


def _same_page(url: str, home: str) -> bool:
    """Did a redirect land on the home page (the soft 404 of many CMSs)?"""
    return bool(home) and same_site(url, (home,)) and site_id(url) == site_id(home) and \
        urlparse(url).query == urlparse(home).query
