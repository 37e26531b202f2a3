"""The browser, for the pages that need one: which pages, and how Chromium reads them.

Most agency pages are server-rendered and read fine as bytes; a browser costs a hundred times
more. So a page goes to Chromium (through scrapy-playwright) only when its HTML shows that
JavaScript builds it: an app shell with script bundles and almost no links, a hash route
(`/#/ita`), or an ITA page whose lists appear only on a click (year switches, click-mounted
accordions). In the browser, images, fonts and media are not loaded, nothing outside the
network-safety policy is fetched, clicks never leave the page, and the document is decoded by
our own Thai-aware decoder (old sites send TIS-620 with no charset, which Chromium reads as
Latin-1).
"""
from __future__ import annotations

import asyncio
import logging
import re
import shutil
import socket
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlparse

import lxml.html
from lxml import etree

from .decode import decode_html
from .extract import read
from .resolver import allowed_from, permitted
from .models import Page

log = logging.getLogger(__name__)

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--mute-audio"]
_SKIP = {"image", "media", "font", "manifest", "texttrack", "eventsource", "websocket"}
_EXPAND = files("crawler").joinpath("expand.js").read_text("utf-8")
EXPAND_MS = 6000  # clicking through one page's tabs and switches
IDLE_MS = 3000  # waiting for a page's own data requests after load

_SCRIPT = re.compile(rb"<script\b", re.I)
_SHELL = re.compile(rb"""\bid=["']?(?:app|root|__next|__nuxt|q-app|svelte)\b|\bng-app\b|data-reactroot|"""
                    rb"""<app-root\b|data-server-rendered|enable\s+javascript""",
                    re.I)
# a placeholder the scripts fill: an unmounted app, a "loading..." box
_PENDING = re.compile(rb"""\bv-cloak\b|\bng-cloak\b|\bx-data=|data-v-app|class=["']?(?:loading|spinner)\b|"""
                      rb"""loading\.\.\.|\xe0\xb8\x81\xe0\xb8\xb3\xe0\xb8\xa5\xe0\xb8\xb1\xe0\xb8\x87"""
                      rb"""\xe0\xb9\x82\xe0\xb8\xab\xe0\xb8\xa5\xe0\xb8\x94""", re.I)  # กำลังโหลด in UTF-8
# inline code that builds content on a click or from data fetched after load
_DYNAMIC = re.compile(rb"addEventListener\s*\(\s*['\"](?:click|change)|\.onclick\s*=|\bfetch\s*\(|"
                      rb"XMLHttpRequest|\$\.(?:get|getJSON|ajax)\s*\(|\.innerHTML\s*[+]?=", re.I)
_HANDLERS = ("onclick", "onchange", "v-on:click", "@click", "ng-click", "x-on:click")
# found by XPath: a loop over every element in Python was a few percent of the crawl
# (not the site's menu: a navbar toggler's onclick builds nothing; but year tabs are often a
# Bootstrap "nav nav-tabs", in a <nav> too)
_HANDLED = etree.XPath("boolean(//@*[%s][. != ''][not(ancestor::*[self::nav or self::header or self::footer or "
                       "contains(@class, 'navbar') or contains(@class, 'menu')]) or "
                       "ancestor::*[@role='tablist' or contains(@class, 'tab')]])"
                       % " or ".join(f"name()='{h}'" for h in _HANDLERS))
_FREE_SELECT = etree.XPath("boolean(//select[not(ancestor::form)])")
_TOGGLES = etree.XPath("//*[@aria-expanded or @data-toggle or @data-bs-toggle]"
                       "[@aria-controls or @data-bs-target or @data-target]")
_PARSER = lxml.html.HTMLParser(huge_tree=True)  # (lxml.html's: finding a pane by id)


def browser_path(setting: str | None) -> str:
    """The Chromium to launch: the setting (a path or a command name), else Debian's; "" if none."""
    if setting:
        return shutil.which(setting) or ""
    return shutil.which("chromium") or shutil.which("/usr/bin/chromium") or ""


def configure(settings) -> str:
    """Install scrapy-playwright for http(s) when a browser is there; the browser's path or ""."""
    path = browser_path(settings.get("OIT_BROWSER"))
    if not path:
        return ""
    handler = "crawler.handlers.BrowserHandler"
    settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, priority="spider")
    settings.set("PLAYWRIGHT_BROWSER_TYPE", "chromium", priority="spider")
    settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", {"executable_path": path, "headless": True, "args": LAUNCH_ARGS},
                 priority="spider")
    settings.set("PLAYWRIGHT_ABORT_REQUEST", Browser(allowed_from(settings)), priority="spider")
    return path


# ---------------------------------------------------------------- which pages


