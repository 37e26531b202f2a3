"""The terminal table that `oit check` prints at the end (rich)."""
from __future__ import annotations

import re
from collections import Counter

from rich import box
from rich.console import Console
from rich.style import Style
from rich.table import Table
from rich.text import Text

from crawler.models import CheckResult, ItemResult, Status
from reports import labels

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")  # website text must not drive the terminal


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text).strip()


def _detail(item: ItemResult) -> Text:
    """The first evidence URL of a found item (a link where the terminal allows), else the reason."""
    if item.status is Status.found and item.evidence:
        url = _clean(item.evidence[0].url)
        return Text(url, style=Style(link=url) if labels.is_web_url(url) else "")
    return Text(_clean(item.reason))


def render(result: CheckResult, console: Console) -> None:
    site = result.site
    unreachable = site.status == "unreachable"
    if unreachable:
        console.print(
            Text.assemble(
                ("ตรวจสอบเว็บไซต์ไม่ได้: ", "bold white on red"),
                (labels.site_error_text(_clean(site.error)), "bold red"),
            )
        )

    rules = labels.rules_text(result.rules.year, result.rules.provisional)
    if result.rules.provisional:
        console.print(Text.assemble((f"{rules}: ", "bold yellow"), labels.PROVISIONAL_NOTE))
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False,
                  title=Text(f"{_clean(site.url)} · เกณฑ์ {rules}"))
    table.add_column("รหัส", no_wrap=True, style="bold")
    table.add_column("รายการ", no_wrap=True, overflow="ellipsis", ratio=1, min_width=12)
    table.add_column("สถานะ", no_wrap=True)
    table.add_column("หลักฐาน / เหตุผล", overflow="fold", ratio=2, min_width=24)
    for item in result.items:
        lab = labels.STATUS[item.status]
        code = Text(item.code)
        if item.previous:  # renumbered: the code of the year before on a line of its own
            code.append(f"\n{labels.was_text(item.previous, result.rules.year - 1)}", style="dim")
        table.add_row(code, Text(_clean(item.name)), Text(lab.th, style=lab.rich), _detail(item))
    console.print(table)

    counts = Counter(item.status for item in result.items)
    line = Text()
    if unreachable:
        line.append("คะแนน OIT (จำลอง): —", style="bold")
    else:
        line.append(f"คะแนน OIT (จำลอง): {result.score:.2f} ระดับ {result.band}", style="bold")
        if result.score < labels.TARGET:
            line.append(f" (ต่ำกว่า {labels.TARGET})", style="bold red")
    for status, lab in labels.STATUS.items():
        line.append(" · ")
        line.append(f"{lab.th} {counts[status]}", style=lab.rich)
    line.append(
        f" · ดึงข้อมูล {site.pages_fetched} หน้า"
        + (f" (เปิดด้วยเบราว์เซอร์ {site.pages_rendered} หน้า)" if site.pages_rendered else "")
        + f" · เว็บไซต์: {labels.SITE_STATUS.get(site.status, site.status)}"
    )
    console.print(line)
