"""Render the ebian-2023 authoring workbook (perfeval rubric export ebian-2023) to PNG pages in docs/:
authoring-1.png (使用说明, first page), authoring-lines.png (指标), authoring-params.png (规则参数).

Needs LibreOffice, poppler-utils and fonts-wqy-microhei (see .ci/run).  Run from the repository root:
``python docs/render_authoring.py``.
"""
import tempfile
from pathlib import Path

from _render import page_texts, to_pdf, to_png
from perfeval.authoring import export
from perfeval.scoring.rubric import load_rubric

PAGES = {"perfeval 评分标准编写说明": "authoring-1.png", "评分项（打分表的每一行）": "authoring-lines.png",
         "计分方法的参数（每项一行）": "authoring-params.png"}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        pdf = to_pdf(export(load_rubric("ebian-2023").data, tmp / "ebian-2023.xlsx"), tmp)
        done = set()
        for page, text in enumerate(page_texts(pdf), 1):
            name = PAGES.get(text.lstrip().split("\n", 1)[0].strip())
            if name and name not in done:
                done.add(name)
                to_png(pdf, page, name, tmp, dpi=100)


if __name__ == "__main__":
    main()
