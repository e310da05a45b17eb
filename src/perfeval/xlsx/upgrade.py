"""perfeval upgrade: a workbook rebuilt on the current template — and, if asked, another rubric —
with every input value copied by table name, header and row label.

Nothing is lost silently: a value the new workbook has no place for (a 定性评价 question the new
rubric does not ask, a column the contract does not have, a 本县取值 of a parameter the new rubric
lacks) is returned, printed by the command and listed in the new workbook's 校验结果.  The 评分参数
keep exactly the county's overrides in use (an older workbook's 值 column holding printed defaults
is read as the engine reads it).  The source is only read; the new file is written atomically.
"""
from __future__ import annotations

from pathlib import Path

from .. import layout as L
from ..scoring.inputs import RawTable, find_table, normalize_label, rubric_table
from ..scoring.model import WARNING, Finding
from ..scoring.numbers import is_blank
from ..scoring.params import default_params, resolve, sheet_label
from ..scoring.projects import NONE_WORDS, carried_project_rubric
from ..errors import WorkbookError
from .parts import refuse_existing
from .workbook import new_template, read_inputs, recalc


def upgrade(book: str | Path, out: str | Path | None = None, rubric=None, *, force: bool = False,
            project_rubric=None) -> tuple[Path, list[str]]:
    """Write the upgraded copy of ``book`` (default: beside it, “<名称>（升级）.xlsm”), under ``rubric``
    and ``project_rubric`` if given (else the workbook's own); return its path and what could not be
    placed (Chinese, one line each)."""
    from ..scoring.inputs import department_from_tables
    book = Path(book)
    target_path = Path(out) if out else book.with_name(f"{book.stem}（升级）.xlsm")
    if target_path.resolve() == book.resolve():
        raise WorkbookError("升级结果不能覆盖原工作簿：请用 -o 指定另一个文件名")
    data = read_inputs(book)
    dept = department_from_tables(data.tables)
    if dept.rubric_problem and rubric is None:
        why = dept.rubric_problem.split("。请用 perfeval upgrade")[0]
        raise WorkbookError(f"{why}。请加 --rubric 指定要使用的评分标准（随附的编号或评分标准文件）："
                            f"perfeval upgrade {book.name} --rubric 编号或文件")
    source_rubric = dept.rubric
    target = rubric or source_rubric
    params, _ = resolve(source_rubric, dept.parameters)
    own_project, project_params, off = carried_project_rubric(dept)
    project = project_rubric or own_project
    off = off and project_rubric is None              # naming a project rubric turns the 自评表 back on
    tables, lost = _carry(data.tables, target, params)
    tables[L.PARAMETERS.name] = parameter_table(target, params, project, project_params, lost, off)
    refuse_existing(target_path, force, workbook=True)
    notes = [Finding(WARNING, f"升级时未能放入新工作簿：{text}", None) for text in lost]
    import tempfile
    with tempfile.TemporaryDirectory(dir=target_path.resolve().parent, prefix=".perfeval-upgrade-") as tmp:
        draft = new_template(Path(tmp) / "upgrade.xlsm", tables, rubric=target, project_rubric=project)
        recalc(draft, notes=notes, out=target_path, force=force)     # one write of the target, atomic
    return target_path, lost


def _carry(tables: dict[str, RawTable], rubric, params) -> tuple[dict[str, RawTable], list[str]]:
    """The input tables for the new template, and what has no place there."""
    out: dict[str, RawTable] = {}
    lost: list[str] = []
    for declared in L.INPUT_TABLES:
        raw = find_table(tables, declared.name)
        if raw is None or declared in (L.RUBRIC_DATA, L.PARAMETERS):
            continue
        table = rubric_table(declared, rubric)
        headers = {normalize_label(c.header) for c in table.columns}
        for c in table.columns:
            headers.update(normalize_label(a) for a in c.aliases)
        for j, header in enumerate(raw.headers):
            if normalize_label(header) not in headers and any(j < len(r) and not is_blank(r[j]) for r in raw.rows):
                lost.append(f"{table.sheet}的“{header}”列（新表格没有这一列）")
        if table.is_keyvalue:
            labels = {normalize_label(r.label) for r in table.rows}
            value_at = next((i for i, h in enumerate(raw.headers) if normalize_label(h) == normalize_label(table.columns[1].header)), 1)
            for row in raw.rows:
                label = row[0] if row else None
                value = row[value_at] if value_at < len(row) else None
                if not is_blank(label) and normalize_label(label) not in labels and not is_blank(value):
                    lost.append(f"{table.sheet}的“{label}”：{_shown(value)}（{rubric.id}没有这一行）")
        out[table.name] = raw
    return out, lost


def _shown(value: object) -> str:
    """A cell value as the clerk typed it: 2, not 2.0."""
    from decimal import Decimal
    from ..scoring.numbers import fmt_num
    if isinstance(value, float) and not isinstance(value, bool):
        return fmt_num(Decimal(repr(value)))
    if isinstance(value, Decimal):
        return fmt_num(value)
    return str(value)


def parameter_table(rubric, params, project, project_params, lost: list[str], off: bool = False) -> RawTable:
    """评分参数 for a rebuilt workbook: the rubrics' ids (项目评分标准 无 kept) and the county's
    overrides in use (``params``, ``project_params``: the old workbook's); one the new rubric has no
    parameter for goes to ``lost``."""
    records = {L.RUBRIC_PARAMETER_LABEL: rubric.id, L.PROJECT_RUBRIC_PARAMETER_LABEL: NONE_WORDS[0] if off else project.id}
    for target, used in ((rubric, params), (project, project_params)):
        if used is None:
            continue
        known = {p.label for p in default_params(target).parameters}
        for p in used.parameters:
            if p.key not in used.overridden:
                continue
            value = used.values[p.paths[0]]
            label = sheet_label(target, p.label)
            if p.label in known:
                records[label] = value
            else:
                lost.append(f"评分参数“{label}”的本县取值{_shown(value)}（{target.id}没有这个参数）")
    rows = [[label, None, value, None] for label, value in records.items()]
    return RawTable(L.PARAMETERS.name, [c.header for c in L.PARAMETERS.columns], rows)
