"""The 生成自评报告 button: recalculate the open workbook, save it, draft the report beside it.

The macro calls ``RunPython "import perfeval.report.button; perfeval.report.button.main()"``.
The report is drafted from the saved file, so the workbook is recalculated (live adapter) and
saved first; every failure is a Chinese message box.
"""
from __future__ import annotations

from pathlib import Path

from ..excel.adapter import _alert, run


def main() -> None:
    import xlwings as xw
    make_report(xw.Book.caller())


def make_report(book) -> Path | None:
    from . import write_report
    result = run(book, announce=False)
    if result is None:
        return None                                  # run() has told the clerk why
    try:
        book.save()
        path, draft = write_report(book.fullname)
    except Exception as exc:  # noqa: BLE001 - a message, never a traceback
        _alert(book, f"生成自评报告失败：{exc}\n\n请先保存工作簿（不要在“受保护的视图”中打开），再点击“生成自评报告”。")
        return None
    note = f"\n以下内容未填写，报告中标为【待填写】：{'、'.join(draft.missing)}" if draft.missing else ""
    note += "".join(f"\n提示：{n}" for n in draft.notes)
    if draft.is_draft:
        shown = draft.problems[:8] + ([f"……共{len(draft.problems)}处，见“校验结果”"] if len(draft.problems) > 8 else [])
        note = "\n\n自评尚未完成，报告已标为草稿（不能报送）。需更正：\n" + "\n".join(shown) + note
    _alert(book, f"已生成自评报告：{path}{note}")
    return path

