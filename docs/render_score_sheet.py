"""Render the 打分表 of the recalculated 红旗镇 sample to docs/score-sheet.png.

Needs LibreOffice, poppler-utils and fonts-wqy-microhei (see .ci/run).  Run from the
repository root: ``python docs/render_score_sheet.py``.
"""
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from perfeval.xlsx.workbook import recalc, write_samples

DOCS = Path(__file__).resolve().parent


def main() -> None:
    soffice = shutil.which("soffice") or sys.exit("LibreOffice (soffice) is required")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        book = write_samples(tmp)[0]
        recalc(book, now=datetime(2024, 3, 15, 10, 0))
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp), str(book)], check=True, capture_output=True)
        pdf = tmp / (book.stem + ".pdf")
        pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                    text=True).stdout.splitlines() if line.startswith("Pages")))
        for page in range(1, pages + 1):
            text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                                  capture_output=True, text=True).stdout
            if text.lstrip().startswith("县级部门整体绩效自评打分表"):
                subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", str(page), "-l", str(page + 1),
                                str(pdf), str(tmp / "page")], check=True)
                for i, png in enumerate(sorted(tmp.glob("page*.png")), 1):
                    shutil.copy(png, DOCS / f"score-sheet-{i}.png")
                    print(DOCS / f"score-sheet-{i}.png")
                return
    sys.exit("打分表 page not found")


if __name__ == "__main__":
    main()
