"""Render every page of the three reference reports to docs/report/: the 红旗镇 and 五渡镇 samples as
shipped (the seeds' own texts in 报告文字) and 红旗镇 with 报告文字 blank (everything drafted).

    python docs/render_reports.py        # needs LibreOffice and poppler-utils (pdftoppm, pdftotext)

Prints each report's page count; the pages are docs/report/<name>-NN.png at 45 dpi.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from _render import DOCS, page_texts, to_pdf

ROOT = DOCS.parent
OUT = DOCS / "report"


def books(tmp: Path) -> dict[str, Path]:
    from perfeval.samples import hongqi
    from perfeval.xlsx.workbook import fill_workbook
    found = {}
    for name, sample in (("hongqi", "红旗镇2023自评.xlsm"), ("wudu", "五渡镇2023自评.xlsm"), ("hongqi-blank", "红旗镇2023自评.xlsm")):
        book = tmp / f"{name}.xlsm"
        shutil.copy(ROOT / "workbook_templates" / sample, book)
        found[name] = book
    blank = hongqi()["ReportText"]
    for row in blank.rows:
        row[1] = None
    fill_workbook(found["hongqi-blank"], {"ReportText": blank})
    return found


def main() -> None:
    from perfeval.report import write_report
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, book in books(tmp).items():
            path, _ = write_report(book, tmp / f"{name}.docx")
            pdf = to_pdf(path, tmp)
            pages = len(page_texts(pdf))
            subprocess.run(["pdftoppm", "-png", "-r", "45", str(pdf), str(OUT / name)], check=True)
            print(f"{name}: {pages} pages")


if __name__ == "__main__":
    main()
