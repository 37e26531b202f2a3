"""Send the nightly notice through Apprise (e-mail, LINE, webhooks...), configured in a YAML file:

    urls: [mailtos://user:pass@mail.example.go.th?to=coordinator@example.go.th, json://127.0.0.1:8080/hook]
    when: changes        # changes (default): only when there are new gaps or newly unreachable sites
                         # always: after every run
"""
from __future__ import annotations

from pathlib import Path

import yaml

from crawler.models import RunReport


def load_config(path: str | Path) -> dict:
    try:
        config = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read notification settings: {exc}".splitlines()[0]) from None
    urls = config.get("urls") if isinstance(config, dict) else None
    if not urls or not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise ValueError(f"{path}: 'urls' must be a list of Apprise URLs")
    if config.get("when", "changes") not in ("changes", "always"):
        raise ValueError(f"{path}: 'when' must be 'changes' or 'always'")
    try:
        import apprise  # optional: pip install 'oit-crawler[notify]'
    except ImportError:
        raise ValueError("notifications need Apprise: pip install 'oit-crawler[notify]'") from None
    for url in urls:  # a typo here would otherwise mean a silent night, every night
        if not apprise.Apprise().add(url):
            raise ValueError(f"{path}: not a notification URL Apprise knows: {url}")
    return config


def notify(config: dict, report: RunReport, link: Path) -> bool:
    """Send the notice; False when there was nothing to say or every service failed."""
    import apprise

    from reports.notice import text

    c = report.changes
    if config.get("when", "changes") == "changes" and not (c.new_gaps or c.unreachable):
        return False
    title, body = text(report, link.resolve().as_uri())
    sender = apprise.Apprise()
    for url in config["urls"]:
        sender.add(url)
    return bool(sender.notify(title=title, body=body))
