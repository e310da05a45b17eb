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
