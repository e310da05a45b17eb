"""The county roll-up: score every department's workbook and summarise them (pandas).

``frame(paths)`` is the entry for analysts: one row per scored workbook (单位, 年度,
文件, 总分, 等级, complete, each line's score, error and warning counts).  ``run`` is what
``perfeval summary`` does: score (in parallel), keep history in SQLite, write 汇总.xlsx.
pandas is needed only here (``pip install perfeval[county]``).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from .collect import Record, find_workbooks, score_many
from .frame import Summary, _pandas, records_frame

__all__ = ["frame", "run", "Summary"]


def frame(paths: Iterable[str | Path], jobs: int | None = 1):
    """One row per scored workbook under ``paths`` (files or folders).  Unusable files are left out."""
    files, _ = find_workbooks(paths)
    return records_frame(score_many(files, jobs))


def run(paths: Iterable[str | Path], output: str | Path, *, jobs: int | None = None, db: str | Path | None = None,
        year: int | None = None, progress: Callable[[Record], None] | None = None, official=None) -> Summary:
    """Score every workbook under ``paths`` and write the roll-up workbook ``output``; with
    ``official`` (the county's Rubric) only the workbooks scored under it are ranked."""
    from collections import Counter

    import importlib.util
    import threading
    if importlib.util.find_spec("pandas") is None:
        _pandas()                                    # the Chinese message
    files, missing = find_workbooks(paths, output)
    inputs = {f.resolve() for f in files} | {Path(p).resolve() for p in paths}
    if Path(output).resolve() in inputs:
        from ..errors import WorkbookError
        raise WorkbookError(f"汇总结果“{Path(output).name}”不能覆盖要汇总的工作簿或文件夹：请用 -o 指定另一个文件名")
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
        summary.notes += _history(summary, db, year)
    if summary.scored:
        write_summary(summary, Path(output))
    return summary


def _history(summary: Summary, db, year) -> list[str]:
    """Record this run in the history database and read last year's results; any problem with the
    database (damaged, read-only, a folder, another program's, a newer perfeval's, a full disk) is one
    warning, and the roll-up is written without the year-on-year columns."""
    import sqlite3
    from . import history
    try:
        connection = history.connect(db)
        try:
            history.upsert(connection, summary.scored)
            if year is not None:
                summary.previous = history.year_results(connection, year - 1)
        finally:
            connection.close()
    except (sqlite3.Error, OSError, ValueError, KeyError, TypeError) as exc:
        summary.previous = None
        return [f"历史数据库“{Path(db).name}”无法使用（{history.problem(exc)}），本次未记录历史、汇总中没有同比；"
                f"汇总表已照常生成"]
    return []
