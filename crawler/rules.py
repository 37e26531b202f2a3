"""Rule files (rules/oit-YYYY.yaml): find them by year, load them, and check an edited one.

`check_file` reports every problem of a file as "FILE:LINE: yaml.path: message", the line being
that of the offending YAML node, so a coordinator editing a copy can fix it without reading
pydantic's output.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .models import RuleSet
from .thai import normalize

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
_RULE_FILE = re.compile(r"oit-(\d{4})\.yaml")

_URL_WORD = re.compile(r"[a-z0-9._~-]+")


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit dates: pydantic parses them, and reports a bad one with its
    path instead of the YAML constructor failing on "2025-13-01" without a line."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


class RulesError(Exception):
    """A rule file cannot be found or is invalid (the message says why, one line per problem)."""


def available_years(rules_dir: Path = RULES_DIR) -> list[int]:
    """Years that have a rule file, oldest first."""
    if not rules_dir.is_dir():
        return []
    return sorted(int(m.group(1)) for p in rules_dir.iterdir()
                  if (m := _RULE_FILE.fullmatch(p.name)) and p.is_file())


def default_year(rules_dir: Path = RULES_DIR, today: dt.date | None = None) -> int:
    """The assessment whose answering window is open or next (in December 2026: 2570, answered
    in 2027); the newest year when every window has passed."""
    packs = listing(rules_dir)
    if not packs:
        raise RulesError(f"no rule files (oit-YYYY.yaml) in {rules_dir}")
    today = today or dt.date.today()
    return next((p.year for p in packs if p.answer_window.end >= today), packs[-1].year)


def resolve(spec: str | int | Path | None, rules_dir: Path = RULES_DIR) -> Path:
    """The rule file for a year ("2568"), a file path, or None (the year by today's date)."""
    if spec is None:
        return rules_dir / f"oit-{default_year(rules_dir)}.yaml"
    text = str(spec).strip()
    if re.fullmatch(r"[0-9๐-๙]{4}", text):
        year = normalize(text)
        path = rules_dir / f"oit-{year}.yaml"
        if not path.is_file():
            years = ", ".join(map(str, available_years(rules_dir))) or "none"
            raise RulesError(f"no rules for {year}; available: {years}")
        return path
    path = Path(text).expanduser()
    if not path.is_file():
        raise RulesError(f"rule file not found: {text}")
    return path


_cache: dict[Path, tuple[int, RuleSet]] = {}


def load(spec: str | int | Path | None = None) -> RuleSet:
    """The validated rule set for a year, a file, or the year by today's date (cached per file)."""
    path = resolve(spec).resolve()
    mtime = path.stat().st_mtime_ns
    cached = _cache.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    rules, problems = _read(path)
    if problems:
        raise RulesError("\n".join(problems))
    _cache[path] = (mtime, rules)
    return rules


def check_file(path: str | Path) -> list[str]:
    """Every problem of a rule file, one line each ("FILE:LINE: path: message"); [] when valid.
    Beside the pack of the year before (same folder), each `previous` code must be one of its items."""
    path = Path(path)
    rules, problems = _read(path)
    before = path.with_name(f"oit-{rules.year - 1}.yaml") if rules else None
    earlier, wrong = _read(before) if before and before.is_file() else (None, [])
    if wrong:
        problems.append(f"{path}: `previous` not checked: {before.name} is not valid (oit rules check {before})")
    if earlier:
        codes = {item.code for item in earlier.items}
        root = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=_Loader)
        for n, item in enumerate(rules.items):
            for k, code in enumerate(item.previous):
                if code not in codes:
                    problems.append(f"{path}:{_line(root, ('items', n, 'previous', k))}: items[{n}].previous[{k}]: "
                                    f"{code} is not an item of {before.name}")
    return problems


def lineage(now: int, then: int, rules_dir: Path = RULES_DIR) -> dict[str, list[str]]:
    """Each item of year `now` as the item(s) it was, or became, in year `then`, through each
    pack's `previous`; empty when a pack in between is missing (nothing to compare by)."""
    later, earlier = max(now, then), min(now, then)
    years = range(later, earlier, -1)
    if not all((rules_dir / f"oit-{y}.yaml").is_file() for y in (*years, earlier)):
        return {}
    back = {item.code: [item.code] for item in load(rules_dir / f"oit-{later}.yaml").items}
    for year in years:  # later -> earlier, one year at a time
        previous = {item.code: item.before for item in load(rules_dir / f"oit-{year}.yaml").items}
        back = {code: [p for c in codes for p in previous.get(c, [])] for code, codes in back.items()}
    if now == later:
        return back
    forward: dict[str, list[str]] = {}
    for code, codes in back.items():
        for c in codes:
            forward.setdefault(c, []).append(code)
    return forward


def listing(rules_dir: Path = RULES_DIR) -> list[RuleSet]:
    """Every rule pack of the folder, oldest year first."""
    return [load(rules_dir / f"oit-{y}.yaml") for y in available_years(rules_dir)]


# ---------------------------------------------------------------- reading and locating problems


