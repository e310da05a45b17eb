"""Rubric files: read, validate against the schema, build the ``Rubric``; the shipped ones.

A county's form is one ``perfeval-rubric/2`` JSON file (see docs/rubrics.md).  The shipped
rubrics are the files in ``scoring/rubrics/`` (listed, never named in code but for the default).
Problems of a file are ``Problem`` records with their JSON path; a file that cannot be used
raises ``RubricError`` carrying all of them.
"""
from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ...errors import RubricError
from .model import Example, Group, InputDef, Item, LineSpec, Rubric, canonical_json, dec
from .schema import Problem

FORMAT = "perfeval-rubric/2"
DEFAULT_RUBRIC = "ebian-2023"
DEFAULT_PROJECT_RUBRIC = "national-project-2020"   # the per-project 项目支出绩效自评表 (scope project)
SHIPPED_DIR = Path(__file__).resolve().parent.parent / "rubrics"

__all__ = ["FORMAT", "DEFAULT_RUBRIC", "INDEX_FILE", "SHIPPED_DIR", "index_entry", "shipped_index", "Example", "Group", "InputDef", "Item", "LineSpec", "Problem", "Rubric",
           "RubricError", "canonical_json", "dec", "find", "load_rubric", "parse_rubric", "read_rubric", "shipped_ids"]


def _reject_constant(name: str):
    raise ValueError(f"不是有效的数字：{name}")


def parse_rubric(text: str | bytes, source: str = "", *, trusted: bool = False) -> tuple[Rubric | None, list[Problem]]:
    """(rubric, structural problems); the rubric is None when any problem was found.  ``trusted``
    (the shipped files, which the tests validate against the schema) skips the schema check."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None, [Problem("", "不是 UTF-8 编码的文本文件")]
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:
        where = f"（第{exc.lineno}行第{exc.colno}列）" if hasattr(exc, "lineno") else ""
        return None, [Problem("", f"不是有效的 JSON{where}：{getattr(exc, 'msg', exc)}")]
    return parse_data(data, source, trusted=trusted)


def parse_data(data: object, source: str = "", *, trusted: bool = False) -> tuple[Rubric | None, list[Problem]]:
    """``parse_rubric`` of JSON already decoded (numbers as int/Decimal), e.g. built from an
    authoring workbook."""
    if isinstance(data, dict) and data.get("format") != FORMAT:
        return None, [Problem("format", f"格式版本应为 {FORMAT}，实为“{data.get('format')}”（本程序只读取 {FORMAT}）")]
    if trusted:
        problems = []
    else:
        from .schema import validate
        problems = validate(data)
    if problems:
        return None, problems
    return Rubric(data, source), []


def read_rubric(path: str | Path, *, trusted: bool = False) -> Rubric:
    """A rubric file from disk; ``RubricError`` with every structural problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RubricError(str(path), [Problem("", f"无法读取文件（{exc.strerror or exc}）")]) from None
    rubric, problems = parse_rubric(raw, str(path), trusted=trusted)
    if rubric is None:
        raise RubricError(path.name, problems)
    return rubric


@lru_cache(maxsize=1)
def shipped_ids() -> tuple[str, ...]:
    """The shipped rubrics, found by listing their folder."""
    return tuple(sorted(p.stem for p in SHIPPED_DIR.glob("*.json")))


def department_ids() -> tuple[str, ...]:
    """The shipped rubrics of a department's 打分表 (scope department; the project forms score projects)."""
    index = shipped_index()
    return tuple(rid for rid in shipped_ids() if index.get(rid, {}).get("scope", "department") == "department")


INDEX_FILE = Path(__file__).with_name("shipped-index.json")


def index_entry(rubric: Rubric) -> dict:
    """What the click needs to know of a shipped rubric without reading it: its 校验码 (re-serialising
    the rubric to hash it costs a click's worth), the SHA-256 of its canonical text (an embedded copy with
    the same text is a shipped rubric: the tests validated it, the click need not) and what the lint
    compares readings by."""
    import hashlib
    maxima = sum((s.points for s in rubric.lines if not s.deduction), Decimal(0))
    return {"checksum": rubric.checksum, "sha256": hashlib.sha256(rubric.canonical.encode("utf-8")).hexdigest(),
            "region": rubric.region, "year": rubric.year, "scope": rubric.scope,
            "version": rubric.version, "title": rubric.title, "adds_up": maxima == rubric.total,
            "deductions": [s.id for s in rubric.lines if s.deduction]}


