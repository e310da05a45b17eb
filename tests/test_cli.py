"""The perfeval command, in process (click's CliRunner), with bad inputs of every kind."""
import json
import re
import shutil
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from perfeval.cli import main
from perfeval.samples import hongqi
from perfeval.xlsx.workbook import fill_workbook
from wbtools import parts, samples


def line(data: dict, line_id: str) -> dict:
    """A line of ``score --json`` output by its id (the rubric's order may change)."""
    return next(x for x in data["lines"] if x["id"] == line_id)


@pytest.fixture(scope="module")
def samples_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("samples")
    samples(d, blank=True)
    return d


@pytest.fixture()
def book(samples_dir, tmp_path):
    dst = tmp_path / "红旗镇 副本.xlsm"
    shutil.copy(samples_dir / "红旗镇2023自评.xlsm", dst)
    return dst


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def test_new_demo_recalc_score(tmp_path):
    r = run("new", tmp_path / "空白.xlsm")
    assert r.exit_code == 0 and (tmp_path / "空白.xlsm").exists()
    r = run("demo", tmp_path / "demo")
    assert r.exit_code == 0 and "总分97分（优）" in r.output and "总分100分（优）" in r.output
    r = run("score", tmp_path / "demo" / "红旗镇2023自评.xlsm")
    assert r.exit_code == 0 and "总分 97/105" in r.output and "执行进度" in r.output


def test_new_requires_xlsm(tmp_path):
    r = run("new", tmp_path / "a.xlsx")
    assert r.exit_code == 2 and ".xlsm" in r.output


def test_recalc_and_json(book):
    r = run("recalc", book)
    assert r.exit_code == 0 and "计算完成：总分97分（优），扣分2项" in r.output
    r = run("score", book, "--json")
    data = json.loads(r.output)
    assert data["total"] == 97 and line(data, "execution_progress")["score"] == 2
    assert {"severity", "sheet", "cell", "message"} <= set(data["findings"][0])


def test_score_writes_nothing(book):
    before = parts(book)
    assert run("score", book, "--json").exit_code == 0
    assert parts(book) == before


def test_python_dash_m(book):
    out = subprocess.run([sys.executable, "-m", "perfeval", "score", str(book), "--json"], capture_output=True, text=True)
    assert out.returncode == 0 and json.loads(out.stdout)["total"] == 97


def _bad(book, tables):
    t = hongqi()
    for name, edit in tables.items():
        edit(t[name])
    fill_workbook(book, {k: t[k] for k in tables})


def test_text_fullwidth_and_error_values_become_findings(book):
    def projects(raw):
        raw.rows[0][2] = "三十八"
        raw.rows[1][2] = "１５．０７"
        raw.rows[2][2] = "#REF!"
    _bad(book, {"Projects": projects})
    # make C6 a real error cell, as Excel stores #REF!
    import re as _re
    from perfeval.xlsx.package import Package
    pkg = Package.open(str(book))
    part = pkg.sheets["项目支出"]
    data = parts(book)
    xml = _re.sub(r'<c r="C6"([^>]*?) t="inlineStr"><is><t xml:space="preserve">#REF!</t></is></c>',
                  r'<c r="C6"\1 t="e"><v>#REF!</v></c>', data[part].decode())
    assert 't="e"' in xml
    from perfeval.xlsx.parts import write_package
    write_package(pkg.zf, book, {part: xml.encode()})
    r = run("score", book, "--json")
    assert r.exit_code == 0
    data = json.loads(r.output)
    f = {(x["cell"], x["severity"]): x["message"] for x in data["findings"]}
    assert "三十八" in f[("C4", "error")] and "#REF!" in f[("C6", "error")] and "全角" in f[("C5", "info")]
    assert line(data, "balance_rate")["status"] == "error" and line(data, "target_review")["status"] == "full"


def _edit_part(book, part, fn):
    data = parts(book)
    with zipfile.ZipFile(book, "w") as z:
        for name, content in data.items():
            if name == part and fn(content) is None:
                continue
            z.writestr(name, fn(content) if name == part else content)


def test_renamed_table_and_renamed_sheet(book):
    projects = next(n for n in zipfile.ZipFile(book).namelist()
                    if n.startswith("xl/tables/") and b'displayName="Projects"' in zipfile.ZipFile(book).read(n))
    _edit_part(book, projects, lambda b: b.replace(b'displayName="Projects"', b'displayName="Projects2"'))
    _edit_part(book, "xl/workbook.xml", lambda b: b.replace("name=\"月度支出\"".encode(), "name=\"月度\"".encode()))
    r = run("score", book, "--json")
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert any("找不到表格 Projects" in f["message"] for f in data["findings"])
    assert line(data, "execution_progress")["score"] == 2                      # 月度支出 still read from its renamed sheet
    r = run("recalc", book)
    assert r.exit_code == 0


