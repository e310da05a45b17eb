"""The rubric travels inside every workbook (issue: the workbook follows its rubric): templates for
any rubric, the embedded rubric and its 校验码, what a damaged one gets, LibreOffice keeping it, and
perfeval upgrade carrying every input onto the current template (or another rubric)."""
from __future__ import annotations

import json
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfeval import layout as L
from perfeval.cli import main
from perfeval.scoring.examples import example_tables
from perfeval.scoring.rubric import load_rubric, read_rubric
from perfeval.xlsx.package import WorkbookError
from perfeval.xlsx.upgrade import upgrade
from perfeval.xlsx.workbook import fill_workbook, new_template, read_inputs, recalc, score_workbook

from wbtools import libreoffice_job, needs_libreoffice

HERE = Path(__file__).parent
TEST_RUBRICS = sorted((HERE / "rubrics").glob("*.json"))
WAVE2 = HERE / "fixtures" / "wave2"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("path", TEST_RUBRICS, ids=lambda p: p.stem)
def test_a_template_for_any_rubric_scores_its_worked_examples_through_the_workbook(path, tmp_path):
    rubric = read_rubric(path)
    template = tmp_path / "t.xlsm"
    assert run("new", template, "--rubric", path).exit_code == 0
    data = read_inputs(template)
    labels = [row[0] for row in data.tables["Qualitative"].rows]
    assert labels == [i.label for i in rubric.items]                     # 定性评价 rows = the rubric's items
    for example in rubric.examples:
        if example.metrics:
            continue                                                     # metrics taken as given: not a workbook
        book = tmp_path / f"e{example.index}.xlsm"
        tables = {name: t for name, t in example_tables(rubric, example).items()
                  if name in {n.lower(): n for n in example.tables}.values() or name in ("Qualitative", "ExtraInputs")}
        tables = {k: v for k, v in tables.items() if k != "ExtraInputs" or rubric.inputs}
        fill_workbook(template, tables, out=book)
        result = recalc(book)
        scores = {line.id: line for line in result.lines}
        for key, want in example.expected.items():
            if key.startswith("metric:") or "/" in key:
                continue
            line = scores[key]
            if want is None:
                assert line.excluded, key
            elif isinstance(want, str):
                assert line.status in ("incomplete", "error", "na"), key
            else:
                assert line.score == Decimal(str(want)), (example.name, key, line.score)


def test_the_rubric_is_embedded_with_its_checksum(tmp_path):
    book = tmp_path / "b.xlsm"
    rubric = read_rubric(TEST_RUBRICS[1])
    new_template(book, rubric=rubric)
    result, _ = score_workbook(book)
    assert result.rubric_id == rubric.id and result.rubric.checksum == rubric.checksum
    out = run("score", book, "--json")
    assert json.loads(out.output)["rubric"] == {"id": rubric.id, "title": rubric.title, "checksum": rubric.checksum}
    recalc(book)
    import openpyxl
    wb = openpyxl.load_workbook(book)
    assert wb[L.RUBRIC_DATA.sheet].sheet_state == "veryHidden"
    assert rubric.checksum in wb["打分表"]["A2"].value and rubric.checksum in wb["评分标准"]["A2"].value


def _tamper(book: Path, out: Path, change) -> None:
    """Edit the embedded rubric's text where the file keeps it (the shared strings)."""
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, change(data) if item.filename == "xl/sharedStrings.xml" else data)


@pytest.mark.parametrize("change,message", [
    (lambda b: b.replace(b'"points":10,', b'"points":11,', 1), "校验码不符"),
    (lambda b: b.replace(b'"format":"perfeval-rubric/2"', b'"format":"x"', 1), "无法读取"),
])
def test_a_damaged_embedded_rubric_is_refused(change, message, tmp_path):
    book = tmp_path / "b.xlsm"
    new_template(book)
    bad = tmp_path / "bad.xlsm"
    _tamper(book, bad, change)
    before = bad.read_bytes()
    for command in ("score", "recalc"):
        out = run(command, bad)
        assert out.exit_code == 2 and message in out.output and "perfeval upgrade" in out.output
    assert bad.read_bytes() == before


@libreoffice_job("xlsm:Calc MS Excel 2007 VBA XML")
def hongqi_sample(folder):
    book = folder / "红旗镇.xlsm"
    shutil.copy(HERE.parent / "workbook_templates" / "红旗镇2023自评.xlsm", book)
    return [book]


