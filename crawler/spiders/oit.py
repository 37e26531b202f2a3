"""The focused OIT spider: one or many agency sites, each crawled best-first until every item is
answered or the site's page/depth/time budget is spent. Yields one `CheckResult` per site.

    scrapy crawl oit -a url=https://www.example.go.th/ -O result.jsonl

Pages that JavaScript builds (app shells, hash routes, ITA lists that appear on a click) are
read a second time through Chromium (see `render`); the rest never touch the browser.

Each site keeps its own frontier (a priority heap) and hands Scrapy only as many requests as it
may have in flight: requests already given to the downloader are served first-in first-out, so
a frontier held back in the spider is what keeps "index pages and item links first" true.

A site's crawl ends when every item is found; when only ordinary pages are left and the last
`OIT_PATIENCE` pages brought no index page and found no further item (the site was looked at:
what has no evidence is missing); or when its budget is spent (partial: what has no evidence is
unverified). A bounded number of sites is open at once, the next opening as one finishes:
memory stays flat with the number of sites, and a site's time budget is not spent waiting behind
thousands of others. The bound adapts to latency: it starts at `OIT_OPEN_SITES`, grows (up to
`OIT_MAX_OPEN_SITES`) while the process has CPU to spare, which is when servers are slow and
sites spend their time waiting, and shrinks back when the process is busy or its event loop lags.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import heapq
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from twisted.internet import task
from scrapy_playwright.page import PageMethod

from .. import classify, extract, render, rules as rules_mod
from ..errors import failure_class, retryable
from ..evaluate import as_of_for, evaluate, found_items
from ..models import CheckResult, Page, Reading, RuleSet
from ..urls import hash_route, same_site, site_id, url_kind
from ..workers import DocumentWorkers

_EVAL_EVERY = 8  # pages between checks of "is every item answered?" (evaluate is quadratic in pages)
_RECYCLE = 100  # pages rendered in one browser context before it is closed (Chromium grows)
_order = itertools.count()  # ties in the frontier: first seen, first fetched
_ADAPT_EVERY = 1.0  # seconds between looks at the crawl's load (the open-sites bound)
_SETTLE = 3.0  # seconds after a change of the bound before it grows again (new sites take time to show)
_IDLE, _BUSY, _LAG = 0.6, 0.85, 0.25  # load under which more sites open, over which fewer; loop lag (s)


@dataclass
class SiteState:
    id: str
    home: str
    hosts: tuple[str, ...] = ()  # the home address and where it redirected: what counts as in-site
    home_final: str = ""  # where the home page really is (a redirect back there is a soft 404)
    started: float = 0.0  # when the home page answered: the time budget runs from there
    seen: set[str] = field(default_factory=set)
    # -priority, order, url, depth, via, render, items the link points at
    frontier: list[tuple[int, int, str, int, str, bool, frozenset[str]]] = field(default_factory=list)
    inflight: int = 0  # requests sent whose response is not handled yet
    issued: int = 0  # requests sent: the next one's sequence number
    handled: int = 0  # the sequence number of the next response to handle
    arrived: dict[int, Callable[[SiteState], None]] = field(default_factory=dict)  # come back early, waiting their turn
    requested: int = 0  # requests sent since the budget was last set (a second pass gets a fresh one)
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
    found: set[str] = field(default_factory=set)  # items found at the last check
    gained: int = 0  # pages read when the last index page came or the found items last grew


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
        self.sites: dict[str, SiteState] = {}  # sites opened and not finished (also those waiting)
        self.finished = self.finished_pages = 0  # sites done and their pages (for the progress display)
        self.no_robots = set(no_robots)
        self.waiting: list[SiteState] = []  # down sites, tried again at the end of the run
        self.room: asyncio.Event | None = None  # set when a site finishes or goes waiting
        self.renders = 0  # render requests so far: which browser context a page goes to
        self.open_pages: dict[str, int] = {}  # browser context -> pages open in it
        self.warned = False
        self.adapter: task.LoopingCall | None = None
        self.load = (0.0, 0.0)  # (monotonic, _loop_time()) at the last look
        self.busy = 0.0  # the loop's load, smoothed
        self.settle = 0.0  # the bound grows again from then

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        render.configure(settings)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        s = crawler.settings
        spider.max_pages = s.getint("OIT_MAX_PAGES")
        spider.max_depth = s.getint("OIT_MAX_DEPTH")
        spider.site_seconds = s.getfloat("OIT_SITE_SECONDS")
        spider.max_variants = s.getint("OIT_MAX_QUERY_VARIANTS")
        spider.patience = s.getint("OIT_PATIENCE")
        spider.min_open = spider.max_open = max(1, s.getint("OIT_OPEN_SITES"))
        spider.open_limit = max(spider.min_open, s.getint("OIT_MAX_OPEN_SITES"))
        spider.inflight = max(1, s.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        browser = s.get("PLAYWRIGHT_ABORT_REQUEST")
        spider.browser = browser if isinstance(browser, render.Browser) else None
        spider.agent = s.get("USER_AGENT")
        spider.ocr = s.getbool("OIT_OCR")
        spider.documents = DocumentWorkers(s.getint("OIT_DOCUMENT_WORKERS"),
                                           s.getfloat("OIT_DOCUMENT_SECONDS") * (4 if spider.ocr else 1))
        return spider

    async def start(self):
        # Scrapy reads start() as far as it can: sites are opened here, as earlier ones finish
        self.room = asyncio.Event()
        if self.open_limit > self.min_open:
            self.load = (time.monotonic(), _loop_time())
            self.adapter = task.LoopingCall(self._adapt)
            self.adapter.start(_ADAPT_EVERY, now=False)
        for sid, url in self.targets:
            while len(self.sites) - len(self.waiting) >= self.max_open:  # (a waiting site holds no place)
                self.room.clear()
                await self.room.wait()
            st = self.sites[sid] = SiteState(id=sid, home=url, hosts=(url,))
            self._push(st, url, 0, classify.P_INDEX)
            for request in self._release(st):
                yield request

    def _adapt(self) -> None:
        """Open more sites while the loop has time to spare and every place is taken (slow
        servers: sites wait more than they work); fewer when it is busy, starved or late. Growth
        is in small steps with a pause after each change, shrinking starts from the sites open:
        the bound follows the load instead of swinging between its limits."""
        now, used = time.monotonic(), _loop_time()
        wall = now - self.load[0]
        self.busy = 0.7 * self.busy + 0.3 * (used - self.load[1]) / wall
        self.load, lag = (now, used), wall - _ADAPT_EVERY
        opened = len(self.sites) - len(self.waiting)
        if self.busy > _BUSY or lag > _LAG:
            self.max_open = max(self.min_open, min(self.max_open, int(opened * 0.9)))
            self.settle = now + _SETTLE
        elif self.busy < _IDLE and opened >= self.max_open and self.finished + len(self.sites) < len(self.targets) \
                and now >= self.settle:
            self.max_open = min(self.open_limit, self.max_open + max(4, self.max_open // 8))
            self.settle = now + _SETTLE
            self.room.set()
        self.crawler.stats.max_value("oit/open_sites_max", opened)

    # ------------------------------------------------------------ frontier

    def _push(self, st: SiteState, url: str, depth: int, priority: int, via: str = "",
              rendered: bool = False, codes: frozenset[str] = frozenset()) -> None:
        st.seen.add(url)
        rendered = (rendered or hash_route(url)) and self.browser is not None
        heapq.heappush(st.frontier, (-priority, next(_order), url, depth, via, rendered, codes))

    def _release(self, st: SiteState):
        """Hand Scrapy the best requests of a site, as many as may be in flight. While a page waits
        for the browser (it may bring the index and item links), ordinary pages wait too."""
        while st.inflight < self.inflight and st.frontier and not st.done and \
                not (st.static and -st.frontier[0][0] < classify.P_INDEX_CHILD):
            if st.requested >= self.max_pages or st.started and time.monotonic() - st.started > self.site_seconds:
                st.cut = True
                return
            _, _, url, depth, via, rendered, _ = heapq.heappop(st.frontier)
            st.inflight += 1
            st.requested += 1
            meta = {"site": st.id, "url": url, "oit_depth": depth, "via": via, "download_slot": st.id,
                    "dont_obey_robotstxt": st.id in self.no_robots, "seq": st.issued}
            st.issued += 1
            if rendered:
                yield self._render_request(url, meta)
            else:
                yield scrapy.Request(url, callback=self.fetched, errback=self.failed, dont_filter=True, meta=meta)

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
        if not st.done and len(st.readings) % _EVAL_EVERY == 0 and self._answered(st):
            st.done = True
        yield from self._release(st)
        if st.inflight:
            return
        if st.retry and st.error and not st.revisited:  # the whole site was down: try at the end
            self.waiting.append(st)
            self.room.set()
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
        self.logger.warning("cannot render %s: %s", meta["url"], failure.value)

        def handle(st: SiteState) -> None:
            st.unrendered = st.unrendered or f"render-{failure_class(failure)}"
            self._store(st, st.static.get(meta["url"]) or Reading(url=meta["url"], kind="html", error=st.unrendered))
        for out in self._arrived(meta, handle):
            yield out

    async def fetched(self, response):
        """Documents are read in the worker process (see `workers`), pages here."""
        fields = None
        ctype = _content_type(response)
        if extract.body_kind(response.url, ctype, response.body) in classify.DOCUMENTS:
            try:
                fields = await self.documents.read(response.url, ctype, response.body, self.ocr)
            except Exception:  # reported by parse, as for any page that cannot be read
                self.logger.exception("cannot read %s in the worker", response.url)
        for out in self.parse(response, fields):
            yield out

    def _fields(self, response) -> dict:
        return extract.read(response.url, _content_type(response), response.body, ocr=self.ocr)

    def parse(self, response, fields: dict | None = None):
        def handle(st: SiteState) -> None:
            try:
                self._read(st, response, fields or self._fields(response))
            except Exception as exc:  # one odd page never stops the site: it is a failure of its own
                self.logger.exception("cannot read %s", response.url)
                self._store(st, Reading(url=response.meta["url"], kind=url_kind(response.meta["url"]),
                                        error=f"parse-error {type(exc).__name__}"))
        yield from self._arrived(response.meta, handle)

    def _arrived(self, meta: dict, handle: Callable[[SiteState], None]):
        """A site's responses are handled in the order their requests were sent, whichever of
        two parallel requests answers first: what the frontier holds when a stop rule is checked,
        and so the result, does not depend on timing (two runs over an unchanged site agree)."""
        st = self.sites[meta["site"]]
        st.arrived[meta["seq"]] = handle
        while st.handled in st.arrived:
            st.inflight -= 1
            st.arrived.pop(st.handled)(st)
            st.handled += 1
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
        self._store(st, reading)
        if not page.error:
            self._follow(st, page, reading)

    def _store(self, st: SiteState, reading: Reading) -> None:
        """The final reading of a fetched URL (read as bytes, through the browser, or failed)."""
        st.static.pop(reading.url, None)
        st.readings[reading.url] = reading
        if reading.index:
            st.gained = len(st.readings)

    def _needs_browser(self, st: SiteState, page: Page, reading: Reading, body: bytes) -> bool:
        important = reading.index or any(c.url == page.url for c in reading.candidates)
        lists = not reading.index or any(not c.menu and c.url != page.url for c in reading.candidates)
        if not render.needs_browser(page, body, important, lists):
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
        meta = failure.request.meta
        error = failure_class(failure)
        page = Page(url=meta["url"], depth=meta["oit_depth"], kind=url_kind(meta["url"]), error=error,
                    http_status=getattr(getattr(failure.value, "response", None), "status", None))

        def handle(st: SiteState) -> None:
            self._store(st, classify.read(page, self.matcher))
            if page.depth == 0:
                st.started = time.monotonic()
                st.error = error
            self._maybe_retry(st, page)
        yield from self._arrived(meta, handle)

    def _maybe_retry(self, st: SiteState, page: Page) -> None:
        if not st.retried and retryable(page.error) and \
                (page.depth == 0 or not st.error):
            st.retry.append((page.url, page.depth, page.via))

    def _follow(self, st: SiteState, page: Page, reading: Reading) -> None:
        points: dict[str, set[str]] = {}  # link -> the items it is a candidate for
        for c in reading.candidates:
            points.setdefault(c.url, set()).add(c.code)
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
                self._push(st, link.url, page.depth + 1, *decision, codes=frozenset(points.get(link.url, ())))

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

    def _answered(self, st: SiteState) -> bool:
        """Every item is found; or the last `patience` pages read brought no index page and found
        no further item, no page waits for the browser, and what is left could not change an
        answer: ordinary pages, and links to items already found (the next news after news)."""
        found = self._found(st)
        if found - st.found:
            st.gained = len(st.readings)
        st.found = found
        exhausted = len(st.readings) - st.gained >= self.patience and not st.static
        return len(found) == len(self.ruleset.items) or exhausted and not any(
            -entry[0] >= classify.P_INDEX_CHILD and not (entry[6] and entry[6] <= found) for entry in st.frontier)

    def _found(self, st: SiteState) -> set[str]:
        return found_items(self.ruleset, st.home, st.readings, self.as_of, hosts=st.hosts)

    def _result(self, st: SiteState) -> CheckResult:
        for reading in list(st.static.values()):  # the budget ran out before the browser got to them
            self._store(st, reading)
        # cut by a budget with pages left, or a home page that links nowhere (built by JavaScript)
        partial = (st.cut or st.inflight > 0 or len(st.readings) == 1 and not st.error) \
            and len(self._found(st)) < len(self.ruleset.items)
        result = evaluate(self.ruleset, st.home, st.readings, self.as_of, site_error=st.error,
                          partial=partial, site_id=st.id, hosts=st.hosts, rendered=st.rendered,
                          unrendered=st.unrendered)
        del self.sites[st.id]  # computed once: nothing of the site is kept, memory stays flat
        self.finished += 1
        self.finished_pages += st.issued
        self.room.set()  # the next site may start
        return result

    # ------------------------------------------------------------ safety net

    def _idle(self):
        """The end of the run: sites that were down get their second pass; a site whose request
        vanished without a callback (should not happen) still reports."""
        if self.waiting:
            for st in self.waiting:
                st.error, st.readings, st.seen, st.revisited, st.started = "", {}, set(), True, 0.0
                st.found, st.gained = set(), 0
                for request in self._requeue(st):
                    self.crawler.engine.crawl(request)
            self.waiting = []
            raise DontCloseSpider
        left = list(self.sites.values())  # unfinished, and nothing is in flight now
        if left:
            for st in left:
                self.crawler.engine.crawl(scrapy.Request("data:,", callback=self._flush, dont_filter=True,
                                                         meta={"site": st.id}))
            raise DontCloseSpider

    def _closed(self):
        if self.adapter is not None and self.adapter.running:
            self.adapter.stop()
        self.documents.close()

    def _flush(self, response):
        st = self.sites.get(response.meta["site"])
        if st is not None:
            for seq in sorted(st.arrived):  # what came back after the gap
                st.arrived.pop(seq)(st)
            st.cut = True
            yield self._result(st)


def _loop_time() -> float:
    """Seconds the reactor's thread has run or waited for a core (Linux: /proc/self/schedstat of
    the main thread), so that a loop starved by other processes counts as busy; elsewhere, the
    process's CPU time."""
    try:
        with open("/proc/self/schedstat") as fh:
            ran, waited, _ = fh.read().split()
        return (int(ran) + int(waited)) / 1e9
    except (OSError, ValueError):
        return time.process_time()


def _content_type(response) -> str:
    return response.headers.get("Content-Type", b"").decode("latin-1")


def _same_page(url: str, home: str) -> bool:
    """Did a redirect land on the home page (the soft 404 of many CMSs)?"""
    return bool(home) and same_site(url, (home,)) and site_id(url) == site_id(home) and \
        urlparse(url).query == urlparse(home).query
