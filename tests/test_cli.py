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
    proc = oit("check", url, "--json", str(out), "--html", str(page), "--as-of", "2025-03-20", "--rules", "2568")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) >= {"site", "rules", "as_of", "score", "items"}
    assert set(data["site"]) >= {"url", "status", "pages_fetched"}
    assert data["rules"] == {"year": 2568, "items": 28, "provisional": False}
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


@pytest.mark.parametrize("rules", [None, "2568", "2569", "2570"])
def test_check_uses_the_year_by_date_or_the_one_asked_and_says_provisional(rules, tmp_path):
    """No --rules: the assessment whose answering window is open or next (2570 in December 2026,
    a provisional pack the output says it is); --rules picks another year."""
    from crawler import rules as rules_mod

    out = tmp_path / "r.json"
    proc = oit("check", "http://127.0.0.1:9/", "--json", str(out), *(["--rules", rules] if rules else []))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    pack = rules_mod.load(rules)
    assert data["rules"] == {"year": pack.year, "items": len(pack.items), "provisional": pack.provisional}
    assert len(data["items"]) == {2568: 28}.get(pack.year, 26)
    assert pack.year == (int(rules) if rules else rules_mod.default_year())
    assert ("เกณฑ์ชั่วคราว" in proc.stdout) is (pack.year == 2570)
    assert ("(2568: O12)" in proc.stdout) is (pack.year == 2569)  # O11 of 2569 was O12 of 2568


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
    (["check", "http://x.example/", "--rules", "2575"], "2568, 2569, 2570"),
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


FARMS = ROOT / "tests" / "farms"


@pytest.mark.parametrize("farm, sites, bar, js_sites", [
    (FARM, 12, 0.97, 2), (FARMS / "holdout", 7, 0.97, 2), (FARMS / "blind2568", 13, 0.97, 0),
    (FARMS / "ita2569", 9, 0.95, 0)], ids=["bundled", "holdout", "blind2568", "ita2569"])
def test_eval_meets_the_bar(farm, sites, bar, js_sites, tmp_path):
    """The bundled farm, and blind ones built without sight of the rules or the code (ita2569: its year's
    pack, as its truth says)."""
    metrics = tmp_path / "m.json"
    proc = oit("eval", str(farm), "--json", str(metrics), timeout=900)
    assert proc.returncode == 0, proc.stderr
    m = json.loads(metrics.read_text(encoding="utf-8"))
    assert m["sites"] >= sites
    assert m["status_accuracy"] >= bar, m["mismatches"]
    lost = m["confusion"].get("found->missing", 0) + m["confusion"].get("stale->missing", 0)
    assert lost <= 0.01 * m["items_total"], m["mismatches"]  # never "missing" for what is there
    codes = {c for s in json.loads((farm / "truth.json").read_text(encoding="utf-8"))["sites"].values()
             for c in s["items"]}
    assert "item-status accuracy" in proc.stdout and max(codes, key=lambda c: int(c[1:])) in proc.stdout
    # the browser: every JavaScript-built site reaches the bar with it; the others (almost) never need it
    js = {sid for sid in m["per_site"] if built_by_javascript(farm / sid)}
    assert len(js) >= js_sites and sum(bool(m["per_site"][sid]["pages_rendered"]) for sid in js) >= js_sites
    # each used it, or was answered in full before reaching its JavaScript page (a calendar widget)
    assert all(s["pages_rendered"] or s["status_accuracy"] == 1 for s in map(m["per_site"].get, js))
    assert not js or sum(m["per_site"][s]["status_accuracy"] for s in js) / len(js) >= 0.90
    # a server-rendered site may have one JavaScript widget page (a calendar that says "loading")
    assert all(s["pages_rendered"] <= 1 for sid, s in m["per_site"].items() if sid not in js)


def test_a_bad_network_allow_list_is_one_clear_line():
    proc = oit("check", "http://x.example/", env={**ENV, "OIT_ALLOW_NETWORKS": "127.0.0.1/99"})
    assert proc.returncode == 2
    assert proc.stderr.startswith("oit: error: OIT_ALLOW_NETWORKS") and "Traceback" not in proc.stderr


def test_eval_lists_every_mismatch_with_v_after_the_subcommand(tmp_path):
    """A farm whose truth disagrees with the crawler on two items: `oit eval FARM -v` names both."""
    site = tmp_path / "abt-test"
    site.mkdir()
    (site / "index.html").write_text('<html><head><meta charset="utf-8"><title>อบต.ทดสอบ</title></head><body>'
                                     '<a href="/structure.html">โครงสร้างองค์กร</a></body></html>', encoding="utf-8")
    (site / "structure.html").write_text('<html><head><meta charset="utf-8"><title>โครงสร้างองค์กร</title>'
                                         '</head><body><p>แผนภูมิโครงสร้าง</p></body></html>', encoding="utf-8")
    items = {f"O{n}": {"status": "missing", "urls": []} for n in range(1, 29)}
    items["O1"] = {"status": "found", "urls": ["/about.html"]}  # our evidence is /structure.html
    items["O2"] = {"status": "found", "urls": ["/executives.html"]}  # there is none
    (tmp_path / "truth.json").write_text(json.dumps({"as_of": "2025-03-20", "rules": "2568",
                                                     "sites": {"abt-test": {"items": items}}}), encoding="utf-8")
    quiet, loud = oit("eval", str(tmp_path)), oit("eval", str(tmp_path), "-v")
    assert quiet.returncode == loud.returncode == 0, loud.stderr
    assert "Mismatches" not in quiet.stdout
    out = " ".join(loud.stdout.split())
    assert "Mismatches: 2" in out
    assert "abt-test O1: truth found, got found (other evidence)" in out and "/structure.html" in out
    assert "abt-test O2: truth found, got missing" in out and "/executives.html" in out
