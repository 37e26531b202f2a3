"""Nationwide: 8,317 agencies through `oit crawl` with shipped defaults, against servers as slow as real ones.

    python bench/nationwide.py [--sites 8317] [--latency 1] [--fleet-sites 800] [--skip-machine]

A generated farm of realistic sites (`samples/generate.py`, about 40 requests a site to their
final answers) is served by bench/farmserver.py with `--latency`: a median wait of 1 s before
every answer, one answer in 20 after 5-20 s, one in 100 never (the crawler's DOWNLOAD_TIMEOUT
ends it). Loopback hides what decides a real night: the crawler waits on servers far more than it
works, so how many sites it keeps open decides the hours.

- **One machine**: the real command, `oit crawl --agencies FILE --db DB` with the settings as
  shipped (a crawl process per core, open sites adapting to latency, politeness delays and
  AutoThrottle, robots.txt obeyed, SQLite history). Wall time, pages, CPU, peak memory of the
  process tree, site statuses and item-status accuracy against truth.json.
- **Fleet**: a real redis-server, then one and two `oit worker --concurrency 1` (one crawl process
  each) taking `oit crawl --queue` batches (of the shipped 200 agencies) over the first
  `--fleet-sites` sites; agencies per hour of each and the ratio.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import common
from farmserver import NETWORK, served

sys.path.insert(0, str(common.ROOT / "samples"))
sys.path.insert(0, str(common.ROOT / "tests"))
from generate import generate  # noqa: E402 - samples/ is not a package
from servers import redis  # noqa: E402 - the tests' own Redis starter

from crawler.farm import load_truth  # noqa: E402
from crawler.farmeval import score  # noqa: E402
from crawler.models import FarmTruth  # noqa: E402
from crawler.sqldata import DataStore  # noqa: E402
from crawler.urls import site_id  # noqa: E402

OIT = [sys.executable, "-m", "crawler.cmdline"]
ENV = {**os.environ, "OIT_ALLOW_NETWORKS": NETWORK}


def farm(sites: int) -> Path:
    path = common.OUT / f"farm-nation-{sites}"
    if not (path / "truth.json").is_file():
        generate(path, sites, seed=7)
    return path


def crawl(cmd: list[str], db: Path, truth: FarmTruth, ids: dict[str, str]) -> dict:
    """Run one `oit crawl`; its wall time, CPU (all its processes), memory, and what it found
    (`ids`: the agency id of each served site -> its farm id)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=common.ROOT, env=ENV, stdout=subprocess.DEVNULL)
    memory = common.TreeMemory(proc.pid)
    code = proc.wait()
    seconds, peak = time.monotonic() - started, memory.close()
    if code:
        raise RuntimeError(f"{' '.join(map(str, cmd))}: exit status {code}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    store = DataStore(db)
    [run] = store.runs()
    results = {ids[r.agency.id]: r.result for r in store.results(run.id)}
    store.close()
    metrics = score(truth.model_copy(update={"sites": {k: v for k, v in truth.sites.items() if k in results}}),
                    results)
    pages = sum(r.site.pages_fetched for r in results.values())
    return {"agencies": len(results), "seconds": round(seconds, 1), "hours": round(seconds / 3600, 3),
            "agencies_per_hour": round(len(results) / seconds * 3600), "pages": pages,
            "pages_per_second": round(pages / seconds, 1),
            "cpu_seconds": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 1),
            "peak_rss_mb": peak, "site_status": dict(Counter(r.site.status for r in results.values())),
            "status_accuracy": round(metrics["status_accuracy"], 4)}


@contextlib.contextmanager
def _served(path: Path, sites: int, latency: float):
    """The farm's first `sites` sites served with latency: (truth, {site id: URL}, {agency id: site id})."""
    truth = load_truth(path)
    with served(path, list(truth.sites)[:sites], latency=latency) as bases:
        yield truth, bases, {site_id(url): sid for sid, url in bases.items()}


def one_machine(path: Path, sites: int, latency: float) -> dict:
    work = common.OUT / "nationwide"
    with _served(path, sites, latency) as (truth, bases, ids):
        agencies, db = common.agency_list(bases, work), work / "history.sqlite"
        db.unlink(missing_ok=True)
        return crawl([*OIT, "crawl", "--agencies", agencies, "--db", db, "--rules", "2568",
                      "--as-of", "2025-03-20"], db, truth, ids)


def fleet(path: Path, sites: int, latency: float, counts=(1, 2)) -> dict:
    rows = {}
    with _served(path, sites, latency) as (truth, bases, ids), redis() as queue:
        for n in counts:
            work = common.OUT / f"nationwide-fleet-{n}"
            agencies, db = common.agency_list(bases, work), work / "history.sqlite"
            db.unlink(missing_ok=True)
            workers = [subprocess.Popen([*OIT, "worker", "--queue", queue, "--concurrency", "1"], cwd=common.ROOT,
                                        env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                       for _ in range(n)]
            try:
                rows[n] = crawl([*OIT, "crawl", "--queue", queue, "--agencies", agencies, "--db", db,
                                 "--rules", "2568", "--as-of", "2025-03-20"], db, truth, ids)
            finally:
                for w in workers:
                    w.terminate()
                for w in workers:
                    w.wait()
            print(f"nationwide: fleet of {n} worker(s): {rows[n]['agencies']} agencies in {rows[n]['seconds']:.0f} s "
                  f"({rows[n]['agencies_per_hour']:,}/h)", flush=True)
    return {"sites": sites, "workers": rows,
            "ratio": round(rows[counts[-1]]["agencies_per_hour"] / rows[counts[0]]["agencies_per_hour"], 2)}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sites", type=int, default=8317)
    p.add_argument("--latency", type=float, default=1.0, help="median seconds before each answer")
    p.add_argument("--fleet-sites", type=int, default=800, help="sites for the 1-vs-2 workers comparison (0: skip)")
    p.add_argument("--skip-machine", action="store_true", help="only the fleet comparison")
    args = p.parse_args(argv)
    path = farm(max(args.sites, args.fleet_sites))
    out = common.load("nationwide") or {}
    out.update({"latency": args.latency, "machine": common.machine()})
    if not args.skip_machine:
        row = out["one_machine"] = one_machine(path, args.sites, args.latency)
        out["hours_8317"] = round(row["hours"] * 8317 / row["agencies"], 2)
        common.save("nationwide", out)
        print(f"nationwide: one machine, shipped defaults: {row['agencies']} agencies in {row['hours']:.2f} h "
              f"({row['pages_per_second']} pages/s, peak {row['peak_rss_mb']} MB, accuracy "
              f"{100 * row['status_accuracy']:.1f}%, sites {row['site_status']}); 8,317 agencies: {out['hours_8317']} h",
              flush=True)
    if args.fleet_sites:
        out["fleet"] = fleet(path, args.fleet_sites, args.latency)
        common.save("nationwide", out)
        print(f"nationwide: two workers / one = {out['fleet']['ratio']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
