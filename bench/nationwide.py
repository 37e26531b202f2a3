"""Nationwide: 8,317 agencies through `oit crawl` with shipped defaults, against servers as slow as real ones.

    python bench/nationwide.py [--sites 8317] [--latency 1] [--fleet-sites 800] [--fleet-batch-size 200]
                               [--worker-sites 2000] [--skip-machine]

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
  each) taking `oit crawl --queue` batches over the first `--fleet-sites` sites; agencies per hour
  of each and the ratio. The batches are smaller than shipped (`--fleet-batch-size`, 200: four for
  800 sites) so that each worker takes several (the run does not end on one batch's slowest site)
  and two workers on this machine's two cores, beside the farm server, are not bound by the CPU:
  the comparison is of the fleet's scaling, which machines of their own would not share.
- **Worker machine**: one `oit worker` as shipped (two crawl processes a core) over the first
  `--worker-sites` sites: what a machine of the fleet does, against the one-machine figure.
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


def crawl(cmd: list[str], db: Path, truth: FarmTruth, ids: dict[str, str], workers=()) -> dict:
    """Run one `oit crawl`; its wall time, CPU and peak memory (all its processes and those of the
    `workers` taking its batches, which are stopped when it ends), and what it found (`ids`: the
    agency id of each served site -> its farm id)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=common.ROOT, env=ENV, stdout=subprocess.DEVNULL)
    memory = common.TreeMemory(proc.pid, *(w.pid for w in workers))
    code = proc.wait()
    seconds, peak = time.monotonic() - started, memory.close()
    for w in workers:
        w.terminate()
    for w in workers:  # reaped: their CPU (and their crawl processes') is counted below
        w.wait()
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


def queued(path: Path, sites: int, latency: float, label: str, workers: int, worker_options=(),
           crawl_options=()) -> dict:
    """`oit crawl --queue [crawl_options]` over the first `sites` sites, taken by `workers`
    `oit worker [worker_options]`."""
    with _served(path, sites, latency) as (truth, bases, ids), redis() as queue:
        work = common.OUT / f"nationwide-{label}"
        agencies, db = common.agency_list(bases, work), work / "history.sqlite"
        db.unlink(missing_ok=True)
        procs = [subprocess.Popen([*OIT, "worker", "--queue", queue, *worker_options], cwd=common.ROOT, env=ENV,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
        try:
            row = crawl([*OIT, "crawl", "--queue", queue, "--agencies", agencies, "--db", db,
                         "--rules", "2568", "--as-of", "2025-03-20", *crawl_options], db, truth, ids, procs)
        finally:  # crawl failed: the workers go too
            for w in procs:
                if w.poll() is None:
                    w.kill()
                    w.wait()
    print(f"nationwide: {label}: {row['agencies']} agencies in {row['seconds']:.0f} s ({row['agencies_per_hour']:,}/h)",
          flush=True)
    return row


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sites", type=int, default=8317)
    p.add_argument("--latency", type=float, default=1.0, help="median seconds before each answer")
    p.add_argument("--fleet-sites", type=int, default=800, help="sites for the 1-vs-2 workers comparison (0: skip)")
    p.add_argument("--fleet-batch-size", type=int, default=200, help="agencies per batch in that comparison")
    p.add_argument("--worker-sites", type=int, default=2000, help="sites for one worker as shipped (0: skip)")
    p.add_argument("--skip-machine", action="store_true", help="only the fleet and the worker")
    args = p.parse_args(argv)
    path = farm(max(0 if args.skip_machine else args.sites, args.fleet_sites, args.worker_sites))
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
        rows = {n: queued(path, args.fleet_sites, args.latency, f"fleet-{n}", n, ["--concurrency", "1"],
                          ["--batch-size", str(args.fleet_batch_size)]) for n in (1, 2)}
        out["fleet"] = {"sites": args.fleet_sites, "batch_size": args.fleet_batch_size, "workers": rows,
                        "ratio": round(rows[2]["agencies_per_hour"] / rows[1]["agencies_per_hour"], 2)}
        common.save("nationwide", out)
        print(f"nationwide: two workers / one = {out['fleet']['ratio']:.2f}")
    if args.worker_sites:
        out["worker"] = queued(path, args.worker_sites, args.latency, "worker", 1)
        common.save("nationwide", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
