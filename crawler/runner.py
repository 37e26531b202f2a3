"""Run the OIT spider in-process over a list of sites and hand back one result per site."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from .models import CheckResult, RuleSet
from .spiders.oit import OitSpider


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

    process = CrawlerProcess(settings(**(overrides or {})))
    crawler = process.create_crawler(OitSpider)
    crawler.signals.connect(scraped, signal=signals.item_scraped)
    if on_start:
        crawler.signals.connect(on_start, signal=signals.spider_opened)  # held by this frame (weak refs)
    process.crawl(crawler, sites=sites, rules=rules, as_of=as_of, no_robots=no_robots)
    process.start()
    return results
