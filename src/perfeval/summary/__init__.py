"""The county roll-up: score every department's workbook and summarise them (pandas).

``frame(paths)`` is the public entry for analysts: one row per scored workbook (单位, 年度,
文件, 总分, 等级, complete, each line's score, error and warning counts).  ``run`` is what
``perfeval summary`` does: score (in parallel), keep history in SQLite, write 汇总.xlsx.
pandas is needed only here (``pip install perfeval[county]``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .collect import Record, find_workbooks, score_many

__all__ = ["frame", "run", "Summary"]


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
               "满分": float(r.max_total), "等级": r.grade, "complete": r.complete, "未填写项数": r.incomplete,
               "评分标准": r.rubric, "校验码": r.checksum, "错误": r.errors, "警告": r.warnings}
        row.update({name: float(score) for name, score in r.lines.items()})
        rows.append(row)
    return pd.DataFrame(rows)


def frame(paths: Iterable[str | Path], jobs: int | None = 1):
    """One row per scored workbook under ``paths`` (files or folders).  Unusable files are left out."""
    files, _ = find_workbooks(paths)
    return records_frame(score_many(files, jobs))


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

    @property
    def scored(self) -> list[Record]:
        return [r for r in self.records if r.ok]

    @property
    def apart(self) -> list[tuple[Record, str]]:
        """Scored workbooks not scored under the official rubric, with the reason (none without one)."""
        if self.official is None:
            return []
        return [(r, why) for r in self.scored if (why := nonconformity(r, self.official))]

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


def run(paths: Iterable[str | Path], output: str | Path, *, jobs: int | None = None, db: str | Path | None = None,
        year: int | None = None, progress: Callable[[Record], None] | None = None, official=None) -> Summary:
    """Score every workbook under ``paths`` and write the roll-up workbook ``output``; with
    ``official`` (the county's Rubric) only the workbooks scored under it are ranked."""
    from collections import Counter

    import importlib.util
    import threading
    if importlib.util.find_spec("pandas") is None:
        _pandas()                                    # the Chinese message
    files, missing = find_workbooks(paths)
    scoring = score_many(files, jobs, progress)
    records = [r for r in [next(scoring, None)] if r is not None]
    # Once worker processes run, load pandas in the background instead of after scoring (in a
    # single process it would only compete with scoring for the interpreter).
    loader = threading.Thread(target=_pandas, daemon=True) if (jobs or os.cpu_count() or 1) > 1 else None
    if loader:
        loader.start()
    records += list(scoring)
    if loader:
        loader.join()
    from .report import write_summary
    unreadable = missing + [(r.file, r.error) for r in records if not r.ok]
    scored = [r for r in records if r.ok]
    if year is None and scored:
        years = Counter(r.year for r in scored if r.year)
        year = years.most_common(1)[0][0] if years else None
    other = [r for r in scored if year is not None and r.year != year]
    for r in other:
        unreadable.append((r.file, f"评价年度为{r.year or '（未填写）'}，不是{year}年，未参加本次汇总"))
    summary = Summary([r for r in records if not r.ok or r not in other], unreadable, other, year, official=official)
    if db is not None:
        from . import history
        connection = history.connect(db)
        try:
            history.upsert(connection, summary.scored)
            if year is not None:
                summary.previous = history.year_results(connection, year - 1)
        finally:
            connection.close()
    if summary.scored:
        write_summary(summary, Path(output))
    return summary
