"""The roll-up's data: a ``Summary`` of scored records (which rank, under which form, and why a
workbook is set apart from the county's official rubric) and pandas frames of records.
pandas is imported only when a frame is built.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .collect import Record


def _pandas():
    try:
        import pandas
    except ImportError:
        from ..errors import WorkbookError
        raise WorkbookError("汇总功能需要 pandas：请运行 pip install \"perfeval[county]\"") from None
    return pandas


def records_frame(records: Iterable[Record]):
    pd = _pandas()
    rows = []
    for r in records:
        if not r.ok:
            continue
        row = {"单位": r.unit, "年度": r.year, "文件": Path(r.file).name, "总分": float(r.total),
               "满分": float(r.max_total), "等级": r.shown_grade, "complete": r.complete, "完成情况": r.completion,
               "评分标准": r.rubric, "校验码": r.checksum, "错误": r.errors, "警告": r.warnings}
        row.update({name: float(score) for name, score in r.lines.items()})
        rows.append(row)
    return pd.DataFrame(rows)


def nonconformity(record: Record, official) -> str:
    """Why a workbook was not scored under the county's official rubric ("" when it was): no
    embedded rubric, another rubric or another version of it (校验码), or 本县取值 of a locked one."""
    if not record.embedded:
        return (f"工作簿中没有嵌入评分标准（旧版模板或被修改），按评分参数所列的 {record.rubric} 计算，无法核对；"
                f"请用 perfeval upgrade --rubric 本县评分标准 升级后重新计算报送")
    if record.checksum != official.checksum:
        if record.rubric == official.id:
            return (f"评分标准 {record.rubric} 的内容与本县发布的不同（校验码 {record.checksum}，"
                    f"发布的为 {official.checksum}）：可能是旧版或被修改过")
        return f"按评分标准 {record.rubric}（校验码 {record.checksum}）计算，不是本县的 {official.id}（校验码 {official.checksum}）"
    if official.locked and record.overrides:
        return f"本县评分标准已锁定参数，但工作簿填写了本县取值：{'、'.join(record.overrides)}"
    return ""


def rubric_key(record: Record) -> str:
    """The form a record was scored under, as the roll-up shows it: "id（校验码 xxxxxxxx）"."""
    return f"{record.rubric}（校验码 {record.checksum}）"


@dataclass
class Summary:
    records: list[Record]
    unreadable: list[tuple[str, str]]                     # (file, Chinese reason)
    other_years: list[Record] = field(default_factory=list)
    year: int | None = None
    previous: dict[str, dict] | None = None              # last year's results by unit (from --db)
    official: object = None                              # the county's rubric (--rubric): only its workbooks rank
    notes: list[str] = field(default_factory=list)       # warnings of the run (a history database it could not use)

    @property
    def scored(self) -> list[Record]:
        return [r for r in self.records if r.ok]

    @property
    def apart(self) -> list[tuple[Record, str]]:
        """Scored workbooks not scored under the official rubric, with the reason (none without one)."""
        if self.official is None:
            return []
        pairs = ((r, nonconformity(r, self.official)) for r in self.scored)
        return [(r, why) for r, why in pairs if why]

    @property
    def ranked(self) -> list[Record]:
        """The workbooks that are ranked: all scored ones, or only those under the official rubric."""
        apart = {id(r) for r, _ in self.apart}
        return [r for r in self.scored if id(r) not in apart]

    def groups(self) -> dict[str, list[Record]]:
        """The ranked workbooks by the form they were scored under (rubric id and 校验码), largest first:
        different forms are never ranked together."""
        out: dict[str, list[Record]] = {}
        for r in self.ranked:
            out.setdefault(rubric_key(r), []).append(r)
        return dict(sorted(out.items(), key=lambda kv: (-len(kv[1]), kv[0])))