@needs_libreoffice
def test_libreoffice_keeps_the_embedded_rubric_and_the_score(libreoffice, tmp_path):
    saved = libreoffice(hongqi_sample, tmp_path / "lo").outputs[0]
    result, _ = score_workbook(saved)
    assert (result.total, result.rubric_id, result.rubric.checksum) == (97, "ebian-2023", load_rubric("ebian-2023").checksum)
    assert not [f for f in result.findings if "嵌入的评分标准" in f.message]


@libreoffice_job("xlsm:Calc MS Excel 2007 VBA XML")
def rubric_workbooks(folder):
    """Each test rubric's template, filled with its first worked example and recalculated; with each
    one's checksum and lines as recalculated."""
    books, before = [], {}
    for path in TEST_RUBRICS:
        rubric = read_rubric(path)
        example = rubric.examples[0]
        book = folder / f"{rubric.id}.xlsm"
        new_template(book, rubric=rubric)
        tables = {name: t for name, t in example_tables(rubric, example).items()
                  if name in {n.lower(): n for n in example.tables}.values() or name == "Qualitative"
                  or (name == "ExtraInputs" and rubric.inputs)}
        fill_workbook(book, tables)
        result = recalc(book)
        before[book.name] = (result.rubric.checksum, [(line.id, line.score, line.status) for line in result.lines])
        books.append(book)
    return books, before


@needs_libreoffice
def test_libreoffice_opens_and_saves_every_test_rubrics_workbook_with_its_score(libreoffice, tmp_path):
    """Each test rubric's template, filled with its first worked example and recalculated, saved by
    LibreOffice: the embedded rubric, its 校验码 and every line's score survive."""
    done = libreoffice(rubric_workbooks, tmp_path / "lo")
    assert len(done.outputs) == len(TEST_RUBRICS)
    for saved in done.outputs:
        result = recalc(saved)                                          # the saved file takes a recalculation too
        assert (result.rubric.checksum, [(line.id, line.score, line.status) for line in result.lines]) == done.extra[saved.name]
        assert not [f for f in result.findings if "嵌入的评分标准" in f.message]


def _inputs(path: Path) -> dict:
    """Every input value through the contract: table → header → values (key-value tables by label)."""
    data = read_inputs(path)
    out = {}
    for table in L.INPUT_TABLES:
        raw = data.tables.get(table.name)
        if raw is None or table in (L.PARAMETERS, L.RUBRIC_DATA):
            continue
        headers = [h for h in raw.headers if h]
        rows = [tuple(r) for r in raw.rows if any(v not in (None, "") for v in r)]
        out[table.name] = (headers, rows)
    return out


@pytest.mark.parametrize("name", ["红旗镇2023自评", "五渡镇2023自评", "部门整体绩效自评模板"])
def test_wave2_workbooks_upgrade_with_every_input_equal_and_the_same_score(name, tmp_path):
    source = tmp_path / f"{name}.xlsm"
    shutil.copy(WAVE2 / f"{name}.xlsm", source)
    before_bytes = source.read_bytes()
    out = run("upgrade", source)
    assert out.exit_code == 0, out.output
    upgraded = tmp_path / f"{name}（升级）.xlsm"
    assert source.read_bytes() == before_bytes
    old, new = _inputs(source), _inputs(upgraded)
    for table, (headers, rows) in old.items():
        new_headers, new_rows = new[table]
        index = [new_headers.index(h) for h in headers]
        projected = [tuple(r[i] for i in index) for r in new_rows]
        if L.TABLES_BY_NAME[table].is_keyvalue:           # by row label: the new release may add rows
            projected = [r for r in projected if r[0] in {row[0] for row in rows}]
        assert projected == rows, table
    expected = json.loads((WAVE2 / f"{name}.json").read_text(encoding="utf-8"))
    result, _ = score_workbook(upgraded)
    assert (result.total, [l.score for l in result.lines], [l.status for l in result.lines]) == \
        (Decimal(str(expected["total"])), [Decimal(str(l["score"])) for l in expected["lines"]],
         [l["status"] for l in expected["lines"]])
    assert result.rubric_id == expected["rubric"]


