"""Send a run's batches to crawl processes and wait until the history has every agency.

The senders are crawl processes on this machine (`Local`, one per core) or Celery workers
(`crawler.tasks.Queue`). Either way the history, not the sender, decides what is done: a batch
whose process ended, that was running but brought no agency in for `deadline` seconds (its
worker was killed, its machine lost), or that is still waiting when nothing at all has run for
that long (its message lost, or no worker up) is sent again with the agencies it still owes;
after `ATTEMPTS` sends it is given up and the run stays unfinished (`oit crawl --resume`).
"""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa

from . import batch

ATTEMPTS = 3
POLL_SECONDS = 2.0
_STOP_SECONDS = 60  # a crawl process told to stop ends its open requests first


class Sender(Protocol):
    errors: tuple[type[Exception], ...]  # what the sender may raise while its queue is away: waited out

    def send(self, job: dict) -> Any: ...
    def state(self, handle: Any) -> tuple[str, str]: ...  # ("waiting" | "running" | "ended", error)
    def cancel(self, handle: Any) -> None: ...
    def close(self) -> None: ...


class Local:
    """Each batch in a crawl process of this machine, all at once (one batch per core)."""

    errors = ()

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
        with contextlib.suppress(ProcessLookupError):  # the batch leads its session: its browser and workers too
            os.killpg(proc.pid, signal.SIGKILL)
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
    handle: Any = None
    attempts: int = 0
    since: float | None = None  # running since, or since its last agency came in
    sent: float = 0.0  # when it was last sent
    left: int = 0


def drive(done: Callable[[], set[str]], batches: list[list[str]], sender: Sender, job: dict,
          deadline: float, on_tick: Callable[[int, int], None] = lambda done, running: None,
          on_warning: Callable[[str], None] = lambda line: None) -> list[str]:
    """Send every batch and wait for its agencies in the history (`done()` reads them); returns
    a line for each batch given up. Ctrl-C stops the crawl processes and returns. A database or
    queue that fails for a while is a warning, and the wait goes on."""
    unsent = [_Sent(ids) for ids in batches]
    sent: list[_Sent] = []
    given_up: list[str] = []
    moved, count = time.monotonic(), -1  # when the run last moved (an agency in, a batch running)

    def send(b: _Sent, left: list[str]) -> None:
        urls = job.get("urls", {})
        b.handle = sender.send({**job, "ids": left, "urls": {i: urls[i] for i in left if i in urls}})
        b.ids, b.left, b.since, b.sent, b.attempts = left, len(left), None, time.monotonic(), b.attempts + 1

    def step() -> None:
        nonlocal moved, count
        while unsent:
            send(unsent[0], unsent[0].ids)
            sent.append(unsent.pop(0))
        states = [sender.state(b.handle) for b in sent]  # before done(): an end seen is an end counted
        have, now = done(), time.monotonic()
        running = sum(state == "running" for state, _ in states)
        if running or len(have) != count:
            moved, count = now, len(have)
        for b, (state, error) in zip(list(sent), states):
            left = [i for i in b.ids if i not in have]
            if not left:
                sent.remove(b)
                continue
            if state == "running" and (b.since is None or len(left) < b.left):
                b.since, b.left = now, len(left)
            if state == "running" and now - b.since > deadline:
                why = f"no agency in for {deadline:g} s"
            elif state == "waiting" and now - max(moved, b.sent) > deadline:  # nothing runs: lost, or no worker
                why = f"not taken for {deadline:g} s"
            elif state == "ended":
                why = error or "its crawl process ended"
            else:
                continue
            sender.cancel(b.handle)
            if b.attempts >= ATTEMPTS:
                sent.remove(b)
                given_up.append(f"{len(left)} agencies given up after {b.attempts} tries: {why}")
                continue
            on_warning(f"{len(left)} agencies sent again ({why})")
            send(b, left)
        on_tick(len(have), running)

    failing = False
    try:
        while True:
            try:
                step()
                failing = False
            except sender.errors + (sa.exc.OperationalError,) as exc:
                if not failing:
                    on_warning(f"waiting on: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
                failing = True
            if not sent and not unsent:
                break
            time.sleep(POLL_SECONDS)
    except KeyboardInterrupt:
        pass
    finally:
        sender.close()
    return given_up
