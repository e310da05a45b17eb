"""The reliability corpus (tests/corpus/generate.py), each case in its own bounded process.

Every case: exit 0 or 2, never a traceback, at most one line on stderr; the file byte-identical
unless the exit is 0; after exit 0, every part perfeval does not own unchanged (compared by CRC
and size, so the test itself never inflates a bomb) and every input read back as before.  Each process runs with an address-space
limit and a time limit: ``perfeval recalc`` as ``python -m perfeval`` runs it, forked from a server that imported
perfeval once (tests/bounded.py), not an interpreter started for each case.
"""
from __future__ import annotations

import hashlib
import sys
import zipfile
from pathlib import Path

import pytest

import bounded

sys.path.insert(0, str(Path(__file__).parent / "corpus"))
from dialects import SHEET_FORMS, WORKBOOK_FORMS  # noqa: E402
from generate import generate  # noqa: E402

MEMORY_LIMIT = 1536 * 1024 * 1024      # bytes of address space per run
TIME_LIMIT = 60                        # seconds per run
OWNED = {"使用说明", "打分表", "计算明细", "校验结果", "项目自评", "评分参数"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return {c.name: c for c in generate(tmp_path_factory.mktemp("corpus"))}


HEAD_BYTES = 64 << 20        # a file larger than this is compared by its size, head and tail


def _digest(path: Path) -> str:
    """The file's identity for "untouched": the whole content, or for a huge file (the corpus' 2.5 GB
    non-workbook, refused before it is read) its size and its first and last 64 MiB."""
    h = hashlib.sha256()
    size = path.stat().st_size
    with open(path, "rb") as fh:
        if size <= 2 * HEAD_BYTES:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
            return h.hexdigest()
        h.update(fh.read(HEAD_BYTES))
        fh.seek(size - HEAD_BYTES)
        h.update(fh.read(HEAD_BYTES))
    return f"{size}:{h.hexdigest()}"


def _owned_parts(path: Path) -> set[str]:
    from perfeval.xlsx.package import Package
    pkg = Package.open(str(path))
    owned = {pkg.sheets[s] for s in OWNED if s in pkg.sheets} | {pkg.workbook}
    owned |= {t.part for t in pkg.tables.values() if t.name.lower() == "findings"}
    return owned


def _inputs(path: Path) -> dict:
    """Every input table as the file adapter reads it (headers and rows)."""
    from perfeval.xlsx.workbook import read_inputs
    return {name: (t.headers, t.rows) for name, t in read_inputs(path).tables.items()}


def _crcs(path: Path) -> dict[str, tuple[int, int]]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: (i.CRC, i.file_size) for i in zf.infolist()}


@pytest.mark.skipif(sys.platform == "win32", reason="resource limits are POSIX")
@pytest.mark.parametrize("name", [
    "entity_expansion_shared_strings", "entity_expansion_utf16", "utf16_shared_strings", "undefined_entity", "external_entity_in_input_sheet", "malformed_table_ref",
    "table_ref_not_an_address", "header_row_count_text", "bomb_in_input_sheet", "bomb_in_shared_strings",
    "bomb_in_output_sheet", "bomb_in_foreign_part", "huge_non_workbook", "duplicate_member", "shuffled_members",
    "formula_in_sheet_name", *[f"truncated_{f}" for f in (0.05, 0.3, 0.6, 0.9, 0.999)],
    *[f"bitflip_{i}" for i in range(12)],
    *[f"params_{form}" for form in SHEET_FORMS], *WORKBOOK_FORMS, "strict_open_xml", "date1904", "escaped_cr_in_strings",
])
def test_corpus_case(corpus, name):
    case = corpus[name]
    before = _digest(case.path)
    crcs_before = _crcs(case.path) if case.expect == (0,) else None
    inputs_before = _inputs(case.path) if case.expect == (0,) else None
    run = bounded.run(["recalc", str(case.path)], memory=MEMORY_LIMIT, timeout=TIME_LIMIT)
    assert run.returncode in case.expect, (run.returncode, run.stderr)
    assert "Traceback" not in run.stderr + run.stdout and "MemoryError" not in run.stderr
    assert run.stderr.count("\n") <= 1, run.stderr
    if run.returncode != 0:
        assert run.stderr.startswith("错误：")
        assert _digest(case.path) == before                       # untouched
    else:
        after = _crcs(case.path)
        if crcs_before is not None:
            owned = _owned_parts(case.path)
            assert {n: v for n, v in crcs_before.items() if n not in owned} == \
                   {n: v for n, v in after.items() if n not in owned}
        if case.untouched_member:
            assert after[case.untouched_member] == crcs_before[case.untouched_member]
        if inputs_before is not None:
            assert _inputs(case.path) == inputs_before                 # every input cell as it was
    leftovers = [p.name for p in case.path.parent.iterdir() if p.name.startswith(".~perfeval")]
    assert leftovers == []


def test_every_generated_case_is_run(corpus):
    names = set(corpus)
    params = next(m for m in test_corpus_case.pytestmark if m.name == "parametrize").args[1]
    assert names == set(params)
