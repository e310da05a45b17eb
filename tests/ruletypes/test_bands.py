from decimal import Decimal as D

import pytest

from rubric_helpers import line, rubric

INPUTS = [{"id": "m", "label": "偏差率", "kind": "rate"}, {"id": "cap", "label": "上限", "kind": "rate"}]
R = rubric({"type": "bands", "metric": "input:m", "bands": [{"op": "<=", "value": D("0.1")},
                                                          {"op": "<", "value": D("0.2"), "points": 5},
                                                          {"op": "<=", "value": D("0.3"), "deduct": 8}], "else": 1},
           inputs=INPUTS)


@pytest.mark.parametrize("m,score", [("0.1", 10), ("0.1000001", 5), ("0.1999999", 5), ("0.2", 2), ("0.3", 2),
                                     ("0.3000001", 1), ("-1", 10)])
def test_first_band_that_holds_at_exact_boundaries(m, score):
    assert line(R, inputs={"m": D(m)}).score == score


def test_reason_names_the_bound_that_failed():
    l = line(R, inputs={"m": D("0.15")})
    assert l.reasons[0].text == "偏差率15.00%，超过10%，得5分（满分10分）"
    assert "，超过30%，得1分" in line(R, inputs={"m": D("0.5")}).reasons[0].text


def test_threshold_from_another_input():
    rr = rubric({"type": "bands", "metric": "input:m", "bands": [{"op": "<=", "value": "input:cap"}]}, inputs=INPUTS)
    assert line(rr, inputs={"m": D("0.2"), "cap": D("0.25")}).score == 10
    l = line(rr, inputs={"m": D("0.3"), "cap": D("0.25")})
    assert l.score == 0 and "超过上限" in l.reasons[0].text
    assert line(rr, inputs={"m": D("0.3")}).status == "incomplete"       # the bound itself is blank


def test_infinite_metric_falls_to_else():
    rr = rubric({"type": "bands", "metric": "public_expense_deviation", "bands": [{"op": "<=", "value": D("0.1")}]})
    l = line(rr, tables={"PublicExpense": [{"科目": "办公费", "年初预算数（万元）": 0, "决算数（万元）": 1}]})
    assert l.score == 0 and "无法控制在预算内" in l.reasons[0].text
