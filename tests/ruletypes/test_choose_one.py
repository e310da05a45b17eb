from decimal import Decimal as D

from rubric_helpers import line, rubric, yes_no

ITEMS = [yes_no("c", "方式", "choice", choices=["甲", "乙"]), yes_no("a", "甲项"), {"id": "s", "label": "乙得分", "kind": "score"}]
BY_ITEM = rubric({"type": "choose_one", "choose": "c", "options": [{"name": "甲", "type": "yes_no", "item": "a"},
                                                                  {"name": "乙", "type": "manual", "item": "s"}]}, items=ITEMS)
INPUTS = [{"id": "m", "label": "执行率", "kind": "rate"}]
BY_MAX = rubric({"type": "choose_one", "choose": "max", "options": [
    {"name": "线性", "type": "linear", "metric": "input:m", "full_at": 1, "zero_at": D("0.5")},
    {"name": "分档", "type": "bands", "metric": "input:m", "bands": [{"op": ">=", "value": D("0.8"), "points": 8}]}]},
    inputs=INPUTS)


def test_the_chosen_option_scores():
    assert line(BY_ITEM, items={"c": "甲", "a": "是"}).score == 10
    assert line(BY_ITEM, items={"c": "乙", "s": 6}).score == 6
    assert line(BY_ITEM, items={"c": "丙"}).status == "error"
    assert line(BY_ITEM, items={"a": "是"}).status == "incomplete"


def test_max_takes_the_best_option():
    l = line(BY_MAX, inputs={"m": D("0.85")})
    assert l.score == 8 and l.extra["option"] == "分档"          # linear gives 7
    assert line(BY_MAX, inputs={"m": D("0.95")}).score == 9
