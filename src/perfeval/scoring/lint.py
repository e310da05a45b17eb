"""The rubric lint: defects of the file (each with its JSON path) and the arithmetic of the
printed form (group points against their lines, the total against the line maxima, 计分标准
texts that state other points) — reported, never hidden, never raised."""
from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from .. import layout as L
from .metrics import LIBRARY
from .model import ERROR, INFO, WARNING, Finding, Loc
from .numbers import fmt_num
from .rubric import Rubric, shipped_ids, shipped_index
from .ruletypes import RULE_TYPES
from ._examples_refs import example_problems

LEVELS = "一二三"


class Issue(NamedTuple):
    severity: str
    path: str
    message: str

    def text(self) -> str:
        return f"{self.path}：{self.message}" if self.path else self.message


def _ancestors(rubric: Rubric, group) -> set[str]:
    out, gid = set(), group.parent
    while gid and gid not in out and rubric.group(gid) is not None:
        out.add(gid)
        gid = rubric.group(gid).parent
    return out


def _group_cycle(rubric: Rubric, group) -> list[str]:
    """The chain of parents from ``group`` back to itself, or [] when it reaches a first-level group."""
    chain, gid = [group.id], group.parent
    while gid:
        if gid == group.id:
            return chain + [gid]
        if gid in chain:
            return []                         # a cycle above this group: reported at its own members
        parent = rubric.group(gid)
        if parent is None:
            return []
        chain.append(gid)
        gid = parent.parent
    return []


def defects(rubric: Rubric) -> list[Issue]:
    """References that do not resolve, cycles, ordering and duplicate ids (errors) and
    inconsistencies a county should look at (warnings)."""
    out: list[Issue] = []
    err = lambda path, message: out.append(Issue(ERROR, path, message))      # noqa: E731
    for kind, rows in (("分组", rubric.groups), ("定性项目", rubric.items), ("其他数据", rubric.inputs), ("指标", rubric.lines)):
        seen = set()
        for i, row in enumerate(rows):
            if row.id in seen:
                err(f"{_key(kind)}[{i}].id", f"{kind}编号“{row.id}”重复")
            seen.add(row.id)
    cyclic = {g.id for g in rubric.groups if _group_cycle(rubric, g)}
    for i, g in enumerate(rubric.groups):
        if g.parent and rubric.group(g.parent) is None:
            err(f"groups[{i}].parent", f"未知的上级分组“{g.parent}”")
        elif _group_cycle(rubric, g):
            err(f"groups[{i}].parent", f"分组“{g.id}”的上级分组形成循环（{' → '.join(_group_cycle(rubric, g))}）")
        elif g.level > 3 and not _ancestors(rubric, g) & cyclic:
            err(f"groups[{i}]", "分组最多三级")
    mins = [m for _, m in rubric.grades]
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        err("grades", "等级应从高到低排列，最低分逐个递减（如 优 90、良 80、中 60、差 0）")
    for i, item in enumerate(rubric.items):
        if item.kind == "choice" and not item.choices:
            err(f"items[{i}].choices", "choice 类型的项目应给出 choices")
        if item.blank is not None and not _blank_fits(item):
            err(f"items[{i}].blank", f"留空时的取值“{item.blank}”不是{item.kind}类型项目可填的值")
    labels: dict[str, int] = {}
    for i, spec in enumerate(rubric.lines):
        if rubric.group(spec.group) is None:
            err(f"lines[{i}].group", f"未知的分组“{spec.group}”")
        for path, message in RULE_TYPES[spec.kind].references(spec.rule, rubric):
            err(f"lines[{i}].rule.{path}", message)
        total = getattr(RULE_TYPES[spec.kind], "parts_total", None)
        if total and total(spec.rule) != spec.points:
            out.append(Issue(WARNING, f"lines[{i}].points", f"“{spec.label}”分值{fmt_num(spec.points)}分，"
                                                            f"但各子项分值合计{fmt_num(total(spec.rule))}分"))
        if spec.label in labels:
            out.append(Issue(WARNING, f"lines[{i}].label", f"“{spec.label}”与第{labels[spec.label] + 1}项同名，请用 label 区分"))
        labels.setdefault(spec.label, i)
    for name, tree in rubric.metrics.items():
        if name in LIBRARY:
            err(f"metrics.{name}", f"自定义指标“{name}”与指标库中的指标同名")
        for path, ref in _leaves(tree, f"metrics.{name}"):
            kind, _, target = ref.partition(":")
            if kind == "input" and rubric.input(target) is None:
                err(path, f"未知的其他数据（input）“{target}”")
            elif kind == "item" and rubric.item(target) is None:
                err(path, f"未知的定性项目（item）“{target}”")
            elif kind == "metric" and target not in LIBRARY and target not in rubric.metrics:
                err(path, f"未知的指标“{target}”")
        cycle = _cycle(name, rubric.metrics)
        if cycle:
            err(f"metrics.{name}", f"自定义指标循环引用：{' → '.join(cycle)}")
    from .params import parameters
    shared: dict[str, list[str]] = {}
    for p in parameters(rubric):
        if "（lines." in p.label:                 # a label given to parameters of different values
            shared.setdefault(p.label.split("（lines.")[0], []).append(p.key)
    for label, keys in shared.items():
        out.append(Issue(WARNING, keys[0], f"参数名称“{label}”用于取值不同的几个参数，评分参数中将分别列出"))
    out += [Issue(ERROR, p, m) for p, m in example_problems(rubric)]
    return out


