"""The package a department e-mails to the county: ``单位_年度_部门整体支出绩效自评/`` with a
macro-free .xlsx copy of the recalculated workbook, the .docx report, and PDFs of both when
LibreOffice is installed (a note says so when it is not).  The source workbook is never modified:
the copy is recalculated, not the original.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..xlsx.export import macro_free_copy
from ..errors import NotComplete
from ..scoring.results import open_items
from ..xlsx.workbook import read_inputs, recalc
from . import write_report


def _safe(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "", text) or "未填写"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdfs(paths: list[Path], outdir: Path) -> list[Path | None]:
    """Each file as PDF in ``outdir`` (None where LibreOffice made none), all in one LibreOffice start
    (its start-up is most of a conversion's time)."""
    exe = soffice()
    if exe is None:
        return [None] * len(paths)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([exe, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(outdir), *map(str, paths)], capture_output=True, timeout=300)
    pdfs = [outdir / (path.stem + ".pdf") for path in paths]
    return [pdf if pdf.exists() else None for pdf in pdfs]


def submit(book: str | Path, directory: str | Path | None = None, *, draft: bool = False) -> tuple[Path, list[Path], list[str]]:
    """Build the package; returns (folder, files, notes).  An evaluation that is not complete (a line
    错误 or 未填写) is refused — nothing is written — unless ``draft``: then every name says 草稿."""
    book = Path(book)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / book.name
        shutil.copy(book, work)                      # the original is only read
        result = recalc(work)
        if not result.complete and not draft:
            problems = result.problems(read_inputs(work).cell_of)
            raise NotComplete(f"自评尚未完成（{open_items(result.input_errors, result.incomplete)}），未生成报送文件。"
                              f"请更正后重新计算（确需草稿时加 --force）：\n" + "\n".join(f"  {p}" for p in problems))
        name = f"{_safe(result.unit)}_{result.year or '年度未填写'}_部门整体支出绩效自评" + ("_草稿" * (not result.complete))
        folder = Path(directory) / name if directory else book.with_name(name)
        folder.mkdir(parents=True, exist_ok=True)
        files = [macro_free_copy(work, folder / f"{name}.xlsx")]
        report, draft = write_report(work, folder / f"{name}_自评报告.docx")
        files.append(report)
    notes = [f"报告中标为【待填写】：{'、'.join(draft.missing)}"] if draft.missing else []
    if not result.complete:
        notes.append(f"自评未完成（{open_items(result.input_errors, result.incomplete)}）：报送文件已标为草稿，不能作为正式材料报送")
    if soffice() is None:
        notes.append("本机未安装 LibreOffice，未生成 PDF（可在 Excel/Word 中另存为 PDF）")
    else:
        for path, pdf in zip(list(files), to_pdfs(files, folder)):
            if pdf:
                files.append(pdf)
            else:
                notes.append(f"{path.name} 未能转换为 PDF")
    return folder, files, notes
