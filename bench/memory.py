"""Peak memory of `oit crawl` for 500, 2,000 and 8,300 small sites: it should stay flat.

    python bench/memory.py [--counts 500,2000,8300]

Small sites (a home page, an ITA 2568 index and three item pages, in Thai; the home page names
its agency) are served by bench/farmserver.py. Each count is one real `oit crawl --agencies
FILE --db DB` in a process of its own (`python -m crawler.cmdline`), with the settings as
shipped (politeness delays and AutoThrottle) and the SQLite history; its peak resident memory
is that of the whole process tree (the command and its crawl processes, one per core), sampled
every second.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import common
from farmserver import NETWORK, served

PAGES = {
    "about/structure.html": ("โครงสร้างองค์กร", "<h1>โครงสร้างและอำนาจหน้าที่</h1><p>แผนภูมิโครงสร้างองค์กร "
                             "สำนักปลัด กองคลัง กองช่าง และอำนาจหน้าที่ตามพระราชบัญญัติสภาตำบล</p>"),
    "contact.html": ("ติดต่อเรา", "<h1>ข้อมูลการติดต่อ</h1><p>ที่อยู่ 99 หมู่ 1 โทรศัพท์ 0-4300-0000 "
                     "อีเมล saraban@example.go.th</p>"),
    "news/index.html": ("ข่าวประชาสัมพันธ์", "<h1>ข่าวประชาสัมพันธ์</h1><ul><li>ประชาสัมพันธ์การชำระภาษี "
                        "15 มกราคม 2568</li><li>โครงการอบรมอาสาสมัคร 3 กุมภาพันธ์ 2568</li></ul>"),
    "ita/2568.html": ("ITA 2568", "<h1>การเปิดเผยข้อมูลสาธารณะ (OIT) ประจำปี 2568</h1><table>"
                      "<tr><td>O1</td><td>โครงสร้าง</td><td><a href=\"/about/structure.html\">คลิก</a></td></tr>"
                      "<tr><td>O3</td><td>ข้อมูลการติดต่อ</td><td><a href=\"/contact.html\">คลิก</a></td></tr>"
                      "<tr><td>O4</td><td>ข่าวประชาสัมพันธ์</td><td><a href=\"/news/index.html\">คลิก</a></td>"
                      "</tr></table>"),
}
_HTML = '<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'


def small_farm(out: Path, sites: int) -> list[str]:
    """`sites` small sites under `out` (reused when already there); returns their ids."""
    template = out / "_template"
    if not template.is_dir():
        for rel, (title, body) in PAGES.items():
            path = template / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_HTML.format(title=title, body=body), encoding="utf-8")
    ids = [f"s{i:05d}" for i in range(1, sites + 1)]
    menu = "".join(f'<li><a href="/{rel}">{title}</a></li>' for rel, (title, _) in PAGES.items())
    for i, sid in enumerate(ids, 1):
        root = out / sid
        if (root / "index.html").is_file():
            continue
        for rel in PAGES:
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(template / rel, root / rel)  # the same bytes for every site, held once
        name = f"องค์การบริหารส่วนตำบลตัวอย่าง {i}"
        (root / "index.html").write_text(_HTML.format(title=f"หน้าหลัก :: {name}",
                                                      body=f"<h1>{name}</h1><ul>{menu}</ul>"), encoding="utf-8")
    return ids


def crawl(bases: dict[str, str], work: Path) -> dict:
    """One `oit crawl` over the sites; its duration and peak RSS."""
    if work.exists():
        shutil.rmtree(work)
    agencies = common.agency_list(bases, work)
    env = {**os.environ, "OIT_ALLOW_NETWORKS": NETWORK}
    cmd = [sys.executable, "-m", "crawler.cmdline", "crawl", "--agencies", str(agencies),
           "--db", str(work / "history.sqlite"), "--as-of", "2025-03-20", "--rules", "2568"]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=common.ROOT, env=env, stdout=subprocess.DEVNULL)
    memory = common.TreeMemory(proc.pid)
    _, status, usage = os.wait4(proc.pid, 0)
    peak = memory.close()
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"{' '.join(cmd)}: exit status {os.waitstatus_to_exitcode(status)}")
    seconds = time.monotonic() - started
    with contextlib.closing(sqlite3.connect(work / "history.sqlite")) as db:  # "partial": a budget cut the site
        status = dict(db.execute("SELECT status, COUNT(*) FROM site_results GROUP BY status").fetchall())
        score = db.execute("SELECT AVG(score) FROM site_results").fetchone()[0]
    return {"sites": len(bases), "seconds": round(seconds, 1), "peak_rss_mb": peak,
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
            "db_mb": round((work / "history.sqlite").stat().st_size / 2 ** 20, 1),
            "site_status": status, "mean_score": round(score, 2)}


def run(counts=(500, 2000, 8300)) -> dict:
    started = time.monotonic()
    farm = common.OUT / "farm-small"
    ids = small_farm(farm, max(counts))
    rows = []
    for n in counts:
        with served(farm, ids[:n]) as bases:
            row = crawl(bases, common.OUT / f"memory-{n}")
        rows.append(row)
        print(f"memory: {n:>5} sites  oit crawl: peak RSS {row['peak_rss_mb']:6.1f} MB  {row['seconds']:6.0f}s  "
              f"sites {row['site_status']}", flush=True)
        out = {"rows": rows, "growth": round(rows[-1]["peak_rss_mb"] / rows[0]["peak_rss_mb"], 3),
               "pages_per_site": len(PAGES) + 1, "seconds": round(time.monotonic() - started, 1)}
        common.save("memory", out)  # after each count: a long run still leaves its figures so far
    print(f"memory: {rows[-1]['sites']} sites / {rows[0]['sites']} sites = {out['growth']:.2f}x")
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--counts", default="500,2000,8300", help="comma-separated site counts")
    args = p.parse_args(argv)
    run([int(n) for n in args.counts.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
