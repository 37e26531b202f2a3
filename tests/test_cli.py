"""The `oit` command as a user runs it: real crawls of sites served on loopback."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.farm import load_truth, serve
from crawler.render import built_by_javascript
from crawler.models import CheckResult, Status

ROOT = Path(__file__).resolve().parent.parent
FARM = ROOT / "samples" / "farm"
ENV = {**os.environ, "OIT_ALLOW_NETWORKS": "127.0.0.1/32"}


def oit(*args, env=ENV, timeout=120):
    return subprocess.run([sys.executable, "-m", "crawler.cmdline", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def farm_site():
    truth = load_truth(FARM)
    sid = sorted(truth.sites)[0]
    with serve(FARM, [sid]) as bases:
        yield sid, bases[sid], truth


def test_check_writes_contract_json_and_html(farm_site, tmp_path):
    sid, url, truth = farm_site
    out, page = tmp_path / "r.json", tmp_path / "r.html"
    proc = oit("check", url, "--json", str(out), "--html", str(page), "--as-of", "2025-03-20")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) >= {"site", "rules", "as_of", "score", "items"}
    assert set(data["site"]) >= {"url", "status", "pages_fetched"}
    assert data["rules"] == {"year": 2568, "items": 28}
    assert data["as_of"] == "2025-03-20"
    assert [i["code"] for i in data["items"]] == [f"O{n}" for n in range(1, 29)]
    for item in data["items"]:
        assert set(item) >= {"code", "name", "status", "evidence", "reason"}
        assert item["status"] in {s.value for s in Status}
        for ev in item["evidence"]:
            assert set(ev) >= {"url", "text", "years"}
    result = CheckResult.model_validate(data)
    assert result.site.status == "ok" and result.site.pages_fetched > 3
    found = sum(i.status is Status.found for i in result.items)
    assert result.score == pytest.approx(round(100 * found / 28, 2))
    # the printed table names every item, and the HTML report is one self-contained page
    assert all(f"O{n} " in proc.stdout or f"O{n}│" in proc.stdout or f"O{n}" in proc.stdout for n in range(1, 29))
    html = page.read_text(encoding="utf-8")
    assert "<html" in html and "O28" in html and "<script src" not in html


def test_unreachable_site_still_gives_a_report(tmp_path):
    out = tmp_path / "r.json"
    proc = oit("check", "http://127.0.0.1:9/", "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["site"]["status"] == "unreachable"
    assert {i["status"] for i in data["items"]} == {"unverified"}


def test_private_address_is_blocked_without_the_allow_switch(tmp_path, farm_site):
    _, url, _ = farm_site
    env = {k: v for k, v in os.environ.items() if k != "OIT_ALLOW_NETWORKS"}
    out = tmp_path / "r.json"
    proc = oit("check", url, "--json", str(out), env=env)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["site"]["status"] == "unreachable" and data["site"]["pages_fetched"] == 0
    assert "blocked" in data["items"][0]["reason"]


@pytest.mark.parametrize("args, message", [
    (["check", "ftp://x"], "not a website address"),
    (["check", "http://x.example/", "--rules", "2570"], "2568"),
    (["check", "http://x.example/", "--as-of", "20-03-2025"], "YYYY-MM-DD"),
    (["eval", "/nonexistent"], "truth.json"),
])
def test_bad_input_is_one_clear_line(args, message):
    proc = oit(*args)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_rules_check_reports_path_and_line(tmp_path):
    assert oit("rules", "check", str(ROOT / "rules" / "oit-2568.yaml")).returncode == 0
    bad = tmp_path / "bad.yaml"
    text = (ROOT / "rules" / "oit-2568.yaml").read_text(encoding="utf-8")
    bad.write_text(text.replace("freshness: previous", "freshness: lastyear", 1), encoding="utf-8")
    line = 1 + text[:text.index("freshness: previous")].count("\n")
    proc = oit("rules", "check", str(bad))
    assert proc.returncode == 1
    assert f":{line}:" in proc.stderr and "freshness" in proc.stderr


@pytest.mark.parametrize("farm, sites", [(FARM, 12), (ROOT / "tests" / "farms" / "holdout", 7)],
                         ids=["bundled", "holdout"])
def test_eval_meets_the_bar(farm, sites, tmp_path):
    """The bundled farm, and a blind one built without sight of the rules or the code."""
    metrics = tmp_path / "m.json"
    proc = oit("eval", str(farm), "--json", str(metrics), timeout=600)
    assert proc.returncode == 0, proc.stderr
    m = json.loads(metrics.read_text(encoding="utf-8"))
    assert m["sites"] >= sites
    assert m["status_accuracy"] >= 0.95, m["mismatches"]
    assert m["found_reported_missing"] == 0, m["mismatches"]
    assert "item-status accuracy" in proc.stdout and "O28" in proc.stdout
    # the browser: every JavaScript-built site needs it and reaches the bar; the others (almost) never
    js = {sid for sid in m["per_site"] if built_by_javascript(farm / sid)}
    assert len(js) >= 2
    # each used it, or was answered in full before reaching its JavaScript page (a calendar widget)
    assert all(s["pages_rendered"] or s["status_accuracy"] == 1 for s in map(m["per_site"].get, js))
    assert sum(bool(m["per_site"][sid]["pages_rendered"]) for sid in js) >= 2
    assert sum(m["per_site"][s]["status_accuracy"] for s in js) / len(js) >= 0.90
    # a server-rendered site may have one JavaScript widget page (a calendar that says "loading")
    assert all(s["pages_rendered"] <= 1 for sid, s in m["per_site"].items() if sid not in js)


def test_a_bad_network_allow_list_is_one_clear_line():
    proc = oit("check", "http://x.example/", env={**ENV, "OIT_ALLOW_NETWORKS": "127.0.0.1/99"})
    assert proc.returncode == 2
    assert proc.stderr.startswith("oit: error: OIT_ALLOW_NETWORKS") and "Traceback" not in proc.stderr
