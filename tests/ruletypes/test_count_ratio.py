from decimal import Decimal as D

from rubric_helpers import line, rubric

IND = rubric({"type": "count_ratio", "population": "indicators", "filter": {"object": "department", "level2": "数量指标"},
              "test": {"test": "achieved", "band": D("0.3")}})
PROJ = rubric({"type": "count_ratio", "population": "projects", "test": {"metric": "balance_rate", "op": "<", "value": D("0.1")},
               "empty": "full"}, points=5)


def ind(name, direction, target, actual, level2="数量指标", obj="部门整体"):
    return {"指标对象": obj, "二级指标": level2, "三级指标": name, "指标方向": direction, "目标值": target, "实际完成值": actual}


def test_achieved_band_is_inclusive():
    rows = [ind("a", "≥", "10", "13"), ind("b", "≥", "10", "13.01"), ind("c", "≤", "10", "7"), ind("d", "≤", "10", "6.99"),
            ind("e", "定性", "好", "好"), ind("f", "≥", "1", "1", level2="质量指标")]
    l = line(IND, tables={"Indicators": rows})
    assert l.score == 5 and (l.extra["counted"], l.extra["passing"]) == (4, 2)
    verdicts = [v[3] for v in l.extra["indicators"]]
    assert verdicts[-2:] == ["定性指标，列示不计分", "质量指标，列示不计分"]


def test_empty_policies():
    assert line(IND, tables={"Indicators": [ind("p", "≥", "1", "1", obj="某项目")]}).reasons[0].text == "未设置部门整体数量指标"
    na = rubric({"type": "count_ratio", "population": "indicators", "filter": {"object": "department"},
                 "test": {"test": "achieved"}, "empty": "na"}, na="exclude")
    assert line(na, tables={"Indicators": [ind("p", "≥", "1", "1", obj="某项目")]}).excluded
    assert line(IND).status == "incomplete"                       # the table left blank


def test_projects_strict_threshold_and_zero_budget_left_out():
    rows = [{"项目名称": "甲", "预算数（万元）": 100, "实际支出（万元）": 90}, {"项目名称": "乙", "预算数（万元）": 100, "实际支出（万元）": 91},
            {"项目名称": "丙", "预算数（万元）": 0, "实际支出（万元）": 0}]
    l = line(PROJ, tables={"Projects": rows})
    assert l.score == D("2.5") and (l.extra["counted"], l.extra["passing"]) == (2, 1)
    assert l.reasons[0].text.startswith("项目“甲”结余率10.00%")


def test_projects_declared_empty_and_blank():
    assert line(PROJ, tables={"Finance": {"项目支出": 0}}).score == 5
    assert line(PROJ, tables={"Finance": {"项目支出": 10}}).status == "incomplete"
