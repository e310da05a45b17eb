"""The county roll-up: a folder of good, broken, duplicate and foreign files → 汇总.xlsx (pandas)."""
from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest

pytest.importorskip("pandas", reason="the roll-up needs pandas (Python 3.8+)")
from click.testing import CliRunner

from perfeval.cli import main
from perfeval.samples import hongqi
from perfeval.summary import frame, history, run as run_summary
from perfeval.summary.collect import find_workbooks, score_many
from perfeval.xlsx.workbook import fill_workbook
from wbtools import libreoffice_job, needs_libreoffice

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "workbook_templates"
SHEETS = ["排名", "等级分布", "失分分析", "评分标准核对", "校验问题", "无法读取", "重复"]


@pytest.fixture
def county(tmp_path):
    return inbox(tmp_path)


def inbox(tmp_path: Path) -> Path:
    d = tmp_path / "收件箱"
    (d / "乡镇").mkdir(parents=True)
    (d / "部门").mkdir()
    shutil.copy(TEMPLATES / "红旗镇2023自评.xlsm", d / "乡镇" / "红旗镇2023自评.xlsm")
    shutil.copy(TEMPLATES / "五渡镇2023自评.xlsm", d / "乡镇" / "五渡镇2023自评.xlsm")
    shutil.copy(TEMPLATES / "红旗镇2023自评.xlsm", d / "部门" / "红旗镇（重发）.xlsm")      # duplicate 单位+年度
    t = hongqi()
    t["Info"].rows[0][1] = "交通运输局"
    t["Qualitative"].rows[0][1] = "否"                                             # a deduction of 10
    fill_workbook(TEMPLATES / "部门整体绩效自评模板.xlsm", t, out=d / "部门" / "交通运输局.xlsm")
    (d / "部门" / "坏文件.xlsx").write_bytes(b"this is not a workbook")
    (d / "部门" / "~$交通运输局.xlsm").write_bytes(b"excel lock file")
    (d / "部门" / "说明.txt").write_text("foreign")
    return d


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def sheet_rows(path: Path, name: str) -> list[tuple]:
    ws = openpyxl.load_workbook(path)[name]
    return [r for r in ws.iter_rows(min_row=4, values_only=True) if any(v is not None for v in r)]


def test_folder_with_good_broken_duplicate_and_foreign_files(county, tmp_path):
    out = tmp_path / "汇总.xlsx"
    r = run("summary", county, "-o", out, "--jobs", "1")
    assert r.exit_code == 0 and "已汇总4个单位" in r.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == SHEETS + ["项目自评"]          # 红旗镇's projects carry 分值
    ranking = sheet_rows(out, "排名")
    # 五渡镇 scored itself under ebian-2023-100 (another form): ranked in its own group, never against 红旗镇
    assert [(row[0], row[1], row[3], row[9]) for row in ranking] == [
        (1, "红旗镇人民政府", 97, "ebian-2023"), (1, "红旗镇人民政府", 97, "ebian-2023"), (3, "交通运输局", 87, "ebian-2023"),
        (1, "五渡镇人民政府", 100, "ebian-2023-100")]
    assert [row[:3] for row in sheet_rows(out, "等级分布")] == [("优", 2, 1), ("良", 1, 0), ("中", 0, 0), ("差", 0, 0)]
    losses = sheet_rows(out, "失分分析")
    assert [row[:4] for row in losses[:3]] == [("预算挂钩", 3, 5, 15), ("目标制定（内部审核）", 1, 10, 10),
                                               ("执行进度", 3, 3, 9)]           # what cost the county most, first
    broken = sheet_rows(out, "无法读取")
    assert len(broken) == 1 and broken[0][0].endswith("坏文件.xlsx") and "不是有效的 Excel" in broken[0][1]
    dup = sheet_rows(out, "重复")
    assert len(dup) == 1 and dup[0][0] == "红旗镇人民政府" and dup[0][2] == 2 and "红旗镇（重发）.xlsm" in dup[0][3]
    assert wb["等级分布"]._charts                                        # a native chart


def test_lock_files_and_foreign_files_are_skipped(county):
    files, missing = find_workbooks([county, county / "没有这个文件.xlsm"])
    names = sorted(f.name for f in files)
    assert names == sorted(["红旗镇2023自评.xlsm", "五渡镇2023自评.xlsm", "红旗镇（重发）.xlsm", "交通运输局.xlsm", "坏文件.xlsx"])
    assert missing == [(str(county / "没有这个文件.xlsm"), "找不到文件或文件夹")]


