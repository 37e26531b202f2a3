"""The spiders the benchmarks compare the project against, and a traced project spider.

- `BareSpider`: a plain Scrapy CrawlSpider that follows every in-site link and extracts nothing
  else: the throughput baseline.
- `TracedOitSpider`: the project spider, unchanged, recording after every response of a site the
  status each item would get if the crawl stopped there: when every item had its final answer.
- `BfsOitSpider`: the same spider, classifier and budgets with the focus taken out: every in-site
  page and document is followed first-in first-out and the crawl never stops early (the "full
  breadth-first crawl" of the efficiency benchmark).
- `StoppingOitSpider`, `LazyOitSpider`: two changes the project spider lacks, measured here as
  proposals (a stop rule for large sites; sites opened as earlier ones finish).
"""
from __future__ import annotations

import asyncio
from urllib.parse import urlparse

from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor
from scrapy.spiders import CrawlSpider, Rule

from crawler import classify
from crawler.evaluate import evaluate
from crawler.spiders.oit import OitSpider
from crawler.urls import same_site, url_kind

READ_KINDS = {"html", *classify.DOCUMENTS}  # what the project fetches and reads


class BareSpider(CrawlSpider):
    name = "bare"
    rules = (Rule(LinkExtractor(deny_extensions=[e for e in IGNORED_EXTENSIONS if e not in classify.DOCUMENTS]),
                  follow=True),)

    def __init__(self, sites: list[tuple[str, str]], **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [url for _, url in sites]
        # in-site links only: other hosts (Drive, Facebook...) are off-site, as for the project
        self.allowed_domains = sorted({urlparse(url).hostname for url in self.start_urls})


class TracedOitSpider(OitSpider):
    name = "oit-traced"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.responses: dict[str, int] = {}  # site id -> responses (and failures) so far
        self.trace: dict[str, list[tuple[int, dict]]] = {}  # site id -> [(responses, {code: status})]
        self.settled: dict[str, dict] = {}  # site id -> {code: responses when its final status was reached}

    def _after(self, st):
        n = self.responses[st.id] = self.responses.get(st.id, 0) + 1
        if not st.finished:
            now = evaluate(self.ruleset, st.home, st.readings, self.as_of, hosts=st.hosts)
            self.trace.setdefault(st.id, []).append((n, {i.code: i.status for i in now.items}))
        yield from super()._after(st)

    def _result(self, st):
        result = super()._result(st)
        trace, total = self.trace.pop(st.id, []), self.responses.get(st.id, 0)
        settled = {}
        for item in result.items:
            at = total  # the final answer came only with the result (e.g. the site was cut)
            for n, statuses in reversed(trace):
                if statuses.get(item.code) is not item.status:
                    break
                at = n
            settled[item.code] = at
        self.settled[st.id] = settled
        return result


class BfsOitSpider(TracedOitSpider):
    name = "oit-bfs"
    _final = False

    def _push(self, st, url, depth, priority, via="", rendered=False):
        # one priority, so the heap's tie-break makes it first-in first-out; a page read again
        # through the browser keeps its place at the front: that is still reading the same page
        super()._push(st, url, depth, priority if rendered else 0, via, rendered)

    def _follow(self, st, page, reading):
        super()._follow(st, page, reading)  # what the focus picks, with its `via` (the ITA index
        if page.depth >= self.max_depth:    # a link is filed under), so answers stay comparable
            return
        for link in page.links:  # ... and every other in-site page and document the project reads
            if link.url not in st.seen and same_site(link.url, st.hosts) and \
                    url_kind(link.url) in READ_KINDS and not self._trap(st, link.url):
                self._push(st, link.url, page.depth + 1, 0)

    def _all_found(self, st):
        return self._final and super()._all_found(st)  # no early stop; the result is still exact

    def _result(self, st):
        self._final = True
        try:
            return super()._result(st)
        finally:
            self._final = False


class StoppingOitSpider(TracedOitSpider):
    """Two rules the project spider lacks (a proposal, measured here). A stop rule: once only
    ordinary pages are left in a site's frontier (no index, item or index-topic link) and no page
    waits for the browser, the crawl stops after `BENCH_PATIENCE` responses in a row that brought
    no candidate and no index page; the site was looked at, so its result is whole (an item still
    without evidence is missing), not cut. And while a page waits for the browser (it may bring the
    index and item links), ordinary pages wait too instead of spending the site's page budget."""
    name = "oit-stopping"

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.patience = crawler.settings.getint("BENCH_PATIENCE", 30)
        spider.streak: dict[str, int] = {}
        return spider

    def _after(self, st):
        reading = next(reversed(st.readings.values()), None)  # this response's
        fruitful = reading is not None and (reading.candidates or reading.index)
        self.streak[st.id] = 0 if fruitful else self.streak.get(st.id, 0) + 1
        ordinary = not st.frontier or -st.frontier[0][0] < classify.P_INDEX_CHILD
        # a page waiting for the browser may still bring the index and item links
        if ordinary and not st.static and self.streak[st.id] >= self.patience and not st.done:
            st.done = True
        yield from super()._after(st)

    def _release(self, st):
        if not (st.static and st.frontier and -st.frontier[0][0] < classify.P_INDEX_CHILD):
            yield from super()._release(st)


class LazyOitSpider(OitSpider):
    """The project spider opening sites as earlier ones finish, and forgetting a site once its
    result is out (a proposal, measured here). Scrapy consumes `start()` eagerly: OitSpider hands
    it every site's home page at once, so every site of the run is open at the same time,
    interleaved, each holding its readings, and a site's time budget (OIT_SITE_SECONDS from its
    home page) runs while thousands of others share the downloader. Here at most
    `BENCH_OPEN_SITES` sites are open at once."""
    name = "oit-lazy"

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_open = crawler.settings.getint("BENCH_OPEN_SITES", 64)
        return spider

    async def start(self):
        async for request in super().start():  # one site at a time: its state, then its home page
            # sites that were down wait for the end of the run: they hold nothing open
            while len(self.sites) - len(self.waiting) > self.max_open:
                await asyncio.sleep(0.05)
            yield request

    def _result(self, st):
        result = super()._result(st)
        del self.sites[st.id]  # the result is out: nothing of the site is needed any more
        return result
