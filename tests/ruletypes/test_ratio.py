from decimal import Decimal as D

from rubric_helpers import line, rubric

INPUT = [{"id": "m", "label": "完成率", "kind": "rate"}]


def r(**rule):
    return rubric(dict({"type": "ratio", "metric": "input:m"}, **rule), inputs=INPUT)


def test_points_times_metric_over_target_clamped():
    assert line(r(), inputs={"m": "50%"}).score == 5
    assert line(r(), inputs={"m": "120%"}).score == 10
    assert line(r(target=D("0.8")), inputs={"m": D("0.6")}).score == D("7.5")


def test_invert_and_zero():
    assert line(r(target=D("0.05"), invert=True), inputs={"m": D("0.1")}).score == 5
    assert line(r(target=D("0.05"), invert=True), inputs={"m": 0}).score == 10      # target ÷ 0 = ∞ → full
    assert line(r(), inputs={"m": 0}).score == 0


def test_negative_target_reads_lower_is_better():
    assert line(r(target=D("-0.1")), inputs={"m": D("-0.05")}).score == 5
    assert line(r(target=D("-0.1")), inputs={"m": D("0.05")}).score == 0


def test_blank_input_is_incomplete():
    assert line(r()).status == "incomplete"


def test_zero_over_zero_takes_the_na_policy():
    metrics = {"share": {"ratio": ["input:a", "input:b"]}}
    inputs = [{"id": "a", "label": "甲", "kind": "amount"}, {"id": "b", "label": "乙", "kind": "amount"}]
    rr = rubric({"type": "ratio", "metric": "share"}, inputs=inputs, metrics=metrics, na="full")
    assert line(rr, inputs={"a": 0, "b": 0}).score == 10
    assert line(rr, inputs={"a": 1, "b": 0}).score == 10      # 1 ÷ 0 = +∞, clamped
