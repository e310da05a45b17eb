"""Build one-line rubrics in memory and score them through the workbook's input contract."""
from __future__ import annotations


from decimal import Decimal

from perfeval.scoring.engine import score
from perfeval.scoring.examples import example_tables
from perfeval.scoring.inputs import department_from_tables
from perfeval.scoring.rubric import Example, canonical_json, parse_rubric

D = Decimal


def rubric(rule: dict, *, points=10, items=(), inputs=(), metrics=None, na=None, deduction=False, extra_lines=(),
           total=None, locked=False, criteria=None):
    line = {"id": "x", "group": "G", "name": "测试项", "points": points, "rule": rule}
    if criteria:
        line["criteria"] = criteria
    if na:
        line["na"] = na
    if deduction:
        line["deduction"] = True
    lines = [line] + list(extra_lines)
    data = {"format": "perfeval-rubric/2", "id": "t", "title": "测试", "year": 2024,
            "total": total or sum(l["points"] for l in lines if not l.get("deduction")) or 1,
            "locked": locked, "groups": [{"id": "G", "name": "组", "points": points}],
            "items": list(items), "inputs": list(inputs), "metrics": metrics or {}, "lines": lines}
    r, problems = parse_rubric(canonical_json(data))
    assert r is not None, problems
    return r


def run(r, *, items=None, inputs=None, tables=None, metrics=None):
    example = Example("t", items or {}, inputs or {}, metrics or {}, tables or {}, {"x": 0})
    dept = department_from_tables(example_tables(r, example), r)
    return score(dept, given=metrics or {})


def line(r, **kw):
    return run(r, **kw).line("x")


def yes_no(item_id="q", label="问题", kind="yes_no", **kw):
    return dict({"id": item_id, "label": label, "kind": kind}, **kw)
