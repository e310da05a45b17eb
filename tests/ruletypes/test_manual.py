from decimal import Decimal as D

from perfeval.scoring.model import WARNING
from rubric_helpers import line, rubric, run, yes_no

R = rubric({"type": "manual", "item": "m"}, points=5, items=[yes_no("m", "问题整改", "score")])


def test_typed_score_yes_and_no():
    assert line(R, items={"m": "4.5"}).score == D("4.5")
    assert line(R, items={"m": "是"}).score == 5 and line(R, items={"m": "否"}).score == 0


def test_bounds_are_inclusive_and_outside_is_error():
    assert line(R, items={"m": 0}).score == 0 and line(R, items={"m": 5}).score == 5
    assert line(R, items={"m": D("5.01")}).status == "error" and line(R, items={"m": -1}).status == "error"


def test_below_full_without_remark_warns():
    result = run(R, items={"m": 3})
    assert any(f.severity == WARNING and "写明扣分理由" in f.message for f in result.findings)
