"""Invariants over arbitrary inputs (hypothesis)."""
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import base, monthly, set_rows, set_value
from perfeval import layout as L
from perfeval.scoring.engine import INTERNAL_ERROR, score
from perfeval.scoring.inputs import department_from_tables, raw_table
from perfeval.scoring.rubric import department_ids, load_rubric

# Random departments per property run (PERFEVAL_PROPERTY_EXAMPLES=1500 for a thorough run; 60 keeps the
# suite fast: 1500 were run once with no failure)
EXAMPLES = int(__import__("os").environ.get("PERFEVAL_PROPERTY_EXAMPLES", "60"))

RUBRIC_IDS = department_ids()

money = st.decimals(min_value=0, max_value=100000, places=6, allow_nan=False)
cell = st.one_of(
    st.none(), money, st.floats(allow_nan=True, allow_infinity=True), st.integers(-10, 10**6),
    st.sampled_from(["是", "否", "Y", "n", "", "#REF!", "１２", "1,200", "abc", "≥8个", "<=5", "95%", "-3", "√", "定性"]),
    st.text(max_size=6), st.booleans(),
)


def records(table: L.Table, n: int):
    return st.lists(st.fixed_dictionaries({c.header: cell for c in table.columns}), max_size=n)


tables_strategy = st.fixed_dictionaries({
    "Projects": records(L.PROJECTS, 5),
    "PublicExpense": records(L.PUBLIC_EXPENSE, 4),
    "MonthlySpending": records(L.MONTHLY, 3),
    "Indicators": records(L.INDICATORS, 6),
    "MonitoringIssues": records(L.MONITORING, 4),
    "Violations": records(L.VIOLATIONS, 4),
    "Qualitative": st.fixed_dictionaries({i.label: cell for i in load_rubric().items}),
    "Finance": st.fixed_dictionaries({r.label: cell for r in L.FINANCE.rows}),
    "rubric": st.sampled_from(RUBRIC_IDS + ("bogus",)),
})


def build(data):
    t = base()
    for name in ("Projects", "PublicExpense", "MonthlySpending", "Indicators", "MonitoringIssues", "Violations"):
        t[name] = raw_table(L.TABLES_BY_NAME[name], data[name])
    from perfeval.scoring.inputs import rubric_table
    t["Qualitative"] = raw_table(rubric_table(L.QUALITATIVE, load_rubric()), data["Qualitative"])
    t["Finance"] = raw_table(L.FINANCE, data["Finance"])
    set_value(t, "Parameters", "评分标准", data["rubric"])
    return t


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables_strategy)
def test_scores_bounded_total_is_sum_never_raises(data):
    result = score(department_from_tables(build(data)))
    assert len(result.lines) == len(load_rubric().lines)
    for line in result.lines:
        assert line.min <= line.score <= line.max
        assert line.deduction == line.max - line.score
        assert line.score == line.score.quantize(D("0.01"))
        if line.status == "error":
            assert line.score == 0 and line.reasons
        if line.status == "deducted":
            assert line.reasons
    assert result.total == sum(line.score for line in result.lines)
    assert not any(f.message.startswith(INTERNAL_ERROR + "：") for f in result.findings)   # user text is only quoted inside
    assert result.to_json()["total"] == float(result.total)


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(money, min_size=12, max_size=12), st.integers(0, 11),
       st.decimals(min_value="0.01", max_value=1000, places=2), st.decimals(min_value=1, max_value=10**6, places=2))
def test_more_spending_never_lowers_execution_progress(months, month, extra, budget):
    t = base()
    set_rows(t, "MonthlySpending", monthly(budget, months))
    before = score(department_from_tables(t)).line("execution_progress").score
    more = list(months)
    more[month] += extra
    set_rows(t, "MonthlySpending", monthly(budget, more))
    after = score(department_from_tables(t)).line("execution_progress").score
    assert after >= before


@settings(max_examples=EXAMPLES // 3, deadline=None)
@given(tables_strategy)
def test_scoring_is_deterministic(data):
    t = build(data)
    assert score(department_from_tables(t)).to_json() == score(department_from_tables(t)).to_json()


@pytest.fixture(scope="module")
def blank_template(tmp_path_factory):
    from perfeval.xlsx.workbook import new_template
    return new_template(tmp_path_factory.mktemp("prop") / "t.xlsm")


@settings(max_examples=max(5, EXAMPLES // 10), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(tables_strategy)
def test_workbook_recalc_is_idempotent_and_matches_the_engine(blank_template, tmp_path, data):
    import zipfile
    from datetime import datetime
    from perfeval.xlsx.workbook import fill_workbook, recalc, score_workbook
    book = tmp_path / "p.xlsm"
    tables = build(data)
    fill_workbook(blank_template, tables, out=book)
    now = datetime(2026, 1, 1)
    first = recalc(book, now=now)
    with zipfile.ZipFile(book) as z:
        once = {n: z.read(n) for n in z.namelist()}
    second = recalc(book, now=now)
    with zipfile.ZipFile(book) as z:
        assert {n: z.read(n) for n in z.namelist()} == once
    assert first.to_json() == second.to_json()
    reread, _ = score_workbook(book)
    assert reread.total == first.total
