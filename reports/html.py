"""The one-page, self-contained HTML report of `oit check` (templates/check.html)."""
from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from crawler.models import CheckResult, Status
from reports import labels

env = Environment(  # shared with reports.site
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=True,  # every text from a website is escaped; nothing is marked safe
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
env.filters.update(
    years=labels.years_text, thai_date=labels.thai_date, short_url=labels.short_url,
    site_error=labels.site_error_text, rules_text=labels.rules_text, was=labels.was_text,
)
env.tests["web_url"] = labels.is_web_url
env.globals.update(Status=Status, status=labels.STATUS, mark=labels.STATUS_MARK, target=labels.TARGET,
                   provisional_note=labels.PROVISIONAL_NOTE)


def write(
    result: CheckResult, path: str | os.PathLike[str], generated_at: dt.datetime | None = None
) -> None:
    """Write the report of one site check to `path` (UTF-8)."""
    counts = Counter(item.status for item in result.items)
    html = env.get_template("check.html").render(
        result=result,
        site=result.site,
        counts={status: counts[status] for status in Status},
        site_status=labels.SITE_STATUS.get(result.site.status, result.site.status),
        unreachable=result.site.status == "unreachable",
        generated_at=generated_at or dt.datetime.now().astimezone(),
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
