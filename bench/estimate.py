"""Nationwide estimate: 8,317 agencies in one night, from the measured figures.

    python bench/estimate.py [--agencies 8317] [--night-hours 8] [--rate 1]

Reads bench/out/throughput.json (CPU time per page of the project crawl, delays lifted: the crawl
is CPU-bound there, so this is its CPU cost per page including Scrapy) and bench/out/efficiency.json
(requests per site of the focused crawl on sites with a photo archive, as large as real sites,
and on the sample sites as they are). Assumptions, printed with the figures: every agency is crawled at `--rate` requests per second per site; one crawl process
uses one core; the remote servers, not the crawler, decide latency, so enough sites are crawled
side by side to keep the cores busy (CONCURRENT_REQUESTS raised accordingly); robots.txt is one
more request per site.
"""
from __future__ import annotations

import argparse
import math
import sys

import common
from crawler import settings


def estimate(agencies: int, night_hours: float, rate: float) -> dict:
    throughput, efficiency = common.load("throughput"), common.load("efficiency")
    if not throughput or not efficiency:
        raise SystemExit("estimate: run bench/throughput.py and bench/efficiency.py first")
    cpu_page = throughput["modes"]["fast"]["oit"]["cpu_ms_per_page"] / 1000
    cores = common.machine()["cores"]
    shipped = settings.CONCURRENT_REQUESTS
    scenarios = {}
    large, small = ("samples+archive", "holdout+archive"), ("samples", "holdout")
    for label, farms in (("large sites (archive)", large), ("sample-sized sites", small)):
        rows = [r for r in efficiency["rows"] if r["farm"] in farms]
        per_site = sum(r["focused"]["total_sum"] for r in rows) / sum(r["sites"] for r in rows) + 1  # + robots.txt
        requests = agencies * per_site
        cpu_hours = requests * cpu_page / 3600
        parallel = math.ceil(1 / (cpu_page * rate))  # sites side by side to keep one core busy
        hours_machine = cpu_hours / cores  # every core busy (one crawl process per core)
        hours_shipped = requests / (shipped * rate) / 3600  # one process, CONCURRENT_REQUESTS as shipped
        scenarios[label] = {
            "requests_per_site": round(per_site, 1), "requests": round(requests),
            "cpu_hours": round(cpu_hours, 2), "sites_in_parallel_per_core": parallel,
            "hours_one_machine": round(hours_machine, 2), "hours_one_process_shipped": round(hours_shipped, 2),
            "machines": max(1, math.ceil(hours_machine / night_hours)),
            "per_site_minutes": round(per_site / rate / 60, 1),
        }
    return {"agencies": agencies, "night_hours": night_hours, "rate_per_site": rate, "cores": cores,
            "cpu_ms_per_page": round(cpu_page * 1000, 2), "concurrent_requests": shipped, "scenarios": scenarios}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--agencies", type=int, default=8317)
    p.add_argument("--night-hours", type=float, default=8)
    p.add_argument("--rate", type=float, default=1.0, help="requests per second per site")
    args = p.parse_args(argv)
    out = estimate(args.agencies, args.night_hours, args.rate)
    common.save("estimate", out)
    print(f"estimate: {out['agencies']} agencies, {out['cpu_ms_per_page']} ms CPU per page, "
          f"{out['rate_per_site']:g} request/s per site, {out['cores']} cores, {out['night_hours']:g} h night")
    for label, s in out["scenarios"].items():
        print(f"  {label}: {s['requests_per_site']} requests/site, {s['requests']:,} requests, "
              f"{s['cpu_hours']} CPU-hours -> {s['hours_one_machine']} h on this machine "
              f"({s['sites_in_parallel_per_core']} sites side by side per core); "
              f"{s['machines']} machine(s) per night; shipped settings, one process: {s['hours_one_process_shipped']} h")
    return 0


if __name__ == "__main__":
    sys.exit(main())
