from decimal import Decimal as D

from rubric_helpers import line, rubric, yes_no

R = rubric({"type": "external", "item": "e"}, items=[yes_no("e", "财政抽查得分", "number")], na="exclude")


def test_given_score_within_points():
    assert line(R, items={"e": "8.5"}).score == D("8.5")
    assert line(R, items={"e": 10}).status == "full"


def test_blank_is_pending_and_outside_is_error():
    l = line(R)
    assert l.status == "incomplete" and "待定" in l.reasons[0].text
    assert line(R, items={"e": 11}).status == "error"


def test_not_applicable_is_excluded():
    assert line(R, items={"e": "不适用"}).excluded
