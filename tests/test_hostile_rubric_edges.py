"""Edges found by a second read of the rubric engine: each once crashed (内部错误) or scored wrongly."""
from decimal import Decimal as D

import pytest

from perfeval.scoring.engine import INTERNAL_ERROR
from perfeval.scoring.lint import defects
from perfeval.scoring.model import KeyValues
from perfeval.scoring.params import resolve
from perfeval.scoring.rubric import from_embedded, load_rubric
from rubric_helpers import line, rubric, run, yes_no

INF_INPUTS = [{"id": "a", "label": "甲", "kind": "amount"}, {"id": "b", "label": "乙", "kind": "amount"},
              {"id": "c", "label": "丙", "kind": "amount"}]
INF_METRICS = {"inf": {"ratio": ["input:a", "input:b"]}, "inf2": {"ratio": ["input:c", "input:b"]}}
INF = {"a": 1, "b": 0, "c": 2}


def no_crash(result):
    assert not [f for f in result.findings if INTERNAL_ERROR in f.message]


def test_huge_percentages_are_findings_not_overflows():
    params, findings = resolve(load_rubric(), KeyValues({"支出控制第一档偏差上限": "1e9999999%"}, {"支出控制第一档偏差上限": 0}))
    assert params["lines.expense_control.rule.bands.0.value"] == D("0.1") and findings[0].severity == "error"
    r = rubric({"type": "ratio", "metric": "input:m"}, inputs=[{"id": "m", "label": "完成率", "kind": "rate"}])
    result = run(r, inputs={"m": "1e9999999%"})
    no_crash(result)
    assert result.line("x").status == "error"


@pytest.mark.parametrize("part", ["inf", "1e400", "-1", "1.7", "x"])
def test_embedded_parts_must_be_numbered_1_2_3(part):
    rubric_, problem = from_embedded([("校验码", "0"), (part, "{}")])
    assert rubric_ is None and "编号" in problem


@pytest.mark.parametrize("rule", [
    {"type": "linear", "metric": "inf", "full_at": "metric:inf2", "zero_at": 0},
    {"type": "linear", "metric": "inf", "full_at": 1, "zero_at": "metric:inf2"},
    {"type": "step", "metric": "inf", "threshold": "metric:inf2", "direction": "over", "step": 1, "per_step": 1},
    {"type": "per_item", "count": "inf", "per_item": 1},
    {"type": "per_item", "count": "inf", "per_item": 0},
])
def test_infinities_never_crash(rule):
    result = run(rubric(rule, inputs=INF_INPUTS, metrics=INF_METRICS), inputs=INF)
    no_crash(result)
    assert 0 <= result.line("x").score <= 10


def test_infinite_excess_with_a_zero_step_deduction_deducts_nothing():
    r = rubric({"type": "step", "metric": "inf", "threshold": 1, "direction": "over", "step": 1, "per_step": 0},
               inputs=INF_INPUTS, metrics=INF_METRICS)
    assert line(r, inputs=INF).score == 10


def test_choose_one_answered_not_applicable_takes_the_line_policy():
    items = [yes_no("plan", "方案", "choice", choices=["甲", "乙"]), yes_no("q", "问题")]
    r = rubric({"type": "choose_one", "choose": "plan", "options": [{"name": "甲", "type": "yes_no", "item": "q"},
                                                                    {"name": "乙", "type": "yes_no", "item": "q"}]},
               items=items, na="exclude")
    l = line(r, items={"plan": "不适用"})
    assert l.excluded and "NOT_APPLICABLE" not in "".join(x.text for x in l.reasons)


@pytest.mark.parametrize("direction,target,actual,share", [
    ("≥", "-10", "-20", 0), ("≥", "0", "-5", 0), ("≤", "-5", "0", 0), ("≥", "10", "-5", 0), ("≤", "-5", "5", 0),
    ("≥", "10", "5", D("0.5")), ("≤", "10", "20", D("0.5"))])
def test_a_missed_indicator_is_never_full_nor_negative(direction, target, actual, share):
    r = rubric({"type": "weighted_indicators", "filter": {"object": "department"}}, points=90)
    row = {"指标对象": "部门整体", "三级指标": "a", "指标方向": direction, "目标值": target, "实际完成值": actual, "分值": 10}
    l = line(r, tables={"Indicators": [row]})
    assert l.extra["indicators"][0][2] == 10 * share


def test_rubric_defects_that_used_to_crash_are_lint_errors():
    bad_args = rubric({"type": "per_item", "count": "violations", "per_item": 1})
    bad_args.lines[0].rule["count"] = {"violations": {"类别": [1, 2]}}
    assert any("带参数的指标" in d.message for d in defects(bad_args))
    for value in ("abc", D("1.5"), -3):
        blank = rubric({"type": "per_item", "count": "item:n", "per_item": 1},
                       items=[{"id": "n", "label": "次数", "kind": "count", "blank": value}])
        assert any(d.path == "items[0].blank" for d in defects(blank)), value
    fine = rubric({"type": "per_item", "count": "item:n", "per_item": 1},
                  items=[{"id": "n", "label": "次数", "kind": "count", "blank": 0}])
    assert not defects(fine)
