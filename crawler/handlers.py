"""Scrapy's HTTP/1.1 download handler (and scrapy-playwright's, which extends it) with idle
connections closed sooner. Twisted keeps an idle persistent connection for 240 s; a focused crawl
finishes dozens of small sites a second, so that held a connection open for nearly every site of
a run (memory that grew with the number of sites). A site's own requests are at most
AutoThrottle's maximum delay apart, so a shorter wait loses no reuse."""
from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler


class _ShortIdle:
    def __init__(self, crawler):
        super().__init__(crawler)
        self._pool.cachedConnectionTimeout = crawler.settings.getfloat("OIT_IDLE_CONNECTION_SECONDS")


class HttpHandler(_ShortIdle, HTTP11DownloadHandler):
    pass


class BrowserHandler(_ShortIdle, ScrapyPlaywrightDownloadHandler):
    pass
