"""JSON values as (path, value) rows and back, losslessly: the 规则参数 and 算例 sheets.

A path is written as the schema reports problems: ``bands[1].value``; a key that holds ``.``, ``[``,
``]`` or ``"`` is quoted: ``labels["bands.0.value"]``.  An empty object or list is one row whose
value is ``{}`` or ``[]``; JSON null is the text ``null``.  Standard library only.
"""
from __future__ import annotations

import re
from decimal import Decimal

from .declare import NULL_TEXT

_PLAIN = re.compile(r"[^.\[\]\"]+\Z")


def join(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    text = str(key)
    if not _PLAIN.match(text):
        return f'{path}["{text}"]'
    return f"{path}.{text}" if path else text


def flatten(value: object, path: str = "") -> list[tuple[str, object]]:
    """Every leaf of ``value`` with its path, in order."""
    if isinstance(value, dict):
        if not value:
            return [(path, "{}")]
        return [row for key, item in value.items() for row in flatten(item, join(path, key))]
    if isinstance(value, list):
        if not value:
            return [(path, "[]")]
        return [row for i, item in enumerate(value) for row in flatten(item, join(path, i))]
    return [(path, NULL_TEXT if value is None else value)]


_TOKEN = re.compile(r'\[(\d+)\]|\["([^"]*)"\]|\.?([^.\[\]"]+)')


class PathError(ValueError):
    pass


def parse(path: str) -> list[object]:
    """``bands[1].value`` → ["bands", 1, "value"] (PathError when it cannot be read)."""
    out, pos = [], 0
    text = path.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or (m.group(3) is not None and pos > 0 and text[pos] != "."):
            raise PathError(f"参数写法“{path}”无法识别（例：bands[0].value）")
        index, quoted, key = m.groups()
        out.append(int(index) if index is not None else quoted if quoted is not None else key)
        pos = m.end()
    if not out:
        raise PathError("参数为空")
    return out


def leaf(value: object) -> object:
    """A cell's value as JSON: ``null``, ``{}``, ``[]`` markers; numbers as int or Decimal."""
    if isinstance(value, str):
        marker = value.strip()
        if marker == NULL_TEXT:
            return None
        if marker == "{}":
            return {}
        if marker == "[]":
            return []
        return value
    return value


def place(root: dict, steps: list[object], value: object) -> str:
    """Put ``value`` at ``steps`` inside ``root`` (lists grow in order); a problem text or ""."""
    node: object = root
    for i, step in enumerate(steps):
        last = i == len(steps) - 1
        following = None if last else steps[i + 1]
        fresh: object = value if last else ([] if isinstance(following, int) else {})
        if isinstance(step, int):
            if not isinstance(node, list):
                return "此处应为列表的下标以外的写法"
            if step > len(node):
                return f"列表下标{step}不连续（应从0开始逐个递增）"
            if step == len(node):
                node.append(fresh)
            elif last:
                return "与另一行重复"
        else:
            if not isinstance(node, dict):
                return "此处是列表，应写作 [0]、[1] …"
            if step not in node:
                node[step] = fresh
            elif last:
                return "与另一行重复"
        node = node[step]
        if not last and not isinstance(node, (dict, list)):
            return "与另一行的写法冲突"
    return ""


def number(value: object) -> object:
    """A spreadsheet number as the JSON the rubric files hold: int when whole, else exact Decimal."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    d = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return int(d) if d == d.to_integral_value() and abs(d) < 10 ** 15 else d.normalize()
