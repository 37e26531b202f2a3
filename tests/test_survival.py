"""A site that redirects, times out, has broken links and a self-signed certificate still gets
a report, and each item says what actually happened."""
import datetime as dt
import http.server
import json
import os
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "OIT_ALLOW_NETWORKS": "127.0.0.1/32"}

PAGES = {
    "/": '<a href="/old-ita">ITA 2568</a> <a href="/ethics.html">ประมวลจริยธรรม</a>'
         '<a href="/gone.pdf">คู่มือการปฏิบัติงาน</a> <a href="/slow.html">มาตรการส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน</a>',
    "/ita.html": "<title>ITA 2568</title><table><tr><td>O25</td><td>แผนปฏิบัติการป้องกันการทุจริต</td>"
                 '<td><a href="/plan.html">คลิก</a></td></tr></table>',
    "/plan.html": "<title>แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ 2568</title>",
    "/ethics.html": "<title>ประมวลจริยธรรม</title><h1>การขับเคลื่อนจริยธรรม ปี 2568</h1>",
}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        if self.path == "/old-ita":  # moved: two hops of redirects
            return self._redirect("/ita")
        if self.path == "/ita":
            return self._redirect("/ita.html")
        if self.path == "/slow.html":
            time.sleep(4)
        body = PAGES.get(self.path)
        _send(self, body)

    def _redirect(self, to):
        self.send_response(301)
        self.send_header("Location", to)
        self.end_headers()

    def log_message(self, *args):
        pass


