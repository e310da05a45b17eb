from decimal import Decimal as D

import pytest

from rubric_helpers import line, rubric

INPUT = [{"id": "m", "label": "执行率", "kind": "rate"}]


@pytest.mark.parametrize("m,score", [("1", 10), ("1.2", 10), ("0.6", 0), ("0.5", 0), ("0.9", "7.5"), ("0.7", "2.5")])
def test_straight_between_zero_and_full(m, score):
    r = rubric({"type": "linear", "metric": "input:m", "full_at": 1, "zero_at": D("0.6")}, inputs=INPUT)
    assert line(r, inputs={"m": D(m)}).score == D(score)


def test_decreasing_direction():
    r = rubric({"type": "linear", "metric": "input:m", "full_at": 0, "zero_at": D("0.2")}, inputs=INPUT)
    assert line(r, inputs={"m": D("0.05")}).score == D("7.5")
    assert line(r, inputs={"m": D("0.3")}).score == 0
