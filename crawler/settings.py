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
# CONCURRENT_REQUESTS only caps the whole: the spider hands Scrapy two requests per open site at most.
CONCURRENT_REQUESTS = 1024
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.1
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 10
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.5
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"

DOWNLOAD_HANDLERS = {"http": "crawler.handlers.HttpHandler", "https": "crawler.handlers.HttpHandler"}
OIT_IDLE_CONNECTION_SECONDS = 30  # an idle connection to a site is closed after this (crawler.handlers)
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 30 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
# Addresses are checked where connections are made, after DNS (crawler.resolver): a host cannot
# pass the network-safety check with one address and be connected to at another.
TWISTED_DNS_RESOLVER = "crawler.resolver.SafeResolver"
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

# Chromium for pages built by JavaScript (crawler.render decides which): a path or a command name;
# unset, Debian's `chromium`. Found nowhere, those pages are read as bytes and said so.
OIT_BROWSER = os.environ.get("OIT_BROWSER", "")
PLAYWRIGHT_MAX_CONTEXTS = 2
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 2
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 20_000  # ms

# Per-site budget of the focused crawl.
OIT_MAX_PAGES = 250
OIT_MAX_DEPTH = 6
OIT_SITE_SECONDS = 300
OIT_MAX_QUERY_VARIANTS = 15  # query strings fetched per path (calendar and search traps)
OIT_PATIENCE = 30  # with only ordinary pages left, pages in a row that find nothing before a site is done
# Sites crawled at once: from OIT_OPEN_SITES, more while the process has CPU to spare (slow servers
# keep few requests busy each), up to OIT_MAX_OPEN_SITES (memory: a site's pages are held until it ends).
OIT_OPEN_SITES = 64
OIT_MAX_OPEN_SITES = 512
# Documents (PDF, XLS(X), DOC(X)) are read in worker processes, off the crawl's own core (0: in a
# thread of the crawl's process); one that takes longer than this (x4 with OCR) is "unreadable".
OIT_DOCUMENT_WORKERS = 1
OIT_DOCUMENT_SECONDS = 60
OIT_OCR = False  # read scanned PDFs with Tesseract's Thai model (`--ocr`; slower, needs tesseract-ocr-tha)

# The history database of a run (set by `oit crawl`; unset: results are not stored).
ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
OIT_DB = None
OIT_RUN_ID = 0
