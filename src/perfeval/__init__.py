"""perfeval — 部门整体支出绩效自评: score the county's 打分表 from a department's workbook.

Public API (stable)::

    import perfeval
    result = perfeval.score_file("红旗镇2023自评.xlsm")     # read and score, write nothing
    print(result.total, result.grade)
    perfeval.recalc("红旗镇2023自评.xlsm")                   # write the results into the file
    perfeval.new_template("空白模板.xlsm")                   # a blank workbook with the button

Layers (one subpackage each): ``scoring`` (pure engine), ``xlsx`` (file adapter), ``excel``
(live-Excel adapter), ``vba`` (VBA project from text); ``layout`` and ``render`` are shared.
The names below load lazily so that ``import perfeval.excel`` (the button's click path)
stays light.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["Result", "new_template", "recalc", "score_file"]

_LAZY = {
    "score_file": ("perfeval.xlsx.workbook", "score_file"),
    "recalc": ("perfeval.xlsx.workbook", "recalc"),
    "new_template": ("perfeval.xlsx.workbook", "new_template"),
    "Result": ("perfeval.scoring.results", "Result"),
}

if TYPE_CHECKING:  # pragma: no cover
    from .scoring.results import Result
    from .xlsx.workbook import new_template, recalc, score_file


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module
        module, attr = _LAZY[name]
        value = getattr(import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'perfeval' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
