"""JSON outputs: the contract JSON of `oit check` (DESIGN.md) and a whole run."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from pydantic import BaseModel

from crawler.models import CheckResult, RunReport


def _dump(model: BaseModel, path: str | os.PathLike[str]) -> None:
    """Write `model` as indented UTF-8 JSON (Thai as Thai) to `path`; "-" means stdout."""
    text = json.dumps(model.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    if str(path) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write(result: CheckResult, path: str | os.PathLike[str]) -> None:
    """The result of one site check, in the contract shape."""
    _dump(result, path)


def write_run(report: RunReport, path: str | os.PathLike[str]) -> None:
    """The whole run: run, items, target, agencies (each with its contract CheckResult under
    "result"), history, changes and trend. Reads back with RunReport.model_validate."""
    _dump(report, path)
