from decimal import Decimal as D

import pytest

from rubric_helpers import line, rubric

R = rubric({"type": "weighted_indicators", "filter": {"object": "department"}}, points=90)


def ind(name, direction, target, actual, weight, grade=None):
    row = {"指标对象": "部门整体", "三级指标": name, "指标方向": direction, "目标值": target, "实际完成值": actual, "分值": weight}
    if grade:
        row["完成等级"] = grade
    return row


def scores(l):
    return {name: got for name, _, got in l.extra["indicators"]}


def test_directions_and_the_line_total():
    rows = [ind("多", "≥", "100", "80", 30), ind("少", "≤", "10", "12.5", 30), ind("等", "=", "1", "1", 20),
            ind("超", "≥", "10", "20", 10)]
    l = line(R, tables={"Indicators": rows})
    assert scores(l) == {"多": 24, "少": 24, "等": 20, "超": 10}
    assert l.score == D("78")                       # 90 × 78 ÷ 90


@pytest.mark.parametrize("grade,share", [("达成", 1), ("部分达成 70%", D("0.7")), ("未达成 0%", 0), ("达成 85%", D("0.85"))])
def test_qualitative_tiers(grade, share):
    l = line(R, tables={"Indicators": [ind("定性", "定性", "好", "较好", 10, grade)]})
    assert scores(l)["定性"] == 10 * share


@pytest.mark.parametrize("grade", ["部分达成", "部分达成 90%", "很好"])
def test_bad_grades_are_errors(grade):
    assert line(R, tables={"Indicators": [ind("定性", "定性", "好", "较好", 10, grade)]}).status == "error"


def test_missing_weight_is_error_and_missing_grade_incomplete():
    assert line(R, tables={"Indicators": [ind("a", "≥", "1", "1", None)]}).status == "error"
    assert line(R, tables={"Indicators": [ind("a", "定性", "好", "好", 10)]}).status == "incomplete"
    assert line(R, tables={"Indicators": [ind("a", "=", "1", "2", 10)]}).status == "incomplete"   # ≠ target: as 定性


def test_weights_not_adding_up_are_scaled_and_zero_weights_are_empty():
    l = line(R, tables={"Indicators": [ind("a", "≥", "10", "5", 5), ind("b", "≥", "1", "1", 5)]})
    assert l.score == D("67.5")                     # 90 × 7.5 ÷ 10
    assert line(R, tables={"Indicators": [ind("a", "≥", "1", "1", 0)]}).score == 0
