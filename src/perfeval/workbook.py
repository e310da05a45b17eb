"""The file adapter: read a workbook's input tables, score, write the results back.

``read_inputs`` finds every input table by name (whatever sheet it is on), reads its
header and data body, and maps engine locations back to sheet and cell.
``recalc`` writes only the output sheets and the cover's status cells (see
xlsx_parts); ``score_file`` writes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from . import layout as L
from . import render as R
from .engine import score
from .inputs import RawTable, department_from_tables, normalize_label
from .model import ERROR, Finding, Loc
from .results import Result
from .rubric import resolve
from .xlsx_package import Package, TablePart, WorkbookError
from .xlsx_parts import SheetEditor, drop_part, force_full_calc, set_table_ref, write_package


@dataclass
class WorkbookInputs:
    package: Package
    tables: dict[str, RawTable] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def resolve(self, loc: Loc) -> tuple[str, str] | None:
        """Engine location → (sheet name as in the file, cell address)."""
        table = self.package.tables.get((loc.table or "").lower())
        if table is None:
            return (loc.sheet, "") if loc.sheet else None
        r1, c1, _, _ = table.bounds
        col = c1
        if loc.column:
            want = normalize_label(loc.column)
            for i, h in enumerate(table.headers):
                if normalize_label(h) == want:
                    col = c1 + i
                    break
        row = r1 if loc.row is None else table.body[0] + loc.row
        return table.sheet, R.cell_name(row, col)


def read_inputs(path: str | Path) -> WorkbookInputs:
    pkg = Package.open(str(path))
    data = WorkbookInputs(pkg)
    if not pkg.sheets:
        raise WorkbookError(f"工作簿中没有工作表：{path}")
    known = [pkg.tables.get(t.name.lower()) for t in L.INPUT_TABLES]
    if not any(known):
        raise WorkbookError(f"不是 perfeval 工作簿：找不到任何输入表格（如 {L.PROJECTS.name}、{L.FINANCE.name}）。"
                            f"请用 perfeval new 生成模板后填写")
    by_sheet: dict[str, list[TablePart]] = {}
    for t in known:
        if t is not None:
            by_sheet.setdefault(t.sheet, []).append(t)
    for sheet, tables in by_sheet.items():
        first = min(t.body[0] for t in tables)
        last = max(t.body[1] for t in tables)
        cells = pkg.cells(sheet, (first, last))
        for t in tables:
            r1, c1, r2, c2 = t.bounds
            b1, b2 = t.body
            rows = [[cells.get((r, c)) for c in range(c1, c2 + 1)] for r in range(b1, b2 + 1)]
            data.tables[t.name] = RawTable(t.name, list(t.headers), rows)
    return data


def score_inputs(data: WorkbookInputs) -> tuple[Result, object]:
    dept = department_from_tables(data.tables, findings=list(data.findings))
    params, param_findings = resolve(dept.parameters)
    dept.findings += param_findings
    return score(dept, params), params


def score_file(path: str | Path) -> tuple[Result, WorkbookInputs]:
    data = read_inputs(path)
    result, _ = score_inputs(data)
    return result, data


def _palette(pkg: Package, editors: dict[str, SheetEditor]) -> dict[str, str | None]:
    ed = editors.get(L.DETAILS_SHEET)
    if ed is None:
        return {}
    return {role: ed.style(i, R.PALETTE_COLUMN) for i, role in enumerate(R.PALETTE_ROLES)}


def _style(block: R.Block, value: object, palette: dict[str, str | None]) -> str | None:
    """None keeps the cell's own (template) style; the free 计算明细 blocks use the palette."""
    if isinstance(value, R.Styled):
        return palette.get(value.role)
    if block.sheet == L.DETAILS_SHEET and block.clear_to_end:
        if value is None:
            return None
        return palette.get("number" if isinstance(value, (int, float, Decimal)) else "text")
    return None


def recalc(path: str | Path, *, now: datetime | None = None, out: str | Path | None = None) -> Result:
    """Score the workbook and write the results into it (or into ``out``)."""
    path = Path(path)
    data = read_inputs(path)
    pkg = data.package
    missing = [s for s in (L.COVER_SHEET,) + L.OUTPUT_SHEETS if s not in pkg.sheets]
    if missing:
        raise WorkbookError(f"工作簿缺少输出工作表“{'”“'.join(missing)}”，无法写入结果（原文件未修改）")
    result, params = score_inputs(data)
    blocks = R.all_blocks(result, params, data.tables, data.resolve, now or datetime.now())
    editors = {s: SheetEditor(pkg.read(pkg.sheets[s])) for s in (L.COVER_SHEET,) + L.OUTPUT_SHEETS}
    palette = _palette(pkg, editors)
    for block in blocks:
        ed = editors[block.sheet]
        if block.clear_to_end:
            ed.clear(block.top, None, block.left, block.left + block.columns - 1)
        for i, row in enumerate(block.rows):
            for j, value in enumerate(row):
                ed.set(block.top + i, block.left + j, value, _style(block, value, palette))
    parts: dict[str, bytes | None] = {pkg.sheets[s]: ed.serialize() for s, ed in editors.items()}
    findings_table = pkg.tables.get(L.FINDINGS.name.lower())
    if findings_table is not None:
        r1, c1, _, c2 = findings_table.bounds
        n = len(next(b for b in blocks if b.sheet == L.FINDINGS_SHEET).rows)
        parts[findings_table.part] = set_table_ref(pkg.read(findings_table.part),
                                                   f"{R.cell_name(r1, c1)}:{R.cell_name(r1 + n, c2)}")
    parts[pkg.workbook] = force_full_calc(pkg.read(pkg.workbook))
    if any(ed.removed_formula for ed in editors.values()) and pkg.has("xl/calcChain.xml"):
        drop_part(parts, pkg, "xl/calcChain.xml")   # Excel rebuilds it; a stale chain would need repair
    write_package(pkg.zf, Path(out) if out else path, parts)
    return result


def new_template(path: str | Path, tables: dict[str, RawTable] | None = None) -> Path:
    """A macro-enabled template (.xlsm) with the 重新计算 button, optionally pre-filled."""
    from .template import build
    from .vba import BUTTON_MACRO, build_vba_project
    path = Path(path)
    if path.suffix.lower() != ".xlsm":
        raise WorkbookError(f"模板必须保存为 .xlsm（含“重新计算”按钮的宏）：{path.name}")
    return build(path, tables, vba_project=build_vba_project(len(L.ALL_SHEETS)), button_macro=BUTTON_MACRO)


SAMPLE_FILES = {"红旗镇2023": "红旗镇2023自评.xlsm", "五渡镇2023": "五渡镇2023自评.xlsm"}
BLANK_FILE = "部门整体绩效自评模板.xlsm"


def write_samples(directory: Path, *, blank: bool = False) -> list[Path]:
    """Write the bundled sample workbooks (filled, not yet calculated) into ``directory``."""
    from .samples import SAMPLES
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    if blank:
        paths.append(new_template(directory / BLANK_FILE))
    for key, make in SAMPLES.items():
        paths.append(new_template(directory / SAMPLE_FILES[key], make()))
    return paths
