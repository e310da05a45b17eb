"""The county's history of results in SQLite (standard library): one table, a schema version.

Each scored workbook is upserted by the hash of its file, so running the same folder twice
changes nothing.  ``PRAGMA user_version`` is the schema version; ``migrate`` brings an older
database up to date (version 1 had no completeness column).
"""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from pathlib import Path

from .collect import Record

SCHEMA_VERSION = 2
_V1 = """CREATE TABLE IF NOT EXISTS results (
    file_hash TEXT PRIMARY KEY, unit TEXT NOT NULL, year INTEGER, file TEXT NOT NULL,
    rubric TEXT, total TEXT, max_total TEXT, grade TEXT, lines TEXT NOT NULL, scored_at TEXT NOT NULL)"""
_MIGRATIONS = {
    1: [_V1, "CREATE INDEX IF NOT EXISTS results_unit_year ON results(unit, year)"],
    2: ["ALTER TABLE results ADD COLUMN complete INTEGER NOT NULL DEFAULT 1"],
}


def connect(path: str | Path) -> sqlite3.Connection:
    """The history database, created or migrated; refused (ValueError, sqlite3.Error, OSError) when it is
    a folder, not SQLite, another program's (a results table without our columns) or a newer version's."""
    if Path(path).is_dir():
        raise IsADirectoryError(21, "是一个文件夹", str(path))
    db = sqlite3.connect(str(path))
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ValueError(f"由更新版本的 perfeval 创建（版本 {version}）")
        columns = {row[1] for row in db.execute("PRAGMA table_info(results)")}
        if columns and not {"file_hash", "unit", "year", "lines"} <= columns:
            raise ValueError("不是 perfeval 的历史数据库")
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db


def problem(exc: BaseException) -> str:
    """A database failure in Chinese."""
    import errno
    if isinstance(exc, ValueError) and not isinstance(exc, sqlite3.Error):
        return str(exc)
    if isinstance(exc, IsADirectoryError):
        return "是一个文件夹"
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "磁盘已满"
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text:
        return "只读"
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return "文件已损坏或不是数据库"
    if "disk" in text and "full" in text:
        return "磁盘已满"
    if "unable to open" in text:
        return "无法打开"
    return f"{type(exc).__name__}: {exc}"


def migrate(db: sqlite3.Connection, to: int = SCHEMA_VERSION) -> int:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for step in range(version + 1, to + 1):
        with db:
            for sql in _MIGRATIONS[step]:
                db.execute(sql)
            db.execute(f"PRAGMA user_version = {step}")
    return db.execute("PRAGMA user_version").fetchone()[0]


def upsert(db: sqlite3.Connection, records: list[Record], now: datetime | None = None) -> int:
    stamp = (now or datetime.now()).isoformat(timespec="seconds")
    rows = [(r.sha256, r.unit, r.year, Path(r.file).name, r.rubric, r.total, r.max_total, r.grade,
             json.dumps(r.lines, ensure_ascii=False), stamp, int(r.complete)) for r in records if r.ok and r.sha256]
    with db:
        db.executemany("""INSERT INTO results (file_hash, unit, year, file, rubric, total, max_total, grade, lines,
                          scored_at, complete) VALUES (?,?,?,?,?,?,?,?,?,?,?)
                          ON CONFLICT(file_hash) DO UPDATE SET unit=excluded.unit, year=excluded.year,
                          file=excluded.file, rubric=excluded.rubric, total=excluded.total,
                          max_total=excluded.max_total, grade=excluded.grade, lines=excluded.lines,
                          complete=excluded.complete""", rows)
    return len(rows)


def year_results(db: sqlite3.Connection, year: int) -> dict[str, dict]:
    """unit → its latest result of ``year`` (total and line scores)."""
    out: dict[str, dict] = {}
    for unit, total, lines in db.execute(
            "SELECT unit, total, lines FROM results WHERE year = ? ORDER BY scored_at, rowid", (year,)):
        out[unit] = {"total": total, "lines": json.loads(lines)}
    return out