def test_deleted_table(book):
    from perfeval.xlsx.package import Package
    part = Package.open(str(book)).sheets["月度支出"]                 # xl/worksheets/sheetN.xml
    rels = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
    _edit_part(book, rels, lambda b: re.sub(rb"<Relationship [^>]*table[^>]*/>", b"", b))
    r = run("score", book, "--json")
    assert r.exit_code == 0
    assert any("找不到表格 MonthlySpending" in f["message"] for f in json.loads(r.output)["findings"])
    assert line(json.loads(r.output), "execution_progress")["status"] == "error"


def test_missing_output_sheet_keeps_original(book):
    _edit_part(book, "xl/workbook.xml", lambda b: re.sub('<sheet name="打分表"[^>]*/>'.encode(), b"", b))
    before = parts(book)
    r = run("recalc", book)
    assert r.exit_code == 2 and "打分表" in r.output and r.output.count("\n") == 1
    assert parts(book) == before
    assert run("score", book).exit_code == 0


@pytest.mark.parametrize("content,words", [
    (b"", "为空"), (b"hello, not excel", "不是有效的 Excel"), ("学校,金额\n".encode("gbk"), "不是有效的 Excel")])
def test_not_excel_files(tmp_path, content, words):
    f = tmp_path / "x.xlsm"
    f.write_bytes(content)
    for cmd in ("recalc", "score"):
        r = run(cmd, f)
        assert r.exit_code == 2 and words in r.output and r.output.count("\n") == 1
    assert f.read_bytes() == content


def test_truncated_zip(book):
    data = book.read_bytes()
    book.write_bytes(data[: len(data) // 2])
    r = run("recalc", book)
    assert r.exit_code == 2 and "损坏" in r.output
    assert book.read_bytes() == data[: len(data) // 2]


def test_empty_workbook_from_another_tool(tmp_path):
    f = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(f)
    before = f.read_bytes()
    r = run("recalc", f)
    assert r.exit_code == 2 and "不是 perfeval 工作簿" in r.output
    assert f.read_bytes() == before


def test_missing_file(tmp_path):
    r = run("score", tmp_path / "nope.xlsm")
    assert r.exit_code == 2 and "找不到文件" in r.output


def test_file_open_in_excel_gets_a_clear_message(book):
    lock = book.with_name("~$" + book.name)
    lock.write_bytes(b"owner")
    before = parts(book)
    r = run("recalc", book)
    assert r.exit_code == 2 and "正在被 Excel 打开" in r.output
    assert parts(book) == before
    assert run("score", book).exit_code == 0


def test_failed_replace_keeps_original_and_leaves_no_temp(book, monkeypatch):
    import os
    before = parts(book)

    def deny(*a, **k):
        raise PermissionError("locked")
    monkeypatch.setattr(os, "replace", deny)
    r = run("recalc", book)
    assert r.exit_code == 2 and "无法写入" in r.output
    assert parts(book) == before
    assert [p.name for p in book.parent.iterdir() if p.name.startswith(".~perfeval")] == []


def test_internal_error_is_one_line(book, monkeypatch):
    import perfeval.xlsx.workbook as wbmod
    monkeypatch.setattr(wbmod, "score_tables", lambda tables: 1 / 0)
    r = run("recalc", book)
    assert r.exit_code == 1 and r.output.startswith("内部错误") and r.output.count("\n") == 1


def test_bundled_templates_are_up_to_date():
    from pathlib import Path
    folder = Path(__file__).resolve().parents[1] / "workbook_templates"
    r = run("templates", "--check", folder)
    assert r.exit_code == 0, r.output


def test_missing_input_sheet_gives_findings_and_still_scores(book):
    _edit_part(book, "xl/workbook.xml", lambda b: re.sub('<sheet name="项目支出"[^>]*/>'.encode(), b"", b))
    r = run("recalc", book)
    assert r.exit_code == 0
    data = json.loads(run("score", book, "--json").output)
    missing = [f for f in data["findings"] if "找不到表格 Projects" in f["message"]]
    assert missing and missing[0]["severity"] == "error" and missing[0]["sheet"] == "项目支出"
    assert line(data, "balance_rate")["status"] == "error"         # the 项目支出 table is gone: not 无部门预算项目
    assert line(data, "project_indicators")["score"] == 0                # project indicators cannot be matched


def test_new_refuses_to_overwrite_a_file_open_in_excel(tmp_path):
    target = tmp_path / "模板.xlsm"
    target.write_bytes(b"the clerk's work")
    (tmp_path / "~$模板.xlsm").write_bytes(b"owner")
    r = run("new", target)
    assert r.exit_code == 2 and "已存在，未覆盖" in r.output
    r = run("new", target, "--force")
    assert r.exit_code == 2 and "正在被 Excel 打开" in r.output
    assert target.read_bytes() == b"the clerk's work"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".~perfeval")] == []
