"""The short Thai notice of a run sent to coordinators (e-mail, LINE, webhook): what changed."""
from __future__ import annotations

from crawler.dates import local_day
from crawler.models import RunReport

from .labels import thai_date

_LIST = 15  # lines of detail before "and N more"


def text(report: RunReport, link: str) -> tuple[str, str]:
    """(title, body) of the notice."""
    c, run = report.changes, report.run
    names = {a.agency.id: a.agency.name for a in report.agencies}
    below = sum(a.result.score < report.target for a in report.agencies)
    title = (f"OIT {run.rules_year}: รายการขาดใหม่ {len(c.new_gaps)} · แก้แล้ว {len(c.fixed)} · "
             f"เว็บไซต์เข้าไม่ได้ใหม่ {len(c.unreachable)}")
    lines = [f"ผลตรวจรอบวันที่ {thai_date(local_day(run.started))}: {len(report.agencies)} หน่วยงาน, "
             f"ต่ำกว่า {report.target:.0f} คะแนน {below} หน่วยงาน"]
    if c.previous_run is None:
        lines.append("เป็นรอบแรก ยังไม่มีรอบก่อนหน้าให้เปรียบเทียบ")
    for label, changes in (("รายการขาดใหม่", c.new_gaps), ("แก้ไขแล้ว", c.fixed)):
        if changes:
            lines.append(f"{label}:")
            lines += [f"- {ch.agency_name} {ch.code}: {ch.reason}" for ch in changes[:_LIST]]
            if len(changes) > _LIST:
                lines.append(f"- และอีก {len(changes) - _LIST} รายการ")
    if c.unverifiable:
        lines.append(f"เคยผ่านแต่รอบนี้ตรวจสอบไม่ได้ {len(c.unverifiable)} รายการ (ดูในรายงาน)")
    if c.unreachable:
        lines.append("เว็บไซต์เข้าไม่ได้ใหม่: " + ", ".join(names.get(i, i) for i in c.unreachable))
    lines.append(f"รายงาน: {link}")
    return title, "\n".join(lines)
