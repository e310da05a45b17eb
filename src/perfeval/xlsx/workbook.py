"""The file adapter: read a workbook's input tables, score, write the results back.

``read_inputs`` finds every input table by name (whatever sheet it is on), reads its
header and data body, and maps engine locations back to sheet and cell.
``recalc`` writes only the output sheets and the cover's status cells (see
``parts``); ``score_file`` writes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .. import layout as L

from .. import sheets as S
from .. import locate
from .. import render as R
from ..scoring.engine import score_tables
from ..scoring.inputs import RawTable, normalize_label
from ..locate import TableLoc
from ..scoring.model import Loc
from ..scoring.results import Result
from ..errors import WorkbookError
from .package import Package
from .parts import (SheetEditor, clean_leftovers, drop_part, file_lock, force_full_calc, refuse_existing, resolve_target,
                    set_print_area, set_table_ref, write_atomically, write_package)


@dataclass
class WorkbookInputs:
    """What was read from a workbook: the package and its raw input tables."""
    package: Package
    tables: dict[str, RawTable] = field(default_factory=dict)
    below: dict[str, list] = field(default_factory=dict)      # the rows read under each list table

    def cell_of(self, loc: Loc) -> tuple[str, str] | None:
        """Engine location → (sheet name as in the file, cell address)."""
        return locate.cell_of(self.package.tables, loc)


def read_inputs(path: str | Path, data: bytes | None = None) -> WorkbookInputs:
    pkg = Package.open(str(path), data)
    data = WorkbookInputs(pkg)
    if not pkg.sheets:
        raise WorkbookError(f"工作簿中没有工作表：{path}")
    known = [pkg.tables.get(t.name.lower()) for t in L.INPUT_TABLES]
    if not any(known):
        raise WorkbookError(f"不是 perfeval 工作簿：找不到任何输入表格（如 {L.PROJECTS.name}、{L.FINANCE.name}）。"
                            f"请用 perfeval new 生成模板后填写")
    by_sheet: dict[str, list[TableLoc]] = {}
    for t in known:
        if t is not None:
            if t.header_rows == 0:
                raise WorkbookError(locate.headerless_message(t.name, t.sheet))
            by_sheet.setdefault(t.sheet, []).append(t)
    for sheet, tables in by_sheet.items():
        first = min(t.body[0] for t in tables)
        last = max(t.body[1] for t in tables)
        grids = []
        for t in tables:
            r1, c1, r2, c2 = t.bounds
            b1, b2 = t.body
            rows = [[None] * (c2 - c1 + 1) for _ in range(max(0, b2 - b1 + 1))]
            data.tables[t.name] = RawTable(t.name, list(t.headers), rows)
            grids.append((b1, b2, c1, c2, rows))
            if locate.is_list_table(t.name) and not t.totals_rows:   # rows typed under it, up to the next table
                limit = locate.last_row_under(t.bounds, [o.bounds for o in tables if o is not t])
                if limit > r2:
                    below = [[None] * (c2 - c1 + 1) for _ in range(limit - r2)]
                    grids.append((r2 + 1, limit, c1, c2, below))
                    data.below[t.name] = below
                    last = max(last, limit)

        def place(r: int, c: int, value: object, grids=grids) -> None:
            for b1, b2, c1, c2, rows in grids:
                if b1 <= r <= b2 and c1 <= c <= c2:
                    rows[r - b1][c - c1] = value
        pkg.cells(sheet, (first, last), sink=place)
    for name, below in data.below.items():
        typed = below[:locate.typed_below(below)]
        table = data.tables[name]
        if typed:
            table.rows += typed
            table.below = len(typed)
    return data


def score_workbook(path: str | Path, content: bytes | None = None) -> tuple[Result, WorkbookInputs]:
    """Score a workbook file (or its ``content``, already read); also return what was read.  Reading the
    file itself (score, report, submit, new --from …), dead runs' temporary files beside it are removed on
    the way; the roll-up, which hands ``content``, leaves the units' folders alone."""
    if content is None:
        clean_leftovers(Path(path).resolve().parent)
    data = read_inputs(path, content)
    return score_tables(data.tables), data


def score_file(path: str | Path) -> Result:
    """Public API: score a workbook file and write nothing."""
    return score_workbook(path)[0]


