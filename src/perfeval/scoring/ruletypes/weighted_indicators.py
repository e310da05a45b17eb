"""weighted_indicators: each indicator scores its 分值 × achievement; line = points × Σ得分 ÷ Σ分值.

≥: min(1, 实际 ÷ 目标); ≤: min(1, 目标 ÷ 实际); =: full when equal, otherwise as 定性; 定性 by its
完成等级 — a tier name scores its ``share`` (a tier without one needs a typed percentage), or a
tier name with a percentage ("部分达成 70%") that must lie in [min, max].
"""
from __future__ import annotations

import re
from decimal import Decimal

from ..indicators import EQ, GE, LE, describe, normalize_direction, parse_value
from ..numbers import fmt_num, fmt_pct, fmt_pct_plain, round_score, to_halfwidth
from ._population import filter_text, ind_loc, indicator_rows, level_match, population_tables

NAME, LABEL = "weighted_indicators", "指标加权"
DEFAULT_TIERS = ({"name": "达成", "min": Decimal("0.8"), "max": Decimal(1), "share": Decimal(1)},
                 {"name": "部分达成", "min": Decimal("0.6"), "max": Decimal("0.8")},
                 {"name": "未达成", "min": Decimal(0), "max": Decimal("0.6")})
_GRADE_RE = re.compile(r"^\s*(?P<name>[^\d%]+?)\s*(?P<pct>\d+(\.\d+)?)?\s*%?\s*$")


def _tiers(rule):
    return [dict(t) for t in rule.get("tiers", DEFAULT_TIERS)]


def grade_share(text: str, tiers) -> tuple[Decimal | None, str | None]:
    """完成等级 → (achievement, error)."""
    m = _GRADE_RE.match(to_halfwidth(text or ""))
    if not m:
        return None, f"完成等级“{text}”无法识别（应为{'、'.join(t['name'] for t in tiers)}，可加百分数）"
    tier = next((t for t in tiers if t["name"] == m.group("name").strip()), None)
    if tier is None:
        return None, f"完成等级“{text}”不是{'、'.join(t['name'] for t in tiers)}之一"
    if m.group("pct"):
        share = Decimal(m.group("pct")) / 100
        if not Decimal(tier["min"]) <= share <= Decimal(tier["max"]):
            return None, (f"完成等级“{text}”的百分数应在{fmt_pct_plain(Decimal(tier['min']))}至"
                          f"{fmt_pct_plain(Decimal(tier['max']))}之间")
        return share, None
    if "share" not in tier:
        return None, f"完成等级“{tier['name']}”需要写明百分数（如“{tier['name']} {fmt_num(Decimal(tier['max']) * 100)}%”）"
    return Decimal(tier["share"]), None


def score(line, rule):
    filt = rule.get("filter", {})
    rows = indicator_rows(line, filt)
    if rows is None:
        return None
    rows = [i for i in rows if level_match(i, filt)]
    tiers = _tiers(rule)
    detail = line.table("指标对象", "三级指标", "目标值", "实际完成值", "分值", "完成比例", "得分")
    total_weight = total = Decimal(0)
    scored = []
    for ind in rows:
        name = describe(ind)
        if not line.check(ind.weight):
            continue
        if ind.weight is None:
            line.invalid(f"指标“{name}”未填写分值", ind_loc(ind.row, "weight"))
            continue
        share = _achievement(line, ind, tiers)
        if share is None:
            continue
        weight = Decimal(ind.weight)
        got = weight * share
        total_weight += weight
        total += got
        scored.append((name, weight, got))
        line.extra.setdefault("indicator_scores", {})[id(ind)] = (weight, got, share)
        detail.rows.append((ind.target_object, name, str(ind.target or ""), str(ind.actual or ""), weight,
                            fmt_pct(share), round_score(got)))
        if share < 1:
            line.reason(f"指标“{name}”完成{fmt_pct(share)}，得{fmt_num(round_score(got))}分（分值{fmt_num(weight)}分）",
                        ind_loc(ind.row, "actual"))
    line.extra["indicators"] = scored
    if line.stopped:
        return None
    if total_weight == 0:
        policy = rule.get("empty", "zero")
        what = filter_text("indicators", filt)
        if policy == "full":
            return line.points
        if policy == "na":
            line.not_applicable(f"无{what}")
            return None
        line.reason(f"未设置{what}（或分值合计为0）")
        return Decimal(0)
    detail.notes.append(f"得分={fmt_num(line.points)}×{fmt_num(round_score(total))}÷{fmt_num(total_weight)}")
    return line.points * total / total_weight


def _achievement(line, ind, tiers) -> Decimal | None:
    name = describe(ind)
    direction = normalize_direction(ind.direction)
    target, actual = parse_value(ind.target), parse_value(ind.actual)
    if direction is None and target is not None:
        direction = target.direction
    if direction in (GE, LE, EQ) and target is not None and actual is not None:
        t, a = target.number, actual.number
        if direction == GE:                    # a miss scores actual ÷ target where that is a share, else 0
            return Decimal(1) if a >= t else (min(Decimal(1), a / t) if t > 0 and a > 0 else Decimal(0))
        if direction == LE:
            return Decimal(1) if a <= t else (min(Decimal(1), t / a) if t > 0 and a > 0 else Decimal(0))
        if a == t:
            return Decimal(1)
    if direction in (GE, LE) and (target is None or actual is None):
        which = "目标值" if target is None else "实际完成值"
        line.invalid(f"指标“{name}”{which}不是数值", ind_loc(ind.row, "target" if target is None else "actual"))
        return None
    if not (ind.grade or "").strip():
        line.incomplete(f"指标“{name}”未填写完成等级", ind_loc(ind.row, "grade"))
        return None
    share, error = grade_share(ind.grade, tiers)
    if error:
        line.invalid(f"指标“{name}”{error}", ind_loc(ind.row, "grade"))
        return None
    return share


def readback(spec, rule, rubric) -> str:
    what = filter_text("indicators", rule.get("filter", {}))
    tiers = "、".join(f"{t['name']}（{fmt_pct_plain(Decimal(t['min']))}–{fmt_pct_plain(Decimal(t['max']))}）"
                      for t in _tiers(rule))
    return (f"{what}按分值加权：≥指标得分=分值×min(1,实际÷目标)，≤指标得分=分值×min(1,目标÷实际)，"
            f"定性指标按完成等级{tiers}计分；本项得分={fmt_num(spec.points)}×Σ指标得分÷Σ分值")


def param(path, rule, spec, rubric):
    if len(path) == 3 and path[0] == "tiers":
        tier = _tiers(rule)[int(path[1])]["name"]
        return {"min": (f"{spec.label}“{tier}”下限", "ratio"), "max": (f"{spec.label}“{tier}”上限", "ratio"),
                "share": (f"{spec.label}“{tier}”得分比例", "ratio")}.get(path[2])
    return None


def references(rule, rubric):
    out = []
    for i, t in enumerate(_tiers(rule)):
        if Decimal(t["min"]) > Decimal(t["max"]):
            out.append((f"tiers[{i}]", "下限不能大于上限"))
        if "share" in t and not Decimal(t["min"]) <= Decimal(t["share"]) <= Decimal(t["max"]):
            out.append((f"tiers[{i}].share", "得分比例应在下限与上限之间"))
    return out


def tables(rule, rubric) -> set:
    return population_tables("indicators", rule.get("filter", {}))
