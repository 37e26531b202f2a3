"""Throughput: the project against a bare Scrapy link-following spider, same farm, same run.

    python bench/throughput.py [--sites 500] [--modes polite,fast]

A farm of generated realistic sites (samples/generate.py) is served by bench/farmserver.py (one
asyncio process, a loopback address per site). Each spider crawls all of it in a process of its own, with the
same Scrapy settings (crawler/settings.py: 32 requests at once, 2 per site, robots.txt obeyed).
`polite`: the settings as shipped (DOWNLOAD_DELAY 0.1 s and AutoThrottle), what the nightly job
runs with. `fast`: both delays lifted for both spiders, so each runs as fast as its CPU allows.
Pages per second = responses / crawl time (Scrapy's elapsed time, start-up excluded).
The project's results are also scored against the farm's truth.json.
"""
from __future__ import annotations

import argparse
import sys
import time

import common
from crawl import run_crawl
from farmserver import served, site_ids

sys.path.insert(0, str(common.ROOT / "samples"))
from generate import generate  # noqa: E402

MODES = {"polite": common.POLITE, "fast": common.FAST}


def run(sites: int = 500, modes=("polite", "fast"), seed: int = 1) -> dict:
    started = time.monotonic()
    farm = generate(common.OUT / f"farm-{sites}", sites, seed)
    out = {"sites": sites, "seed": seed, "modes": {}}
    with served(farm, site_ids(farm)) as bases:
        for mode in modes:
            runs = {}
            for spider in ("oit", "bare"):
                truth = farm / "truth.json" if spider != "bare" else None
                r = run_crawl(spider, bases, common.OUT / f"throughput-{mode}-{spider}.json", truth, MODES[mode])
                runs[spider] = {"responses": r["responses"], "crawl_seconds": round(r["crawl_seconds"], 1),
                                "pages_per_second": round(r["responses"] / r["crawl_seconds"], 1),
                                "cpu_ms_per_page": round(1000 * r["cpu_seconds"] / r["responses"], 2),
                                "cpu_share": round(r["cpu_seconds"] / r["process_seconds"], 2),
                                "peak_rss_mb": r["peak_rss_mb"]}
                if truth:
                    runs[spider]["status_accuracy"] = r["accuracy"]["status_accuracy"]
                    runs[spider]["site_status"] = r["site_status"]
                print(f"{mode:>6} {spider:<5} {runs[spider]['pages_per_second']:7.1f} pages/s  "
                      f"{runs[spider]['cpu_ms_per_page']:6.2f} ms CPU/page  ({r['responses']} pages)", flush=True)
            out["modes"][mode] = {**runs, "ratio": round(runs["oit"]["pages_per_second"]
                                                         / runs["bare"]["pages_per_second"], 3)}
            print(f"{mode:>6} ratio project/bare: {out['modes'][mode]['ratio']:.2f}", flush=True)
    out["seconds"] = round(time.monotonic() - started, 1)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sites", type=int, default=500)
    p.add_argument("--modes", default="polite,fast", help="comma-separated: polite, fast")
    args = p.parse_args(argv)
    out = run(args.sites, [m for m in args.modes.split(",") if m])
    common.save("throughput", out)
    print(f"throughput: {out['seconds']:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
