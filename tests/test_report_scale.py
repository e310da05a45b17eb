"""The report's cost grows with its rows, never with their square: every table is walked once
(python-docx's ``table.cell(i, j)`` and ``row.cells`` walk the whole table on each call, which made a
700-project report take 75 s).  Counted, not timed."""
from __future__ import annotations

from pathlib import Path

import docx.table

from perfeval.report import write_report
from perfeval.samples import hongqi
from perfeval.xlsx.workbook import fill_workbook

BLANK = Path(__file__).resolve().parents[1] / "workbook_templates" / "部门整体绩效自评模板.xlsm"


def test_each_table_of_a_700_project_report_is_walked_once(tmp_path, monkeypatch):
    t = hongqi()
    first = t["Projects"].rows[0]
    t["Projects"].rows = [[f"项目{i}"] + list(first[1:]) for i in range(700)]
    book = tmp_path / "七百个项目.xlsm"
    fill_workbook(BLANK, t, out=book)
    walks: dict[int, int] = {}
    real = docx.table.Table._cells

    def counted(self):
        walks[id(self._tbl)] = walks.get(id(self._tbl), 0) + 1
        return real.fget(self)
    monkeypatch.setattr(docx.table.Table, "_cells", property(counted))
    path, draft = write_report(book)
    from docx import Document
    rows = sum(len(t.rows) for t in Document(str(path)).tables)
    assert rows > 700                                   # the projects are in it
    assert max(walks.values(), default=0) <= 1, walks          # (the tables' rows are now written as XML)
