"""Everything a report says about one run, computed once from the history: scores, each agency's
history, what changed since the previous complete run, and the trend over runs."""
from __future__ import annotations

from collections import Counter

from . import rules as rules_mod
from .dates import local_day
from .evaluate import TARGET
from .models import AgencyResult, Changes, HistoryPoint, ItemChange, Run, RunReport, Status, TrendPoint
from .sqldata import DataStore

HISTORY_RUNS = 30  # runs shown in histories and trends: a month of nights


def run_report(store: DataStore, run_id: int | None = None) -> RunReport:
    runs = store.runs(complete=True)
    if not runs:
        raise LookupError(f"{store.path}: no complete run yet (run `oit crawl` first)")
    run = next((r for r in runs if r.id == run_id), None) if run_id else runs[-1]
    if run is None:
        raise LookupError(f"run {run_id} is not a complete run in {store.path}; "
                          f"complete runs: {', '.join(str(r.id) for r in runs)}")
    earlier = [r for r in runs if r.id <= run.id][-HISTORY_RUNS:]
    by_run = {r.id: store.results(r.id) for r in earlier}
    current = by_run[run.id]
    # a run of another rule year compares item by item, under this run's codes
    lineages = {r.id: rules_mod.lineage(run.rules_year, r.rules_year) if r.rules_year != run.rules_year else None
                for r in earlier}
    previous = earlier[-2] if len(earlier) > 1 else None
    return RunReport(run=run, items=_items(run, current), target=TARGET, agencies=current,
                     history=_history(earlier, by_run, lineages, {a.agency.id for a in current}),
                     changes=changes(current, by_run[previous.id], previous.id, lineages[previous.id],
                                     previous.rules_year) if previous else Changes(),
                     trend=[trend_point(r, by_run[r.id]) for r in earlier],
                     provisional=any(a.result.rules.provisional for a in current))


def as_now(ar: AgencyResult, lineage: dict[str, list[str]] | None) -> dict[str, Status]:
    """An agency's item statuses of a run under the codes of the run reported (`lineage`: each
    code as the code(s) it was in that run's rule year; None: the same rule year). Two items
    merged into one passed only if both passed; an item with no counterpart has no status then."""
    then = {i.code: i.status for i in ar.result.items}
    if lineage is None:
        return then
    out = {}
    for code, codes in lineage.items():
        statuses = [then[c] for c in codes if c in then]
        if statuses and len(statuses) == len(codes):
            out[code] = next((s for s in statuses if s is not Status.found), Status.found)
    return out


def _items(run: Run, results: list[AgencyResult]) -> list[tuple[str, str]]:
    if results:
        return [(i.code, i.name) for i in results[0].result.items]
    return [(i.code, i.name) for i in rules_mod.load(str(run.rules_year)).items]


def _history(runs: list[Run], by_run: dict[int, list[AgencyResult]],
             lineages: dict[int, dict[str, list[str]] | None], ids: set[str]) -> dict[str, list[HistoryPoint]]:
    history: dict[str, list[HistoryPoint]] = {i: [] for i in ids}
    for run in runs:
        for ar in by_run[run.id]:
            if ar.agency.id in ids:
                history[ar.agency.id].append(HistoryPoint(
                    run_id=run.id, date=local_day(run.started), score=ar.result.score,
                    site_status=ar.result.site.status, items=as_now(ar, lineages[run.id])))
    return history


def changes(current: list[AgencyResult], previous: list[AgencyResult] | None,
            previous_run: int | None, lineage: dict[str, list[str]] | None = None,
            previous_year: int | None = None) -> Changes:
    """What changed since the previous run (`lineage`: see `as_now`, None when of the same year)."""
    if previous is None:
        return Changes()
    before = {a.agency.id: a for a in previous}
    now = {a.agency.id: a for a in current}
    out = Changes(previous_run=previous_run,
                  added=[i for i in now if i not in before], removed=[i for i in before if i not in now])
    if lineage is not None:
        out.previous_year, out.comparable = previous_year, bool(lineage)
        out.was = {code: codes for code, codes in lineage.items() if codes != [code]}
    for aid, ar in now.items():
        old = before.get(aid)
        if old is None:
            continue
        was_down, is_down = old.result.site.status == "unreachable", ar.result.site.status == "unreachable"
        if is_down and not was_down:
            out.unreachable.append(aid)
            continue  # its items are "could not look", not new gaps
        if was_down and not is_down:
            out.recovered.append(aid)
        old_items = as_now(old, lineage)
        for item in ar.result.items:
            was = old_items.get(item.code)
            change = ItemChange(agency_id=aid, agency_name=ar.agency.name, code=item.code, before=was,
                                after=item.status, reason=item.reason)
            if was is Status.found and item.status in (Status.missing, Status.stale):
                out.new_gaps.append(change)
            elif was is Status.found and item.status is Status.unverified:
                out.unverifiable.append(change)  # could not look this time: not a gap
            elif was is not None and was is not Status.found and item.status is Status.found and not was_down:
                out.fixed.append(change)
    return out


def trend_point(run: Run, results: list[AgencyResult]) -> TrendPoint:
    return tally(run, [(a.result.score, a.result.site.status) for a in results],
                 Counter(i.status for a in results for i in a.result.items))


def tally(run: Run, sites: list[tuple[float, str]], counts: Counter) -> TrendPoint:
    """The run's point on the trend from each site's (score, status) and the item status counts
    (`DataStore.tally` reads them without loading every result)."""
    scores = [score for score, _ in sites]
    return TrendPoint(run_id=run.id, date=local_day(run.started), agencies=len(sites),
                      mean_score=round(sum(scores) / len(scores), 2) if scores else 0.0,
                      below_target=sum(s < TARGET for s in scores),
                      unreachable=sum(status == "unreachable" for _, status in sites),
                      counts={s: counts.get(s, 0) for s in Status})
