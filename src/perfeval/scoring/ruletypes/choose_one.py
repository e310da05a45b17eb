"""choose_one: one of several options scores the line — the best that applies (``max``), or the
one a ``choice`` item names."""
from __future__ import annotations

from ... import layout as L
from decimal import Decimal

from ..metrics import MISSING
from ..numbers import fmt_num

NAME, LABEL = "choose_one", "多选一"


def _option_line(line, option):
    from . import Line
    sub = Line(line.spec._replace(deduction=False), option, line.points, line.dept, [], line.given)
    return sub


def score(line, rule):
    from . import RULE_TYPES
    options = rule["options"]
    if rule["choose"] != "max":
        chosen = line.applicable_value(rule["choose"])
        if chosen is MISSING:
            return None
        option = next((o for o in options if o["name"] == str(chosen).strip()), None)
        if option is None:
            line.invalid(f"所选方案“{chosen}”不是{'、'.join(o['name'] for o in options)}之一", line.item_loc(rule["choose"]))
            return None
        candidates = [option]
    else:
        candidates = options
    results = []
    for option in candidates:
        sub = _option_line(line, option)
        raw = RULE_TYPES[option["type"]].score(sub, option)
        results.append((option, sub, raw))
    usable = [(o, s, r) for o, s, r in results if r is not None and not s.stopped]
    if not usable:
        o, sub, _ = results[0]
        line.errors += sub.errors
        line.missing += sub.missing
        line._findings += sub._findings
        line.na = line.na or sub.na
        if not line.stopped:
            line.not_applicable("各方案均不适用")
        return None
    option, sub, raw = max(usable, key=lambda t: min(line.points, max(Decimal(0), t[2])))
    line._findings += sub._findings
    line.reasons += sub.reasons
    line.detail = sub.detail
    line.detail.notes.insert(0, f"采用方案：{option['name']}")
    line.extra.update(sub.extra, option=option["name"])
    return raw


def readback(spec, rule, rubric) -> str:
    from . import RULE_TYPES
    parts = [f"方案“{o['name']}”：{RULE_TYPES[o['type']].readback(spec, o, rubric)}" for o in rule["options"]]
    how = "取得分最高的方案" if rule["choose"] == "max" else f"按“{rubric.item(rule['choose']).label if rubric.item(rule['choose']) else rule['choose']}”所选方案计分"
    return f"{how}（最高{fmt_num(spec.points)}分）。" + "；".join(parts)


def param(path, rule, spec, rubric):
    from . import RULE_TYPES
    if len(path) >= 3 and path[0] == "options":
        option = rule["options"][int(path[1])]
        found = RULE_TYPES[option["type"]].param(path[2:], option, spec, rubric)
        if found:
            label, kind = found
            return label.replace(spec.label, f"{spec.label}（{option['name']}）", 1), kind
    return None


def references(rule, rubric):
    from . import RULE_TYPES
    out = []
    names = [o["name"] for o in rule["options"]]
    if len(set(names)) != len(names):
        out.append(("options", "方案名称不能重复"))
    for i, option in enumerate(rule["options"]):
        if option["type"] == NAME:
            out.append((f"options[{i}].type", "方案中不能再套用 choose_one"))
            continue
        out += [(f"options[{i}].{p}", m) for p, m in RULE_TYPES[option["type"]].references(option, rubric)]
    if rule["choose"] != "max":
        item = rubric.item(rule["choose"])
        if item is None:
            out.append(("choose", f"未知的定性项目“{rule['choose']}”（或应为 max）"))
        elif item.kind != "choice" or set(item.choices) != set(names):
            out.append(("choose", f"定性项目“{rule['choose']}”应为 choice 类型，选项与方案名称一致"))
    return out


def tables(rule, rubric) -> set:
    from . import RULE_TYPES
    chosen = set() if rule["choose"] == "max" else {L.QUALITATIVE}
    return chosen.union(*(RULE_TYPES[o["type"]].tables(o, rubric) for o in rule["options"] if o["type"] != NAME))
