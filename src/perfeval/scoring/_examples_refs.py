"""Lint of a rubric's worked examples: every line, item, input and metric they name must exist."""
from __future__ import annotations

from decimal import Decimal

from .. import layout as L
from .inputs import normalize_label
from .metrics import LIBRARY


def example_problems(rubric) -> list[tuple[str, str]]:
    out = []
    lines = {s.id: s for s in rubric.lines}
    for e in rubric.examples:
        base = f"examples[{e.index}]"
        for key in e.items:
            if rubric.item(key) is None:
                out.append((f"{base}.items.{key}", f"算例“{e.name}”中的定性项目“{key}”不存在"))
        for key in e.inputs:
            if rubric.input(key) is None:
                out.append((f"{base}.inputs.{key}", f"算例“{e.name}”中的其他数据“{key}”不存在"))
        for key in e.metrics:
            if key not in LIBRARY:
                out.append((f"{base}.metrics.{key}", f"算例“{e.name}”中的指标“{key}”不在指标库中（自定义指标总是计算得出）"))
        out += _table_problems(e, base)
        for key, want in e.expected.items():
            if not key.startswith("metric:") and "/" not in key and isinstance(want, str) \
                    and want.strip() not in ("未填写", "不适用", "错误"):
                out.append((f"{base}.expected.{key}", f"算例“{e.name}”中“{key}”的预期得分“{want}”应为数字、null（不计入）或 未填写/不适用/错误"))
            if (key.startswith("metric:") or "/" in key) and want is not None and not isinstance(want, (int, float, Decimal)):
                out.append((f"{base}.expected.{key}", f"算例“{e.name}”中的“{key}”应为数字或 null"))
            if key.startswith("metric:"):
                name = key[7:]
                if name not in LIBRARY and name not in rubric.metrics:
                    out.append((f"{base}.expected.{key}", f"算例“{e.name}”中的指标“{name}”不存在"))
                continue
            line_id = key.split("/", 1)[0]
            if line_id not in lines:
                out.append((f"{base}.expected.{key}", f"算例“{e.name}”中的指标项“{line_id}”不存在"))
            elif "/" in key and lines[line_id].kind != "weighted_indicators":
                out.append((f"{base}.expected.{key}", f"“{line_id}”不是按指标加权计分，不能给出单个指标的得分"))
    return out


def _table_problems(example, base: str) -> list[tuple[str, str]]:
    """Columns (and key-value rows) an example's tables name must exist in the workbook's tables."""
    out = []
    for name, rows in example.tables.items():
        table = next((t for t in L.INPUT_TABLES if t.name.lower() == name.lower()), None)
        if table is None:
            continue                                  # reported when the example runs (表格不存在)
        headers = {normalize_label(h) for c in table.columns for h in (c.header,) + c.aliases}
        if table.is_keyvalue and isinstance(rows, dict):
            labels = {normalize_label(r.label) for r in table.rows}
            for key in rows:
                if labels and normalize_label(key) not in labels:
                    out.append((f"{base}.tables.{name}.{key}", f"算例“{example.name}”：{table.sheet}中没有“{key}”一行"))
        elif isinstance(rows, list):
            for i, row in enumerate(rows):
                for key in (row if isinstance(row, dict) else {}):
                    if normalize_label(key) not in headers:
                        out.append((f"{base}.tables.{name}[{i}].{key}", f"算例“{example.name}”：{table.sheet}中没有“{key}”一列"))
    return out
