"""A fast static server for a farm: every site folder on its own loopback address, one process.

    python bench/farmserver.py FARM [--sites N] [--ready PATH]

The project's own `crawler/farm.py` is a one-thread-per-site development server; benchmarks need a
server that is never the bottleneck and that runs in a process of its own (so its CPU and memory
are not charged to the crawler). This one is a single asyncio process with a minimal HTTP/1.1
protocol (keep-alive, GET/HEAD) and an in-memory file cache keyed by inode, so the hard-linked files
of a generated farm are held once. It answers like `crawler/farm.py`: `.html` as `text/html`
without a charset, a folder URL without its slash is redirected, a folder without `index.html` is
a 404, no directory listings.

Every site gets an address of its own in 127.0.0.0/8 (127.1.0.1, 127.1.0.2, ...): like real agency
sites they are different hosts, so Scrapy's per-host download slots (robots.txt fetches, politeness)
are per site, as they are on the Internet. Crawl with OIT_ALLOW_NETWORKS=127.0.0.0/8.

`--latency SECONDS` makes it answer like servers on the Internet, not on loopback: each answer
waits a log-normal time of that median (sigma 0.5, so most within 0.45-2.2x), one in 20 waits
5-20 s (the slow tail of an overloaded server), and one in 100 is never answered (the crawler's
DOWNLOAD_TIMEOUT ends it). Draws come from a seeded generator: runs are comparable.

Used from Python, `served(farm, ids)` starts it as a subprocess and yields {site id: base URL}.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import mimetypes
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

NETWORK = "127.0.0.0/8"  # what the crawler must be allowed to fetch
# Idle keep-alive connections are closed after this (nginx's default is 75 s): long enough that a
# busy crawler seldom reuses a connection the server is closing, short enough that thousands of
# sites do not each keep a pooled connection open (file descriptors on both sides).
IDLE_SECONDS = 60
SLOW, HANG = 0.05, 0.01  # with --latency: shares of answers in the slow tail and never sent
TYPES = {".html": "text/html", ".htm": "text/html",
         ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _type(path: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    return TYPES.get(ext) or mimetypes.guess_type(path)[0] or "application/octet-stream"


class Files:
    """Resolves a site's URL path to (status, headers, body); bodies cached once per inode."""

    def __init__(self):
        self.bodies: dict[tuple[int, int], bytes] = {}
        self.answers: dict[tuple[str, str], tuple[int, list[tuple[str, str]], bytes]] = {}

    def answer(self, root: str, target: str):
        key = (root, target)
        hit = self.answers.get(key)
        if hit is None:
            hit = self.answers[key] = self._resolve(root, target)
        return hit

    def _resolve(self, root: str, target: str):
        parts = urlsplit(target)
        rel = os.path.normpath(unquote(parts.path)).lstrip("/")
        path = os.path.join(root, rel) if rel not in ("", ".") else root
        if not os.path.realpath(path).startswith(root) or ".." in rel.split(os.sep):
            return _error(404)
        if os.path.isdir(path):
            if not parts.path.endswith("/"):
                location = parts.path + "/" + (f"?{parts.query}" if parts.query else "")
                return 301, [("Location", location)], b""
            path = next((os.path.join(path, n) for n in ("index.html", "index.htm")
                         if os.path.isfile(os.path.join(path, n))), "")
        if not path or not os.path.isfile(path):
            return _error(404)
        st = os.stat(path)
        body = self.bodies.get((st.st_dev, st.st_ino))
        if body is None:
            with open(path, "rb") as fh:
                body = self.bodies[(st.st_dev, st.st_ino)] = fh.read()
        return 200, [("Content-Type", _type(path))], body


def _error(status: int):
    return status, [("Content-Type", "text/html")], f"<html><body>{status}</body></html>".encode()


_REASONS = {200: "OK", 301: "Moved Permanently", 400: "Bad Request", 404: "Not Found",
            501: "Not Implemented"}


class Latency:
    """How long each answer waits (see the module's docstring); None: not at all."""

    def __init__(self, median: float, seed: int = 1):
        self.median, self.random = median, random.Random(seed)

    def draw(self) -> float | None:
        r = self.random.random()
        if r < HANG:
            return None
        if r < HANG + SLOW:
            return self.random.uniform(5, 20)
        return self.median * self.random.lognormvariate(0, 0.5)