def _blank_fits(item) -> bool:
    """An item's ``blank`` must be an answer of its kind: 是/否, a whole count ≥ 0, a number ≥ 0, a choice."""
    from .numbers import parse_amount, parse_count, parse_yes_no
    if item.kind == "yes_no":
        return parse_yes_no(item.blank).ok
    if item.kind == "choice":
        return item.blank in item.choices
    parsed = (parse_count if item.kind == "count" else parse_amount)(item.blank)
    return parsed.ok and parsed.value is not None


def _key(kind: str) -> str:
    return {"分组": "groups", "定性项目": "items", "其他数据": "inputs", "指标": "lines"}[kind]


def _leaves(tree, path):
    if isinstance(tree, dict):
        op, args = next(iter(tree.items()))
        for i, arg in enumerate(args if isinstance(args, list) else [args]):
            yield from _leaves(arg, f"{path}.{op}[{i}]" if isinstance(args, list) else f"{path}.{op}")
    elif isinstance(tree, str):
        yield path, tree


def _cycle(start: str, metrics: dict, stack: tuple = ()) -> list[str] | None:
    if start in stack:
        return list(stack[stack.index(start):]) + [start]
    tree = metrics.get(start)
    if tree is None:
        return None
    for _, ref in _leaves(tree, ""):
        kind, _, target = ref.partition(":")
        if kind == "metric" and target in metrics:
            found = _cycle(target, metrics, stack + (start,))
            if found:
                return found
    return None


def form_lint(params) -> list[Finding]:
    """Arithmetic consistency of the printed form under these parameters (提示 findings)."""
    where = Loc(L.PARAMETERS.name, None, None, L.PARAMETERS.sheet)
    return [Finding(i.severity, i.message, where) for i in form_issues(params)]


def form_issues(params) -> list[Issue]:
    """``form_lint`` with the rubric path each concerns (a group's points, a line's 计分标准, the total)."""
    rubric = params.rubric
    span = {s.id: params.points(s) for s in rubric.lines}
    findings = []
    for g, group in enumerate(rubric.groups):
        members = rubric.members(group)
        total = sum((span[s.id] for s in members), Decimal(0))
        if members and total != group.points:
            names = "、".join(dict.fromkeys(s.label if s.name != group.name else s.name for s in members))
            findings.append(Issue(INFO, f"groups[{g}].points", f"评分表口径提示：{LEVELS[min(group.level, 3) - 1]}级指标“{group.name}”标注"
                                        f"{fmt_num(group.points)}分，但其下各项（{names}）分值合计{fmt_num(total)}分"))
    for n, spec in enumerate(rubric.lines):
        if spec.criteria_points is not None and spec.criteria_points != span[spec.id]:
            findings.append(Issue(INFO, f"lines[{n}].criteria_points", f"评分表口径提示：“{spec.label}”分值为{fmt_num(span[spec.id])}分，"
                                        f"但计分标准写“得{fmt_num(spec.criteria_points)}分”；本次按{fmt_num(span[spec.id])}分计"))
    from .params import max_total
    top = max_total(params)
    if top != rubric.total:
        findings.append(Issue(INFO, "total", f"评分表口径提示：各项满分合计{fmt_num(top)}分{_why(rubric, params)}，"
                                    f"不是{fmt_num(rubric.total)}分{_alternative(rubric)}"))
    return findings


def _alternatives(rubric: Rubric) -> list[str]:
    """Ids of the shipped readings of the same form (same region, year and scope) whose maxima add up."""
    index = shipped_index()
    return [rid for rid in shipped_ids() if rid != rubric.id and rid in index and index[rid]["adds_up"]
            and (index[rid]["region"], index[rid]["year"], index[rid]["scope"]) == (rubric.region, rubric.year, rubric.scope)]


def _why(rubric: Rubric, params) -> str:
    """Lines another reading of the form treats as pure deductions, counted here as points."""
    for rid in _alternatives(rubric):
        deductions = set(shipped_index()[rid]["deductions"])
        names = [s for s in rubric.lines if not s.deduction and s.id in deductions]
        if names:
            return "（" + "、".join(f"{s.label}按{fmt_num(params.points(s))}分计入" for s in names) + "）"
    return ""


def _alternative(rubric: Rubric) -> str:
    index = shipped_index()
    others = _alternatives(rubric)
    if not others:
        return ""
    return "；可在评分参数中改用 " + "、".join(f"{rid}（{index[rid]['version'] or index[rid]['title']}）" for rid in others)
