"""Serve a labelled farm: every site folder as its own origin on loopback (a port each)."""
from __future__ import annotations

import contextlib
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .models import FarmTruth

LOOPBACK = "127.0.0.1"


class _Handler(SimpleHTTPRequestHandler):
    # Like many agency servers: HTML without a charset parameter, the page must say (or not).
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".html": "text/html",
                      ".htm": "text/html", ".xlsx":
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

    def list_directory(self, path):  # like most servers: a folder without index.html is not found
        self.send_error(404)

    def log_message(self, format, *args):  # noqa: A002 - quiet: the crawler reports failures
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True


def load_truth(farm: Path) -> FarmTruth:
    path = Path(farm) / "truth.json"
    if not path.is_file():
        raise FileNotFoundError(f"{farm}: not a labelled farm (no truth.json)")
    return FarmTruth.model_validate_json(path.read_bytes())


@contextlib.contextmanager
def serve(farm: Path, site_ids: list[str]):
    """Yield {site id: base URL} while the sites are served."""
    servers: dict[str, _Server] = {}
    try:
        for sid in site_ids:
            root = Path(farm) / sid
            if not root.is_dir():
                raise FileNotFoundError(f"{farm}: site folder {sid}/ named in truth.json is missing")
            server = _Server((LOOPBACK, 0), functools.partial(_Handler, directory=str(root)))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers[sid] = server
        yield {sid: f"http://{LOOPBACK}:{s.server_address[1]}/" for sid, s in servers.items()}
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()
