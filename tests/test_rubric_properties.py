"""Properties over random valid rubrics and random inputs (hypothesis): every line within its
bounds (a 扣分项 within [−points, 0]), the total the sum of the lines (or the rescaled sum when
lines are excluded), scoring idempotent, and never an exception or an internal error."""
from __future__ import annotations

from decimal import Decimal as D

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfeval.scoring.engine import INTERNAL_ERROR, score
from perfeval.scoring.examples import example_tables
from perfeval.scoring.inputs import department_from_tables
from perfeval.scoring.numbers import round_score
from perfeval.scoring.rubric import Example, canonical_json, parse_rubric

ITEMS = [{"id": "q_yes", "label": "是否", "kind": "yes_no"}, {"id": "q_score", "label": "分数", "kind": "score"},
         {"id": "q_count", "label": "次数", "kind": "count", "blank": 0},
         {"id": "q_choice", "label": "方式", "kind": "choice", "choices": ["甲", "乙"]},
         {"id": "q_num", "label": "外部分", "kind": "number"}]
INPUTS = [{"id": "in_amt", "label": "金额", "kind": "amount"}, {"id": "in_rate", "label": "比率", "kind": "rate"}]
METRICS = {"share": {"ratio": ["input:in_amt", "metric:initial_budget"]},
           "gap": {"abs": {"sub": ["metric:annual_budget", {"sum": ["metric:spending", "input:in_amt"]}]}}}
RATE_METRICS = ["staff_control_rate", "execution_rate", "budget_adjust_rate", "public_expense_deviation",
                "sangong_control_rate", "carryover_change_rate", "share", "input:in_rate", "monitoring_handled_share"]

small = st.decimals(min_value=0, max_value=2, places=3)
points = st.decimals(min_value=1, max_value=20, places=1)


@st.composite
def rules(draw):
    kind = draw(st.sampled_from(["yes_no", "items", "manual", "ratio", "bands", "step", "linear", "per_item",
                                 "count_ratio", "checkpoints", "weighted_indicators", "choose_one", "external"]))
    metric = draw(st.sampled_from(RATE_METRICS))
    if kind == "yes_no":
        return {"type": kind, "item": "q_yes"}
    if kind == "items":
        return {"type": kind, "items": [{"item": "q_yes", "points": draw(points)}, {"item": "q_score", "points": draw(points)}]}
    if kind in ("manual", "external"):
        return {"type": kind, "item": "q_score" if kind == "manual" else "q_num"}
    if kind == "ratio":
        return {"type": kind, "metric": metric, "target": draw(st.decimals(min_value=D("0.1"), max_value=2, places=2)),
                "invert": draw(st.booleans())}
    if kind == "bands":
        a, b = sorted([draw(small), draw(small)])
        return {"type": kind, "metric": metric, "bands": [{"op": draw(st.sampled_from(["<", "<="])), "value": a},
                                                          {"op": "<=", "value": b, "deduct": draw(points)}]}
    if kind == "step":
        return {"type": kind, "metric": metric, "threshold": draw(small), "direction": draw(st.sampled_from(["over", "under"])),
                "step": draw(st.decimals(min_value=D("0.01"), max_value=1, places=2)), "per_step": draw(points),
                "counting": draw(st.sampled_from(["continuous", "whole"]))}
    if kind == "linear":
        a, b = draw(small), draw(small)
        return {"type": kind, "metric": metric, "full_at": a, "zero_at": a + 1 if a == b else b}
    if kind == "per_item":
        return {"type": kind, "count": draw(st.sampled_from(["violations", "item:q_count"])), "per_item": draw(points)}
    if kind == "count_ratio":
        if draw(st.booleans()):
            return {"type": kind, "population": "projects", "empty": draw(st.sampled_from(["zero", "full", "na"])),
                    "test": {"metric": draw(st.sampled_from(["balance_rate", "execution_rate"])), "op": "<", "value": draw(small)}}
        return {"type": kind, "population": "indicators", "filter": {"object": draw(st.sampled_from(["department", "project", "managed_project"])),
                                                                     "level2": "数量指标"}, "test": {"test": "achieved", "band": D("0.3")}}
    if kind == "checkpoints":
        months = sorted(draw(st.sets(st.integers(1, 12), min_size=1, max_size=3)))
        targets = sorted(draw(st.lists(st.decimals(min_value=D("0.05"), max_value=1, places=2), min_size=len(months), max_size=len(months))))
        return {"type": kind, "base": draw(st.sampled_from(["annual", "initial"])),
                "checkpoints": [{"month": m, "target": t, "points": draw(points)} for m, t in zip(months, targets)]}
    if kind == "weighted_indicators":
        return {"type": kind, "filter": {"object": "department"}, "empty": draw(st.sampled_from(["zero", "full", "na"]))}
    return {"type": "choose_one", "choose": draw(st.sampled_from(["max", "q_choice"])),
            "options": [{"name": "甲", "type": "linear", "metric": metric, "full_at": 1, "zero_at": 0},
                        {"name": "乙", "type": "yes_no", "item": "q_yes"}]}


