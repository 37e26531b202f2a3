"""Run the OIT spider in-process over a list of sites and hand back one result per site."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from .models import CheckResult, RuleSet
from .spiders.oit import OitSpider


# Their errors (a page that timed out twice, a robots.txt that did not answer) are failures every
# result reports with its class; in the log they would be thousands of lines a night, with tracebacks.
_REPORTED = ("scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.robotstxt")


def settings(**overrides) -> Settings:
    s = Settings()
    s.setmodule("crawler.settings", priority="project")
    s.update(overrides, priority="cmdline")
    return s


def run(sites: list[tuple[str, str]], rules: RuleSet, as_of: dt.date | None = None,
        overrides: dict | None = None, on_start: Callable[[OitSpider], None] | None = None,
        no_robots: list[str] = (), keep: bool = True) -> dict[str, CheckResult]:
    """Crawl `sites` ([(id, url)]) and return {id: result}. Blocks until every site is done.
    `no_robots`: ids of sites whose robots.txt is not obeyed (the agency allowed it).
    `keep=False`: results go only to the history (OIT_DB), memory stays flat; returns {}."""
    results: dict[str, CheckResult] = {}

    def scraped(item, response, spider):
        if keep:
            results[item.site.id] = item

    s = settings(**(overrides or {}))
    if s.get("LOG_LEVEL") not in ("DEBUG", "INFO"):
        for name in _REPORTED:
            logging.getLogger(name).setLevel(logging.CRITICAL)
    process = CrawlerProcess(s)
    crawler = process.create_crawler(OitSpider)
    crawler.signals.connect(scraped, signal=signals.item_scraped)
    if on_start:
        crawler.signals.connect(on_start, signal=signals.spider_opened)  # held by this frame (weak refs)
    process.crawl(crawler, sites=sites, rules=rules, as_of=as_of, no_robots=no_robots)
    process.start()
    return results
