"""The rubric as data: shipped JSON files, parameter overrides, line bounds and the lint.

A rubric file names the 14 lines of the form (texts, methods, attributes) and every
number the rules use, each a parameter with a Chinese label — the 参数 column of the
workbook's 评分参数 sheet.  ``resolve`` applies the workbook's overrides and reports
every unusable value as a finding (the default is kept for it).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .. import layout as L
from .model import ERROR, INFO, WARNING, Finding, Invalid, KeyValues, Loc
from .numbers import fmt_num, is_blank, parse_amount, parse_number_text

DEFAULT_RUBRIC = "ebian-2023"
RUBRIC_IDS = ("ebian-2023", "ebian-2023-100")
DEDUCTION = "deduction"


class Parameter(NamedTuple):
    key: str
    label: str
    kind: str          # points | ratio | month | score | amount
    value: Decimal
    description: str = ""


class LineSpec(NamedTuple):
    id: str
    level1: str
    level2: str
    level3: str
    explanation: str
    criteria: str
    methods: tuple[str, ...]
    attributes: tuple[str, ...]
    criteria_points: Decimal | None = None
    note: str = ""
    kind: str = "line"
    label: str = ""          # a distinguishing name where two lines share a 三级指标

    @property
    def name(self) -> str:
        return self.label or self.level3 or self.level2 or self.level1


class Group(NamedTuple):
    level: int
    name: str
    points: Decimal
    parent: str = ""


class Rubric(NamedTuple):
    id: str
    title: str
    nominal_total: Decimal
    groups: tuple[Group, ...]
    lines: tuple[LineSpec, ...]
    parameters: tuple[Parameter, ...]

    def line(self, line_id: str) -> LineSpec:
        return next(line for line in self.lines if line.id == line_id)


@dataclass(eq=False)
class Params:
    """Resolved parameter values by key, with the parameter definitions for labels."""
    rubric: Rubric
    values: dict[str, Decimal]
    overridden: set[str] = field(default_factory=set)     # keys set by the workbook's 本县取值

    def __getitem__(self, key: str) -> Decimal:
        return self.values[key]

    def month(self, key: str) -> int:
        return int(self.values[key])

    def checkpoints(self) -> list[tuple[int, Decimal, Decimal]]:
        """(month, target rate, points) of the execution checkpoints, in order."""
        out, i = [], 1
        while f"execution.cp{i}.month" in self.values:
            out.append((self.month(f"execution.cp{i}.month"), self[f"execution.cp{i}.target"],
                        self[f"execution.cp{i}.points"]))
            i += 1
        return out


def _load_json(rubric_id: str) -> dict:
    path = Path(__file__).with_name("rubrics") / f"{rubric_id}.json"
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def load_rubric(rubric_id: str = DEFAULT_RUBRIC) -> Rubric:
    if rubric_id not in RUBRIC_IDS:
        raise KeyError(rubric_id)
    data = _load_json(rubric_id)
    if "base" in data:
        base = _load_json(data["base"])
        line_over = data.get("line_overrides", {})
        for line in base["lines"]:
            line.update(line_over.get(line["id"], {}))
        param_over = data.get("parameter_overrides", {})
        for param in base["parameters"]:
            param.update(param_over.get(param["key"], {}))
        base.update({k: v for k, v in data.items() if k not in ("lines", "parameters", "groups")})
        data = base
    lines = tuple(LineSpec(
        id=d["id"], level1=d["level1"], level2=d.get("level2", ""), level3=d.get("level3", ""),
        explanation=d["explanation"], criteria=d["criteria"], methods=tuple(d["methods"]),
        attributes=tuple(d["attributes"]),
        criteria_points=Decimal(str(d["criteria_points"])) if "criteria_points" in d else None,
        note=d.get("note", ""), kind=d.get("kind", "line"), label=d.get("label", "")) for d in data["lines"])
    groups = tuple(Group(g["level"], g["name"], Decimal(str(g["points"])), g.get("parent", ""))
                   for g in data["groups"])
    params = tuple(Parameter(p["key"], p["label"], p["kind"], Decimal(p["value"]), p.get("description", ""))
                   for p in data["parameters"])
    return Rubric(data["id"], data["title"], Decimal(str(data["nominal_total"])), groups, lines, params)


def default_params(rubric: Rubric) -> Params:
    return Params(rubric, {p.key: p.value for p in rubric.parameters})


# ------------------------------------------------------------------ line bounds

_COMPOSITE = {"target_quality": ("target_quality.item_points", 5),
              "budget_linkage": ("budget_linkage.item_points", 2)}


def line_bounds(spec: LineSpec, params: Params) -> tuple[Decimal, Decimal]:
    """(min, max) score of a line under the given parameters."""
    if spec.id in _COMPOSITE:
        key, count = _COMPOSITE[spec.id]
        return Decimal(0), params[key] * count
    if spec.id == "execution_progress":
        return Decimal(0), sum((cp[2] for cp in params.checkpoints()), Decimal(0))
    points = params[f"{spec.id}.points"]
    if spec.kind == DEDUCTION:
        return -points, Decimal(0)
    return Decimal(0), points


def max_total(params: Params) -> Decimal:
    return sum((line_bounds(s, params)[1] for s in params.rubric.lines), Decimal(0))


# ------------------------------------------------------------------ overrides

def _parse_param(param: Parameter, raw: object) -> tuple[Decimal | None, str | None, str | None]:
    """→ (value, error, note)."""
    note = None
    if isinstance(raw, str) and raw.strip().endswith(("%", "％")):
        parsed = parse_number_text(raw)
        if not parsed.ok:
            return None, parsed.error, None
        value = parsed.value / 100
    else:
        parsed = parse_amount(raw)
        if not parsed.ok:
            return None, parsed.error, None
        value = parsed.value
    if param.kind == "ratio":
        if value > 1 and value <= 100:
            value, note = value / 100, f"按百分数理解为{fmt_num(value)}%"
        if not (0 < value <= 1):
            return None, "比率应在0到100%之间", None
    elif param.kind == "month":
        if value != value.to_integral_value() or not (1 <= value <= 12):
            return None, "月份应为1到12的整数", None
    return value, None, note


def resolve(overrides: KeyValues | None) -> tuple[Params, list[Finding]]:
    """Pick the rubric named in the 评分参数 sheet and apply the county's values (本县取值).

    Every parameter defaults to the selected rubric; a filled 本县取值 overrides it unless it
    equals that default.  Workbooks from before 本县取值 existed hold the printed form's
    values (the default rubric's) in their “值” column: there a value equal to the default
    rubric's is not an override either, so switching 评分标准 takes effect."""
    findings: list[Finding] = []
    overrides = overrides or KeyValues()
    table = L.PARAMETERS
    value_header = table.header("value")

    def loc(label: str) -> Loc:
        return Loc(table.name, overrides.rows.get(label), value_header)

    rubric_id = DEFAULT_RUBRIC
    raw_id = overrides.get(L.RUBRIC_PARAMETER_LABEL)
    if not is_blank(raw_id):
        candidate = str(raw_id).strip()
        if candidate in RUBRIC_IDS:
            rubric_id = candidate
        else:
            findings.append(Finding(ERROR, f"评分标准“{candidate}”不存在（可选：{'、'.join(RUBRIC_IDS)}），已按 {DEFAULT_RUBRIC} 计算",
                                    loc(L.RUBRIC_PARAMETER_LABEL)))
    rubric = load_rubric(rubric_id)
    params = default_params(rubric)
    by_label = {p.label: p for p in rubric.parameters}
    legacy_defaults = {p.label: p.value for p in load_rubric(DEFAULT_RUBRIC).parameters} if overrides.legacy else {}
    for label in overrides.values:
        if label == L.RUBRIC_PARAMETER_LABEL:
            continue
        param = by_label.get(label)
        if param is None:
            findings.append(Finding(WARNING, f"评分参数“{label}”不是{rubric.id}的参数，未使用", loc(label)))
            continue
        raw = overrides.get(label)
        if isinstance(raw, Invalid):        # the cell's own finding says what is wrong
            continue
        if is_blank(raw):
            continue                                  # blank: the selected rubric's default
        value, error, note = _parse_param(param, raw)
        if error:
            findings.append(Finding(ERROR, f"评分参数“{label}”：{error}（填写为“{raw}”），使用默认值{fmt_num(param.value)}", loc(label)))
            continue
        if value == param.value or (label in legacy_defaults and value == legacy_defaults[label]):
            continue                                  # equal to a default: not an override
        if note:
            findings.append(Finding(INFO, f"评分参数“{label}”：{note}", loc(label)))
        params.values[param.key] = value
        params.overridden.add(param.key)
        findings.append(Finding(INFO, f"评分参数“{label}”使用本县取值{fmt_num(value)}（{rubric.id}默认值{fmt_num(param.value)}）",
                                loc(label)))
    findings += _check_consistency(params, loc, by_label)
    return params, findings


def _check_consistency(params: Params, loc, by_label) -> list[Finding]:
    """Cross-parameter rules; a violating group falls back to its defaults."""
    findings = []
    defaults = default_params(params.rubric).values
    label_of = {p.key: p.label for p in params.rubric.parameters}

    def reset(keys: list[str], message: str) -> None:
        for k in keys:
            params.values[k] = defaults[k]
        findings.append(Finding(ERROR, message + "，这些参数已恢复默认值", loc(label_of[keys[0]])))

    cps = params.checkpoints()
    months = [m for m, _, _ in cps]
    targets = [t for _, t, _ in cps]
    if months != sorted(set(months)) or targets != sorted(targets):
        keys = [k for k in params.values if k.startswith("execution.")]
        reset(keys, "执行进度检查点的月份和目标进度应逐个递增")
    if params["expense_control.band1"] > params["expense_control.band2"]:
        reset(["expense_control.band1", "expense_control.band2"], "支出控制第一档偏差上限不能大于第二档")
    if params["expense_control.band2_points"] > params["expense_control.points"]:
        reset(["expense_control.band2_points"], "支出控制第二档得分不能大于支出控制分值")
    g = [params["grade.excellent"], params["grade.good"], params["grade.pass"]]
    if not (g[0] >= g[1] >= g[2]):
        reset(["grade.excellent", "grade.good", "grade.pass"], "等级分数线应满足 优 ≥ 良 ≥ 中")
    return findings


def grade(total: Decimal, params: Params) -> str:
    if total >= params["grade.excellent"]:
        return "优"
    if total >= params["grade.good"]:
        return "良"
    if total >= params["grade.pass"]:
        return "中"
    return "差"


# ------------------------------------------------------------------ lint

def lint(params: Params) -> list[Finding]:
    """Arithmetic consistency of the printed form under these parameters (提示 findings)."""
    rubric = params.rubric
    where = Loc(L.PARAMETERS.name, None, None, L.PARAMETERS.sheet)
    maxima = {s.id: line_bounds(s, params) for s in rubric.lines}
    span = {s.id: (b[1] - b[0]) for s, b in zip(rubric.lines, maxima.values())}
    findings = []
    for group in rubric.groups:
        field_name = "level1" if group.level == 1 else "level2"
        members = [s for s in rubric.lines if getattr(s, field_name) == group.name]
        total = sum((span[s.id] for s in members), Decimal(0))
        if members and total != group.points:
            names = "、".join(dict.fromkeys(s.name for s in members))
            findings.append(Finding(INFO, f"评分表口径提示：{'一' if group.level == 1 else '二'}级指标“{group.name}”标注{fmt_num(group.points)}分，"
                                          f"但其下各项（{names}）分值合计{fmt_num(total)}分", where))
    for spec in rubric.lines:
        hi = span[spec.id]
        if spec.criteria_points is not None and spec.criteria_points != hi:
            findings.append(Finding(INFO, f"评分表口径提示：“{spec.name}”分值为{fmt_num(hi)}分，"
                                          f"但计分标准写“得{fmt_num(spec.criteria_points)}分”；本次按{fmt_num(hi)}分计", where))
    top = max_total(params)
    if top != rubric.nominal_total:
        findings.append(Finding(INFO, f"评分表口径提示：各项满分合计{fmt_num(top)}分（扣分项按10分计入），"
                                      f"不是{fmt_num(rubric.nominal_total)}分；可在评分参数中改用 ebian-2023-100（百分制读法）", where))
    return findings