def test_nothing_scorable_is_exit_2(tmp_path):
    (tmp_path / "坏.xlsm").write_bytes(b"x")
    r = run("summary", tmp_path, "-o", tmp_path / "汇总.xlsx")
    assert r.exit_code == 2 and "没有可以计算的工作簿" in r.output and not (tmp_path / "汇总.xlsx").exists()


def test_frame_is_public_api(county):
    df = frame([county])
    assert len(df) == 4 and {"单位", "年度", "文件", "总分", "等级", "complete", "执行进度", "错误", "警告"} <= set(df.columns)
    assert df.loc[df["单位"] == "五渡镇人民政府", "总分"].item() == 100


def test_parallel_gives_the_same_records(county):
    files, _ = find_workbooks([county])
    one = [(r.file, r.ok, r.total, r.lines) for r in score_many(files, 1)]
    two = [(r.file, r.ok, r.total, r.lines) for r in score_many(files, 2)]
    assert one == two


def test_history_is_idempotent_and_gives_year_on_year(county, tmp_path):
    db = tmp_path / "history.db"
    last_year = tmp_path / "去年"
    last_year.mkdir()
    t = hongqi()
    t["Info"].rows[1][1] = 2022
    t["Qualitative"].rows[7][1] = "是"                       # 2022: 预算挂钩 full → 102
    fill_workbook(TEMPLATES / "部门整体绩效自评模板.xlsm", t, out=last_year / "红旗镇2022.xlsm")
    assert run("summary", last_year, "-o", tmp_path / "2022.xlsx", "--db", db).exit_code == 0
    for _ in range(2):
        assert run("summary", county, "-o", tmp_path / "2023.xlsx", "--db", db, "--year", 2023).exit_code == 0
    rows = sqlite3.connect(db).execute("SELECT unit, year, total FROM results ORDER BY year, unit").fetchall()
    assert len(rows) == 4      # 2022 红旗镇 + 3 distinct files of 2023 (the duplicate copy has the same hash)
    yoy = sheet_rows(tmp_path / "2023.xlsx", "同比")
    hongqi_row = next(r for r in yoy if r[0] == "红旗镇人民政府")
    assert hongqi_row[1:4] == (97, 102, -5)
    header = openpyxl.load_workbook(tmp_path / "2023.xlsx")["同比"][3]
    changes = dict(zip([c.value for c in header], hongqi_row))
    assert changes["预算挂钩变化"] == -5 and changes["执行进度变化"] == 0


def test_schema_migration_from_version_1(tmp_path):
    db = sqlite3.connect(tmp_path / "old.db")
    for sql in history._MIGRATIONS[1]:
        db.execute(sql)
    db.execute("PRAGMA user_version = 1")
    db.execute("INSERT INTO results (file_hash, unit, year, file, total, lines, scored_at) VALUES "
               "('h', '红旗镇人民政府', 2022, 'a.xlsm', '97', '{}', '2023-03-01')")
    db.commit()
    db.close()
    migrated = history.connect(tmp_path / "old.db")
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMA_VERSION
    assert migrated.execute("SELECT unit, complete FROM results").fetchall() == [("红旗镇人民政府", 1)]


def test_score_accepts_several_files_as_json_lines(county):
    files = [county / "乡镇" / "红旗镇2023自评.xlsm", county / "部门" / "坏文件.xlsx", county / "乡镇" / "五渡镇2023自评.xlsm"]
    r = run("score", *files, "--json")
    assert r.exit_code == 0
    lines = [json.loads(x) for x in r.output.strip().splitlines()]
    assert [x.get("total") for x in lines] == [97, None, 100] and "error" in lines[1]


def test_summary_of_other_years_only(county, tmp_path):
    s = run_summary([county], tmp_path / "x.xlsx", jobs=1, year=2021)
    assert not s.scored and all("不是2021年" in why for f, why in s.unreadable if not f.endswith("坏文件.xlsx"))


@libreoffice_job("pdf")
def summary_of_the_inbox(folder):
    out = folder / "汇总.xlsx"
    summary = run("summary", inbox(folder), "-o", out, "--jobs", "1")
    return [out], summary.exit_code


@needs_libreoffice
def test_summary_opens_in_libreoffice(libreoffice, tmp_path):
    done = libreoffice(summary_of_the_inbox, tmp_path / "pdf", check=False)
    assert done.extra == 0                                    # the summary's exit code
    assert done.outputs[0].exists() and done.outputs[0].stat().st_size > 1000
