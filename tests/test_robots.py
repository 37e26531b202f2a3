"""robots.txt is obeyed, unless the agency list says the agency agreed otherwise; either way the
report says what happened instead of calling the item missing."""
import json
import os
import subprocess
import sys
from pathlib import Path

from crawler.sqldata import DataStore

ROOT = Path(__file__).resolve().parent.parent
HOME = '<html><head><meta charset="utf-8"><title>อบต.</title></head><body>' \
       '<a href="/ita/plan.html">แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ 2568</a></body></html>'


def test_robots_obeyed_unless_the_agency_allows(tmp_path):
    farm = tmp_path / "farm"
    for site in ("polite", "allowed"):
        (farm / site / "ita").mkdir(parents=True)
        (farm / site / "index.html").write_text(HOME, encoding="utf-8")
        (farm / site / "ita" / "plan.html").write_text("<title>แผนปฏิบัติการป้องกันการทุจริต 2568</title>",
                                                       encoding="utf-8")
        (farm / site / "robots.txt").write_text("User-agent: *\nDisallow: /ita/\n", encoding="utf-8")
    (farm / "truth.json").write_text(json.dumps({"as_of": "2025-03-20", "rules": "2568", "sites": {
        s: {"items": {}} for s in ("polite", "allowed")}}), encoding="utf-8")
    agencies = tmp_path / "agencies.csv"
    agencies.write_text("name,url,province,district,type,robots\nอบต.ก,polite,ขอนแก่น,เมือง,อบต.,\n"
                        "อบต.ข,allowed,ขอนแก่น,เมือง,อบต.,ignore\n", encoding="utf-8")
    db = tmp_path / "h.sqlite"
    proc = subprocess.run([sys.executable, "-m", "crawler.cmdline", "crawl", "--farm", str(farm),
                           "--agencies", str(agencies), "--db", str(db)], cwd=ROOT, env=dict(os.environ),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    store = DataStore(db)
    results = {r.agency.id: r.result for r in store.results(store.runs()[-1].id)}
    polite = {i.code: i for i in results["polite"].items}
    assert polite["O25"].status.value == "unverified" and "robots" in polite["O25"].reason
    assert [f.error for f in results["polite"].failures] == ["robots"]
    assert {i.code: i for i in results["allowed"].items}["O25"].status.value == "found"
