"""The `oit` command: check one site, evaluate on a labelled farm, check a rule file."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
import contextlib
import time

from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from . import rules as rules_mod
from .agencies import AgencyListError
from .resolver import allowed_networks
from .render import browser_path
from .urls import normalize_url, site_id


class UsageError(Exception):
    """Invalid input: reported as one line, exit status 2."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"not a whole number above 0: {text!r}")
    return n


def _url(text: str) -> str:
    url = normalize_url(text)
    if url is None:
        raise UsageError(f"not a website address: {text!r}")
    return url


class _Progress:
    """Live progress of a crawl, re-read from the spider's site states at every refresh."""

    def __init__(self):
        self.spider = None

    def __rich__(self) -> Table:
        grid = Table.grid(padding=(0, 2))
        if self.spider is None:
            grid.add_row("[dim]เริ่มต้น...[/]")
            return grid
        spider = self.spider
        sites = list(spider.sites.values())
        grid.add_row(f"[bold]กำลังตรวจ[/] {spider.finished}/{len(spider.targets)} เว็บไซต์",
                     f"เปิดแล้ว {spider.finished_pages + sum(st.issued for st in sites)} หน้า",
                     f"รอคิว {sum(len(st.frontier) for st in sites)}")
        last = next((st.last for st in sites if st.last), "")
        if last:
            grid.add_row(f"[dim]{escape(last[:100])}[/]")
        return grid


def _warn_browser(overrides: dict) -> None:
    if not browser_path(overrides.get("OIT_BROWSER") or os.environ.get("OIT_BROWSER")):
        print("oit: warning: no Chromium found (apt install chromium, or set OIT_BROWSER): pages built "
              "by JavaScript are read without it and their items may be 'unverified'", file=sys.stderr)


def _crawl(sites, rules, as_of, overrides, console: Console, verbose: bool):
    """Crawl in this process and return the results (one site, or a farm to score)."""
    from .runner import run

    overrides = {"LOG_LEVEL": "INFO" if verbose else "ERROR", **overrides}
    _warn_browser(overrides)
    if not console.is_terminal or verbose:
        return run(sites, rules, as_of, overrides)
    progress = _Progress()
    with Live(progress, console=console, refresh_per_second=4, transient=True):
        return run(sites, rules, as_of, overrides, on_start=lambda spider: setattr(progress, "spider", spider))


def _ocr(args) -> dict:
    """The setting for --ocr; without Tesseract's Thai model, one warning and scanned PDFs as before."""
    if not getattr(args, "ocr", False):
        return {}
    from .documents import ocr_missing

    if ocr_missing():
        print(f"oit: warning: --ocr: {ocr_missing()}; scanned PDFs are judged by their link and file name",
              file=sys.stderr)
        return {}
    return {"OIT_OCR": True}


def cmd_check(args, console: Console) -> int:
    from reports import html, jsonreport, table

    url = _url(args.url)
    rules = rules_mod.load(args.rules)
    overrides = {"OIT_MAX_PAGES": args.max_pages} if args.max_pages else {}
    overrides.update(_ocr(args))
    results = _crawl([(site_id(url), url)], rules, args.as_of, overrides, console, args.verbose)
    result = next(iter(results.values()))
    table.render(result, console)
    if args.json:
        jsonreport.write(result, args.json)
    if args.html:
        html.write(result, args.html)
        console.print(f"รายงาน HTML: {args.html}")
    return 0


@contextlib.contextmanager
def _served(farm: Path | None, site_ids: list[str] | None = None):
    """Serve a labelled farm on loopback ({site id: URL}) and let exactly that network through."""
    if farm is None:
        yield {}
        return
    from .farm import load_truth, serve

    os.environ["OIT_ALLOW_NETWORKS"] = ",".join(filter(None, (os.environ.get("OIT_ALLOW_NETWORKS"),
                                                              "127.0.0.1/32")))
    with serve(farm, site_ids or list(load_truth(farm).sites)) as bases:
        yield bases


_FARM_SPEED = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False}  # our own loopback server


