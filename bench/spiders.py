"""The spiders the benchmarks compare the project against, and a traced project spider.

- `BareSpider`: a plain Scrapy CrawlSpider that follows every in-site link and extracts nothing
  else: the throughput baseline.
- `TracedOitSpider`: the project spider, unchanged, recording after every response of a site the
  status each item would get if the crawl stopped there: when every item had its final answer.
- `BfsOitSpider`: the same spider, classifier and budgets with the focus taken out: every in-site
  page and document is followed first-in first-out and the crawl never stops early (the "full
  breadth-first crawl" of the efficiency benchmark).
"""
from __future__ import annotations

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

    def _push(self, st, url, depth, priority, via="", rendered=False, codes=frozenset()):
        # one priority, so the heap's tie-break makes it first-in first-out; a page read again
        # through the browser keeps its place at the front: that is still reading the same page
        super()._push(st, url, depth, priority if rendered else 0, via, rendered, codes)

    def _follow(self, st, page, reading):
        super()._follow(st, page, reading)  # what the focus picks, with its `via` (the ITA index
        if page.depth >= self.max_depth:    # a link is filed under), so answers stay comparable
            return
        for link in page.links:  # ... and every other in-site page and document the project reads
            if link.url not in st.seen and same_site(link.url, st.hosts) and \
                    url_kind(link.url) in READ_KINDS and not self._trap(st, link.url):
                self._push(st, link.url, page.depth + 1, 0)

    def _answered(self, st):
        return False  # no early stop: every page is read
