"""Shared fixtures: a headless Chromium (Debian's, launched by path) for the report tests; the
history databases (an SQLite file, and a real PostgreSQL server on 127.0.0.1)."""
from pathlib import Path

import pytest

import servers

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed: make system")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture(scope="session")
def postgres_server():
    with servers.postgresql() as url:
        yield url


@pytest.fixture(scope="session")
def redis_server():
    with servers.redis() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def history_db(request, tmp_path):
    """A fresh, empty history: an SQLite file, or a database on the PostgreSQL server."""
    if request.param == "sqlite":
        return str(tmp_path / "h.sqlite")
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    return servers.new_database(request.getfixturevalue("postgres_server"), name)