def cmd_eval(args, console: Console) -> int:
    from .farm import load_truth
    from .farmeval import score

    farm = Path(args.farm)
    truth = load_truth(farm)
    rules = rules_mod.load(args.rules or truth.rules)
    with _served(farm, list(truth.sites)) as bases:
        # -v lists the mismatches; the crawl's own log would bury them
        results = _crawl(list(bases.items()), rules, truth.as_of, {**_FARM_SPEED, **_ocr(args)}, console,
                         verbose=False)
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


def _store(args):
    from .sqldata import DataStore

    return DataStore(args.db)


class _RunProgress:
    """Live progress of a run crawled by other processes: what the history holds."""

    def __init__(self, total: int, where: str):
        self.total, self.where, self.done, self.running = total, where, 0, 0

    def tick(self, done: int, running: int) -> None:
        self.done, self.running = done, running

    def __rich__(self) -> Table:
        grid = Table.grid(padding=(0, 2))
        grid.add_row(f"[bold]กำลังตรวจ[/] {self.done}/{self.total} หน่วยงาน", f"{self.where} ทำงานอยู่ {self.running}")
        return grid


def _sender(args):
    """Where the batches go: Celery workers (--queue), else a crawl process per core here."""
    from . import dispatch

    if args.queue:
        from . import tasks

        tasks.configure(args.queue)  # an unreachable queue fails before a run is started
        from .sqldata import is_server

        if not is_server(args.db):
            print(f"oit: warning: --queue with the SQLite file {args.db}: only workers on this machine can "
                  "write it (give the fleet --db postgresql://...)", file=sys.stderr)
        return tasks.Queue(), "ชุดงาน (worker)"
    return dispatch.Local(), "กระบวนการตรวจ"


def cmd_crawl(args, console: Console) -> int:
    """Crawl every agency of the list into the history; returns the run id via args.run."""
    from . import batch, dispatch
    from .agencies import read as read_agencies

    store = _store(args)
    sender, where = _sender(args)
    farm = Path(args.farm) if args.farm else None
    started = time.monotonic()
    with _served(farm) as farm_sites:
        run = store.unfinished_run() if args.resume else None
        if args.resume and run is None:
            raise UsageError(f"{args.db}: no unfinished run to resume")
        if run is not None:
            rules = str(run.rules_year)
            rules_mod.load(rules)  # a pack this oit lacks: one line here, not a failure in every batch
            agencies = store.run_agencies(run.id)
            todo = [a for a in agencies if a.id not in store.done(run.id)]
            console.print(f"ต่อรอบที่ {run.id}: เหลือ {len(todo)} จาก {len(agencies)} หน่วยงาน")
        else:
            if not args.agencies:
                raise UsageError("give the agency list: --agencies FILE (or --resume)")
            from .evaluate import as_of_for
            from .farm import load_truth

            truth = load_truth(farm) if farm else None  # a farm is judged as labelled: its year and date
            ruleset = rules_mod.load(args.rules or (truth.rules if truth else None))
            # what the crawl processes load: the year, or the file wherever they run
            rules = str(Path(args.rules).resolve()) if args.rules and Path(args.rules).is_file() else str(ruleset.year)
            agencies, problems = read_agencies(args.agencies, farm_sites)
            for line in problems:
                print(f"oit: warning: {line}", file=sys.stderr)
            if not agencies:
                raise UsageError(f"{args.agencies}: no agency to crawl")
            as_of = args.as_of or (truth.as_of if truth else None)
            run = store.start_run(ruleset.year, as_of_for(ruleset, as_of), agencies, str(args.agencies))
            todo = agencies
        overrides = {"LOG_LEVEL": "INFO" if args.verbose else "ERROR", **(_FARM_SPEED if farm else {}), **_ocr(args)}
        _warn_browser(overrides)
        job = {"db": _shared(args.db), "run": run.id, "rules": rules, "overrides": overrides,
               # a farm is served at new ports each time: where its sites are now (a resumed run)
               "urls": {a.id: farm_sites[a.id] for a in todo if a.id in farm_sites}}
        batches = batch.groups(todo, args.batch_size) if args.queue else batch.shares(todo, args.processes)
        progress = _RunProgress(len(agencies), where)
        progress.tick(len(agencies) - len(todo), 0)

        def drive():
            return dispatch.drive(lambda: store.done(run.id), batches, sender, job, args.deadline, progress.tick,
                                  lambda line: print(f"oit: warning: run {run.id}: {line}", file=sys.stderr))

        if console.is_terminal and not args.verbose:
            with Live(progress, console=console, refresh_per_second=2, transient=True):
                given_up = _interruptible(drive)
        else:
            given_up = _interruptible(drive)
    for line in given_up:
        print(f"oit: error: run {run.id}: {line}", file=sys.stderr)
    left = len(store.run_agencies(run.id)) - len(store.done(run.id))
    if left:  # stopped (a signal, a shutdown, batches given up): the run stays unfinished, never reported as whole
        again = "".join(f" {flag} {value}" for flag, value in (("--queue", args.queue), ("--farm", args.farm)) if value)
        raise UsageError(f"run {run.id} stopped with {left} agencies not checked; finish it with: "
                         f"oit crawl --resume --db {args.db}{again}{' --ocr' if args.ocr else ''}")
    run = store.finish_run(run.id)
    _print_summary(store, run, time.monotonic() - started, console)
    args.run = run.id
    store.close()
    return 0


