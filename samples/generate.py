"""Generated labelled farms for scale tests and benchmarks.

    python samples/generate.py OUT --sites N [--seed S] [--changed]

builds a farm in the labelled-farm format (DESIGN.md) with N sites (1..10,000) made from the
bundled farm's server-rendered sites (not those JavaScript builds), taken round-robin as templates
(site ids `g0001-abt-donkaew`, ...). Files
are hard links to the bundled files (copies where linking is impossible); their bytes are never
decoded or rewritten, so the TIS-620/windows-874 pages stay as they are.

About a third of the sites lose the evidence of 1-3 items whose truth is found or stale and whose
evidence is only in-site documents or leaf pages: the files are left out of the generated site, the
links to them stay (broken links), and the truth of the item becomes `missing` with no URL. A file
is only left out when every other file of the site stays reachable from the home page.

`--changed` builds the same farm (same seed, ids and names) as it looks on a later night: about
10% of the sites lose 1-2 more found items (new gaps), about 5% get their removed files back
(fixed), and about one site in 50 becomes unreachable (an empty folder: the home page is a 404, its
items become `unverified`). `changes.json` lists what differs from the base generation.

Beside truth.json the farm gets `agencies.csv` (name,url,province,district,type; url = site id) and
`generated.json` (the parameters; it marks the folder as one this script may overwrite).
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import functools
import json
import math
import os
import random
import re
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere
from crawler.render import built_by_javascript  # noqa: E402

BUNDLED = Path(__file__).resolve().parent / "farm"
MARKER = "generated.json"
TEMPLATE_NAME = "samples/farm"
MAX_SITES = 10_000
MUTATED_SHARE = 1 / 3  # base generation: sites that lose evidence
GAP_SHARE, FIXED_SHARE, UNREACHABLE_EVERY = 0.10, 0.05, 50  # --changed
DOCUMENTS = {".pdf", ".xlsx", ".xls", ".docx", ".doc"}
PAGES = {".html", ".htm"}

# ------------------------------------------------------------------------- names and places
# Template kind from the prefix of its Thai name: (prefix, type column, name pattern).
# {place} is a tambon-like place name, {district} the site's อำเภอ, {province} its province,
# {name} the template's own name, {n} a running number per province.
KINDS = (
    ("องค์การบริหารส่วนตำบล", "อบต.", "องค์การบริหารส่วนตำบล{place}"),
    ("องค์การบริหารส่วนจังหวัด", "อบจ.", "องค์การบริหารส่วนจังหวัด{province}"),
    ("เทศบาลตำบล", "เทศบาล", "เทศบาลตำบล{place}"),
    ("เทศบาลเมือง", "เทศบาล", "เทศบาลเมือง{place}"),
    ("เทศบาลนคร", "เทศบาล", "เทศบาลนคร{place}"),
    ("ที่ว่าการอำเภอ", "ส่วนราชการ", "ที่ว่าการอำเภอ{district}"),
    ("สำนักงานจังหวัด", "ส่วนราชการ", "สำนักงานจังหวัด{province}"),
    ("สำนักงานพัฒนาชุมชน", "ส่วนราชการ", "สำนักงานพัฒนาชุมชนอำเภอ{district}"),
    ("สำนักงานเขตพื้นที่การศึกษา", "ส่วนราชการ", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา{province} เขต {n}"),
    ("โรงพยาบาล", "โรงพยาบาล", "โรงพยาบาล{place}"),
    ("โรงเรียน", "โรงเรียน", "โรงเรียนบ้าน{place}"),
    ("สำนักงานส่งเสริม", "องค์การมหาชน", "{name} สาขา{place}"),
)
OTHER_KIND = ("ส่วนราชการ", "{name} {place}")

PLACES = (
    "หนองบัว", "ดอนแก้ว", "หนองใหญ่", "ท่าช้าง", "โพนทอง", "ศรีสำราญ", "นาคูณ", "โนนสำราญ",
    "โคกสูง", "หนองแวง", "ดอนหัน", "บ้านเป็ด", "ศิลา", "พระลับ", "บึงเนียม", "ท่าพระ", "โนนท่อน",
    "หนองตูม", "บ้านค้อ", "แดงใหญ่", "บ้านหว้า", "สาวะถี", "โคกสี", "ดอนช้าง", "บ้านทุ่ม",
    "เมืองเก่า", "หนองโก", "นาเพียง", "ห้วยเตย", "โนนศิลา", "หนองกุง", "ทุ่งใหญ่", "นาข่า",
    "กุดเค้า", "โนนหัน", "ห้วยโจด", "หัวนาคำ", "คำแคน", "ดงเมือง", "บัวใหญ่", "นาหว้า", "โนนทอง",
    "ป่าหวายนั่ง", "หนองสระ", "โคกงาม", "ดอนดู่", "นาดี", "หนองแสง", "บ้านโต้น", "ห้วยยาง",
    "วังชัย", "โนนสะอาด", "กุดน้ำใส", "หนองหญ้าปล้อง", "ทรายมูล", "โพธิ์ไชย", "สระแก้ว", "ท่าศาลา",
    "คำม่วง", "ดงบัง", "นาเชือก", "บ้านแก้ง", "โคกกลาง", "หนองเม็ก", "หนองนาคำ", "ป่าปอ",
    "โนนข่า", "บ้านดอน", "ห้วยแก", "เหล่าใหญ่", "ม่วงหวาน", "สำราญ", "หนองไผ่", "โนนเขวา",
    "ดอนโมง", "นาฝาย", "คูเมือง", "หนองเต็ง", "บ้านลาน", "หนองปลาหมอ", "ท่ากระเสริม", "โคกโก่ง",
    "วังหิน", "ดอนหว่าน", "หนองหิน", "นาโพธิ์", "บ้านกอก", "ห้วยหินลาด", "แก่งเลิงจาน",
    "หนองซอน", "โคกล่าม", "ขามป้อม", "ศรีสุข", "นาสีนวน", "หนองเหล็ก", "บ้านขาม", "ยางคำ",
    "โนนสวรรค์", "ดอนกลอย", "ท่าม่วง", "หนองแสน", "บ้านเหล่า", "คำบอน", "ห้วยทราย", "นาแพง",
    "โคกม่วง", "หนองกุงใหญ่", "ดงเค็ง", "บ้านใหม่", "ทุ่งโป่ง", "หนองโน", "นางิ้ว", "โนนรัง",
)

# A few provinces (North-East first) with several real อำเภอ each. N <= 100: one province.
PROVINCES = {
    "ขอนแก่น": ("เมืองขอนแก่น", "บ้านไผ่", "ชุมแพ", "น้ำพอง", "พล", "หนองเรือ", "กระนวน",
                "ภูเวียง", "มัญจาคีรี", "อุบลรัตน์", "บ้านฝาง", "ชนบท", "โนนศิลา"),
    "อุดรธานี": ("เมืองอุดรธานี", "กุมภวาปี", "หนองหาน", "บ้านดุง", "เพ็ญ", "หนองวัวซอ", "บ้านผือ"),
    "มหาสารคาม": ("เมืองมหาสารคาม", "กันทรวิชัย", "โกสุมพิสัย", "บรบือ", "วาปีปทุม", "พยัคฆภูมิพิสัย"),
    "ร้อยเอ็ด": ("เมืองร้อยเอ็ด", "เสลภูมิ", "สุวรรณภูมิ", "โพนทอง", "ธวัชบุรี", "จตุรพักตรพิมาน"),
    "กาฬสินธุ์": ("เมืองกาฬสินธุ์", "กมลาไสย", "ยางตลาด", "สมเด็จ", "กุฉินารายณ์", "ห้วยเม็ก"),
    "ชัยภูมิ": ("เมืองชัยภูมิ", "ภูเขียว", "แก้งคร้อ", "จัตุรัส", "คอนสวรรค์", "หนองบัวแดง"),
    "หนองบัวลำภู": ("เมืองหนองบัวลำภู", "นากลาง", "ศรีบุญเรือง", "โนนสัง", "สุวรรณคูหา", "นาวัง"),
    "เลย": ("เมืองเลย", "วังสะพุง", "ด่านซ้าย", "เชียงคาน", "ภูเรือ", "ท่าลี่"),
    "สกลนคร": ("เมืองสกลนคร", "สว่างแดนดิน", "พังโคน", "วานรนิวาส", "อากาศอำนวย", "พรรณานิคม"),
    "นครราชสีมา": ("เมืองนครราชสีมา", "ปากช่อง", "พิมาย", "โนนสูง", "สีคิ้ว", "บัวใหญ่", "ปักธงชัย"),
    "บุรีรัมย์": ("เมืองบุรีรัมย์", "นางรอง", "ประโคนชัย", "ลำปลายมาศ", "สตึก", "พุทไธสง"),
    "สุรินทร์": ("เมืองสุรินทร์", "ปราสาท", "ท่าตูม", "รัตนบุรี", "ศีขรภูมิ", "สังขะ"),
    "ศรีสะเกษ": ("เมืองศรีสะเกษ", "กันทรลักษ์", "ขุขันธ์", "อุทุมพรพิสัย", "ราษีไศล"),
    "อุบลราชธานี": ("เมืองอุบลราชธานี", "วารินชำราบ", "เดชอุดม", "พิบูลมังสาหาร", "ตระการพืชผล"),
    "ลำปาง": ("เมืองลำปาง", "เกาะคา", "ห้างฉัตร", "เถิน", "แจ้ห่ม", "งาว"),
    "เชียงใหม่": ("เมืองเชียงใหม่", "สันทราย", "หางดง", "แม่ริม", "ฝาง", "จอมทอง"),
}
SITES_PER_PROVINCE = 100

# Items of bundled sites that keep another version elsewhere on the site (an older year in an
# archive list or tab, a second page that is evidence too): without their listed evidence an
# assessor still sees that version (stale or found), so their evidence is never removed. Found by
# reading the sites' non-evidence pages and an `oit eval` of a farm with every candidate removed.
KEEP = {
    "abt-nongbua": {"O12", "O21", "O25", "O27"},  # /ita/2567.html: 2567 versions
    "cdd-lampang": {"O23", "O25"},  # /ita/2567/: doc/2567/ versions
    "po-cedo": {"O21"},  # ITA 2567 archive: no-gift-2567
    "tm-srisamran": {"O7", "O12", "O21", "O25", "O27"},  # 2567/2566 tabs; /procurement/ announcements
}


def kind_of(name: str) -> tuple[str, str]:
    """(type column, name pattern) of a template from its Thai name."""
    for prefix, kind, pattern in KINDS:
        if name.startswith(prefix):
            return kind, pattern
    return OTHER_KIND


# ------------------------------------------------------------------------- template analysis
_REF = re.compile(rb"""(?:href|src|action|value|data-href|data-src)\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)'|([^\s"'<>]+))""",
                  re.I)
_ROOTED = re.compile(rb"""["'](/[^"'\s<>]*)["']|url\(\s*["']?([^"')\s]+)""")


def _target(tree: tuple[set, set], url: str) -> str | None:
    """Relative path of the file that serves an in-site URL path, or None.
    `tree` = (relative file paths, relative directory paths) of the site."""
    files, dirs = tree
    rel = unquote(urlsplit(url).path)
    if not rel.startswith("/"):
        return None
    rel = rel.strip("/")
    if rel == "" or rel in dirs:
        rel = f"{rel}/index.html" if rel else "index.html"
    return rel if rel in files else None


def _links(root: Path, tree: tuple[set, set], rel: str) -> frozenset[str]:
    """In-site files an HTML, JS or CSS file points at (hrefs, srcs, option values, rooted
    strings in scripts, CSS url()); read as bytes, never decoded beyond the URL itself."""
    data = (root / rel).read_bytes()
    base = "/" + rel
    found = set()
    refs = [g for m in (*_REF.finditer(data), *_ROOTED.finditer(data)) for g in m.groups() if g]
    for ref in refs:
        text = ref.decode("latin-1").strip()
        if not text or text.startswith(("#", "mailto:", "tel:", "javascript:", "data:", "//")) \
                or re.match(r"^[a-z][a-z0-9+.-]*:", text, re.I):
            continue
        target = _target(tree, urljoin(base, text))
        if target and target != rel:
            found.add(target)
    return frozenset(found)


@dataclasses.dataclass(frozen=True, eq=False)  # hashed by identity (cache key)
class Template:
    id: str
    name: str
    root: Path
    items: dict  # code -> {"status", "urls"} as in the bundled truth
    dirs: tuple[str, ...]  # relative directories, parents first
    files: tuple[str, ...]  # relative file paths
    links: dict  # file -> frozenset of files it links to
    url_files: dict  # in-site truth URL -> file
    candidates: tuple[str, ...]  # codes whose evidence can be removed

    def reachable(self, removed: frozenset[str]) -> frozenset[str]:
        return _reachable(self, removed)

    def keeps_reach(self, removed: frozenset[str]) -> bool:
        """Removing these files leaves every other reachable file reachable."""
        return self.reachable(frozenset()) - removed <= self.reachable(removed)

    def evidence(self, code: str) -> frozenset[str]:
        return frozenset(self.url_files[u] for u in self.items[code]["urls"])


@functools.lru_cache(maxsize=None)
def _reachable(tpl: Template, removed: frozenset[str]) -> frozenset[str]:
    start = "index.html"
    if start in removed or start not in tpl.links:
        return frozenset()
    seen, todo = {start}, [start]
    while todo:
        for nxt in tpl.links.get(todo.pop(), ()):
            if nxt not in seen and nxt not in removed:
                seen.add(nxt)
                todo.append(nxt)
    return frozenset(seen)


def _in_site(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def _chrome(links: dict) -> set[str]:
    """The home page and what it links to, directly or through its scripts (menus)."""
    home = links.get("index.html", frozenset())
    return {"index.html", *home, *(f for js in home if js.endswith(".js") for f in links.get(js, ()))}


def _removable(items: dict, links: dict, url_files: dict, code: str) -> bool:
    """Found/stale, all evidence in-site documents or leaf pages: not index.html and linking to no
    truth URL of another item outside the site chrome (the links the home page has too)."""
    item = items[code]
    if item["status"] not in ("found", "stale") or not item["urls"]:
        return False
    if not all(_in_site(u) and u in url_files for u in item["urls"]):
        return False
    own = {url_files[u] for u in item["urls"]}
    others = {f for c, it in items.items() if c != code for u in it["urls"]
              if (f := url_files.get(u)) and f not in own} - _chrome(links)
    for f in own:
        suffix = Path(f).suffix.lower()
        if suffix in DOCUMENTS:
            continue
        if suffix not in PAGES or Path(f).stem.lower().startswith("index") or links.get(f, frozenset()) & others:
            return False
    return True


@functools.lru_cache(maxsize=None)
def load_templates(farm: Path = BUNDLED) -> tuple[dict, tuple[Template, ...]]:
    """(truth header {as_of, rules}, templates in truth.json order)."""
    truth = json.loads((farm / "truth.json").read_bytes())
    templates = []
    for sid, site in truth["sites"].items():
        root = farm / sid
        if built_by_javascript(root):  # its evidence sits in app routes and JSON data the
            continue  # generator cannot remove or relink; and thousands of sites measure the crawler
        files, dirs = [], []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            rel_dir = Path(dirpath).relative_to(root).as_posix()
            if rel_dir != ".":
                dirs.append(rel_dir)
            files += [f if rel_dir == "." else f"{rel_dir}/{f}" for f in sorted(filenames)]
        tree = set(files), set(dirs)
        links = {f: _links(root, tree, f) for f in files
                 if os.path.splitext(f)[1].lower() in PAGES | {".js", ".css"}}
        url_files = {u: t for it in site["items"].values() for u in it["urls"]
                     if _in_site(u) and (t := _target(tree, u))}
        tpl = Template(sid, site["name"], root, site["items"], tuple(dirs), tuple(files), links,
                       url_files, ())
        candidates = tuple(c for c in site["items"] if c not in KEEP.get(sid, ())
                           and _removable(site["items"], links, url_files, c)
                           and tpl.keeps_reach(tpl.evidence(c)))
        templates.append(dataclasses.replace(tpl, candidates=candidates))
    return {"as_of": truth["as_of"], "rules": truth["rules"]}, tuple(templates)


# ------------------------------------------------------------------------- per-site plan
@dataclasses.dataclass
class Site:
    index: int  # 0-based
    tpl: Template
    id: str
    removed_items: list  # codes whose evidence is removed (base + new gaps)
    base_items: list  # codes removed by the base generation
    unreachable: bool = False

    def removed_files(self) -> frozenset[str]:
        return frozenset(f for c in self.removed_items for f in self.tpl.evidence(c))

    def truth(self) -> dict:
        if self.unreachable:
            return {c: {"status": "unverified", "urls": []} for c in self.tpl.items}
        gone = self.removed_files()
        items = {}
        for code, item in self.tpl.items.items():
            lost = [u for u in item["urls"] if self.tpl.url_files.get(u) in gone]
            kept = [u for u in item["urls"] if u not in lost]
            if code in self.removed_items or (lost and not kept):
                items[code] = {"status": "missing", "urls": []}
            else:
                items[code] = {"status": item["status"], "urls": kept}
        return items


def _pick(tpl: Template, rng: random.Random, pool: list[str], count: int, already: list[str]) -> list[str]:
    """Up to `count` codes from `pool` (in random order) whose removal, together with `already`,
    keeps every other file reachable."""
    chosen: list[str] = []
    for code in rng.sample(pool, len(pool)):
        if len(chosen) == count:
            break
        files = frozenset(f for c in already + chosen + [code] for f in tpl.evidence(c))
        if tpl.keeps_reach(files):
            chosen.append(code)
    return chosen


def _base_plan(seed: int, index: int, tpl: Template) -> Site:
    rng = random.Random(f"oit-farm:{seed}:{index}:base")
    sid = f"g{index + 1:04d}-{tpl.id}"
    items: list[str] = []
    if rng.random() < MUTATED_SHARE and tpl.candidates:
        items = _pick(tpl, rng, list(tpl.candidates), rng.randint(1, 3), [])
    return Site(index, tpl, sid, list(items), list(items))


def _night_plan(seed: int, sites: list[Site]) -> None:
    """Turn the base plan into the later night's plan (--changed), in place."""
    n = len(sites)
    order = sorted(sites, key=lambda s: random.Random(f"oit-farm:{seed}:{s.index}:night").random())
    n_unreachable = max(1, round(n / UNREACHABLE_EVERY)) if n >= 2 else 0
    n_fixed, n_gaps = max(1, round(n * FIXED_SHARE)), max(1, round(n * GAP_SHARE))
    for site in order[:n_unreachable]:
        site.unreachable = True
    rest = order[n_unreachable:]
    fixed = [s for s in rest if s.base_items][:n_fixed]
    for site in fixed:
        site.removed_items = []
    gaps = 0
    for site in rest:
        if gaps == n_gaps:
            break
        if site in fixed:
            continue
        rng = random.Random(f"oit-farm:{seed}:{site.index}:gap")
        pool = [c for c in site.tpl.candidates
                if site.tpl.items[c]["status"] == "found" and c not in site.removed_items]
        more = _pick(site.tpl, rng, pool, rng.randint(1, 2), site.removed_items)
        if more:
            site.removed_items += more
            gaps += 1


def _names(seed: int, sites: list[Site]) -> list[dict]:
    """agencies.csv rows: unique Thai names, province in blocks of ~100 sites, district per site."""
    n = len(sites)
    provinces = list(PROVINCES)[:max(1, min(len(PROVINCES), math.ceil(n / SITES_PER_PROVINCE)))]
    used: set[str] = set()
    counters: dict[str, int] = {}
    rows = []
    for site in sites:
        rng = random.Random(f"oit-farm:{seed}:{site.index}:name")
        province = provinces[site.index * len(provinces) // n]
        district = rng.choice(PROVINCES[province])
        kind, pattern = kind_of(site.tpl.name)
        counters[province] = counters.get(province, 0) + ("{n}" in pattern)
        name = pattern.format(place=rng.choice(PLACES), district=district, province=province,
                              name=site.tpl.name, n=counters[province])
        unique, k = name, 1
        while unique in used:
            k += 1
            unique = f"{name} {k}"
        used.add(unique)
        rows.append({"name": unique, "url": site.id, "province": province, "district": district,
                     "type": kind})
    return rows


# ------------------------------------------------------------------------- writing
def _prepare(out: Path) -> None:
    out = Path(out)
    if out.resolve() == BUNDLED.resolve() or BUNDLED.resolve() in out.resolve().parents:
        raise ValueError(f"{out}: will not write into the bundled farm")
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not _generated(out):
            raise ValueError(f"{out}: folder is not empty and holds no farm made by this script "
                             f"(truth.json, {MARKER}); refusing to overwrite it")
        for child in out.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    out.mkdir(parents=True, exist_ok=True)


def _generated(folder: Path) -> bool:
    """The folder holds a previous generation: its marker, written first (so that an interrupted
    generation can be replaced too), names this script's template farm."""
    try:
        return json.loads((folder / MARKER).read_bytes()).get("template") == TEMPLATE_NAME
    except (OSError, ValueError, AttributeError):
        return False


class _Linker:
    """Hard link when the file system allows it, copy otherwise (decided once)."""

    def __init__(self) -> None:
        self.link = True

    def __call__(self, src: str, dst: str) -> None:
        if self.link:
            try:
                os.link(src, dst)
                return
            except OSError:
                self.link = False
        shutil.copyfile(src, dst)


def _write_site(out: Path, site: Site, linker: _Linker) -> None:
    root = os.path.join(out, site.id)
    os.mkdir(root)
    if site.unreachable:
        return
    for rel in site.tpl.dirs:
        os.mkdir(os.path.join(root, rel))
    gone = site.removed_files()
    src = str(site.tpl.root)
    for rel in site.tpl.files:
        if rel not in gone:
            linker(os.path.join(src, rel), os.path.join(root, rel))


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _write_truth(path: Path, truth: dict) -> None:
    """Laid out like the bundled truth.json (one item a line), fast for 10,000 sites."""
    dump = functools.partial(json.dumps, ensure_ascii=False)
    sites = []
    for sid, site in truth["sites"].items():
        items = ",\n".join(f"      {dump(code)}: {dump(item)}" for code, item in site["items"].items())
        sites.append(f'    {dump(sid)}: {{"name": {dump(site["name"])}, "items": {{\n{items}}}}}')
    body = ",\n".join(sites)
    path.write_text(f'{{\n  "as_of": {dump(truth["as_of"])},\n  "rules": {dump(truth["rules"])},\n'
                    f'  "sites": {{\n{body}\n  }}\n}}\n', encoding="utf-8")


def generate(out: Path, sites: int, seed: int = 0, changed: bool = False) -> Path:
    """Write a generated labelled farm to `out` and return its path."""
    if not 1 <= sites <= MAX_SITES:
        raise ValueError(f"--sites must be between 1 and {MAX_SITES:,} (got {sites})")
    out = Path(out)
    header, templates = load_templates()
    plan = [_base_plan(seed, i, templates[i % len(templates)]) for i in range(sites)]
    base_truth = {s.id: s.truth() for s in plan}
    if changed:
        _night_plan(seed, plan)
    rows = _names(seed, plan)
    _prepare(out)
    params = {"template": TEMPLATE_NAME, "sites": sites, "seed": seed, "changed": changed}
    _write_json(out / MARKER, params)
    linker = _Linker()
    for site in plan:
        _write_site(out, site, linker)
    truth = {**header, "sites": {s.id: {"name": row["name"], "items": s.truth()}
                                 for s, row in zip(plan, rows)}}
    _write_truth(out / "truth.json", truth)
    with open(out / "agencies.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["name", "url", "province", "district", "type"])
        writer.writeheader()
        writer.writerows(rows)
    if changed:
        _write_json(out / "changes.json", diff(base_truth, {sid: s["items"] for sid, s in truth["sites"].items()},
                                               [s.id for s in plan if s.unreachable]))
    _write_json(out / MARKER, {**params, "hard_links": linker.link})
    return out


def diff(before: dict, after: dict, unreachable: list[str]) -> dict:
    """changes.json: items whose truth left `found`, items that became `found`, unreachable sites.
    `before`/`after` map site id -> {code: {"status", ...}}."""
    gaps, fixed = [], []
    for sid, items in after.items():
        for code, item in items.items():
            old, new = before[sid][code]["status"], item["status"]
            if old == "found" and new != "found":
                gaps.append([sid, code])
            elif old != "found" and new == "found":
                fixed.append([sid, code])
    return {"new_gaps": gaps, "fixed": fixed, "unreachable": list(unreachable)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a labelled farm from the bundled sample farm.")
    parser.add_argument("out", type=Path, help="output folder (created; a previous generation is replaced)")
    parser.add_argument("--sites", type=int, required=True, help=f"number of sites, 1..{MAX_SITES:,}")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--changed", action="store_true",
                        help="the same farm on a later night (new gaps, fixes, an unreachable site)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        out = generate(args.out, args.sites, args.seed, args.changed)
    except ValueError as exc:
        print(f"generate: {exc}", file=sys.stderr)
        return 2
    truth = json.loads((out / "truth.json").read_bytes())
    statuses: dict[str, int] = {}
    for site in truth["sites"].values():
        for item in site["items"].values():
            statuses[item["status"]] = statuses.get(item["status"], 0) + 1
    counts = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
    print(f"{out}: {args.sites} sites in {time.perf_counter() - start:.1f}s ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