def _palette(editors: dict[str, SheetEditor]) -> dict[str, str | None]:
    ed = editors.get(S.DETAILS_SHEET)
    if ed is None:
        return {}
    return {role: ed.style(i, R.PALETTE_COLUMN) for i, role in enumerate(R.PALETTE_ROLES)}


def _styler(block: R.Block, palette: dict[str, str | None]):
    """value → (value as written, style): None keeps the cell's own (template) style; the free 计算明细
    blocks use the palette; a ``Styled`` value whose role an older template's palette lacks is written plain."""
    def styled(value: object) -> tuple[object, str | None]:
        role = R.cell_role(block, value)
        style = palette.get(role) if role else None
        if style is None and isinstance(value, R.Styled):
            value = R.unstyled(value)
        return value, style
    return styled


def recalc(path: str | Path, *, now: datetime | None = None, out: str | Path | None = None,
           force: bool = False, notes: list | None = None) -> Result:
    """Score the workbook and write the results into it (or into ``out``).  ``force`` writes
    a read-only file too; ``notes`` are findings added to this calculation's 校验结果 (upgrade's).
    The whole read-score-write holds the workbook's lock."""
    path = Path(path)
    if out is None and not path.is_dir() and path.exists():
        with file_lock(resolve_target(path)):
            return _recalc(path, now, None, force, notes or [])
    return _recalc(path, now, out, force, notes or [])


def _recalc(path: Path, now: datetime | None, out: str | Path | None, force: bool, notes: list) -> Result:
    data = read_inputs(path)
    pkg = data.package
    missing = [s for s in (S.COVER_SHEET,) + S.REQUIRED_OUTPUT_SHEETS if s not in pkg.sheets]
    if missing:
        raise WorkbookError(S.missing_sheets_message(missing, path.name))
    result = score_tables(data.tables)
    params = result.params
    rows = R.score_layout_rows(result.rubric)
    score_cells = pkg.cells(S.SCORE_SHEET, rows)
    problem = R.score_layout_problem(result.rubric, lambda r, c: score_cells.get((r, c)))
    if problem:
        raise WorkbookError(problem.replace("本工作簿", path.name))
    result.findings += notes
    blocks = R.all_blocks(result, params, data.tables, data.cell_of, now or datetime.now(),
                          frozenset(s for s in S.OPTIONAL_OUTPUT_SHEETS if s in pkg.sheets))
    targets = dict.fromkeys((S.COVER_SHEET,) + S.OUTPUT_SHEETS + tuple(b.sheet for b in blocks))
    inputs = {t.sheet for t in L.INPUT_TABLES}
    editors = {s: SheetEditor(pkg.read(pkg.sheets[s]), s, holds_inputs=s in inputs) for s in targets if s in pkg.sheets}
    palette = _palette(editors)
    for block in blocks:
        ed = editors[block.sheet]
        ed.write_block(block.top, block.left, block.columns, block.rows, _styler(block, palette),
                       clear_to_end=block.clear_to_end, heights=block.heights)
        if block.breaks is not None:
            ed.set_row_breaks(block.breaks)
    parts: dict[str, object] = {pkg.sheets[s]: ed for s, ed in editors.items()}
    findings_table = pkg.tables.get(S.FINDINGS.name.lower())
    if findings_table is not None:
        r1, c1, _, c2 = findings_table.bounds
        n = len(next(b for b in blocks if b.sheet == S.FINDINGS_SHEET).rows)
        parts[findings_table.part] = set_table_ref(pkg.read(findings_table.part),
                                                   f"{R.cell_name(r1, c1)}:{R.cell_name(r1 + n, c2)}")
    workbook_xml = force_full_calc(pkg.read(pkg.workbook))
    for block in blocks:
        if block.print_area:
            workbook_xml = set_print_area(workbook_xml, list(pkg.sheets).index(block.sheet), block.sheet, block.print_area)
    parts[pkg.workbook] = workbook_xml
    if any(ed.removed_formula for ed in editors.values()) and pkg.has("xl/calcChain.xml"):
        drop_part(parts, pkg, "xl/calcChain.xml")   # Excel rebuilds it; a stale chain would need repair
    write_package(pkg.zf, Path(out) if out else path, parts, force=force,
                  unchanged=None if out else pkg.unchanged_on_disk)
    return result