def _shared(db: str) -> str:
    """--db as the crawl processes must see it: a URL, or the file's absolute path (workers have their own folder)."""
    from .sqldata import is_server

    return db if is_server(db) else str(Path(db).resolve())


def _interruptible(fn):
    """Run fn with SIGTERM (systemd stopping the job) handled like Ctrl-C."""
    import signal

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return fn()
    finally:
        signal.signal(signal.SIGTERM, previous)


def cmd_worker(args, console: Console) -> int:
    from . import tasks

    _warn_browser({})
    tasks.work(args.queue, args.concurrency, args.verbose)
    return 0


def _print_summary(store, run, seconds: float, console: Console) -> None:
    from .evaluate import TARGET
    from .results import tally

    statuses, counts = store.tally(run.id)  # (not every result: thousands of agencies)
    point = tally(run, statuses, counts)
    sites = {s: sum(status == s for _, status in statuses) for s in ("ok", "partial", "unreachable")}
    console.print(f"รอบที่ {run.id}: {point.agencies} หน่วยงาน ใน {seconds:.0f} วินาที · "
                  f"เว็บไซต์ปกติ {sites['ok']} · ตรวจไม่ครบ {sites['partial']} · เข้าไม่ได้ {sites['unreachable']}")
    console.print(f"คะแนนเฉลี่ย {point.mean_score:.2f} · ต่ำกว่า {TARGET:.0f} คะแนน {point.below_target} หน่วยงาน · "
                  + " · ".join(f"{s.value} {n}" for s, n in point.counts.items()))


def cmd_runs(args, console: Console) -> int:
    store = _store(args)
    table = Table("รอบ", "เริ่ม", "สถานะ", "ปี", "หน่วยงาน", "ตรวจแล้ว")
    for run in store.runs(complete=False):
        table.add_row(str(run.id), run.started.strftime("%Y-%m-%d %H:%M"), run.status,
                      str(run.rules_year), str(run.agencies), str(len(store.done(run.id))))
    console.print(table)
    return 0


def cmd_report(args, console: Console) -> int:
    from reports import csvreport, itas, jsonreport, site, xlsxreport

    from .results import run_report

    report = run_report(_store(args), args.run)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    csvreport.write(report, out / "oit-results.csv")
    xlsxreport.write(report, out / "oit-results.xlsx")
    jsonreport.write_run(report, out / "oit-results.json")
    sheets = itas.write_all(report, out / "itas")
    downloads = {"ดาวน์โหลด Excel": "oit-results.xlsx", "CSV": "oit-results.csv", "JSON": "oit-results.json",
                 **{f"itas:{a.agency.id}": path.relative_to(out).as_posix()
                    for a, path in zip(report.agencies, sheets)}}
    index = site.write(report, out, downloads=downloads)
    console.print(f"รายงาน: {index}")
    args.report = report
    return 0


