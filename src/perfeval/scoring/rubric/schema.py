"""Structural validation of a rubric file against its JSON Schema — the one declaration.

``perfeval-rubric-2.schema.json`` is published for other tools (and checked against the
``jsonschema`` package in the tests); this module interprets the subset of JSON Schema it uses
($ref, type, const, enum, pattern, lengths, bounds, required, properties, additionalProperties,
propertyNames, items, oneOf, allOf) and reports every problem at once, in Chinese, with its JSON
path (``lines[3].rule.bands[1].value``).  Standard library only.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

SCHEMA_FILE = Path(__file__).with_name("perfeval-rubric-2.schema.json")
_TYPE_NAMES = {"object": "对象", "array": "列表", "string": "文字", "number": "数字", "integer": "整数",
               "boolean": "true/false", "null": "null"}


class Problem(NamedTuple):
    path: str
    message: str
    missing: str = ""       # the required key that is absent at ``path`` (to point at its cell)

    def text(self) -> str:
        return f"{self.path or '（文件）'}：{self.message}"


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def join(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def shown(value: object) -> str:
    if isinstance(value, str):
        return f"“{value}”"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "对象"
    if isinstance(value, list):
        return "列表"
    if value is None:
        return "null"
    return str(value)


def _is_type(value: object, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value())
    return not (isinstance(value, (float, Decimal)) and not _finite(value))


def _finite(value) -> bool:
    return value == value and value not in (float("inf"), float("-inf")) if isinstance(value, float) else value.is_finite()


class Validator:
    def __init__(self, root: dict):
        self.root = root
        self.problems: list[Problem] = []

    def ref(self, node: dict) -> dict:
        while "$ref" in node:
            target = self.root
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def title(self, node: dict) -> str:
        return self.ref(node).get("title") or node.get("title") or ""

    def check(self, value: object, node: dict, path: str) -> None:
        title = node.get("title")
        node = self.ref(node)
        title = title or node.get("title")
        if "allOf" in node:
            for sub in node["allOf"]:
                self.check(value, sub, path)
        if "oneOf" in node:
            self.one_of(value, node, path, title)
            return
        if "const" in node and value != node["const"]:
            self.add(path, f"应为 {node['const']}，实为{shown(value)}")
            return
        if "enum" in node and (not isinstance(value, (str, int, float, Decimal)) or value not in node["enum"]):
            self.add(path, f"应为 {'、'.join(map(str, node['enum']))} 之一，实为{shown(value)}")
            return
        types = node.get("type")
        if types:
            types = [types] if isinstance(types, str) else types
            if not any(_is_type(value, t) for t in types):
                want = "或".join(_TYPE_NAMES[t] for t in types)
                self.add(path, f"应为{want}{'（' + title + '）' if title else ''}，实为{shown(value)}")
                return
        if isinstance(value, str):
            if len(value) < node.get("minLength", 0):
                self.add(path, "不能为空")
            elif "pattern" in node and not re.search(node["pattern"], value):
                self.add(path, f"格式不正确{'，应为' + title if title else ''}，实为{shown(value)}")
        if _is_type(value, "number"):
            if "minimum" in node and value < node["minimum"]:
                self.add(path, f"应不小于{node['minimum']}，实为{value}")
            if "exclusiveMinimum" in node and value <= node["exclusiveMinimum"]:
                self.add(path, f"应大于{node['exclusiveMinimum']}，实为{value}")
            if "maximum" in node and value > node["maximum"]:
                self.add(path, f"应不大于{node['maximum']}，实为{value}")
        if isinstance(value, list):
            if len(value) < node.get("minItems", 0):
                self.add(path, f"至少应有{node['minItems']}项")
            if "maxItems" in node and len(value) > node["maxItems"]:
                self.add(path, f"最多{node['maxItems']}项")
            if "items" in node:
                for i, item in enumerate(value):
                    self.check(item, node["items"], join(path, i))
        if isinstance(value, dict):
            self.object(value, node, path)

    def object(self, value: dict, node: dict, path: str) -> None:
        if len(value) < node.get("minProperties", 0):
            self.add(path, "不能为空")
        if "maxProperties" in node and len(value) > node["maxProperties"]:
            self.add(path, f"只能有{node['maxProperties']}个键")
        for key in node.get("required", ()):
            if key not in value:
                self.add(path, f"缺少“{key}”", missing=key)
        props = node.get("properties", {})
        extra = node.get("additionalProperties", True)
        for key, item in value.items():
            if "propertyNames" in node:
                self.check(key, node["propertyNames"], join(path, key))
            if key in props:
                self.check(item, props[key], join(path, key))
            elif extra is False:
                self.add(join(path, key), f"未知的键“{key}”")
            elif isinstance(extra, dict):
                self.check(item, extra, join(path, key))

    def one_of(self, value: object, node: dict, path: str, title: str | None) -> None:
        branches = [self.ref(b) for b in node["oneOf"]]
        consts = [b.get("properties", {}).get("type", {}).get("const") for b in branches]
        if all(consts):                                  # discriminated by "type" (the rule types)
            if not isinstance(value, dict):
                self.add(path, f"应为对象（{title or '计分方法'}），实为{shown(value)}")
                return
            kind = value.get("type")
            if kind not in consts:
                self.add(join(path, "type"), f"未知的计分方法{shown(kind)}（可用：{'、'.join(consts)}）")
                return
            self.check(value, branches[consts.index(kind)], path)
            return
        trials = []
        for branch in node["oneOf"]:
            sub = Validator(self.root)
            sub.check(value, branch, path)
            if not sub.problems:
                return
            trials.append((self.ref(branch), sub.problems))
        if isinstance(value, dict):                      # the branch whose required keys are present
            for branch, problems in trials:
                if branch.get("required") and all(k in value for k in branch["required"]):
                    self.problems += problems
                    return
        self.add(path, f"应为{title or '规定的格式'}，实为{shown(value)}")

    def add(self, path: str, message: str, missing: str = "") -> None:
        self.problems.append(Problem(path, message, missing))


def validate(data: object) -> list[Problem]:
    """Every structural problem of a parsed rubric file (empty when it fits the schema)."""
    v = Validator(schema())
    v.check(data, schema(), "")
    return v.problems
