"""Nightly notices reach a webhook (through Apprise) in Thai, and only when something changed."""
import datetime as dt
import http.server
import json
import threading

import pytest

from crawler.models import Changes, ItemChange, Run, RunReport, Status
from crawler.notify import load_config, notify


@pytest.fixture
def webhook():
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"json://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()


def _report(changes: Changes) -> RunReport:
    run = Run(id=2, started=dt.datetime(2025, 3, 20, 1, 0), finished=dt.datetime(2025, 3, 20, 3, 0),
              status="complete", rules_year=2568, as_of=dt.date(2025, 3, 20), agencies=0)
    return RunReport(run=run, items=[], agencies=[], history={}, changes=changes, trend=[])


def _config(tmp_path, text):
    path = tmp_path / "notify.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_new_gaps_are_sent(webhook, tmp_path):
    url, received = webhook
    gap = ItemChange(agency_id="a", agency_name="อบต.หนองบัว", code="O7", before=Status.found,
                     after=Status.missing, reason="ลิงก์หลักฐานเสีย")
    assert notify(_config(tmp_path, f"urls: ['{url}']"), _report(Changes(previous_run=1, new_gaps=[gap])),
                  tmp_path / "index.html")
    assert len(received) == 1
    assert "รายการขาดใหม่ 1" in received[0]["title"]
    assert "อบต.หนองบัว O7: ลิงก์หลักฐานเสีย" in received[0]["message"]


def test_quiet_night_sends_nothing_unless_asked(webhook, tmp_path):
    url, received = webhook
    assert not notify(_config(tmp_path, f"urls: ['{url}']"), _report(Changes(previous_run=1)), tmp_path / "i.html")
    assert received == []
    assert notify(_config(tmp_path, f"urls: ['{url}']\nwhen: always"), _report(Changes()), tmp_path / "i.html")
    assert "รอบแรก" in received[0]["message"]


@pytest.mark.parametrize("text, message", [("urls: nope", "list of Apprise URLs"), ("when: x\nurls: [json://a]", "when"),
                                           ("urls: [", "cannot read"), ("urls: ['mailtoz://x']", "Apprise knows")])
def test_bad_settings_are_one_clear_error(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        _config(tmp_path, text)