class Http(asyncio.Protocol):
    """HTTP/1.1 with keep-alive; requests are read whole (a crawler sends no bodies)."""

    def __init__(self, root: str, files: Files, latency: Latency | None = None):
        self.root, self.files, self.latency = root, files, latency
        self.buffer = b""
        self.transport = None
        self.idle = None

    def connection_made(self, transport):
        self.transport = transport
        self._arm()

    def connection_lost(self, exc):
        if self.idle:
            self.idle.cancel()

    def _arm(self):
        if self.idle:
            self.idle.cancel()
        self.idle = asyncio.get_running_loop().call_later(IDLE_SECONDS, self.transport.close)

    def data_received(self, data: bytes):
        self._arm()
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            try:
                method, target, version = lines[0].split(" ", 2)
            except ValueError:
                self._send(*_error(400), head_only=False, close=True)
                return
            headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
            connection = headers.get("connection", "").lower()
            close = connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")
            if method not in ("GET", "HEAD"):
                self._send(*_error(501), head_only=False, close=close)
            else:
                self._send(*self.files.answer(self.root, target), head_only=method == "HEAD", close=close)
            if close:
                return

    def _send(self, status, headers, body, head_only: bool, close: bool):
        if self.latency is not None:
            wait = self.latency.draw()
            if wait is not None:  # (never answered: the client times out)
                asyncio.get_running_loop().call_later(wait, self._write, status, headers, body, head_only, close)
            return
        self._write(status, headers, body, head_only, close)

    def _write(self, status, headers, body, head_only: bool, close: bool):
        if self.transport.is_closing():
            return
        lines = [f"HTTP/1.1 {status} {_REASONS[status]}", f"Content-Length: {len(body)}",
                 f"Connection: {'close' if close else 'keep-alive'}", *(f"{k}: {v}" for k, v in headers)]
        self.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        if not head_only:
            self.transport.write(body)
        if close:
            self.transport.close()


def address(i: int) -> str:
    """The loopback address of the i-th site (0-based): 127.1.0.1 ... 127.1.0.250, 127.1.1.1 ..."""
    high, low = divmod(i, 250)
    return f"127.1.{high}.{low + 1}"


def site_ids(farm: Path, limit: int | None = None) -> list[str]:
    """Site folders of the farm, in truth.json order when there is one."""
    truth = farm / "truth.json"
    if truth.is_file():
        ids = list(json.loads(truth.read_bytes())["sites"])
    else:
        ids = sorted(p.name for p in farm.iterdir() if p.is_dir())
    return ids[:limit] if limit else ids


async def _serve(farm: Path, ids: list[str], ready: Path | None, latency: float = 0) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # one listening socket per site
    loop = asyncio.get_running_loop()
    files = Files()
    delays = Latency(latency) if latency else None
    bases = {}
    for i, sid in enumerate(ids):
        root = os.path.realpath(farm / sid)
        server = await loop.create_server(lambda root=root: Http(root, files, delays), address(i), 0, backlog=64)
        host, port = server.sockets[0].getsockname()[:2]
        bases[sid] = f"http://{host}:{port}/"
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    text = json.dumps(bases)
    if ready:
        tmp = ready.with_suffix(".tmp")
        tmp.write_text(text)
        tmp.rename(ready)  # the reader never sees half a file
    else:
        print(text, flush=True)
    await stop.wait()


@contextlib.contextmanager
def served(farm: Path, ids: list[str], latency: float = 0):
    """Run the server in its own process while the block runs; yield {site id: base URL}."""
    with tempfile.TemporaryDirectory() as tmp:
        ready = Path(tmp) / "bases.json"
        ids_file = Path(tmp) / "ids.json"
        ids_file.write_text(json.dumps(ids))
        proc = subprocess.Popen([sys.executable, __file__, str(farm), "--ids", str(ids_file),
                                 "--ready", str(ready), "--latency", str(latency)])
        try:
            while not ready.exists():
                if proc.poll() is not None:
                    raise RuntimeError(f"farm server exited with status {proc.returncode}")
                time.sleep(0.1)
            yield json.loads(ready.read_text())
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("farm", type=Path)
    p.add_argument("--sites", type=int, help="serve only the first N sites")
    p.add_argument("--ids", type=Path, help="JSON list of the site ids to serve")
    p.add_argument("--ready", type=Path, help="write {site id: URL} here once listening (else stdout)")
    p.add_argument("--latency", type=float, default=0, metavar="SECONDS",
                   help="median wait before each answer, with a slow tail and some never answered")
    args = p.parse_args(argv)
    ids = json.loads(args.ids.read_text()) if args.ids else site_ids(args.farm, args.sites)
    asyncio.run(_serve(args.farm, ids, args.ready, args.latency))
    return 0


if __name__ == "__main__":
    sys.exit(main())