def test_upgrade_onto_another_rubric_lists_what_has_no_place(tmp_path):
    source = tmp_path / "h.xlsm"
    shutil.copy(WAVE2 / "红旗镇2023自评.xlsm", source)
    out = run("upgrade", source, "--rubric", TEST_RUBRICS[0], "-o", tmp_path / "a.xlsm")
    assert out.exit_code == 0 and "未能放入新工作簿：定性评价的“问题整改”：是" in out.output
    result, _ = score_workbook(tmp_path / "a.xlsm")
    assert result.rubric_id == "county-a-2024"
    recalc(tmp_path / "a.xlsm")
    assert not [f for f in score_workbook(tmp_path / "a.xlsm")[0].findings if "升级时未能放入" in f.message]
    with pytest.raises(WorkbookError):
        upgrade(source, source)


def test_recalc_of_a_workbook_without_an_output_sheet_says_to_upgrade(tmp_path):
    import re
    book = tmp_path / "b.xlsm"
    new_template(book)
    out = tmp_path / "c.xlsm"                                   # 计算明细 removed from the workbook
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = re.sub(rb'<sheet name="\xe8\xae\xa1\xe7\xae\x97\xe6\x98\x8e\xe7\xbb\x86"[^>]*/>', b"", data)
            zout.writestr(item, data)
    r = run("recalc", out)
    assert r.exit_code == 2 and "缺少输出工作表“计算明细”" in r.output and "perfeval upgrade c.xlsm" in r.output


def test_the_rollup_keeps_the_lines_of_different_rubrics_apart(tmp_path):
    pytest.importorskip("pandas")
    from perfeval.summary import run as summarise
    from perfeval.summary.report import losses
    from perfeval.summary import Summary
    from perfeval.summary.collect import score_many
    for name in ("红旗镇2023自评", "五渡镇2023自评"):
        shutil.copy(WAVE2 / f"{name}.xlsm", tmp_path / f"{name}.xlsm")
    records = list(score_many(sorted(tmp_path.glob("*.xlsm")), jobs=1))
    df = losses(Summary(records, []))
    assert len(df) == 28 and set(df["评分标准"]) == {"ebian-2023", "ebian-2023-100"}
    assert summarise is not None


def test_qualitative_rows_are_validated_by_their_kind(tmp_path):
    """Every answer may be 不适用; 是/否 and choices are lists, a score is 是/否 or 0 to the points
    the rule gives it, a count a whole number ≥ 0."""
    import openpyxl

    def rules(path):
        ws = openpyxl.load_workbook(path)["定性评价"]
        return {str(dv.sqref): (dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}
    book = tmp_path / "c.xlsm"
    new_template(book, rubric=read_rubric(HERE / "rubrics" / "county-c-2024.json"))
    found = rules(book)
    assert found["B4"] == ("list", '"自评,第三方评价,不适用"') and found["B5"] == ("list", '"是,否,不适用"')
    scored = tmp_path / "b.xlsm"
    new_template(scored, rubric=read_rubric(HERE / "rubrics" / "county-b-2024.json"))
    assert rules(scored)["B4"] == ("custom", 'OR(B4="是",B4="否",B4="不适用",AND(ISNUMBER(B4),B4>=0,B4<=20))')  # 公开评审 20分
    count_book = tmp_path / "a.xlsm"
    new_template(count_book)
    assert rules(count_book)["B15"] == ("custom", 'OR(B15="不适用",AND(ISNUMBER(B15),B15>=0,B15=INT(B15)))')  # 不配合评价次数

def test_a_county_workbook_that_lost_its_embedded_rubric_says_which_rubric_it_was(tmp_path):
    """The 评分标准 row names the rubric too: without the hidden sheet the workbook is not silently
    scored under ebian-2023 (an 错误 names the county's rubric, which is not shipped)."""
    import re
    book = tmp_path / "d.xlsm"
    new_template(book, rubric=read_rubric(HERE / "rubrics" / "county-d-2024.json"))
    data = read_inputs(book)
    row = next(r for r in data.tables["Parameters"].rows if r[0] == "评分标准")
    assert row[1:3] == ["county-d-2024", "county-d-2024"]                 # 默认值, 本县取值
    stripped = tmp_path / "stripped.xlsm"
    with zipfile.ZipFile(book) as zin, zipfile.ZipFile(stripped, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            content = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                content = re.sub(r'<sheet name="评分标准数据"[^>]*/>'.encode(), b"", content)
            zout.writestr(item, content)
    result, _ = score_workbook(stripped)
    errors = [f.message for f in result.findings if f.severity == "error"]
    assert any("county-d-2024" in m and "不存在" in m for m in errors)