@lru_cache(maxsize=1)
def shipped_index() -> dict:
    """{id: index_entry} of the shipped rubrics (tests/test_rubric_format.py keeps the file current)."""
    try:
        return json.loads(INDEX_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@lru_cache(maxsize=None)
def load_rubric(rubric_id: str = DEFAULT_RUBRIC) -> Rubric:
    """A shipped rubric by id (``KeyError`` for an unknown id)."""
    if rubric_id not in shipped_ids():
        raise KeyError(rubric_id)
    rubric = read_rubric(SHIPPED_DIR / f"{rubric_id}.json", trusted=True)
    rubric._checksum = shipped_index().get(rubric_id, {}).get("checksum")    # None: computed when asked
    return rubric


def find(source: str | Path) -> Rubric:
    """A shipped rubric by id, or a rubric file by path (``RubricError`` when neither)."""
    text = str(source)
    if text in shipped_ids():
        return load_rubric(text)
    path = Path(text)
    if path.is_file():
        return read_rubric(path)
    raise RubricError(text, [Problem("", f"找不到评分标准：既不是随附的评分标准（{'、'.join(shipped_ids())}），也不是文件")])


EMBED_CHUNK = 8000          # characters per cell (Excel holds 32,767)


PROJECT_PART = "项目"        # RubricData parts of the embedded project-scope rubric: 项目校验码, 项目1, 项目2 …


def embed_rows(rubric: Rubric, prefix: str = "") -> list[tuple[str, str]]:
    """The rubric as the rows of the workbook's RubricData table: the 校验码, then its canonical JSON
    in numbered chunks (cells, so that Excel, WPS and LibreOffice keep them when they save).  The
    project rubric's rows carry ``prefix`` PROJECT_PART (项目校验码, 项目1 …)."""
    text = rubric.canonical
    chunks = [text[i:i + EMBED_CHUNK] for i in range(0, len(text), EMBED_CHUNK)] or [""]
    return [(prefix + "校验码", rubric.checksum)] + [(f"{prefix}{i}", chunk) for i, chunk in enumerate(chunks, 1)]


def split_embedded(rows: list[tuple[object, object]]) -> tuple[list, list]:
    """RubricData rows → (the department rubric's, the project rubric's with PROJECT_PART stripped)."""
    own, project = [], []
    for part, text in rows:
        label = str(part).strip() if isinstance(part, str) else part
        if isinstance(label, str) and label.startswith(PROJECT_PART):
            project.append((label[len(PROJECT_PART):], text))
        else:
            own.append((part, text))
    return own, project


def from_embedded(rows: list[tuple[object, object]]) -> tuple[Rubric | None, str]:
    """(rubric, problem) from RubricData rows; the problem says why it cannot be used."""
    checksum, parts = None, []
    for part, text in rows:
        if isinstance(part, float) and part.is_integer():
            part = int(part)                       # a part number stored as a number
        label = str(part).strip() if part is not None else ""
        if label == "校验码":
            checksum = str(text or "").strip()
        elif label:
            if not label.isdigit() or int(label) < 1:
                return None, f"第“{label}”部分的编号不是正整数"
            parts.append((int(label), "" if text is None else str(text)))
    if not parts:
        return None, "没有评分标准的内容"
    text = "".join(t for _, t in sorted(parts))
    import hashlib
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    shipped = any(entry.get("sha256") == digest for entry in shipped_index().values())
    rubric, problems = parse_rubric(text, "工作簿中的评分标准", trusted=shipped)   # a shipped rubric's very text
    if rubric is not None and digest[:8] == checksum:
        rubric._canonical = text                   # stored canonical (as every template writes it): no re-serialising
    if rubric is None:
        return None, "无法读取（" + "；".join(p.text() if p.path else p.message for p in problems[:3]) + "）"
    if checksum != rubric.checksum:
        return None, f"校验码不符（记录为“{checksum or ''}”，内容的校验码为 {rubric.checksum}），内容可能被修改过"
    return rubric, ""


def select(raw_id: object, loc) -> tuple[Rubric, list]:
    """The rubric a workbook names in 评分参数 (blank: the default), and a finding when it names
    one that does not exist (the default is used then)."""
    from ..model import ERROR, Finding
    from ..numbers import is_blank
    if is_blank(raw_id):
        return load_rubric(DEFAULT_RUBRIC), []
    candidate = str(raw_id).strip()
    if candidate in department_ids():
        return load_rubric(candidate), []
    what = "是项目评分标准（填在“项目评分标准”一行）" if candidate in shipped_ids() else "不存在"
    message = f"评分标准“{candidate}”{what}（可选：{'、'.join(department_ids())}），已按 {DEFAULT_RUBRIC} 计算"
    return load_rubric(DEFAULT_RUBRIC), [Finding(ERROR, message, loc)]