def _send(handler, body: str | None) -> None:
    """A small UTF-8 page with `body`, or a 404 when there is none."""
    if body is None:
        handler.send_response(404)
        handler.end_headers()
        return
    data = f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'.encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def _check_served(handler, tmp_path) -> dict:
    """`oit check` on a loopback server with `handler`: the JSON result."""
    server = QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    out = tmp_path / "r.json"
    proc = subprocess.run([sys.executable, "-m", "crawler.cmdline", "check", f"http://127.0.0.1:{server.server_address[1]}/",
                           "--json", str(out), "--rules", "2568"], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    server.shutdown()
    assert proc.returncode == 0, proc.stderr
    return json.loads(out.read_text(encoding="utf-8"))


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):  # a client that hangs up mid-TLS is expected
        pass


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "agency.invalid")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - dt.timedelta(days=400))
            .not_valid_after(now - dt.timedelta(days=30))  # expired too
            .sign(key, hashes.SHA256()))
    (tmp / "c.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp / "k.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    return tmp / "c.pem", tmp / "k.pem"


@pytest.fixture(scope="module")
def https_site(tmp_path_factory):
    cert, key = _self_signed(tmp_path_factory.mktemp("tls"))
    server = QuietServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_broken_site_still_reports_precisely(https_site, tmp_path):
    out = tmp_path / "r.jsonl"
    proc = subprocess.run(["scrapy", "crawl", "oit", "-a", f"url={https_site}", "-a", "as_of=2025-03-20", "-a", "rules=2568",
                           "-s", "DOWNLOAD_TIMEOUT=1", "-s", "RETRY_TIMES=0", "-O", str(out), "-L", "ERROR"],
                          cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    items = {i["code"]: i for i in result["items"]}
    assert result["site"]["status"] == "ok"  # self-signed, expired certificate: still read
    assert items["O25"]["status"] == "found"  # reached through two redirects
    assert items["O25"]["evidence"][0]["url"] == https_site + "plan.html"
    assert items["O16"]["status"] == "found"
    assert items["O8"]["status"] == "missing" and "gone.pdf" in items["O8"]["reason"]  # 404: not evidence
    assert items["O27"]["status"] == "unverified" and "timeout" in items["O27"]["reason"]  # could not look


class MovedHandler(http.server.BaseHTTPRequestHandler):
    """The old address of an agency: everything moves to the new host; a missing page goes home."""
    target = ""

    def do_GET(self):  # noqa: N802
        self.send_response(301)
        self.send_header("Location", self.target + self.path.lstrip("/"))
        self.end_headers()

    def log_message(self, *args):
        pass


class NewHomeHandler(Handler):
    def do_GET(self):  # noqa: N802
        if self.path == "/old-manual.html":  # removed: this CMS sends it to the home page
            return self._redirect("/")
        if self.path == "/":
            self.path = "/home"
        return super().do_GET()


def test_a_site_that_moved_host_is_still_one_site(tmp_path):
    PAGES["/home"] = ('<a href="/ethics.html">ประมวลจริยธรรม</a> <a href="/old-manual.html">คู่มือการปฏิบัติงาน</a>')
    new = QuietServer(("127.0.0.2", 0), NewHomeHandler)
    threading.Thread(target=new.serve_forever, daemon=True).start()
    MovedHandler.target = f"http://127.0.0.2:{new.server_address[1]}/"
    old = QuietServer(("127.0.0.1", 0), MovedHandler)
    threading.Thread(target=old.serve_forever, daemon=True).start()
    out = tmp_path / "r.json"
    proc = subprocess.run([sys.executable, "-m", "crawler.cmdline", "check", f"http://127.0.0.1:{old.server_address[1]}/",
                           "--json", str(out), "--as-of", "2025-03-20", "--rules", "2568"], cwd=ROOT,
                          env={**ENV, "OIT_ALLOW_NETWORKS": "127.0.0.0/8"}, capture_output=True, text=True, timeout=120)
    old.shutdown()
    new.shutdown()
    assert proc.returncode == 0, proc.stderr
    items = {i["code"]: i for i in json.loads(out.read_text(encoding="utf-8"))["items"]}
    assert items["O16"]["status"] == "found"  # on the new host: the agency's own site, not "outside"
    assert items["O8"]["status"] == "missing" and "old-manual.html" in items["O8"]["reason"]  # soft 404


class CalendarHandler(http.server.BaseHTTPRequestHandler):
    """A site with an endless calendar: every month links to the next forty."""

    def do_GET(self):  # noqa: N802
        if self.path.startswith("/calendar"):
            query = dict(p.split("=", 1) for p in self.path.partition("?")[2].split("&") if "=" in p)
            month = int(query.get("month", 0))
            body = "".join(f'<a href="/calendar.php?month={month + n}&amp;view=grid">{month + n}</a> ' for n in range(1, 41))
        elif self.path == "/":
            body = '<a href="/calendar.php">ปฏิทินกิจกรรม</a> <a href="/ethics.html">ประมวลจริยธรรม</a>'
        elif self.path == "/ethics.html":
            body = "<title>ประมวลจริยธรรม</title><h1>การขับเคลื่อนจริยธรรม ปี 2568</h1>"
        else:
            body = None
        _send(self, body)

    def log_message(self, *args):
        pass


def test_an_endless_calendar_is_cut_and_said(tmp_path):
    data = _check_served(CalendarHandler, tmp_path)
    assert data["site"]["pages_fetched"] < 30  # not the 250-page budget spent on months
    assert [f["error"] for f in data["failures"]] == ["trap"]
    assert {i["code"]: i for i in data["items"]}["O16"]["status"] == "found"


class FlakyHandler(http.server.BaseHTTPRequestHandler):
    """A server having a bad hour: the home page and one evidence page answer 503 at first."""
    hits: dict[str, int] = {}

    def do_GET(self):  # noqa: N802
        n = self.hits[self.path] = self.hits.get(self.path, 0) + 1
        if self.path in ("/", "/ethics.html") and n <= 2:
            self.send_response(503)
            self.end_headers()
            return
        body = {"/": '<a href="/ethics.html">ประมวลจริยธรรม</a> <a href="/gone.html">คู่มือการปฏิบัติงาน</a>',
                "/ethics.html": "<title>ประมวลจริยธรรม</title><h1>การขับเคลื่อนจริยธรรม ปี 2568</h1>"}.get(self.path)
        _send(self, body)

    def log_message(self, *args):
        pass


def test_failures_that_may_pass_get_a_second_pass_and_permanent_ones_do_not(tmp_path):
    data = _check_served(FlakyHandler, tmp_path)
    items = {i["code"]: i for i in data["items"]}
    assert data["site"]["status"] == "ok"  # down at first (503 twice), up on the second pass
    assert items["O16"]["status"] == "found"
    assert items["O8"]["status"] == "missing"  # a 404 is an answer: not tried again
    assert FlakyHandler.hits["/gone.html"] == 1 and FlakyHandler.hits["/"] == 3
