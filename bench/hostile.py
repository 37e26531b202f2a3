"""Acceptance run of issue 5: a night with hostile sites among healthy ones.

    python bench/hostile.py [--healthy 160] [--hostile 40] [--seed 7] [--out DIR]

Generates a farm of healthy agency sites (samples/generate.py), serves them and the hostile server
(tests/robustness/hostile_server.py: its kinds taken in turn) on loopback, and crawls twice with
the project's own limits: the healthy sites alone, then healthy and hostile together. It checks
that every healthy site's results (site status, failures, and per item the status, evidence URLs
and reason) are identical in both runs, that every hostile site reports the failure classes of
its kind, and that the mixed run ends within its time budget:

    budget = T_alone * pages_mixed / pages_alone          the same throughput for the extra pages
             + 2 * (RETRY_TIMES + 1) * DOWNLOAD_TIMEOUT   a page timing out on every try: Scrapy's
                                                          retry, then again at the end of its site
             + (RETRY_TIMES + 1) * DOWNLOAD_TIMEOUT       a site down on every try, tried again at
                                                          the end of the run, after all the others

Hostile sites run beside the healthy ones (two of the run's connections each), so together they
may add no more than the longest chain of timeouts one site can legitimately go through.
Prints the figures and writes them to bench/out/hostile.json; exits 1 on any mismatch or an overrun.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import common

sys.path[:0] = [str(common.ROOT / "samples"), str(common.ROOT / "tests" / "robustness")]

from crawl_sites import answer, crawl  # noqa: E402
from generate import generate  # noqa: E402
from hostile_server import KINDS, PRIVATE, PRIVATE_SITE, HostileServer, expected, outcome  # noqa: E402

from crawler import settings as project  # noqa: E402
from crawler.farm import load_truth, serve  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--healthy", type=int, default=160)
    parser.add_argument("--hostile", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="keep the farm and the results here (default: a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        return run(args, out)


def run(args, out: Path) -> int:
    farm = generate(out / "farm", args.healthy, seed=args.seed)
    truth = load_truth(farm)
    kinds = [*KINDS, PRIVATE_SITE]
    hostile_sites = {f"hostile-{n:02d}-{kinds[n % len(kinds)]}": kinds[n % len(kinds)] for n in range(args.hostile)}
    with serve(farm, list(truth.sites)) as healthy, \
            HostileServer(hostile_sites, out, project.DOWNLOAD_MAXSIZE) as hostile:
        print(f"{len(healthy)} healthy sites, {len(hostile_sites)} hostile sites "
              f"({len(set(hostile_sites.values()))} kinds); crawling the healthy sites alone...", flush=True)
        alone, t_alone = crawl(healthy, out / "alone.json", str(truth.as_of), timeout=7200)
        print("... and healthy and hostile together", flush=True)
        mixed, t_mixed = crawl({**healthy, **hostile.urls}, out / "mixed.json", str(truth.as_of), timeout=7200)
        intranet = sum(n for (sid, _), n in hostile.hits.items() if sid == PRIVATE)

    pages_alone = sum(r["site"]["pages_fetched"] for r in alone.values())
    pages_mixed = sum(r["site"]["pages_fetched"] for r in mixed.values())
    tries = project.RETRY_TIMES + 1
    budget = t_alone * pages_mixed / pages_alone + 3 * tries * project.DOWNLOAD_TIMEOUT
    different = [sid for sid in healthy if answer(alone[sid]) != answer(mixed[sid])]

    print(f"\nhealthy alone : {t_alone:7.1f} s  {pages_alone:6d} pages  {pages_alone / t_alone:5.1f} pages/s")
    print(f"with hostile  : {t_mixed:7.1f} s  {pages_mixed:6d} pages  {pages_mixed / t_mixed:5.1f} pages/s")
    print(f"time budget   : {budget:7.1f} s  = {t_alone:.1f} s x {pages_mixed}/{pages_alone} pages + "
          f"3 x {tries} tries x DOWNLOAD_TIMEOUT {project.DOWNLOAD_TIMEOUT} s  "
          f"-> {'within' if t_mixed <= budget else 'OVER'}")
    print(f"healthy sites with identical results: {len(healthy) - len(different)}/{len(healthy)}"
          + (f"  differ: {', '.join(different)}" if different else ""))
    print(f"requests that reached the intranet ({PRIVATE}): {intranet}")

    print(f"\n{'kind':24} {'sites':>5}  {'expected (site status, error, failures)':54} result")
    wrong = []
    for kind in kinds:
        sids = [sid for sid, k in hostile_sites.items() if k == kind]
        if not sids:
            continue
        want = expected(kind)
        want_text = f"{want.status} {want.site_error or '-'} {want.failures or ''}"
        bad = [sid for sid in sids if outcome(mixed[sid]) != want.outcome()]
        wrong += bad
        print(f"{kind:24} {len(sids):5}  {want_text:54} "
              + ("ok" if not bad else f"MISMATCH: {outcome(mixed[bad[0]])}"))
    ok = not different and not wrong and not intranet and t_mixed <= budget
    common.save("hostile", {
        "machine": common.machine(), "healthy": len(healthy), "hostile": len(hostile_sites),
        "seconds_alone": round(t_alone, 1), "seconds_mixed": round(t_mixed, 1), "budget": round(budget, 1),
        "pages_alone": pages_alone, "pages_mixed": pages_mixed, "identical": len(healthy) - len(different),
        "different": different, "intranet_requests": intranet,
        "wrong": {sid: [*outcome(mixed[sid])] for sid in wrong}, "pass": ok})
    print(f"\n{'PASS' if ok else 'FAIL'}: {len(wrong)} hostile sites with the wrong outcome, "
          f"{len(different)} healthy sites changed, {intranet} intranet requests, "
          f"{t_mixed:.0f} s of a {budget:.0f} s budget")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
