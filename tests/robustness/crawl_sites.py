"""Crawl a list of sites in a process of its own (Scrapy's reactor starts once per process) and
write {site id: contract JSON}; how the robustness tests and bench/hostile.py run the real crawler.

    python tests/robustness/crawl_sites.py JOB.json OUT.json

JOB = {"sites": [[id, url], ...], "as_of": "YYYY-MM-DD", "rules": "2568", "settings": {...}}
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# our own loopback servers: no politeness delay, like `oit eval`
FARM_SPEED = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "ERROR"}


def crawl(sites: dict[str, str], out: Path, as_of: str = "2025-03-20", settings: dict | None = None,
          allow: str = "127.0.0.1/32", timeout: float = 600) -> tuple[dict[str, dict], float]:
    """Run the crawl in a subprocess; ({site id: result JSON}, wall seconds)."""
    job = out.with_suffix(".job.json")
    job.write_text(json.dumps({"sites": list(sites.items()), "as_of": as_of, "rules": "2568",
                               "settings": {**FARM_SPEED, **(settings or {})}}), encoding="utf-8")
    env = {**os.environ, "OIT_ALLOW_NETWORKS": allow, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, __file__, str(job), str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    seconds = time.monotonic() - started
    if proc.returncode:
        raise RuntimeError(f"crawl failed ({proc.returncode}): {proc.stderr[-3000:]}")
    return json.loads(out.read_text(encoding="utf-8")), seconds


def answer(result: dict) -> dict:
    """What a user reads of a site's result (site, failures, and per item the status, evidence
    URLs in order and reason): two runs that read a site the same give the same answer. Failures
    are listed in the order pages came back, which two connections per site may swap."""
    return {"site": result["site"], "failures": sorted(result["failures"], key=lambda f: f["url"]),
            "items": [(i["code"], i["status"], [e["url"] for e in i["evidence"]], i["reason"])
                      for i in result["items"]]}


def main(job_path: str, out_path: str) -> None:
    from crawler import rules
    from crawler.runner import run

    job = json.loads(Path(job_path).read_text(encoding="utf-8"))
    results = run([tuple(s) for s in job["sites"]], rules.load(job["rules"]), job["as_of"], job["settings"])
    Path(out_path).write_text(json.dumps({sid: r.model_dump(mode="json") for sid, r in results.items()},
                                         ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
