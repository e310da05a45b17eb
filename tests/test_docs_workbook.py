"""docs/workbook.md's list of input tables held to layout.py: every table with its sheet and columns
(and fixed rows), nothing more, nothing less."""
from __future__ import annotations

import re
from pathlib import Path

from perfeval import layout as L

DOC = (Path(__file__).resolve().parents[1] / "docs" / "workbook.md").read_text(encoding="utf-8")
RUBRIC_ROWS = {"Qualitative": "rows: the rubric's items", "ExtraInputs": "rows: the rubric's inputs"}


def expected_row(t: L.Table) -> str:
    columns = " \\| ".join(c.header for c in t.columns)
    if t.name in RUBRIC_ROWS:
        columns += "; " + RUBRIC_ROWS[t.name]
    elif t.is_keyvalue and t.rows:
        columns += "; rows: " + "、".join(r.label for r in t.rows)
    return f"| `{t.name}` | {t.sheet} | {columns} |"


def test_the_input_tables_section_equals_the_layout():
    section = DOC.split("## Input tables", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if re.match(r"^\| `", line)]
    assert rows == [expected_row(t) for t in L.INPUT_TABLES]
