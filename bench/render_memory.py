"""Peak memory of a crawl that needs the browser: 50 sites, 10 of them built by JavaScript.

    python bench/render_memory.py [--static 40] [--js 10] [--seed 3]

The static sites come from samples/generate.py; the JavaScript sites are the bundled and holdout
farm sites that need a browser (copied round-robin under new ids until there are --js of them).
`oit eval` crawls them all in a child process; every 0.2 s the script sums the memory of that
process and all its descendants (the Playwright driver and every Chromium process): resident
set (RSS, counts shared pages once per process, so it overstates) and proportional set (PSS,
shared pages split between the processes that share them: the memory the crawl really takes).
Prints the peaks, the pages fetched and rendered, and the accuracy overall and on the
JavaScript sites. Target: peak PSS under 1.5 GB.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "samples"))
FARMS = (ROOT / "samples" / "farm", ROOT / "tests" / "farms" / "holdout")
LIMIT_MB = 1536


def _js_sites() -> list[tuple[Path, str, dict]]:
    from crawler.render import built_by_javascript

    found = []
    for farm in FARMS:
        truth = json.loads((farm / "truth.json").read_text(encoding="utf-8"))
        found += [(farm / sid, sid, site) for sid, site in truth["sites"].items()
                  if built_by_javascript(farm / sid)]
    return found


def build(out: Path, static: int, js: int, seed: int) -> tuple[Path, list[str]]:
    from generate import generate

    farm = generate(out / "farm", static, seed=seed)
    truth = json.loads((farm / "truth.json").read_text(encoding="utf-8"))
    sources = _js_sites()
    if not sources:
        raise SystemExit("render_memory: no JavaScript-built site in the bundled or holdout farm")
    ids = []
    for n in range(js):
        root, sid, site = sources[n % len(sources)]
        new = f"js{n:02d}-{sid}"
        shutil.copytree(root, farm / new)
        truth["sites"][new] = site
        ids.append(new)
    (farm / "truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    return farm, ids


def _tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def _kb(pid: int, path: str, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{path}").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(cmd: list[str], env: dict) -> dict:
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {"rss_tree_mb": 0.0, "pss_tree_mb": 0.0, "rss_python_mb": 0.0, "processes": 0}
    while proc.poll() is None:
        pids = _tree(proc.pid)
        rss = sum(_kb(p, "status", "VmRSS:") for p in pids)
        pss = sum(_kb(p, "smaps_rollup", "Pss:") for p in pids)
        peak["rss_tree_mb"] = max(peak["rss_tree_mb"], rss / 1024)
        peak["pss_tree_mb"] = max(peak["pss_tree_mb"], pss / 1024)
        peak["rss_python_mb"] = max(peak["rss_python_mb"], _kb(proc.pid, "status", "VmRSS:") / 1024)
        peak["processes"] = max(peak["processes"], len(pids))
        time.sleep(0.2)
    out, err = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"render_memory: oit eval failed:\n{err[-2000:]}")
    return {**peak, "seconds": round(time.monotonic() - started, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--static", type=int, default=40)
    ap.add_argument("--js", type=int, default=10)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="oit-render-") as tmp:
        tmp = Path(tmp)
        farm, js_ids = build(tmp, args.static, args.js, args.seed)
        env = {**os.environ, "OIT_ALLOW_NETWORKS": "127.0.0.1/32"}
        figures = measure([sys.executable, "-m", "crawler.cmdline", "eval", str(farm), "--out", str(tmp / "out"),
                           "--json", str(tmp / "eval.json")], env)
        m = json.loads((tmp / "eval.json").read_text(encoding="utf-8"))
    sites = m["per_site"]
    static_rendered = sum(s["pages_rendered"] for sid, s in sites.items() if sid not in js_ids)
    js_accuracy = sum(sites[sid]["status_accuracy"] for sid in js_ids) / len(js_ids)
    print(f"sites: {len(sites)} ({len(js_ids)} built by JavaScript)  wall: {figures['seconds']} s")
    print(f"pages fetched: {m['pages_fetched']}  rendered by the browser: {m['pages_rendered']} "
          f"(on server-rendered sites: {static_rendered})")
    print(f"peak memory: PSS of the process tree {figures['pss_tree_mb']:.0f} MB "
          f"(RSS sum {figures['rss_tree_mb']:.0f} MB over up to {figures['processes']} processes; "
          f"the Python process alone {figures['rss_python_mb']:.0f} MB)  target < {LIMIT_MB} MB: "
          f"{'met' if figures['pss_tree_mb'] < LIMIT_MB else 'NOT MET'}")
    print(f"item-status accuracy: all {m['status_accuracy']:.1%}  JavaScript sites {js_accuracy:.1%}")
    return 0 if figures["pss_tree_mb"] < LIMIT_MB else 1


if __name__ == "__main__":
    sys.exit(main())
