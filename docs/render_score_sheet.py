"""Render the 打分表 of a recalculated workbook to PNG pages in docs/.

- ``python docs/render_score_sheet.py``: the 红旗镇 sample (ebian-2023) → score-sheet-N.png.
- ``python docs/render_score_sheet.py --three-levels``: the 25-line test rubric with three group
  levels (tests/rubrics/county-d-2024.json), filled with 红旗镇's figures and answers chosen so that
  some lines lose points → score-sheet-3levels-N.png.

Needs LibreOffice, poppler-utils and fonts-wqy-microhei (see .ci/run).  Run from the repository root.
"""
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from decimal import Decimal

from perfeval.scoring.inputs import RawTable
from perfeval.scoring.rubric import read_rubric
from perfeval.xlsx.workbook import fill_workbook, new_template, recalc, write_samples

DOCS = Path(__file__).resolve().parent
THREE_LEVELS = DOCS.parent / "tests" / "rubrics" / "county-d-2024.json"
NOT_DONE = {"goal_quantified": "否", "rules_contract": "否", "satisfaction": Decimal("4.2")}


def three_level_book(tmp: Path) -> Path:
    """The 25-line, three-level test rubric's template filled with 红旗镇's figures."""
    from perfeval.samples import hongqi
    rubric = read_rubric(THREE_LEVELS)
    book = new_template(tmp / "丁县测试.xlsm", rubric=rubric)
    tables = {k: v for k, v in hongqi().items() if k not in ("Qualitative", "Parameters")}
    finance = tables["Finance"]
    finance.rows = [[label, {"年初预算数": Decimal("1100"), "全年预算数（调整后）": Decimal("1216.75")}.get(label, value)]
                    for label, value in finance.rows]
    tables["Qualitative"] = RawTable("Qualitative", ["评分项", "填报"],
                                     [[i.label, NOT_DONE.get(i.id, "是")] for i in rubric.items])
    fill_workbook(book, tables)
    return book


def main() -> None:
    soffice = shutil.which("soffice") or sys.exit("LibreOffice (soffice) is required")
    three = "--three-levels" in sys.argv[1:]
    prefix = "score-sheet-3levels" if three else "score-sheet"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        book = three_level_book(tmp) if three else write_samples(tmp)[0]
        recalc(book, now=datetime(2024, 3, 15, 10, 0))
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp), str(book)], check=True, capture_output=True)
        pdf = tmp / (book.stem + ".pdf")
        pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                    text=True).stdout.splitlines() if line.startswith("Pages")))
        for page in range(1, pages + 1):
            if _page_text(pdf, page).lstrip().startswith("县级部门整体绩效自评打分表"):
                last = page          # the header rows repeat on every page of the sheet
                while last < pages and all(h in _page_text(pdf, last + 1) for h in ("一级指标", "扣分原因")):
                    last += 1
                subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", str(page), "-l", str(last),
                                str(pdf), str(tmp / "page")], check=True)
                for i, png in enumerate(sorted(tmp.glob("page*.png")), 1):
                    shutil.copy(png, DOCS / f"{prefix}-{i}.png")
                    print(DOCS / f"{prefix}-{i}.png")
                return
    sys.exit("打分表 page not found")


def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True).stdout


if __name__ == "__main__":
    main()
