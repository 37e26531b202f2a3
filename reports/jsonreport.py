"""The contract JSON of `oit check` (DESIGN.md)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from crawler.models import CheckResult


def write(result: CheckResult, path: str | os.PathLike[str]) -> None:
    """Write `result` as indented UTF-8 JSON to `path`; "-" means stdout."""
    text = json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    if str(path) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
