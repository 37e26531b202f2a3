"""A hostile web server on loopback: every way an agency website can hurt a crawler, one site
(one port, so one origin) per kind, all served by one asyncio loop in a thread, so a page that
drips a byte at a time holds no other site up.

Most kinds are an ordinary small site (a home page linking an ethics page, item O16, and the
staff manual, item O8) whose manual page is the hostile one: the report must name that URL's
failure and still judge the rest of the site. The others break the whole site (its home page).
`KINDS` says what a user must see for each; the robustness tests and `bench/hostile.py` check it.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import socket
import ssl
import struct
import threading
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"
PRIVATE = "127.0.0.2"  # "the intranet": never allowed, every request to it is counted
MANUAL = "/manual.html"  # the hostile page of a page-level kind (item O8)
ETHICS_TITLE = "ประมวลจริยธรรม"


@dataclass(frozen=True)
class Kind:
    """What a user must see for a site of this kind."""

    status: str  # site.status: ok | partial | unreachable
    failures: dict[str, str] = field(default_factory=dict)  # path of a failed URL -> failure class
    site_error: str = ""  # site.error
    scheme: str = "http"

    def outcome(self) -> tuple[str, str, dict[str, str]]:
        return self.status, self.site_error, self.failures


KINDS: dict[str, Kind] = {
    # limits: time, size (with and without Content-Length, and compression bombs), redirects
    "drip": Kind("ok", {MANUAL: "timeout"}),
    "huge-length": Kind("ok", {MANUAL: "too-large"}),
    "huge-stream": Kind("ok", {MANUAL: "too-large"}),
    "gzip-bomb": Kind("ok", {MANUAL: "too-large"}),
    "deflate-bomb": Kind("ok", {MANUAL: "too-large"}),
    "redirect-loop": Kind("ok", {MANUAL: "redirect-loop"}),
    "redirect-chain": Kind("ok", {MANUAL: "too-many-redirects"}),
    "calendar": Kind("ok", {"/calendar.php?month&view": "trap"}),  # the cut path, by parameter names
    "deep": Kind("partial"),  # evidence ten links deep, past the depth budget
    "endless": Kind("partial"),  # every page links forty new ones: the page budget ends it
    # content a browser shrugs off
    "tis620-as-utf8": Kind("ok"),
    "windows-874-unlabelled": Kind("ok"),
    "invalid-bytes": Kind("ok"),
    "unclosed-tags": Kind("ok"),
    "nul-bytes": Kind("ok"),
    "deep-nesting": Kind("ok"),
    # network safety: redirects and refreshes into the intranet or to other schemes
    "redirect-private": Kind("ok", {MANUAL: "blocked"}),
    "refresh-private": Kind("ok", {MANUAL: "blocked"}),
    "redirect-file": Kind("ok", {MANUAL: "blocked"}),
    # broken servers
    "reset": Kind("ok", {MANUAL: "connect"}),
    "http-403": Kind("ok", {MANUAL: "http-403"}),
    "hang": Kind("unreachable", {"/": "timeout"}, "timeout"),  # accepts, never answers
    "empty-reply": Kind("unreachable", {"/": "connect"}, "connect"),
    "http-500": Kind("unreachable", {"/": "http-500"}, "http-500"),
    "refused": Kind("unreachable", {"/": "connect"}, "connect"),
    "tls-expired": Kind("ok", scheme="https"),  # read anyway: public pages, old servers
    "tls-self-signed": Kind("ok", scheme="https"),
    "tls-plain-http": Kind("unreachable", {"/": "tls"}, "tls", scheme="https"),
}
PRIVATE_SITE = "private-home"  # an agency list row that points into the intranet
PRIVATE_KIND = Kind("unreachable", {"/": "blocked"}, "blocked")


def page(body: str, title: str = "") -> str:
    return f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'


HOME = page(f'<a href="/ethics.html">{ETHICS_TITLE}</a> <a href="{MANUAL}">คู่มือการปฏิบัติงาน</a>')
ETHICS = page("<h1>การขับเคลื่อนจริยธรรม ปี 2568</h1>", ETHICS_TITLE)
MANUAL_PAGE = page("<h1>คู่มือการปฏิบัติงาน งานสารบรรณ ปี 2568</h1>", "คู่มือการปฏิบัติงาน")
DEPTH = 10


def _malformed(kind: str) -> bytes:
    """The home page of a malformed-HTML kind, with its links after the damage."""
    links = f'<a href="/ethics.html">{ETHICS_TITLE}</a> <a href="{MANUAL}">คู่มือการปฏิบัติงาน</a>'
    if kind == "unclosed-tags":  # a hand-edited table layout: nothing closed, stray end tags
        rows = "".join(f"<tr><td><p><b>ข่าว {n}<td><li>ประกาศ</div></span>" for n in range(60))
        return (f'<html><head><meta charset="utf-8"><title>หน้าแรก</title><body><table>{rows}'
                f'<tr><td><font size=2>{links}<td>ติดต่อเรา</table></p></i>').encode()
    if kind == "nul-bytes":
        return page(f"ข่าว\0ประชา\0สัมพันธ์ {links}").encode().replace(b"<body>", b"<body>\0\0")
    return page("<div>" * 1000 + "ลึก" + "</div>" * 1000 + links).encode()  # deep-nesting: a page builder gone wrong


def _encoded(kind: str, html: str) -> tuple[bytes, str]:
    """(body, Content-Type) of a page of an encoding kind."""
    if kind == "tis620-as-utf8":  # a legacy page behind a server that says UTF-8
        return html.encode("tis-620"), "text/html; charset=utf-8"
    if kind == "windows-874-unlabelled":
        return html.replace('<meta charset="utf-8">', "").encode("cp874"), "text/html"
    # UTF-8 with a character cut in half (PHP substr) and a stray byte (a bad include)
    return html.encode().replace(b"<body>", b"<body>\xe0\xb8 \xff "), "text/html; charset=utf-8"


def _bomb(size: int, wbits: int) -> bytes:
    """`size` zero bytes compressed (gzip: wbits 31, zlib deflate: 15), built without holding them."""
    z = zlib.compressobj(9, zlib.DEFLATED, wbits)
    chunk = bytes(1 << 20)
    return b"".join(z.compress(chunk) for _ in range(size >> 20)) + z.flush()


def _certificates(folder: Path) -> dict[str, ssl.SSLContext]:
    """Server contexts: a certificate that expired (issued by a local CA) and a self-signed one."""
    now = dt.datetime.now(dt.timezone.utc)

    def cert(subject: str, issuer: str, key, signer, days: tuple[int, int]):
        return (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
                .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now + dt.timedelta(days=days[0]))
                .not_valid_after(now + dt.timedelta(days=days[1]))
                .sign(signer, hashes.SHA256()))

    ca_key, leaf_key, self_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    made = {"tls-expired": (cert("agency.invalid", "Agency CA", leaf_key, ca_key, (-400, -30)), leaf_key),
            "tls-self-signed": (cert("agency.invalid", "agency.invalid", self_key, self_key, (-1, 365)), self_key)}
    contexts = {}
    for kind, (crt, key) in made.items():
        pem = folder / f"{kind}.pem"
        pem.write_bytes(crt.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        contexts[kind] = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        contexts[kind].load_cert_chain(pem)
    return contexts


class _Site:
    """One hostile site: the behaviour of its kind, request by request."""

    def __init__(self, server: HostileServer, sid: str, kind: str):
        self.server, self.sid, self.kind = server, sid, kind

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            if self.kind == "tls-plain-http":  # a plain HTTP server behind an https:// address
                await reader.read(1)
                return await self._send(writer, 400, b"plain HTTP", "text/plain")
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            path = head.split(b" ", 2)[1].decode("latin-1")
            self.server.hits[self.sid, path] += 1
            await self.respond(path, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ssl.SSLError):
            pass  # the crawler hung up: that is what the limits are for
        finally:
            writer.transport.abort()

    async def respond(self, path: str, reader: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        if path == "/" and self.kind in _HOME:
            return await _HOME[self.kind](self, reader, w)
        if path == MANUAL and self.kind in _MANUAL:
            return await _MANUAL[self.kind](self, w)
        if path.startswith("/hop/"):  # the redirect kinds: a loop back to the manual, or no end
            n = int(path[5:])
            return await self._redirect(w, MANUAL if self.kind == "redirect-loop" else f"/hop/{n + 1}")
        found = _content(self.kind, path)
        if found is None:
            return await self._send(w, 404, b"not found", "text/plain")
        await self._send(w, 200, *found)

    # ---------------------------------------------------------------- hostile answers

    async def _close(self, w, reset: bool):
        """No answer: the connection just closes (see `handle`), cleanly or as a TCP reset."""
        if reset:  # linger 0: the close is a TCP reset, not a clean end
            w.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    async def _drip(self, w):  # a byte every 0.2 s: the server never stops, only the timeout does
        w.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 100000\r\n\r\n")
        for _ in range(3000):
            w.write(b" ")
            await w.drain()
            await asyncio.sleep(0.2)

    async def _huge(self, w, length: bool):
        size = 20 * self.server.maxsize
        w.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n"
                + (f"Content-Length: {size}\r\n".encode() if length else b"Connection: close\r\n") + b"\r\n")
        chunk = b"%PDF" + bytes(1 << 16)
        for _ in range(size // len(chunk)):
            w.write(chunk)
            await w.drain()

    async def _bombed(self, w, encoding: str):
        body = self.server.bombs[encoding]
        await self._send(w, 200, body, "text/html; charset=utf-8", {"Content-Encoding": encoding})

    async def _redirect(self, w, location: str, status: int = 302):
        await self._send(w, status, b"", "text/html", {"Location": location})

    async def _refresh(self, w):
        await self._send(w, 200, page(f'<meta http-equiv="refresh" content="0; url={self.server.private}/refresh">').encode())

    async def _send(self, w, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", extra=None):
        head = [f"HTTP/1.1 {status} X", f"Content-Type: {ctype}", f"Content-Length: {len(body)}",
                "Connection: close", *(f"{k}: {v}" for k, v in (extra or {}).items())]
        w.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        await w.drain()


_HOME = {  # kinds whose home page, so the whole site, is broken
    "hang": lambda s, r, w: r.read(),  # until the crawler gives up and hangs up
    "empty-reply": lambda s, r, w: s._close(w, reset=False),
    "http-500": lambda s, r, w: s._send(w, 500, b"Internal Server Error", "text/plain"),
}
_MANUAL = {  # kinds whose manual page is the hostile one
    "drip": _Site._drip,
    "huge-length": lambda s, w: s._huge(w, length=True),
    "huge-stream": lambda s, w: s._huge(w, length=False),
    "gzip-bomb": lambda s, w: s._bombed(w, "gzip"),
    "deflate-bomb": lambda s, w: s._bombed(w, "deflate"),
    "redirect-loop": lambda s, w: s._redirect(w, "/hop/1"),  # /manual.html -> /hop/1 -> /manual.html
    "redirect-chain": lambda s, w: s._redirect(w, "/hop/1"),  # -> /hop/2 -> ... never ends
    "redirect-private": lambda s, w: s._redirect(w, f"{s.server.private}/secret.html", 301),
    "refresh-private": _Site._refresh,
    "redirect-file": lambda s, w: s._redirect(w, "file:///etc/passwd"),
    "http-403": lambda s, w: s._send(w, 403, b"Forbidden", "text/plain"),
    "reset": lambda s, w: s._close(w, reset=True),
}


def _content(kind: str, path: str) -> tuple[bytes, str] | None:
    """(body, Content-Type) of a page that is served, hostile in what it contains."""
    utf8 = "text/html; charset=utf-8"
    if kind in ("tis620-as-utf8", "windows-874-unlabelled", "invalid-bytes") and path in ("/", "/ethics.html"):
        return _encoded(kind, HOME if path == "/" else ETHICS)
    if kind in ("unclosed-tags", "nul-bytes", "deep-nesting") and path == "/":
        return _malformed(kind), utf8
    if kind == "deep" and (path == "/" or path.startswith("/d")):  # / -> /d1.html -> ... -> /d10.html -> manual
        n = 0 if path == "/" else int(path[2:-5])
        link = f'<a href="{MANUAL}">คู่มือการปฏิบัติงาน</a>' if n == DEPTH else \
            f'<a href="/d{n + 1}.html">ตอนที่ {n + 1}</a>'
        return page(f'<a href="/ethics.html">{ETHICS_TITLE}</a> ตอนที่ {n} {link}').encode(), utf8
    if kind == "endless" and path.startswith("/news/"):  # a CMS that makes up pages (no query string)
        n = int(path[6:-5])
        return page(" ".join(f'<a href="/news/{40 * n + i}.html">ข่าว {40 * n + i}</a>' for i in range(1, 41))).encode(), utf8
    if kind == "endless" and path == "/":
        return HOME.replace("</body>", '<a href="/news/0.html">ข่าวประชาสัมพันธ์</a></body>').encode(), utf8
    if kind == "calendar" and path.startswith("/calendar.php"):  # every month links the next forty
        month = int(path.partition("month=")[2].partition("&")[0] or 0)
        return page(" ".join(f'<a href="/calendar.php?month={month + n}&amp;view=grid">{month + n}</a>'
                             for n in range(1, 41))).encode(), utf8
    if kind == "calendar" and path == "/":
        return HOME.replace("</body>", '<a href="/calendar.php">ปฏิทินกิจกรรม</a></body>').encode(), utf8
    body = {"/": HOME, "/ethics.html": ETHICS, MANUAL: MANUAL_PAGE}.get(path)
    return None if body is None else (body.encode(), utf8)


class HostileServer:
    """Serve `sites` ({site id: kind}) on loopback; `urls` maps site ids to their home pages.

    `maxsize` is the crawl's DOWNLOAD_MAXSIZE: huge answers and bombs are made bigger than it.
    `hits` counts requests per (site id, path); requests to the intranet server are counted under
    (PRIVATE, path)."""

    def __init__(self, sites: dict[str, str], folder: Path, maxsize: int):
        self.sites, self.maxsize = sites, maxsize
        self.hits: Counter[tuple[str, str]] = Counter()
        self.urls: dict[str, str] = {}
        self.private = ""
        self.bombs = {"gzip": _bomb(4 * maxsize, 31), "deflate": _bomb(4 * maxsize, 15)}
        self._tls = _certificates(folder)
        self._loop = asyncio.new_event_loop()
        self._servers: list[asyncio.base_events.Server] = []

    async def _listen(self, handler, host: str, tls: ssl.SSLContext | None = None) -> int:
        server = await asyncio.start_server(handler, host, 0, ssl=tls, limit=16 * 1024)
        self._servers.append(server)
        return server.sockets[0].getsockname()[1]

    async def _start(self) -> None:
        port = await self._listen(_Site(self, PRIVATE, "intranet").handle, PRIVATE)
        self.private = f"http://{PRIVATE}:{port}"
        for sid, kind in self.sites.items():
            if kind == "refused":  # a port nobody listens on (taken and given back)
                with socket.socket() as s:
                    s.bind((HOST, 0))
                    port = s.getsockname()[1]
            elif kind == PRIVATE_SITE:
                self.urls[sid] = self.private + "/"
                continue
            else:
                port = await self._listen(_Site(self, sid, kind).handle, HOST, self._tls.get(kind))
            self.urls[sid] = f"{KINDS[kind].scheme}://{HOST}:{port}/"

    def _run(self) -> None:
        self._loop.run_forever()
        self._loop.close()

    def __enter__(self) -> HostileServer:
        threading.Thread(target=self._run, daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(30)
        return self

    def __exit__(self, *exc) -> None:
        async def stop():
            for server in self._servers:
                server.close()
            for task in asyncio.all_tasks():  # drips and hangs still waiting for the crawler
                if task is not asyncio.current_task():
                    task.cancel()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)


def expected(kind: str) -> Kind:
    return PRIVATE_KIND if kind == PRIVATE_SITE else KINDS[kind]


def outcome(result: dict) -> tuple[str, str, dict[str, str]]:
    """(site status, site error, {failed path?query: failure class}) of a result, as `Kind.outcome`."""
    def where(url: str) -> str:
        parsed = urlparse(url)
        return parsed.path + (f"?{parsed.query}" if parsed.query else "")

    return result["site"]["status"], result["site"]["error"], {where(f["url"]): f["error"] for f in result["failures"]}
