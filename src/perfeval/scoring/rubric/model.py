"""A rubric file (``perfeval-rubric/2``) as plain objects: groups, items, inputs, metric trees,
lines with their rule (kept as the file's JSON, numbers exact), grades and worked examples.

Built only from data that passed the schema (``schema.validate``).  ``canonical`` is the
rubric's canonical JSON (sorted keys, no spaces, exact numbers) and ``checksum`` its 校验码:
the first 8 hex digits of its SHA-256.
"""
from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

DEFAULT_GRADES = (("优", Decimal(90)), ("良", Decimal(80)), ("中", Decimal(60)), ("差", Decimal(0)))
NA_POLICIES = ("zero", "full", "exclude")


def dec(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


class Group(NamedTuple):
    id: str
    name: str
    points: Decimal
    parent: str = ""
    level: int = 1


class Item(NamedTuple):
    id: str
    label: str
    kind: str                       # yes_no | score | count | number | choice
    choices: tuple[str, ...] = ()
    blank: object = None            # the value a blank answer stands for (None: blank = 未填写)
    help: str = ""


class InputDef(NamedTuple):
    id: str
    label: str
    kind: str                       # amount | count | number | rate | days
    help: str = ""


class LineSpec(NamedTuple):
    id: str
    group: str
    name: str                       # the 三级指标 as printed
    label: str                      # the name shown in reasons and JSON (= name unless two lines share it)
    points: Decimal
    rule: dict
    explanation: str = ""
    criteria: str = ""
    criteria_points: Decimal | None = None
    methods: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    note: str = ""
    na: str = "zero"
    deduction: bool = False

    @property
    def kind(self) -> str:
        return self.rule["type"]


class Example(NamedTuple):
    name: str
    items: dict
    inputs: dict
    metrics: dict
    tables: dict
    expected: dict
    index: int = 0


class Rubric:
    """One county's form.  Everything a rule, the template or a report needs is looked up here."""

    __slots__ = ("id", "title", "region", "source", "version", "year", "scope", "total", "locked", "grades",
                 "groups", "items", "inputs", "metrics", "lines", "examples", "data", "origin", "_canonical", "_checksum",
                 "_groups", "_items", "_inputs", "_lines")

    def __init__(self, data: dict, origin: str = ""):
        self.data = data
        self.origin = origin
        self.id, self.title, self.year = data["id"], data["title"], int(data["year"])
        self.region, self.source, self.version = data.get("region", ""), data.get("source", ""), data.get("version", "")
        self.scope, self.total, self.locked = data.get("scope", "department"), dec(data["total"]), data.get("locked", False)
        grades = data.get("grades")
        self.grades = tuple((g["name"], dec(g["min"])) for g in grades) if grades else DEFAULT_GRADES
        parents = {g["id"]: g.get("parent", "") for g in data["groups"]}
        self.groups = tuple(Group(g["id"], g["name"], dec(g["points"]), g.get("parent", ""),
                                  _depth(g["id"], parents)) for g in data["groups"])
        self.items = tuple(Item(i["id"], i["label"], i["kind"], tuple(i.get("choices", ())), i.get("blank"),
                                i.get("help", "")) for i in data.get("items", ()))
        self.inputs = tuple(InputDef(i["id"], i["label"], i["kind"], i.get("help", "")) for i in data.get("inputs", ()))
        self.metrics = dict(data.get("metrics", {}))
        self.lines = tuple(LineSpec(
            id=d["id"], group=d["group"], name=d["name"], label=d.get("label") or d["name"], points=dec(d["points"]),
            rule=d["rule"], explanation=d.get("explanation", ""), criteria=d.get("criteria", ""),
            criteria_points=dec(d["criteria_points"]) if "criteria_points" in d else None,
            methods=tuple(d.get("methods", ())), attributes=tuple(d.get("attributes", ())), note=d.get("note", ""),
            na=d.get("na", "zero"), deduction=bool(d.get("deduction", False))) for d in data["lines"])
        self.examples = tuple(Example(e["name"], e.get("items", {}), e.get("inputs", {}), e.get("metrics", {}),
                                      e.get("tables", {}), e["expected"], i)
                              for i, e in enumerate(data.get("examples", ())))
        self._canonical = None
        self._checksum = None
        self._groups = {g.id: g for g in self.groups}
        self._items = {i.id: i for i in self.items}
        self._inputs = {i.id: i for i in self.inputs}
        self._lines = {s.id: s for s in self.lines}

    @property
    def canonical(self) -> str:
        if self._canonical is None:
            self._canonical = canonical_json(self.data)
        return self._canonical

    @property
    def checksum(self) -> str:
        """The 校验码: the first 8 hex digits of SHA-256 of the canonical JSON (hashlib loaded on use)."""
        if self._checksum is None:
            import hashlib
            self._checksum = hashlib.sha256(self.canonical.encode("utf-8")).hexdigest()[:8]
        return self._checksum

    def __repr__(self) -> str:
        return f"Rubric({self.id!r}, {self.checksum})"

    def line(self, line_id: str) -> LineSpec:
        return self._lines[line_id]

    def group(self, group_id: str) -> Group | None:
        return self._groups.get(group_id)

    def item(self, item_id: str) -> Item | None:
        return self._items.get(item_id)

    def input(self, input_id: str) -> InputDef | None:
        return self._inputs.get(input_id)

    def chain(self, spec: LineSpec) -> tuple[Group, ...]:
        """The line's groups, outermost first (one to three levels)."""
        out, seen, gid = [], set(), spec.group
        while gid and gid in self._groups and gid not in seen:
            seen.add(gid)
            out.append(self._groups[gid])
            gid = self._groups[gid].parent
        return tuple(reversed(out))

    def members(self, group: Group) -> list[LineSpec]:
        """The lines in a group or any group below it, in form order."""
        return [s for s in self.lines if group in self.chain(s)]


def _depth(gid: str, parents: dict[str, str]) -> int:
    depth, seen = 1, {gid}
    while parents.get(gid) and parents[gid] in parents and parents[gid] not in seen:
        gid = parents[gid]
        seen.add(gid)
        depth += 1
    return depth


def canonical_json(value: object) -> str:
    """Sorted keys, no whitespace, UTF-8 text, numbers exact and without exponent (0.10 → 0.1)."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{canonical_json(str(k))}:{canonical_json(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, (int, float, Decimal)):
        d = dec(value)
        return format(d.to_integral_value() if d == d.to_integral_value() else d.normalize(), "f")
    import json
    return json.dumps(value, ensure_ascii=False)
