"""Scrapy settings of the OIT crawler (polite by default: agencies' servers are often small)."""
import os

BOT_NAME = "oit"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# An identifiable crawler with a contact address (set OIT_CONTACT to your own).
OIT_CONTACT = os.environ.get("OIT_CONTACT", "oit-crawler@localhost")
USER_AGENT = f"oit-crawler/0.1 (ITA OIT website check; contact: {OIT_CONTACT})"
ROBOTSTXT_OBEY = True

# Politeness: two connections per site at most, at least 0.1 s between requests, and AutoThrottle
# stretching that to the server's latency (a slow server gets slower requests).
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.1
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 10
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.5
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 30 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
RETRY_TIMES = 1
REDIRECT_MAX_TIMES = 6
HTTPERROR_ALLOW_ALL = True  # a 404 is an answer (a broken evidence link), not an error to hide
METAREFRESH_ENABLED = True
# Old government servers still speak legacy TLS; the crawler reads public pages only.
DOWNLOADER_CLIENT_TLS_CIPHERS = "DEFAULT:@SECLEVEL=0"
DOWNLOADER_CLIENT_TLS_METHOD = "TLS"
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.NetworkSafetyMiddleware": 50,
}

# Per-site budget of the focused crawl.
OIT_MAX_PAGES = 250
OIT_MAX_DEPTH = 6
OIT_SITE_SECONDS = 300
OIT_MAX_QUERY_VARIANTS = 15  # query strings fetched per path (calendar and search traps)

# The history database of a run (set by `oit crawl`; unset: results are not stored).
ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
OIT_DB = None
OIT_RUN_ID = 0
