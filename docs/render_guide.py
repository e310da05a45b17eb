"""Render the screenshots of docs/使用指南.md (what the clerk sees at each step) to docs/guide-*.png.

Rerun after the workbook, the messages or the commands change: ``python docs/render_guide.py`` from
the repository root.  Needs LibreOffice, poppler-utils and fonts-wqy-microhei (see .ci/run).

- guide-kit.png: the offline kit's 说明.txt (perfeval bundle-windows writes it);
- guide-rubric.png: the template's 评分标准 sheet (which form, its 校验码);
- guide-cover.png: the template's 使用说明 sheet;
- guide-findings.png / guide-score-errors.png: 校验结果 and 打分表 of a workbook filled with the
  mistakes clerks make (a blank answer, “是的”, “约50” in an amount, a date in a month);
- guide-console.png: what recalc, report, submit and new --from print (run for real, in-process).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from click.testing import CliRunner

from _render import page_texts, to_pdf, to_png

from perfeval.cli import main as cli
from perfeval.samples import hongqi
from perfeval.xlsx.workbook import fill_workbook, new_template, recalc

ROOT = Path(__file__).resolve().parents[1]


def mistakes_book(folder: Path) -> Path:
    """红旗镇's inputs with four mistakes clerks make (docs/使用指南.md quotes what perfeval says)."""
    tables = hongqi()
    for row in tables["Finance"].rows:
        if row[0] == "结转结余":
            row[1] = "约50"
    tables["Qualitative"].rows[0][1] = None
    tables["Qualitative"].rows[10][1] = "是的"
    tables["MonthlySpending"].rows[0][3] = datetime(2023, 2, 1)
    template = new_template(folder / "模板.xlsm")
    book = folder / "红旗镇2023自评.xlsm"
    fill_workbook(template, tables, out=book)
    return book


def _page(pdf: Path, starts: str) -> int | None:
    return next((n for n, text in enumerate(page_texts(pdf), 1) if text.lstrip().startswith(starts)), None)


def console(folder: Path) -> str:
    """A console session: the commands of the guide and what perfeval prints for them."""
    lines = []
    for args in (["recalc", "红旗镇2023自评.xlsm"], ["report", "红旗镇2023自评.xlsm"], ["submit", "红旗镇2023自评.xlsm"],
                 ["new", "红旗镇2024自评.xlsm", "--from", "红旗镇2023自评.xlsm"]):
        here = Path(tempfile.mkdtemp(dir=folder))
        shutil.copy(folder / "红旗镇2023自评.xlsm", here / "红旗镇2023自评.xlsm")
        cwd = os.getcwd()
        os.chdir(here)
        try:
            out = CliRunner().invoke(cli, args)
        finally:
            os.chdir(cwd)
        lines += [f"D:\\自评> perfeval {' '.join(args)}"] + out.output.rstrip().splitlines() + [""]
    return "\n".join(lines)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        from perfeval.install.kits import windows_readme
        text = tmp / "离线安装包说明.txt"
        text.write_text(windows_readme(), encoding="utf-8")
        to_png(to_pdf(text, tmp), 1, "guide-kit.png", tmp, dpi=80)
        book = mistakes_book(tmp)
        recalc(book, now=datetime(2024, 3, 15, 10, 0))
        pdf = to_pdf(book, tmp)
        from perfeval.scoring.rubric import load_rubric
        for starts, name in (("部门整体支出绩效自评工作簿", "guide-cover.png"), ("校验结果", "guide-findings.png"),
                             ("县级部门整体绩效自评打分表", "guide-score-errors.png"),
                             (load_rubric().title, "guide-rubric.png")):
            page = _page(pdf, starts)
            if page:
                to_png(pdf, page, name, tmp, dpi=80)
        good = tmp / "good"
        good.mkdir()
        fill_workbook(new_template(good / "模板.xlsm"), hongqi(), out=good / "红旗镇2023自评.xlsm")
        transcript = tmp / "命令行.txt"
        transcript.write_text(console(good), encoding="utf-8")
        to_png(to_pdf(transcript, tmp), 1, "guide-console.png", tmp, dpi=80)


if __name__ == "__main__":
    main()
