"""Scale-out: a real Redis and PostgreSQL on 127.0.0.1, two `oit worker`s, one killed with -9
in the middle of its batch; the run still completes with every agency in once. And on one
machine without a queue: a crawl process per core."""
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import servers
from crawler.sqldata import DataStore

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "samples"))
from generate import generate  # noqa: E402 - samples/ is not a package

ENV = {**{k: v for k, v in os.environ.items() if k != "OIT_ALLOW_NETWORKS"}}
WORKER_ENV = {**ENV, "OIT_ALLOW_NETWORKS": "127.0.0.1/32"}  # the farm is served on loopback


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except FileNotFoundError:
        return False


def _right(farm: Path, store: DataStore, run_id: int) -> float:
    """Item-status accuracy of the run against the farm's truth."""
    from crawler.farm import load_truth
    from crawler.farmeval import score
    from crawler.results import run_report

    report = run_report(store, run_id)
    return score(load_truth(farm), {a.agency.id: a.result for a in report.agencies})["status_accuracy"]


@pytest.fixture(scope="module")
def farm(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fleet")
    return generate(tmp / "farm", 30, seed=5)


def test_a_worker_killed_mid_batch_loses_nothing(farm, redis_server, postgres_server, tmp_path):
    db = servers.new_database(postgres_server, "fleet")
    oit = [sys.executable, "-m", "crawler.cmdline"]
    workers = [subprocess.Popen([*oit, "worker", "--queue", redis_server, "--concurrency", "1"], cwd=tmp_path,
                                env=WORKER_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True) for _ in range(2)]
    crawl = subprocess.Popen([*oit, "crawl", "--queue", redis_server, "--farm", farm, "--agencies",
                              farm / "agencies.csv", "--db", db, "--batch-size", "10", "--deadline", "15"],
                             cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        victim, crawls = workers[0], []
        deadline = time.monotonic() + 120
        while not crawls:  # its crawl process has started a batch
            assert time.monotonic() < deadline and crawl.poll() is None, crawl.communicate()
            assert all(w.poll() is None for w in workers), "a worker did not start"
            crawls = _children(victim.pid)
            time.sleep(0.2)
        store = DataStore(db)  # the coordinator has made the run: a batch was taken
        [run] = store.runs(complete=False)
        while not store.done(run.id) and _alive(crawls[0]):  # the crawl is under way: agencies come in
            time.sleep(0.1)
        store.close()
        assert _alive(crawls[0]), "the batch ended before the kill: nothing was tested"
        os.kill(victim.pid, signal.SIGKILL)
        out, err = crawl.communicate(timeout=600)
    finally:  # (a failed assertion above leaves no coordinator waiting behind)
        for w in workers:
            os.killpg(w.pid, signal.SIGKILL)
            w.wait()
        if crawl.poll() is None:
            crawl.kill()
            crawl.communicate()
    assert crawl.returncode == 0, err
    assert "agencies sent again (no agency in for 15 s)" in err  # the killed worker's batch
    assert not any(_alive(pid) for pid in crawls)  # its crawl process stopped with it
    store = DataStore(db)
    [run] = store.runs()
    assert run.status == "complete" and run.agencies == 30 and len(store.done(run.id)) == 30
    with store.engine.connect() as conn:  # every agency once, all its items once
        from sqlalchemy import text

        assert conn.execute(text("SELECT COUNT(*) FROM site_results")).scalar() == 30
        assert conn.execute(text("SELECT COUNT(*) FROM item_results")).scalar() == 30 * 28
    assert _right(farm, store, run.id) >= 0.95
    assert "30 หน่วยงาน" in out


def test_no_worker_up_is_said_and_the_run_resumes_when_one_is(farm, redis_server, postgres_server, tmp_path):
    """Batches that nobody takes are sent again, then given up with one line each; the run stays
    unfinished, and --resume finishes it once a worker is up."""
    db = servers.new_database(postgres_server, "noworker")
    oit = [sys.executable, "-m", "crawler.cmdline"]
    args = ["--queue", redis_server, "--farm", farm, "--db", db, "--deadline", "3"]
    lonely = subprocess.run([*oit, "crawl", *args, "--agencies", farm / "agencies.csv", "--batch-size", "15"],
                            cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)
    assert lonely.returncode == 2
    assert lonely.stderr.count("agencies sent again (not taken for 3 s)") == 2 * 2  # two batches, three tries
    assert "15 agencies given up after 3 tries: not taken for 3 s" in lonely.stderr
    assert "stopped with 30 agencies not checked" in lonely.stderr and "--resume" in lonely.stderr
    store = DataStore(db)
    assert store.runs() == [] and store.unfinished_run() is not None
    worker = subprocess.Popen([*oit, "worker", "--queue", redis_server, "--concurrency", "2"], cwd=tmp_path,
                              env=WORKER_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    try:
        resumed = subprocess.run([*oit, "crawl", *args, "--resume", "--deadline", "60"], cwd=ROOT, env=ENV,
                                 capture_output=True, text=True, timeout=600)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    assert resumed.returncode == 0, resumed.stderr
    [run] = store.runs()
    assert len(store.done(run.id)) == 30 and _right(farm, store, run.id) >= 0.95


def _crawl(farm: Path, db: Path, *more) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "crawler.cmdline", "crawl", "--farm", farm, "--agencies",
                             farm / "agencies.csv", "--db", db, *more],
                            cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_crawls(proc: subprocess.Popen, n: int) -> list[int]:
    deadline = time.monotonic() + 120
    while len(crawls := [c for c in _children(proc.pid) if _alive(c)]) < n:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.1)
    return crawls


def test_one_machine_crawls_with_a_process_per_core_and_replaces_one_that_dies(farm, tmp_path):
    """--processes 2: two crawl processes share the list; one killed with -9 has its agencies
    crawled by a new one, and the run is whole."""
    db = tmp_path / "h.sqlite"
    proc = _crawl(farm, db, "--processes", "2")
    crawls = _wait_for_crawls(proc, 2)
    assert len(crawls) == 2
    time.sleep(1.5)
    os.kill(crawls[0], signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "agencies sent again (crawl process exited with status -9)" in err
    store = DataStore(db)
    [run] = store.runs()
    assert run.status == "complete" and len(store.done(run.id)) == 30
    assert _right(farm, store, run.id) >= 0.95


def test_a_stopped_crawl_stops_its_processes_and_resumes(farm, tmp_path):
    """SIGTERM (systemd stopping the job): the crawl processes stop, the run stays unfinished and
    never reported; --resume crawls only what is left."""
    db = tmp_path / "h.sqlite"
    proc = _crawl(farm, db, "--processes", "2")
    crawls = _wait_for_crawls(proc, 2)
    store = DataStore(db)
    deadline = time.monotonic() + 120
    while not (run := store.unfinished_run()) or len(store.done(run.id)) < 3:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2 and "stopped with" in err and "oit crawl --resume" in err
    assert not any(_alive(pid) for pid in crawls)
    left = 30 - len(store.done(run.id))
    assert left > 0 and store.runs() == []
    resumed = _crawl(farm, db, "--resume")
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    assert f"เหลือ {left} จาก 30" in out
    [run] = store.runs()
    assert len(store.done(run.id)) == 30 and _right(farm, store, run.id) >= 0.95


def test_a_queue_that_cannot_be_reached_is_one_line_and_starts_no_run(tmp_path):
    db = tmp_path / "h.sqlite"
    agencies = tmp_path / "a.csv"
    agencies.write_text("name,url\nอบต. ตัวอย่าง,https://www.example.go.th/\n", encoding="utf-8")
    for queue, said in (("redis://127.0.0.1:9/0", "cannot reach redis://127.0.0.1:9/0"),
                        ("amqp://127.0.0.1/", "not a Redis URL")):
        proc = subprocess.run([sys.executable, "-m", "crawler.cmdline", "crawl", "--agencies", agencies, "--db", db,
                               "--queue", queue], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2
        [line] = proc.stderr.strip().splitlines()
        assert line.startswith("oit: error: --queue:") and said in line
    assert DataStore(db).runs(complete=False) == []
