from decimal import Decimal as D

from rubric_helpers import line, rubric, yes_no

ITEM = [yes_no("n", "不配合评价次数", "count", blank=0)]


def test_each_counted_row_deducts_until_nothing_is_left():
    r = rubric({"type": "per_item", "count": "violations", "per_item": D("0.5")}, points=5)
    rows = [{"来源": "审计监督", "问题描述": f"问题{i}"} for i in range(3)]
    l = line(r, tables={"Violations": rows})
    assert l.score == D("3.5") and l.reasons[0].text == "审计监督发现问题：问题0，扣0.5分"
    assert line(r, tables={"Violations": rows * 5}).score == 0
    assert line(r).score == 5


def test_by_category():
    r = rubric({"type": "per_item", "count": {"violations": {"类别": ["审计"]}}, "per_item": 1}, points=5)
    rows = [{"来源": "审计监督", "问题描述": "a", "类别": "审计"}, {"来源": "部门自查", "问题描述": "b", "类别": "自查"}]
    assert line(r, tables={"Violations": rows}).score == 4


def test_item_count_blank_default_and_deduction_line():
    r = rubric({"type": "per_item", "count": "item:n", "per_item": D("0.5")}, items=ITEM)
    assert line(r).score == 10 and line(r, items={"n": 3}).score == D("8.5")
    d = rubric({"type": "per_item", "count": "item:n", "per_item": D("0.5")}, items=ITEM, deduction=True, total=1)
    l = line(d, items={"n": 40})
    assert (l.score, l.max, l.min) == (-10, 0, -10)
    assert line(d, items={"n": 0}).score == 0 and line(d, items={"n": 0}).status == "full"
    assert line(d, items={"n": "1.5"}).status == "error"      # a count is a whole number
