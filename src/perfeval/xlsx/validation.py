"""Data validation of the template's input cells: a column's or row's kind (layout.Kind), and a
定性评价 answer by its item's kind (every kind also takes 不适用)."""
from __future__ import annotations

from .. import layout as L
from .. import render as R
from ..scoring.numbers import fmt_num


def kind_validation(ws, kind: L.Kind, choices: tuple[str, ...], first: int, col: int, last: int, help_text: str) -> None:
    """The kind's own validation (layout.Kind), else a list of the column's choices; input help."""
    opts: dict = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kind.validation}
    if not opts and choices:
        opts = {"validate": "list", "source": list(choices), "error_type": "warning",
                "error_message": "请从下拉列表中选择"}
    help_text = help_text or kind.help
    if not opts and not help_text:
        return
    if not opts:
        opts = {"validate": "any"}
    if help_text:
        opts.update({"input_title": "填写说明", "input_message": help_text[:250]})
    ws.data_validation(first, col, last, col, opts)


NOT_APPLICABLE = "不适用"


def answer_validation(ws, item, most, row: int, col: int, help_text: str) -> None:
    """A 定性评价 answer by its item's kind; every kind also takes 不适用 (the line's na applies):
    是/否 a list, a score 是/否 or 0 to the points the rule gives it, a count a whole number ≥ 0."""
    cell = f"{R.cell_name(row, col)}"
    either = f'{cell}="{NOT_APPLICABLE}"'
    if item.kind == "yes_no":
        opts = {"validate": "list", "source": list(L.YES_NO_CHOICES) + [NOT_APPLICABLE], "error_type": "warning",
                "error_message": "请选择“是”“否”或“不适用”"}
    elif item.kind == "choice":
        opts = {"validate": "list", "source": list(item.choices) + [NOT_APPLICABLE], "error_type": "warning",
                "error_message": "请从下拉列表中选择"}
    elif item.kind == "score":
        top = f",{cell}<={fmt_num(most)}" if most is not None else ""
        opts = {"validate": "custom", "value": f'=OR({cell}="是",{cell}="否",{either},AND(ISNUMBER({cell}),{cell}>=0{top}))',
                "error_type": "warning",
                "error_message": f"填“是”“否”“不适用”，或0至{fmt_num(most)}的分数" if most is not None else "填“是”“否”“不适用”或分数"}
    elif item.kind == "count":
        opts = {"validate": "custom", "value": f"=OR({either},AND(ISNUMBER({cell}),{cell}>=0,{cell}=INT({cell})))",
                "error_type": "warning", "error_message": "请输入不小于0的整数，或“不适用”"}
    else:
        opts = {"validate": "custom", "value": f"=OR({either},AND(ISNUMBER({cell}),{cell}>=0))",
                "error_type": "warning", "error_message": "请输入不小于0的数，或“不适用”"}
    if help_text:
        opts.update({"input_title": "填写说明", "input_message": help_text[:250]})
    ws.data_validation(row, col, row, col, opts)
