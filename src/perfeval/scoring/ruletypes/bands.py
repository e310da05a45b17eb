"""bands: the first band whose ``m op value`` holds gives the score (``points``, or points − ``deduct``)."""
from __future__ import annotations

from decimal import Decimal

from ..metrics import MISSING, label_of, operand_tables, unit_of
from ..numbers import fmt_num
from . import NEGATED, OP_WORDS, OPS
from ._common import check_metric, operand, param_kind, threshold_text

NAME, LABEL = "bands", "分档计分"


def band_points(band: dict, points: Decimal) -> Decimal:
    if "points" in band:
        return Decimal(band["points"])
    return points - Decimal(band.get("deduct", 0))


def score(line, rule):
    m = line.metric(rule["metric"])
    if line.stopped or m.value is MISSING:
        return None
    values = [operand(line, b["value"]) for b in rule["bands"]]
    if line.stopped or any(v is MISSING or v is None for v in values):
        return None
    unit = unit_of(rule["metric"], line.rubric)
    hit = next((i for i, (b, v) in enumerate(zip(rule["bands"], values)) if OPS[b["op"]](m.value, v)), None)
    got = band_points(rule["bands"][hit], line.points) if hit is not None else Decimal(rule.get("else", 0))
    if got < line.points:
        if not m.value.is_finite() and m.facts:
            line.reason(f"{m.facts}，得{fmt_num(got)}分（满分{fmt_num(line.points)}分）")
        else:
            k = hit - 1 if hit else (len(values) - 1 if hit is None else 0)
            word = OP_WORDS[rule["bands"][k]["op"]] if hit == 0 else NEGATED[rule["bands"][k]["op"]]
            bound = threshold_text(values[k], unit, line.rubric)
            if isinstance(rule["bands"][k]["value"], str):       # another input: its name and value
                bound = f"{label_of(rule['bands'][k]['value'], line.rubric)}（{bound}）"
            line.reason(f"{line.stated(rule['metric'], m)}，{word}{bound}，得{fmt_num(got)}分（满分{fmt_num(line.points)}分）")
    return got


def readback(spec, rule, rubric) -> str:
    label, unit = label_of(rule["metric"], rubric), unit_of(rule["metric"], rubric)
    parts = [f"{label if i == 0 else ''}{OP_WORDS[b['op']]}{threshold_text(b['value'], unit, rubric)}"
             f"得{fmt_num(band_points(b, spec.points))}分" for i, b in enumerate(rule["bands"])]
    rest = Decimal(rule.get("else", 0))
    return "；".join(parts) + (f"；否则得{fmt_num(rest)}分" if rest else "；否则不得分")


def param(path, rule, spec, rubric):
    if path == ("else",):
        return f"{spec.label}其他情况得分", "points"
    if len(path) == 3 and path[0] == "bands":
        n = int(path[1]) + 1
        return {"value": (f"{spec.label}第{n}档界限", param_kind(rule["metric"], rubric)),
                "points": (f"{spec.label}第{n}档得分", "points"),
                "deduct": (f"{spec.label}第{n}档扣分", "points")}.get(path[2])
    return None


def references(rule, rubric):
    out = check_metric(rule["metric"], rubric, "metric")
    for i, b in enumerate(rule["bands"]):
        if isinstance(b["value"], str):
            out += check_metric(b["value"], rubric, f"bands[{i}].value")
        if "points" in b and "deduct" in b:
            out.append((f"bands[{i}]", "points 与 deduct 只能给出一个"))
    numeric = [(i, b) for i, b in enumerate(rule["bands"]) if not isinstance(b["value"], str)]
    for (i, a), (j, b) in zip(numeric, numeric[1:]):
        up = a["op"] in ("<", "<=") and b["op"] in ("<", "<=")
        down = a["op"] in (">", ">=") and b["op"] in (">", ">=")
        if (up and Decimal(b["value"]) < Decimal(a["value"])) or (down and Decimal(b["value"]) > Decimal(a["value"])):
            out.append((f"bands[{j}].value", f"分档顺序不对：第{j + 1}档的界限应在第{i + 1}档之后（从严到宽排列）"))
    return out


def tables(rule, rubric) -> set:
    return operand_tables(rule["metric"], rubric).union(*(operand_tables(b["value"], rubric) for b in rule["bands"]))