def new_template(path: str | Path, tables: dict[str, RawTable] | None = None, *, force: bool = True,
                 rubric=None, project_rubric=None) -> Path:
    """A macro-enabled template (.xlsm) with the 重新计算 button, optionally pre-filled, for ``rubric``
    (a Rubric; default: the one the tables name, else ebian-2023) and ``project_rubric`` (the per-project
    自评表's; default: the one the tables name, else national-project-2020), both embedded in it.
    Written next to the target and moved over it, like every other write."""
    from .template import build
    from ..vba.project import BUTTON_MACRO, REPORT_MACRO, build_vba_project
    path = Path(path)
    if path.suffix.lower() != ".xlsm":
        raise WorkbookError(f"模板必须保存为 .xlsm（含“重新计算”按钮的宏）：{path.name}")
    refuse_existing(path, force, workbook=True)
    write_atomically(path, lambda tmp: build(tmp, tables, vba_project=build_vba_project(len(S.ALL_SHEETS)),
                                             button_macro=BUTTON_MACRO, report_macro=REPORT_MACRO, rubric=rubric,
                                             project_rubric=project_rubric))
    return path


SAMPLE_FILES = {"红旗镇2023": "红旗镇2023自评.xlsm", "五渡镇2023": "五渡镇2023自评.xlsm"}
BLANK_FILE = "部门整体绩效自评模板.xlsm"


def write_samples(directory: Path, *, blank: bool = False, force: bool = True) -> list[Path]:
    """Write the bundled sample workbooks (filled, not yet calculated) into ``directory``.
    With ``force=False`` an existing file is refused before anything is written."""
    from ..samples import SAMPLES
    targets = ([(directory / BLANK_FILE, None)] if blank else []) + \
        [(directory / SAMPLE_FILES[key], make) for key, make in SAMPLES.items()]
    existing = [p.name for p, _ in targets if p.exists()]
    if existing and not force:
        raise WorkbookError(f"{'、'.join(existing)} 已存在于“{directory}”，未覆盖：请换一个文件夹，或加 --force 覆盖")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkbookError(f"无法创建文件夹“{directory}”（{exc.strerror or exc}）：请换一个文件夹") from None
    return [new_template(p, make() if make else None) for p, make in targets]


def fill_workbook(path: str | Path, tables: dict[str, RawTable], out: str | Path | None = None) -> None:
    """Fill input tables of a perfeval workbook by table name, header and row label.

    Key-value tables: the value of each given label is written into its row.  List
    tables: the given rows replace the table body (the table grows or shrinks).  Only
    the sheets holding those tables and their table parts change.
    """
    pkg = Package.open(str(path))
    editors: dict[str, SheetEditor] = {}
    parts: dict[str, object] = {}
    for name, raw in tables.items():
        spec = L.TABLES_BY_NAME.get(name)
        table = pkg.tables.get(name.lower())
        if spec is None or table is None:
            raise WorkbookError(f"工作簿中没有表格 {name}")
        ed = editors.get(table.sheet) or editors.setdefault(table.sheet, SheetEditor(pkg.read(pkg.sheets[table.sheet]), table.sheet))
        r1, c1, r2, c2 = table.bounds
        b1, b2 = table.body
        columns = {normalize_label(h): c1 + i for i, h in enumerate(table.headers)}
        targets = [columns.get(normalize_label(h)) for h in raw.headers]
        if spec.is_keyvalue:
            current = pkg.cells(table.sheet, (b1, b2))
            labels = {normalize_label(current.get((r, c1))): r for r in range(b1, b2 + 1)}
            for row in raw.rows:
                r = labels.get(normalize_label(row[0]))
                if r is None:
                    raise WorkbookError(f"表格 {name} 中没有“{row[0]}”一行")
                for value, c in list(zip(row, targets))[1:]:
                    if c is not None:
                        ed.set(r, c, value)
            continue
        ed.clear(b1, b2, c1, c2)
        rows = raw.rows or [[None] * len(raw.headers)]
        for i, row in enumerate(rows):
            for value, c in zip(row, targets):
                if c is not None:
                    ed.set(b1 + i, c, value, ed.style(b1, c))
        parts[table.part] = set_table_ref(pkg.read(table.part), f"{R.cell_name(r1, c1)}:{R.cell_name(b1 + len(rows) - 1, c2)}")
    for sheet, ed in editors.items():
        parts[pkg.sheets[sheet]] = ed
    write_package(pkg.zf, Path(out) if out else Path(path), parts, unchanged=None if out else pkg.unchanged_on_disk)
