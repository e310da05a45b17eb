"""Lint of a rubric's worked examples: every line, item, input and metric they name must exist."""
from __future__ import annotations

from decimal import Decimal

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
        for key, want in e.expected.items():
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
