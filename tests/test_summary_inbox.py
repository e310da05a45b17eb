"""A hostile inbox for the roll-up: other formats and archives listed with what to do, an unreadable
folder listed, a GBK file name (a zip unpacked from Chinese Windows) scored and shown, a history
database that cannot be used is one warning (the roll-up still written), -o onto an input refused, the
roll-up's own earlier output skipped."""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest

pytest.importorskip("pandas", reason="the roll-up needs pandas (Python 3.8+)")
from click.testing import CliRunner

from perfeval.cli import main
from perfeval.summary.collect import find_workbooks

TEMPLATES = Path(__file__).resolve().parents[1] / "workbook_templates"
SAMPLE = TEMPLATES / "红旗镇2023自评.xlsm"


@pytest.fixture
def inbox(tmp_path) -> Path:
    d = tmp_path / "收件箱"
    d.mkdir()
    shutil.copy(SAMPLE, d / "红旗镇2023自评.xlsm")
    for name in ("旧格式.xls", "WPS.et", "开放格式.ods", "二进制.xlsb", "打包.zip"):
        (d / name).write_bytes(b"whatever")
    return d


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def unreadable(out: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(out)["无法读取"]
    return {Path(r[0]).name: r[1] for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}


def test_other_formats_and_archives_are_listed_with_what_to_do(inbox, tmp_path):
    out = tmp_path / "汇总.xlsx"
    assert run("summary", inbox, "-o", out, "--jobs", "1").exit_code == 0
    listed = unreadable(out)
    assert set(listed) == {"旧格式.xls", "WPS.et", "开放格式.ods", "二进制.xlsb", "打包.zip"}
    assert "另存为 .xlsm" in listed["旧格式.xls"] and "解压" in listed["打包.zip"]


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_folder_is_listed(inbox, tmp_path):
    locked = inbox / "锁住的"
    locked.mkdir()
    os.chmod(locked, 0)
    try:
        _, missing = find_workbooks([inbox])
    finally:
        os.chmod(locked, 0o755)
    assert any("无法读取文件夹" in why for _, why in missing)


def test_an_unreadable_folder_is_listed_whoever_runs(inbox, monkeypatch):
    """The walk's error handler, driven directly (root can read any folder)."""
    import perfeval.summary.collect as C
    real = os.walk

    def walk(top, onerror=None, **kw):
        onerror(PermissionError(13, "Permission denied", str(Path(top) / "锁住的")))
        yield from real(top, onerror=onerror, **kw)
    monkeypatch.setattr(C.os, "walk", walk)
    _, missing = find_workbooks([inbox])
    assert ("无法读取文件夹（Permission denied）" in [why for _, why in missing])


@pytest.mark.skipif(os.name == "nt", reason="POSIX file names are bytes")
def test_a_gbk_file_name_is_scored_and_shown(inbox, tmp_path):
    gbk = os.fsencode(str(inbox)) + b"/" + "五渡镇自评".encode("gbk") + b".xlsm"
    shutil.copy(TEMPLATES / "五渡镇2023自评.xlsm", gbk)
    out = tmp_path / "汇总.xlsx"
    r = run("summary", inbox, "-o", out, "--jobs", "1")
    assert r.exit_code == 0 and "已汇总2个单位" in r.output
    cells = [str(v) for ws in openpyxl.load_workbook(out) for row in ws.iter_rows(values_only=True) for v in row if v]
    assert any("五渡镇自评.xlsm" in v for v in cells)                 # shown decoded, not as \udcce escapes
    broken = os.fsencode(str(inbox)) + b"/" + "坏单位".encode("gbk") + b".xlsm"
    with open(broken, "wb"):
        pass                                                        # an empty file with a GBK name
    r = run("summary", inbox, "-o", out, "--jobs", "1")
    assert r.exit_code == 0 and "坏单位.xlsm" in unreadable(out) and "内部错误" not in r.output


@pytest.mark.parametrize("kind", ["corrupt", "folder", "foreign", "newer", "read_only"])
def test_a_history_database_that_cannot_be_used_is_one_warning(inbox, tmp_path, kind):
    db = tmp_path / "历史.db"
    if kind == "corrupt":
        db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    elif kind == "folder":
        db.mkdir()
    elif kind == "foreign":
        sqlite3.connect(db).execute("CREATE TABLE results (id INTEGER, name TEXT)").connection.commit()
    elif kind == "newer":
        con = sqlite3.connect(db)
        con.execute("PRAGMA user_version = 99")
        con.commit()
        con.close()
    else:
        if os.name == "nt" or os.geteuid() == 0:
            pytest.skip("root writes read-only files")
        assert run("summary", inbox, "-o", tmp_path / "first.xlsx", "--db", db, "--jobs", "1").exit_code == 0
        os.chmod(db, 0o444)
        os.chmod(tmp_path, 0o555)                      # no journal beside it either
    out = tmp_path / "out" / "汇总.xlsx"
    out.parent.mkdir(exist_ok=True) if kind != "read_only" else None
    if kind == "read_only":
        out = inbox.parent.parent / f"{inbox.parent.name}-汇总.xlsx"
    r = run("summary", inbox, "-o", out, "--db", db, "--jobs", "1")
    if kind == "read_only":
        os.chmod(tmp_path, 0o755)
    text = r.output
    assert r.exit_code == 0 and out.exists(), text
    assert text.count("警告：历史数据库") == 1 and "内部错误" not in text


def test_output_onto_an_input_is_refused(inbox):
    before = (inbox / "红旗镇2023自评.xlsm").read_bytes()
    r = run("summary", inbox, "-o", inbox / "红旗镇2023自评.xlsm", "--jobs", "1")
    assert r.exit_code == 2 and "不能覆盖" in r.output
    assert (inbox / "红旗镇2023自评.xlsm").read_bytes() == before


def test_the_roll_ups_own_earlier_output_is_skipped(inbox):
    first = inbox / "汇总.xlsx"
    assert run("summary", inbox, "-o", first, "--jobs", "1").exit_code == 0
    shutil.copy(first, inbox / "上次汇总.xlsx")
    again = inbox / "汇总2.xlsx"
    assert run("summary", inbox, "-o", again, "--jobs", "1").exit_code == 0
    assert not {"上次汇总.xlsx", "汇总.xlsx"} & set(unreadable(again))
