"""samples/generate.py: generated labelled farms (base and a later night) for scale tests."""
from __future__ import annotations

import csv
import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

from crawler.render import built_by_javascript

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "samples" / "farm"
N = 30

_spec = importlib.util.spec_from_file_location("farm_generate", ROOT / "samples" / "generate.py")
gen = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = gen  # dataclasses look their module up
_spec.loader.exec_module(gen)

BUNDLED_TRUTH = json.loads((BUNDLED / "truth.json").read_bytes())


def _truth(farm: Path) -> dict:
    return json.loads((farm / "truth.json").read_bytes())


def _template(sid: str) -> str:
    return sid.split("-", 1)[1]


def _file(root: Path, url: str) -> Path:
    path = root / url.lstrip("/")
    return path / "index.html" if url.endswith("/") or path.is_dir() else path


def _in_site(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


@pytest.fixture(scope="module")
def farms(tmp_path_factory):
    base = gen.generate(tmp_path_factory.mktemp("base") / "farm", N, seed=7)
    night = gen.generate(tmp_path_factory.mktemp("night") / "farm", N, seed=7, changed=True)
    return base, night


def _removed(sid: str, items: dict) -> list[str]:
    """Codes that the generation turned from found/stale into missing."""
    tpl = BUNDLED_TRUTH["sites"][_template(sid)]["items"]
    return [c for c, it in items.items()
            if it["status"] == "missing" and tpl[c]["status"] in ("found", "stale")]


def test_every_site_has_all_items_and_template_ids(farms):
    for farm in farms:
        truth = _truth(farm)
        assert truth["as_of"] == BUNDLED_TRUTH["as_of"] and truth["rules"] == BUNDLED_TRUTH["rules"]
        assert len(truth["sites"]) == N
        # server-rendered templates only: the JavaScript-built sites are not copied
        templates = [t for t in BUNDLED_TRUTH["sites"] if not built_by_javascript(BUNDLED / t)]
        assert 0 < len(templates) < len(BUNDLED_TRUTH["sites"])
        for i, (sid, site) in enumerate(truth["sites"].items()):
            assert sid == f"g{i + 1:04d}-{templates[i % len(templates)]}"
            assert (farm / sid).is_dir()
            assert set(site["items"]) == {f"O{k}" for k in range(1, 29)}
            assert site["name"]


def test_evidence_exists_and_removed_evidence_is_gone(farms):
    base, _ = farms
    mutated = 0
    for sid, site in _truth(base)["sites"].items():
        tpl = BUNDLED_TRUTH["sites"][_template(sid)]["items"]
        for code, item in site["items"].items():
            if item["status"] in ("found", "stale"):
                for url in filter(_in_site, item["urls"]):
                    assert _file(base / sid, url).is_file(), (sid, code, url)
        removed = _removed(sid, site["items"])
        mutated += bool(removed)
        assert len(removed) <= 3
        for code in removed:
            assert code not in gen.KEEP.get(_template(sid), ())  # an older version stays on the site
            assert site["items"][code] == {"status": "missing", "urls": []}
            assert tpl[code]["urls"] and all(_in_site(u) for u in tpl[code]["urls"])
            for url in tpl[code]["urls"]:
                assert not _file(base / sid, url).exists(), (sid, code, url)
                assert _file(BUNDLED / _template(sid), url).is_file()  # the template keeps it
        # nothing else differs from the template
        for code, item in site["items"].items():
            if code not in removed:
                assert item == tpl[code], (sid, code)
    assert 3 <= mutated <= 20  # roughly a third of 30


def test_files_are_shared_by_hard_link_except_mutated(farms):
    base, _ = farms
    if not json.loads((base / gen.MARKER).read_bytes())["hard_links"]:
        pytest.skip("the file system of the temporary folder does not allow hard links to samples/")
    sites = _truth(base)["sites"]
    by_template: dict[str, list[str]] = {}
    for sid in sites:
        by_template.setdefault(_template(sid), []).append(sid)
    for sid, site in sites.items():
        tpl_root = BUNDLED / _template(sid)
        gone = {_file(tpl_root, u) for c in _removed(sid, site["items"])
                for u in BUNDLED_TRUTH["sites"][_template(sid)]["items"][c]["urls"]}
        for src in tpl_root.rglob("*"):
            if src.is_file():
                dst = base / sid / src.relative_to(tpl_root)
                if src in gone:
                    assert not dst.exists() and src.is_file()
                else:
                    assert os.path.samefile(src, dst), dst  # same inode, bytes untouched
    # two generated copies of the same template share their home page
    first, second = next(v for v in by_template.values() if len(v) >= 2)[:2]
    assert os.path.samefile(base / first / "index.html", base / second / "index.html")


def test_generation_is_deterministic(farms, tmp_path):
    base, _ = farms
    again = gen.generate(tmp_path / "again", N, seed=7)
    assert _truth(again) == _truth(base)
    assert (again / "agencies.csv").read_bytes() == (base / "agencies.csv").read_bytes()
    other = gen.generate(tmp_path / "other", N, seed=8)
    assert list(_truth(other)["sites"]) == list(_truth(base)["sites"])
    assert _truth(other)["sites"] != _truth(base)["sites"]


def test_changed_farm_and_changes_json(farms):
    base, night = farms
    before, after = _truth(base)["sites"], _truth(night)["sites"]
    assert list(before) == list(after)
    assert [s["name"] for s in before.values()] == [s["name"] for s in after.values()]
    changes = json.loads((night / "changes.json").read_bytes())
    gaps = [[s, c] for s in after for c in after[s]["items"]
            if before[s]["items"][c]["status"] == "found" and after[s]["items"][c]["status"] != "found"]
    fixed = [[s, c] for s in after for c in after[s]["items"]
             if before[s]["items"][c]["status"] != "found" and after[s]["items"][c]["status"] == "found"]
    unreachable = [s for s in after if all(it["status"] == "unverified" for it in after[s]["items"].values())
                   and not all(it["status"] == "unverified" for it in before[s]["items"].values())]
    assert changes == {"new_gaps": gaps, "fixed": fixed, "unreachable": unreachable}
    assert changes["fixed"] and changes["unreachable"]
    # new gaps on reachable sites are found -> missing, with the evidence gone
    reachable_gaps = [(s, c) for s, c in gaps if s not in unreachable]
    assert reachable_gaps
    for sid, code in reachable_gaps:
        assert after[sid]["items"][code] == {"status": "missing", "urls": []}
        for url in before[sid]["items"][code]["urls"]:
            assert (base / sid / url.lstrip("/")).exists() and not _file(night / sid, url).exists()
    # fixed sites are the template again, files back
    for sid, code in fixed:
        assert after[sid]["items"][code] == BUNDLED_TRUTH["sites"][_template(sid)]["items"][code]
        for url in after[sid]["items"][code]["urls"]:
            assert _file(night / sid, url).is_file()
    # an unreachable site is an empty folder
    for sid in unreachable:
        assert (night / sid).is_dir() and not any((night / sid).iterdir())
        assert all(it == {"status": "unverified", "urls": []} for it in after[sid]["items"].values())


def test_agencies_csv(farms):
    for farm in farms:
        with open(farm / "agencies.csv", encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == ["name", "url", "province", "district", "type"]
        body = rows[1:]
        assert len(body) == N
        assert len({r[0] for r in body}) == N
        assert [r[1] for r in body] == list(_truth(farm)["sites"])
        assert {r[2] for r in body} == {"ขอนแก่น"}
        assert all(r[3] and r[4] for r in body)
        assert {r[0] for r in body} == {s["name"] for s in _truth(farm)["sites"].values()}


def test_many_sites_spread_over_provinces(tmp_path):
    farm = gen.generate(tmp_path / "farm", 250, seed=1)
    with open(farm / "agencies.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 250 and len({r["name"] for r in rows}) == 250
    assert len({r["province"] for r in rows}) == 3
    assert all(r["district"] in gen.PROVINCES[r["province"]] for r in rows)


def test_overwrites_a_generation_refuses_anything_else(tmp_path):
    farm = gen.generate(tmp_path / "farm", 3)
    gen.generate(farm, 2, seed=1)  # a previous generation is replaced
    assert len(_truth(farm)["sites"]) == 2 and not (farm / "g0003-abt-nongyai").exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError):
        gen.generate(other, 2)
    assert (other / "notes.txt").read_text() == "keep me"
    with pytest.raises(ValueError):
        gen.generate(BUNDLED, 2)
    with pytest.raises(ValueError):
        gen.generate(tmp_path / "big", gen.MAX_SITES + 1)


def test_command_line(tmp_path, capsys):
    assert gen.main([str(tmp_path / "farm"), "--sites", "5", "--seed", "3", "--changed"]) == 0
    assert (tmp_path / "farm" / "changes.json").is_file()
    assert "5 sites" in capsys.readouterr().out


def test_bundled_agencies_csv():
    with open(ROOT / "samples" / "agencies.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["name", "url", "province", "district", "type"]
    assert [r["url"] for r in rows] == list(BUNDLED_TRUTH["sites"])
    assert [r["name"] for r in rows] == [s["name"] for s in BUNDLED_TRUTH["sites"].values()]
    assert {r["province"] for r in rows} == {"ขอนแก่น"}
    assert all(r["district"] in gen.PROVINCES["ขอนแก่น"] and r["type"] for r in rows)