def needs_browser(page: Page, body: bytes, important: bool, lists: bool = True) -> bool:
    """Does JavaScript build this page? `important`: an ITA index or item page, whose hidden
    lists (year switches, click-mounted sections) matter; `lists`: it names an item beyond the
    site's menu (an ITA index that lists nothing beside an empty table has it filled by scripts)."""
    if page.kind != "html" or page.error or not _SCRIPT.search(body):
        return False
    if not page.links and len(page.text) < 200 or _SHELL.search(body[:200_000]) and len(page.links) < 15:
        return True  # an app shell: the menu and the content arrive with the scripts
    if _PENDING.search(body[:500_000]):
        return True
    if not important:
        return False
    if _DYNAMIC.search(body):  # inline code that fetches or injects: no need to parse
        return True
    try:
        doc = lxml.html.document_fromstring(body, parser=_PARSER)
    except (ValueError, etree.ParserError):
        return False
    # an index listing nothing beside an empty table or list: scripts fill it (from a data file)
    return not lists and _EMPTY_LIST(doc) or _clicks_build(doc)


def built_by_javascript(root: Path) -> bool:
    """Does a site served from folder `root` have pages only a browser can read? (Farm tools.)"""
    for path in root.rglob("*.htm*"):
        if b"<script" in (body := path.read_bytes()).lower():
            url = "http://site/" + path.relative_to(root).as_posix()
            if needs_browser(Page(url=url, **read(url, "text/html", body)), body, important=True):
                return True
    return False


_EMPTY_LIST = etree.XPath("boolean(//*[self::table or self::tbody or self::ul or self::ol][not(*)]"
                          "[not(normalize-space())])")


def _clicks_build(doc) -> bool:
    """Controls whose content is not in the HTML: a switch, click handlers, or a toggle whose
    target pane is empty. Tabs and accordions with their content already in the HTML do not need
    the browser."""
    # a <select> outside a form switches what the page shows (a form's is a field to fill)
    if _FREE_SELECT(doc) or _HANDLED(doc):
        return True
    for el in _TOGGLES(doc):
        target = el.get("aria-controls") or (el.get("data-bs-target") or el.get("data-target") or "").lstrip("#")
        if target and (el.get("aria-expanded") or el.get("data-toggle") or el.get("data-bs-toggle")):
            pane = doc.get_element_by_id(target, None)
            if pane is None or not (pane.text_content() or "").strip():
                return True
    return False


# ---------------------------------------------------------------- in the browser


class Browser:
    """What the browser may do. Called, it is scrapy-playwright's abort predicate: no
    images/fonts/media, only http(s), and only hosts whose addresses the network-safety policy
    allows (Chromium resolves names itself, so the policy is applied here too, not only in the
    downloader middleware)."""

    def __init__(self, allowed):
        self.allowed = allowed
        self._hosts: dict[str, bool] = {}

    async def __call__(self, request) -> bool:
        if request.resource_type in _SKIP:
            return True
        parsed = urlparse(request.url)
        if parsed.scheme in ("data", "blob"):
            return False
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            return True
        return not await self.allows(parsed.hostname)

    async def allows(self, host: str) -> bool:
        if host not in self._hosts:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
            except OSError:
                infos = []
            self._hosts[host] = bool(infos) and all(permitted(i[4][0], self.allowed) for i in infos)
        return self._hosts[host]

    async def prepare(self, page, request) -> None:
        """Before the page loads: no pop-ups or dialogs, the document decoded by our decoder,
        and no navigation away once it has loaded (a click on "next page" must not replace the
        page). The document is fetched here, hop by hop, so every redirect passes the policy."""
        loaded = asyncio.Event()
        page.once("domcontentloaded", lambda _: loaded.set())
        await page.add_init_script(_QUIET)
        await page.route("**/*", lambda route, req: self._document(route, req, page, loaded))

    async def _document(self, route, req, page, loaded: asyncio.Event) -> None:
        if not req.is_navigation_request() or req.frame != page.main_frame:
            return await route.fallback()
        host = urlparse(req.url).hostname
        if loaded.is_set() or not host or not await self.allows(host):
            return await route.abort()
        response = await route.fetch(max_redirects=0)
        ctype = response.headers.get("content-type", "")
        if response.status >= 300 or "html" not in ctype and ctype:
            return await route.fulfill(response=response)
        text, _ = decode_html(await response.body(), ctype)
        await route.fulfill(response=response, body=text, content_type="text/html; charset=utf-8")


_QUIET = "window.open = () => null; window.print = () => {}; " \
         "window.alert = () => {}; window.confirm = () => false; window.prompt = () => null;"


async def expand(page) -> int:
    """After load: let the page fetch its data, then open its tabs, accordions and switches."""
    try:
        await page.wait_for_load_state("networkidle", timeout=IDLE_MS)
    except Exception:  # a page that polls forever is read as it is now
        pass
    return await page.evaluate(_EXPAND, EXPAND_MS)
