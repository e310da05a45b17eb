"""Which input tables a rubric reads (each rule type's ``tables``): a table no line reads is never
未填写 and its sheet says the form does not score it; the declarations are held to the engine by
blanking each table in turn and watching which lines change."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from perfeval import layout as L
from perfeval.samples import hongqi
from perfeval.scoring.engine import score
from perfeval.scoring.examples import example_tables
from perfeval.scoring.inputs import department_from_tables, raw_table
from perfeval.scoring.rubric import load_rubric, read_rubric
from perfeval.scoring.ruletypes import RULE_TYPES, tables_read
from perfeval.xlsx.template import SCORED_TABLES
from perfeval.xlsx.workbook import new_template, recalc

HERE = Path(__file__).parent
RUBRICS = [load_rubric("ebian-2023")] + [read_rubric(p) for p in sorted((HERE / "rubrics").glob("*.json"))] + \
    [read_rubric(HERE.parent / "docs" / "rubric-example.json")]           # a line of every rule type
NAMES = {r.id: {t.name for t in tables_read(r)} for r in RUBRICS}


def test_each_rubric_reads_the_tables_its_lines_name():
    assert NAMES["ebian-2023"] == {"Finance", "Indicators", "MonitoringIssues", "MonthlySpending", "Projects", "PublicExpense",
                                   "Qualitative", "Violations"}
    assert NAMES["county-b-2024"] == {"ExtraInputs", "Finance", "Indicators", "MonthlySpending", "Qualitative"}
    assert NAMES["county-a-2024"] >= {"ThreeExpenses", "Info", "Violations"}


def _blank(table: L.Table):
    if table.is_keyvalue:
        return raw_table(table, {})
    return raw_table(table, [])


def _filled(rubric, example):
    tables = {k: v for k, v in hongqi().items() if k not in ("Qualitative", "Parameters")}
    given = example_tables(rubric, example)
    tables["Qualitative"], tables["ExtraInputs"] = given["Qualitative"], given["ExtraInputs"]
    for name in example.tables:
        table = next(t for t in L.INPUT_TABLES if t.name.lower() == name.lower())
        tables[table.name] = given[table.name]
    return tables


def _outcome(rubric, tables):
    result = score(department_from_tables(tables, rubric))
    return {line.id: (line.score, line.status) for line in result.lines}


@pytest.mark.parametrize("rubric", RUBRICS, ids=lambda r: r.id)
def test_a_line_changes_only_when_a_table_it_declares_is_blanked(rubric):
    scorable = [t for t in L.INPUT_TABLES if t not in (L.PARAMETERS, L.RUBRIC_DATA, L.REPORT_TEXT)]
    changed_any = set()
    for example in rubric.examples:            # metrics an example takes as given are computed here instead
        tables = _filled(rubric, example)
        before = _outcome(rubric, tables)
        for table in scorable:
            after = _outcome(rubric, dict(tables, **{table.name: _blank(rubric_table_of(table, rubric))}))
            for spec in rubric.lines:
                if after[spec.id] != before[spec.id]:
                    changed_any.add(table.name)
                    assert table in RULE_TYPES[spec.kind].tables(spec.rule, rubric), (spec.id, table.name)
    assert changed_any, "blanking changed nothing: the test would prove nothing"


def rubric_table_of(table, rubric):
    from perfeval.scoring.inputs import rubric_table
    return rubric_table(table, rubric)


@pytest.mark.parametrize("rubric", RUBRICS, ids=lambda r: r.id)
def test_a_blank_template_is_never_incomplete_on_a_table_no_line_reads(rubric, tmp_path):
    book = new_template(tmp_path / "t.xlsm", rubric=rubric)
    result = recalc(book)
    read = tables_read(rubric)
    for line in result.lines:
        for reason in line.reasons:
            if line.status == "incomplete" and reason.loc is not None:
                assert reason.loc.table in {t.name for t in read}, (line.id, reason.text)
    sheets = openpyxl.load_workbook(book)
    for table in SCORED_TABLES:
        texts = " ".join(str(c.value) for row in sheets[table.sheet].iter_rows(max_row=2) for c in row if c.value)
        says = "不据此" in texts and (table.sheet != L.MONITORING.sheet or table.title + "（本县评分标准不据此计分）" in texts)
        if table.sheet == L.MONITORING.sheet:
            assert says == (table not in read), (rubric.id, table.name)
        else:
            assert ("不据此表计分" in texts) == (table not in read), (rubric.id, table.name)
