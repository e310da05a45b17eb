from decimal import Decimal as D

from rubric_helpers import line, rubric, yes_no

ITEMS = [yes_no("a", "甲", "score"), yes_no("b", "乙"), yes_no("g", "前提")]
R = rubric({"type": "items", "items": [{"item": "a", "points": 6}, {"item": "b", "points": 4, "na": "full"}]}, items=ITEMS)
GATED = rubric({"type": "items", "gate": ["g"], "items": [{"item": "a", "points": 6}, {"item": "b", "points": 4}]}, items=ITEMS)


def test_sum_of_yes_no_and_typed_scores():
    assert line(R, items={"a": "是", "b": "是"}).score == 10
    l = line(R, items={"a": D("4.5"), "b": "否"})
    assert l.score == D("4.5") and [r.text for r in l.reasons][0].startswith("甲酌情评4.5分（满分6分），扣1.5分")


def test_score_out_of_the_items_range_is_error():
    assert line(R, items={"a": 7, "b": "是"}).status == "error"


def test_item_na_policy_and_line_policy():
    assert line(R, items={"a": "是", "b": "不适用"}).score == 10          # the item's own na: full
    assert line(R, items={"a": "不适用", "b": "是"}).status == "na"        # no item na: the line's policy


def test_gate_no_scores_zero_and_blank_gate_is_incomplete():
    l = line(GATED, items={"g": "否", "a": "是", "b": "是"})
    assert l.score == 0 and "前提为“否”" in l.reasons[0].text
    assert line(GATED, items={"g": "是", "a": "是", "b": "是"}).score == 10
    assert line(GATED, items={"a": "是", "b": "是"}).status == "incomplete"


def test_parts_above_the_line_points_are_clamped():
    big = rubric({"type": "items", "items": [{"item": "a", "points": 8}, {"item": "b", "points": 8}]}, items=ITEMS)
    assert line(big, items={"a": "是", "b": "是"}).score == 10
