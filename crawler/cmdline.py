"""The `oit` command: check one site, evaluate on a labelled farm, check a rule file."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from . import rules as rules_mod


class UsageError(Exception):
    """Invalid input: reported as one line, exit status 2."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _url(text: str) -> str:
    url = text.strip()
    if "://" not in url:
        url = "http://" + url
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise UsageError(f"not a website address: {text!r}")
    return url if parsed.path else url + "/"


class _Progress:
    """Live progress of a crawl, re-read from the spider's site states at every refresh."""

    def __init__(self):
        self.spider = None

    def __rich__(self) -> Table:
        grid = Table.grid(padding=(0, 2))
        if self.spider is None:
            grid.add_row("[dim]เริ่มต้น...[/]")
            return grid
        sites = self.spider.sites.values()
        done = sum(st.finished for st in sites)
        grid.add_row(f"[bold]กำลังตรวจ[/] {done}/{len(sites)} เว็บไซต์",
                     f"เปิดแล้ว {sum(st.requested for st in sites)} หน้า",
                     f"รอคิว {sum(len(st.frontier) for st in sites)}")
        last = next((st.last for st in sites if not st.finished and st.last), "")
        if last:
            grid.add_row(f"[dim]{escape(last[:100])}[/]")
        return grid


def _crawl(sites, rules, as_of, overrides, console: Console, verbose: bool):
    from .runner import run

    overrides = {"LOG_LEVEL": "INFO" if verbose else "ERROR", **overrides}
    if not console.is_terminal or verbose:
        return run(sites, rules, as_of, overrides)
    progress = _Progress()
    with Live(progress, console=console, refresh_per_second=4, transient=True):
        return run(sites, rules, as_of, overrides, on_start=lambda spider: setattr(progress, "spider", spider))


def cmd_check(args, console: Console) -> int:
    from reports import html, jsonreport, table

    url = _url(args.url)
    rules = rules_mod.load(args.rules)
    overrides = {"OIT_MAX_PAGES": args.max_pages} if args.max_pages else {}
    results = _crawl([("site", url)], rules, args.as_of, overrides, console, args.verbose)
    result = results["site"]
    table.render(result, console)
    if args.json:
        jsonreport.write(result, args.json)
    if args.html:
        html.write(result, args.html)
        console.print(f"รายงาน HTML: {args.html}")
    return 0


def cmd_eval(args, console: Console) -> int:
    from .farm import load_truth, serve
    from .farmeval import score

    farm = Path(args.farm)
    truth = load_truth(farm)
    rules = rules_mod.load(args.rules or truth.rules)
    # the farm is served on loopback: let exactly that through the network-safety policy
    os.environ["OIT_ALLOW_NETWORKS"] = ",".join(filter(None, (os.environ.get("OIT_ALLOW_NETWORKS"),
                                                              "127.0.0.1/32")))
    overrides = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "ROBOTSTXT_OBEY": True}
    with serve(farm, list(truth.sites)) as bases:
        results = _crawl(list(bases.items()), rules, truth.as_of, overrides, console, args.verbose)
    metrics = score(truth, results)
    _print_eval(metrics, console, verbose=args.verbose)
    if args.out:
        from reports import html, jsonreport

        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for sid, result in results.items():
            jsonreport.write(result, out / f"{sid}.json")
            html.write(result, out / f"{sid}.html")
        console.print(f"reports: {out}/<site>.html")
    if args.json:
        Path(args.json).write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _print_eval(m: dict, console: Console, verbose: bool) -> None:
    items = Table(title="Per item (found)", show_lines=False)
    for col in ("item", "precision", "recall", "status acc."):
        items.add_column(col, justify="right")
    for code, v in m["per_item"].items():
        items.add_row(code, _pct(v["precision"]), _pct(v["recall"]), _pct(v["accuracy"]))
    console.print(items)
    if m["mismatches"] and verbose:
        mis = Table(title="Mismatches")
        for col in ("site", "item", "truth", "got", "reason / evidence"):
            mis.add_column(col)
        for x in m["mismatches"]:
            mis.add_row(x["site"], x["code"], x["truth"], x["got"],
                        f"{x['reason']}\n{' '.join(x['evidence'])} (truth: {' '.join(x['truth_urls'])})")
        console.print(mis)
    console.print(f"sites: {m['sites']}  items: {m['items_total']}  pages fetched: {m['pages_fetched']}")
    console.print(f"item-status accuracy: [bold]{_pct(m['status_accuracy'])}[/]   "
                  f"evidence-URL accuracy: {_pct(m['evidence_accuracy'])}   "
                  f"found reported missing: {m['found_reported_missing']}")


def cmd_rules_check(args, console: Console) -> int:
    problems = rules_mod.check_file(args.file)
    for line in problems:
        print(line, file=sys.stderr)
    if not problems:
        console.print(f"{args.file}: OK")
    return 1 if problems else 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="oit", description="Check Thai agency websites against the "
                                "OIT checklist of the ITA assessment.")
    p.add_argument("-v", "--verbose", action="store_true", help="show the crawler's log")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("check", help="check one website and print the 28 items")
    c.add_argument("url")
    c.add_argument("--json", metavar="PATH", help="write the result as JSON ('-' for stdout)")
    c.add_argument("--html", metavar="PATH", help="write a one-page HTML report")
    c.add_argument("--rules", metavar="YEAR|FILE", help="rule year (e.g. 2568) or rule file; "
                   "default: the newest year in rules/")
    c.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                   help="judge 'recent' at this date (default: today, within the answering window)")
    c.add_argument("--max-pages", type=int, metavar="N", help="page budget for the site")
    c.set_defaults(func=cmd_check)

    e = sub.add_parser("eval", help="crawl a labelled farm and score against its truth.json")
    e.add_argument("farm")
    e.add_argument("--rules", metavar="YEAR|FILE")
    e.add_argument("--json", metavar="PATH", help="write the metrics as JSON")
    e.add_argument("--out", metavar="DIR", help="also write each site's JSON and HTML report here")
    e.set_defaults(func=cmd_eval)

    r = sub.add_parser("rules", help="rule files")
    rsub = r.add_subparsers(dest="rules_command", required=True)
    rc = rsub.add_parser("check", help="validate a rule file; every problem with its YAML path and line")
    rc.add_argument("file")
    rc.set_defaults(func=cmd_rules_check)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    console = Console(stderr=getattr(args, "json", None) == "-")
    try:
        return args.func(args, console)
    except rules_mod.RulesError as exc:  # every problem of a rule file, one per line
        for line in str(exc).splitlines():
            print(f"oit: error: {line}", file=sys.stderr)
        return 2
    except (UsageError, FileNotFoundError, ValueError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"oit: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
