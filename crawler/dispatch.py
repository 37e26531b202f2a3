"""Send a run's batches to crawl processes and wait until the history has every agency.

The senders are crawl processes on this machine (`Local`, one per core) or Celery workers
(`crawler.tasks.Queue`). Either way the history, not the sender, decides what is done: a batch
whose process ended, or that was running but brought no agency in for `deadline` seconds (its
worker was killed, its machine lost), is sent again with the agencies it still owes; after
`ATTEMPTS` sends it is given up and the run stays unfinished (`oit crawl --resume`).
"""
from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from . import batch

ATTEMPTS = 3
POLL_SECONDS = 2.0
_STOP_SECONDS = 60  # a crawl process told to stop ends its open requests first


class Sender(Protocol):
    def send(self, job: dict) -> Any: ...
    def state(self, handle: Any) -> tuple[str, str]: ...  # ("waiting" | "running" | "ended", error)
    def cancel(self, handle: Any) -> None: ...
    def close(self) -> None: ...


class Local:
    """Each batch in a crawl process of this machine, all at once (one batch per core)."""

    def __init__(self):
        self.procs: list[subprocess.Popen] = []

    def send(self, job: dict) -> subprocess.Popen:
        proc = batch.start(job, start_new_session=True)  # Ctrl-C reaches them once, through close()
        self.procs.append(proc)
        return proc

    def state(self, proc: subprocess.Popen) -> tuple[str, str]:
        code = proc.poll()
        if code is None:
            return "running", ""
        return "ended", f"crawl process exited with status {code}" if code else ""

    def cancel(self, proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    def close(self) -> None:
        """Stop what still runs as Scrapy stops on Ctrl-C (open requests end, nothing half-written)."""
        running = [p for p in self.procs if p.poll() is None]
        for proc in running:
            proc.send_signal(signal.SIGINT)
        deadline = time.monotonic() + _STOP_SECONDS
        try:
            for proc in running:
                proc.wait(max(0.1, deadline - time.monotonic()))
        except (subprocess.TimeoutExpired, KeyboardInterrupt):  # a second Ctrl-C: at once
            for proc in running:
                self.cancel(proc)


@dataclass
class _Sent:
    ids: list[str]
    handle: Any
    attempts: int = 1
    since: float | None = None  # running since, or since its last agency came in
    left: int = 0


def drive(done: Callable[[], set[str]], batches: list[list[str]], sender: Sender, job: dict,
          deadline: float, on_tick: Callable[[int, int], None] = lambda done, running: None,
          on_resend: Callable[[str], None] = lambda line: None) -> list[str]:
    """Send every batch and wait for its agencies in the history (`done()` reads them); returns
    a line for each batch given up. Ctrl-C stops the crawl processes and returns."""
    sent = [_Sent(ids, sender.send({**job, "ids": ids}), left=len(ids)) for ids in batches]
    given_up: list[str] = []
    try:
        while sent:
            time.sleep(POLL_SECONDS)
            have, now, running = done(), time.monotonic(), 0
            for b in list(sent):
                left = [i for i in b.ids if i not in have]
                state, error = sender.state(b.handle)
                if not left:
                    sent.remove(b)
                    continue
                if state == "running":
                    running += 1
                    if b.since is None or len(left) < b.left:
                        b.since, b.left = now, len(left)
                stalled = state == "running" and now - b.since > deadline
                if state == "ended" or stalled:
                    sender.cancel(b.handle)
                    why = f"no agency in for {deadline:g} s" if stalled else error or "its crawl process ended"
                    if b.attempts >= ATTEMPTS:
                        sent.remove(b)
                        given_up.append(f"{len(left)} agencies given up after {b.attempts} tries: {why}")
                        continue
                    on_resend(f"{len(left)} agencies sent again ({why})")
                    b.ids, b.left, b.since, b.attempts = left, len(left), None, b.attempts + 1
                    b.handle = sender.send({**job, "ids": left})
            on_tick(len(have), running)
    except KeyboardInterrupt:
        pass
    finally:
        sender.close()
    return given_up
