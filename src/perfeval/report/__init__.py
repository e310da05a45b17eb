"""The 自评报告 (Word) of a workbook: ``write_report`` is this layer's entry point.

``draft.py`` turns a scored workbook into plain paragraphs and tables (testable without Word);
``docx.py`` writes them as .docx; ``submit.py`` packages the report with the workbook and its
macro-free copy; ``button.py`` is the 生成自评报告 button.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import WorkbookError
from .draft import PLACEHOLDER, Draft, draft, phrases
from .docx import to_docx

__all__ = ["PLACEHOLDER", "Draft", "draft", "phrases", "to_docx", "write_report"]


def write_report(book: str | Path, out: str | Path | None = None) -> tuple[Path, Draft]:
    """Draft the report of ``book`` and write it (atomically) to ``out`` or beside the workbook."""
    from ..xlsx.parts import write_atomically
    from ..xlsx.workbook import score_workbook
    book = Path(book)
    result, data = score_workbook(book)
    d = draft(result, data.tables, data.cell_of)
    target = Path(out) if out else book.with_name(f"{book.stem}_自评报告.docx")
    if target.suffix.lower() != ".docx":
        raise WorkbookError(f"自评报告应保存为 .docx：{target.name}")
    write_atomically(target, lambda tmp: to_docx(d, Path(tmp)))
    return target, d