@st.composite
def rubrics(draw):
    lines = []
    for i, rule in enumerate(draw(st.lists(rules(), min_size=1, max_size=6))):
        line = {"id": f"l{i}", "group": "G", "name": f"第{i}项", "points": draw(points), "rule": rule,
                "na": draw(st.sampled_from(["zero", "full", "exclude"]))}
        if rule["type"] in ("per_item", "step") and draw(st.booleans()):
            line["deduction"] = True
        lines.append(line)
    data = {"format": "perfeval-rubric/2", "id": "random", "title": "随机", "year": 2024, "total": 100,
            "groups": [{"id": "G", "name": "组", "points": 100}], "items": ITEMS, "inputs": INPUTS, "metrics": METRICS,
            "lines": lines}
    rubric, problems = parse_rubric(canonical_json(data))
    assert rubric is not None, problems
    return rubric


cell = st.one_of(st.none(), st.decimals(min_value=-5, max_value=500, places=2), st.integers(-3, 1000),
                 st.sampled_from(["是", "否", "不适用", "", "abc", "#DIV/0!", "95%", "甲", "乙", "≥8个", "部分达成 70%", "达成"]))
amount = st.one_of(st.none(), st.decimals(min_value=0, max_value=1000, places=2), st.sampled_from(["x", "-1"]))


@st.composite
def inputs(draw):
    items = {i["id"]: draw(cell) for i in ITEMS}
    extra = {i["id"]: draw(cell) for i in INPUTS}
    tables = {
        "Info": {"编制总数": draw(amount), "在职人数": draw(amount)},
        "Finance": {k: draw(amount) for k in ("年初预算数", "全年预算数（调整后）", "财政拨款支出合计", "结转结余", "上年结转", "项目支出")},
        "PublicExpense": [{"科目": "办公费", "年初预算数（万元）": draw(amount), "决算数（万元）": draw(amount)}],
        "ThreeExpenses": [{"项目": "公务接待费", "上年预算数": draw(amount), "上年决算数": draw(amount), "本年预算数": draw(amount),
                           "本年决算数": draw(amount)}],
        "Projects": draw(st.lists(st.fixed_dictionaries({"项目名称": st.sampled_from(["甲", "乙"]), "预算数（万元）": amount,
                                                         "实际支出（万元）": amount, "纳入绩效目标管理": cell}), max_size=3)),
        "MonthlySpending": [dict({"支出项目": "合计", "全年预算数（万元）": draw(amount)},
                                 **{f"{m}月": draw(amount) for m in range(1, 13)})],
        "Indicators": draw(st.lists(st.fixed_dictionaries({
            "指标对象": st.sampled_from(["部门整体", "甲", "乙", ""]), "二级指标": st.sampled_from(["数量指标", "质量指标"]),
            "三级指标": st.sampled_from(["a", "b"]), "指标方向": st.sampled_from(["≥", "≤", "=", "定性", ""]),
            "目标值": cell, "实际完成值": cell, "分值": cell, "完成等级": cell}), max_size=4)),
        "Violations": draw(st.lists(st.fixed_dictionaries({"来源": st.just("审计监督"), "问题描述": st.just("问题")}), max_size=3)),
    }
    return items, extra, tables


@settings(max_examples=int(__import__("os").environ.get("PERFEVAL_RUBRIC_EXAMPLES", 50)), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(rubrics(), inputs())
def test_bounded_summed_idempotent_never_raises(rubric, data):
    items, extra, tables = data
    example = Example("随机", items, extra, {}, tables, {"l0": 0})
    raw = example_tables(rubric, example)
    first = score(department_from_tables(raw, rubric))
    assert not [f for f in first.findings if INTERNAL_ERROR in f.message]
    for line in first.lines:
        points = first.params.points(line.spec)
        lo, hi = (-points, D(0)) if line.spec.deduction else (D(0), points)
        assert (line.min, line.max) == (lo, hi)
        assert lo <= line.score <= hi and line.score == line.score.quantize(D("0.01"))
        if line.status in ("error", "incomplete"):
            assert line.score == 0 and line.reasons
    kept = sum((line.score for line in first.lines if not line.excluded), D(0))
    if first.rescaled:
        applicable = sum((line.max for line in first.lines if not line.excluded), D(0))
        assert first.total == (round_score(kept * first.max_total / applicable) if applicable else 0)
    else:
        assert first.total == kept
    again = score(department_from_tables(raw, rubric))
    assert again.to_json() == first.to_json()