def cmd_nightly(args, console: Console) -> int:
    """Crawl, report, and send a notice of what changed: the unattended nightly job."""
    from .notify import load_config, notify

    config = load_config(args.notify) if args.notify else None  # fail before crawling
    cmd_crawl(args, console)
    cmd_report(args, console)
    if config and not notify(config, args.report, Path(args.out) / "index.html") and \
            (config.get("when") == "always" or args.report.changes.new_gaps or args.report.changes.unreachable):
        print("oit: error: the notice could not be sent (see the log above)", file=sys.stderr)
        return 1
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
    if verbose:  # one mismatch a few lines, URLs whole (a table would cut them)
        console.print(f"[bold]Mismatches: {len(m['mismatches'])}[/]")
        for x in m["mismatches"]:
            same = "" if x["truth"] != x["got"] else " (other evidence)"
            console.print(f"{escape(x['site'])} {x['code']}: truth {x['truth']}, got {x['got']}{same}: "
                          f"{escape(x['reason'])}", soft_wrap=True)
            console.print(f"    ours:  {escape(' '.join(x['evidence']) or '-')}", soft_wrap=True)
            console.print(f"    truth: {escape(' '.join(x['truth_urls']) or '-')}", soft_wrap=True)
    console.print(f"sites: {m['sites']}  items: {m['items_total']}  pages fetched: {m['pages_fetched']}"
                  f"  rendered by the browser: {m['pages_rendered']}")
    console.print(f"item-status accuracy: [bold]{_pct(m['status_accuracy'])}[/]   "
                  f"evidence-URL accuracy: {_pct(m['evidence_accuracy'])}   "
                  f"found reported missing: {m['found_reported_missing']}")


def cmd_rules_list(args, console: Console) -> int:
    table = Table("ปี (year)", "ข้อ (items)", "สถานะ (status)", "ช่วงตอบ (window)")
    for rules in rules_mod.listing():
        table.add_row(str(rules.year), str(len(rules.items)),
                      "เกณฑ์ชั่วคราว (provisional)" if rules.provisional else "ประกาศแล้ว (published)",
                      f"{rules.answer_window.start}..{rules.answer_window.end}")
    console.print(table)
    console.print(f"ค่าเริ่มต้นวันนี้ (default today, {dt.date.today()}): {rules_mod.default_year()}")
    return 0


def cmd_rules_check(args, console: Console) -> int:
    problems = rules_mod.check_file(args.file)
    for line in problems:
        print(line, file=sys.stderr)
    if not problems:
        console.print(f"{args.file}: OK")
    return 1 if problems else 0


_RULES_HELP = ("rule year (e.g. 2569) or rule file; default: the assessment whose answering window is "
               "open or next by today's date (oit rules list)")
