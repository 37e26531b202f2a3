"""Item pipeline: each site's result goes into the history as soon as it is computed."""
from __future__ import annotations

from scrapy.exceptions import NotConfigured

from .sqldata import DataStore


class StorePipeline:
    """Writes results to the history (a file or a postgresql:// URL) of run OIT_RUN_ID in OIT_DB (off when unset)."""

    def __init__(self, crawler, path: str, run_id: int):
        self.crawler, self.path, self.run_id = crawler, path, run_id
        self.store: DataStore | None = None
        self.stopping = False

    @classmethod
    def from_crawler(cls, crawler):
        path, run_id = crawler.settings.get("OIT_DB"), crawler.settings.getint("OIT_RUN_ID")
        if not path or not run_id:
            raise NotConfigured("no history database for this crawl")
        return cls(crawler, path, run_id)

    def open_spider(self):
        self.store = DataStore(self.path)

    def close_spider(self):
        self.store.close()

    def process_item(self, item):
        if not self.store.record(self.run_id, item.site.id, item) and not self.stopping:
            self.stopping = True  # the run was finished without this batch (it was sent twice): stop
            self.crawler.stop()
        return item