def _read(path: Path) -> tuple[RuleSet | None, list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{path}: cannot read: {exc}"]
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(filter(None, (exc.context, exc.problem)))
        return None, [f"{path}:{line}: YAML syntax error: {what}"]
    except (yaml.YAMLError, ValueError) as exc:  # e.g. an explicit !!timestamp that is no date
        return None, [f"{path}:1: YAML error: {exc}"]
    if root is None:
        return None, [f"{path}:1: empty file"]
    if not isinstance(root, yaml.MappingNode):
        return None, [f"{path}:{root.start_mark.line + 1}: the top level must be a mapping "
                      "(year, scheme, answer_window, index_names, bands, items...)"]

    problems: list[tuple[int, str, str]] = []  # (line, yaml path, message)
    _duplicate_keys(root, (), problems)
    _phrases(data, root, problems)
    checked = {p for _, p, _ in problems}
    rules = None
    try:
        rules = RuleSet.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            line, where, msg = _pydantic_problem(err, data, root)
            if not any(where == p or where.startswith(p + ".") or where.startswith(p + "[")
                       for p in checked):
                problems.append((line, where, msg))
    problems.sort(key=lambda p: p[0])
    lines = [f"{path}:{line}: {where + ': ' if where else ''}{msg}" for line, where, msg in problems]
    return (rules if not problems else None), list(dict.fromkeys(lines))


def _pydantic_problem(err: dict, data: Any, root: yaml.Node) -> tuple[int, str, str]:
    loc, msg = tuple(err["loc"]), err["msg"].removeprefix("Value error, ")
    dup = re.fullmatch(r"duplicate item code (\S+)", msg)
    if loc == ("items",) and dup:  # point at the second item with that code
        codes = [i.get("code") if isinstance(i, dict) else None for i in data["items"]]
        loc = ("items", [n for n, c in enumerate(codes) if c == dup.group(1)][1], "code")
    loc = _data_loc(loc, data, missing=err["type"] == "missing")
    if err["type"] not in ("missing", "extra_forbidden") and _scalar(err.get("input")):
        got = err["input"]
        msg += f" (got {got!r})" if isinstance(got, str) else f" (got {got})"
    return _line(root, loc), _dotted(loc), msg


def _data_loc(loc: tuple, data: Any, missing: bool) -> tuple:
    """The part of a pydantic loc that is a path in the data (drops union tags like 'str');
    a missing key is kept at the end."""
    out: list = []
    for key in loc:
        if isinstance(data, dict) and key in data:
            data = data[key]
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        else:
            if missing and isinstance(data, dict) and isinstance(key, str):
                out.append(key)
            break
        out.append(key)
    return tuple(out)


def _line(root: yaml.Node, loc: tuple) -> int:
    """1-based line of the node at loc; for a missing key, the line of its parent mapping."""
    node, line = root, root.start_mark.line
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in reversed(node.value)
                         if isinstance(k, yaml.ScalarNode) and k.value == str(key)), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line, pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line
        else:
            break
    return line + 1


def _dotted(loc: tuple) -> str:
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool)) or hasattr(value, "isoformat")


def _duplicate_keys(node: yaml.Node, loc: tuple, problems: list) -> None:
    """YAML silently keeps the last of two equal keys: a second `names:` would drop phrases."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for k, v in node.value:
            if not isinstance(k, yaml.ScalarNode):
                continue
            if k.value in seen:
                problems.append((k.start_mark.line + 1, _dotted((*loc, k.value)),
                                 f"duplicate key '{k.value}' (only the last one would count)"))
            seen.add(k.value)
            _duplicate_keys(v, (*loc, k.value), problems)
    elif isinstance(node, yaml.SequenceNode):
        for n, child in enumerate(node.value):
            _duplicate_keys(child, (*loc, n), problems)


def _phrases(data: dict, root: yaml.Node, problems: list) -> None:
    """Phrases must be non-empty texts, or lists of them; URL words lower-case Latin. A number
    or an empty phrase would silently never match."""
    checks = {"index_names": _phrase_problem, "exclude": _phrase_problem,
              "index_url_words": _word_problem}
    lists = [((key,), data.get(key), check) for key, check in checks.items()]
    items = data.get("items")
    for n, item in enumerate(items if isinstance(items, list) else []):
        match = item.get("match") if isinstance(item, dict) else None
        if isinstance(match, dict):
            checks = {"names": _phrase_problem, "keywords": _phrase_problem,
                      "exclude": _phrase_problem, "url_words": _word_problem}
            lists += [(("items", n, "match", key), match.get(key), check) for key, check in checks.items()]
    for loc, values, check in lists:
        for i, value in enumerate(values if isinstance(values, list) else []):
            if msg := check(value):
                problems.append((_line(root, (*loc, i)), _dotted((*loc, i)), msg))


def _phrase_problem(value: Any) -> str | None:
    if isinstance(value, list):
        if not value:
            return "empty list of phrases (it can never match)"
        return next(filter(None, (_text_problem(v, "phrase part") for v in value)), None)
    return _text_problem(value, "phrase")


def _text_problem(value: Any, what: str) -> str | None:
    if not isinstance(value, str):
        return f"a {what} must be text, got {value!r}"
    if not value.strip():
        return f"empty {what} (it can never match)"
    return None


def _word_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"a URL word must be text, got {value!r}"
    if not _URL_WORD.fullmatch(value):
        return f"a URL word must be lower-case Latin without spaces, got {value!r}"
    return None
