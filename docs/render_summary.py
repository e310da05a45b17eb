"""Render the roll-up of the bundled samples to docs/summary-ranking.png (排名) and
docs/summary-grades.png (等级分布).  红旗镇 is scored under ebian-2023 and 五渡镇 under ebian-2023-100,
so the two are ranked in separate groups (different forms are never ranked together).

Needs LibreOffice, poppler-utils and fonts-wqy-microhei (see .ci/run).  Run from the repository root:
``python docs/render_summary.py``.
"""
import tempfile
from pathlib import Path

from _render import page_texts, to_pdf, to_png
from perfeval.summary import run
from perfeval.xlsx.workbook import write_samples

PAGES = {"排名": "summary-ranking.png", "等级分布": "summary-grades.png"}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_samples(tmp / "收件箱")
        run([tmp / "收件箱"], tmp / "汇总.xlsx", jobs=1)
        pdf = to_pdf(tmp / "汇总.xlsx", tmp)
        for page, text in enumerate(page_texts(pdf), 1):
            title = text.lstrip().split("\n", 1)[0]
            for sheet, name in PAGES.items():
                if title.endswith(f"— {sheet}"):
                    to_png(pdf, page, name, tmp)


if __name__ == "__main__":
    main()
