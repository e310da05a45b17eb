"""Read an authoring workbook: each declared Excel Table by name, its columns by header, every row
with the address of each cell — through the file adapter's package reader (size limits, defusedxml,
no Excel).  A table renamed or deleted, or a header edited, is a problem naming what is missing."""
from __future__ import annotations

from pathlib import Path

from . import declare as D
from .convert import Cell, Problem, Row


def read_rows(path: str | Path) -> tuple[dict[str, list[Row]], list[Problem]]:
    from ..locate import cell_name
    from ..scoring.inputs import normalize_label
    from ..xlsx.package import Package
    pkg = Package.open(str(path))
    rows: dict[str, list[Row]] = {}
    problems: list[Problem] = []
    if not any(pkg.tables.get(s.table.lower()) for s in D.SHEETS):
        name = Path(path).name
        return {}, [Problem(Cell("", ""), f"“{name}”不是评分标准编写用工作簿（其中没有“{D.LINES.sheet}”“{D.GROUPS.sheet}”等表格）："
                                         f"请用 perfeval rubric new 生成后再填写")]
    for sheet in D.SHEETS:
        table = pkg.tables.get(sheet.table.lower())
        if table is None:
            problems.append(Problem(Cell(sheet.sheet, ""), f"找不到表格 {sheet.table}（“{sheet.sheet}”工作表中的表格被删除、"
                                                           f"改名或不是 Excel 表格）：请用 perfeval rubric new 重新生成后再填写"))
            continue
        columns = {normalize_label(h): i for i, h in enumerate(table.headers)}
        r1, c1, _, _ = table.bounds
        b1, b2 = table.body
        cells = pkg.cells(table.sheet, (b1, b2))
        if sheet.keyvalue:
            wanted = {"项目": None, "值": None}
            for h in wanted:
                wanted[h] = columns.get(normalize_label(h))
            if None in wanted.values():
                missing = [h for h, i in wanted.items() if i is None]
                problems.append(Problem(Cell(table.sheet, cell_name(r1, c1)),
                                        f"表格 {sheet.table} 缺少列“{'”“'.join(missing)}”（表头被修改？）"))
                continue
            by_label = {normalize_label(f.header): f for f in sheet.fields}
            out = []
            for r in range(b1, b2 + 1):
                field = by_label.get(normalize_label(cells.get((r, c1 + wanted["项目"]))))
                if field is None:
                    continue
                c = c1 + wanted["值"]
                out.append(Row({field.key: cells.get((r, c))}, {field.key: Cell(table.sheet, cell_name(r, c))}))
            rows[sheet.table] = out
            continue
        missing = [f.header for f in sheet.fields if f.required and normalize_label(f.header) not in columns]
        if missing:
            problems.append(Problem(Cell(table.sheet, cell_name(r1, c1)),
                                    f"表格 {sheet.table} 缺少列“{'”“'.join(missing)}”（表头被修改？请恢复原表头）"))
            continue
        out = []
        for r in range(b1, b2 + 1):
            values, where = {}, {}
            for f in sheet.fields:
                i = columns.get(normalize_label(f.header))
                where[f.key] = Cell(table.sheet, cell_name(r, c1 + (i if i is not None else 0)))
                values[f.key] = cells.get((r, c1 + i)) if i is not None else None
            if all(v is None or (isinstance(v, str) and not v.strip()) for k, v in values.items() if k != "about"):
                continue                                   # a blank row (the table's spare rows)
            out.append(Row(values, where))
        rows[sheet.table] = out
    return rows, problems