_OCR_HELP = "read scanned PDFs with Tesseract OCR (needs tesseract-ocr-tha; slower)"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="oit", description="Check Thai agency websites against the "
                                "OIT checklist of the ITA assessment.")
    p.add_argument("-v", "--verbose", action="store_true", help="show the crawler's log (oit eval: every mismatch)")
    sub = p.add_subparsers(dest="command", required=True)
    # -v also after the subcommand ("oit eval FARM -v"); SUPPRESS keeps a -v given before it
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                        help="show the crawler's log (oit eval: every mismatch)")

    c = sub.add_parser("check", parents=[common], help="check one website and print its items")
    c.add_argument("url")
    c.add_argument("--json", metavar="PATH", help="write the result as JSON ('-' for stdout)")
    c.add_argument("--html", metavar="PATH", help="write a one-page HTML report")
    c.add_argument("--rules", metavar="YEAR|FILE", help=_RULES_HELP)
    c.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                   help="judge 'recent' at this date (default: today, within the rule year's fiscal year "
                   "and answering window)")
    c.add_argument("--max-pages", type=int, metavar="N", help="page budget for the site")
    c.add_argument("--ocr", action="store_true", help=_OCR_HELP)
    c.set_defaults(func=cmd_check)

    e = sub.add_parser("eval", parents=[common], help="crawl a labelled farm and score against its truth.json")
    e.add_argument("farm")
    e.add_argument("--rules", metavar="YEAR|FILE", help="default: the year of the farm's truth.json")
    e.add_argument("--json", metavar="PATH", help="write the metrics as JSON")
    e.add_argument("--out", metavar="DIR", help="also write each site's JSON and HTML report here")
    e.add_argument("--ocr", action="store_true", help=_OCR_HELP)
    e.set_defaults(func=cmd_eval)

    def history(p, crawl: bool):
        p.add_argument("--db", default=os.environ.get("OIT_DB", "oit-history.sqlite"),
                       help="the history: an SQLite file (default: oit-history.sqlite, or $OIT_DB) "
                       "or a postgresql://user:password@host/db URL")
        if crawl:
            p.add_argument("--agencies", metavar="FILE", help="CSV or XLSX: name,url,province,district,type")
            p.add_argument("--rules", metavar="YEAR|FILE", help=_RULES_HELP + " (with --farm: its year)")
            p.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD")
            p.add_argument("--resume", action="store_true", help="finish the last run that was stopped")
            p.add_argument("--ocr", action="store_true", help=_OCR_HELP)
            p.add_argument("--farm", metavar="DIR", help="serve this labelled farm on loopback; list rows "
                           "whose url is a site folder of it are crawled there (demo, tests)")
            p.add_argument("--processes", type=_positive, default=os.cpu_count() or 1, metavar="N",
                           help="crawl processes on this machine (default: one per core)")
            p.add_argument("--queue", metavar="URL", default=os.environ.get("OIT_QUEUE"),
                           help="send the agencies to `oit worker`s through this Redis (redis://host:6379/0, "
                           "or $OIT_QUEUE); the history must be one they share")
            p.add_argument("--batch-size", type=_positive, default=500, metavar="N",
                           help="agencies per batch with --queue (one host's agencies stay together; about "
                           "the sites one crawl process keeps open against slow servers)")
            p.add_argument("--deadline", type=_positive, default=900, metavar="SECONDS",
                           help="a running batch that brings no agency in for this long is sent again")

    cr = sub.add_parser("crawl", parents=[common], help="crawl every agency of a list into the history")
    history(cr, crawl=True)
    cr.set_defaults(func=cmd_crawl)

    ru = sub.add_parser("runs", parents=[common], help="list the runs in the history")
    history(ru, crawl=False)
    ru.set_defaults(func=cmd_runs)

    rp = sub.add_parser("report", parents=[common], help="write the HTML report site and the exports of a run")
    history(rp, crawl=False)
    rp.add_argument("--out", required=True, metavar="DIR")
    rp.add_argument("--run", type=int, metavar="ID", help="default: the newest complete run")
    rp.set_defaults(func=cmd_report)

    n = sub.add_parser("nightly", parents=[common], help="crawl, report and notify: the scheduled job")
    history(n, crawl=True)
    n.add_argument("--out", required=True, metavar="DIR")
    n.add_argument("--notify", metavar="FILE", help="notification settings (YAML, Apprise URLs)")
    n.set_defaults(func=cmd_nightly, run=None)

    w = sub.add_parser("worker", parents=[common], help="run crawl batches sent by `oit crawl --queue`")
    w.add_argument("--queue", metavar="URL", default=os.environ.get("OIT_QUEUE"), required=not os.environ.get("OIT_QUEUE"),
                   help="the Redis of the fleet (redis://host:6379/0, or $OIT_QUEUE)")
    w.add_argument("--concurrency", type=_positive, default=2 * (os.cpu_count() or 1), metavar="N",
                   help="batches at once, each a crawl process (default: two per core, so that a batch's "
                   "slowest sites overlap the next batch)")
    w.set_defaults(func=cmd_worker)

    r = sub.add_parser("rules", parents=[common], help="rule files")
    rsub = r.add_subparsers(dest="rules_command", required=True)
    rc = rsub.add_parser("check", parents=[common], help="validate a rule file; every problem with its YAML path and line")
    rc.add_argument("file")
    rc.set_defaults(func=cmd_rules_check)
    rl = rsub.add_parser("list", parents=[common], help="the rule years: items, provisional or not, "
                         "answering window, and the default by today's date")
    rl.set_defaults(func=cmd_rules_list)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        allowed_networks(os.environ.get("OIT_ALLOW_NETWORKS"))
    except ValueError as exc:
        print(f"oit: error: OIT_ALLOW_NETWORKS: {exc}", file=sys.stderr)
        return 2
    console = Console(stderr=getattr(args, "json", None) == "-")
    try:
        return args.func(args, console)
    except rules_mod.RulesError as exc:  # every problem of a rule file, one per line
        for line in str(exc).splitlines():
            print(f"oit: error: {line}", file=sys.stderr)
        return 2
    except (UsageError, AgencyListError, LookupError, FileNotFoundError, ValueError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"oit: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
