"""Render the ebian-2023 authoring workbook (perfeval rubric export ebian-2023) to PNG pages in docs/:
authoring-1.png (使用说明, first page), authoring-lines.png (指标), authoring-params.png (规则参数).

Needs LibreOffice, poppler-utils and fonts-wqy-microhei (see .ci/run).  Run from the repository root:
``python docs/render_authoring.py``.
"""
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from perfeval.authoring import export
from perfeval.scoring.rubric import load_rubric

DOCS = Path(__file__).resolve().parent
PAGES = {"perfeval 评分标准编写说明": "authoring-1.png", "评分项（打分表的每一行）": "authoring-lines.png",
         "计分方法的参数（每项一行）": "authoring-params.png"}


def main() -> None:
    soffice = shutil.which("soffice") or sys.exit("LibreOffice (soffice) is required")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        book = export(load_rubric("ebian-2023").data, tmp / "ebian-2023.xlsx")
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp), str(book)], check=True, capture_output=True)
        pdf = tmp / "ebian-2023.pdf"
        done = set()
        for page in range(1, 60):
            out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True)
            if out.returncode:
                break
            first = out.stdout.lstrip().split("\n", 1)[0].strip()
            name = PAGES.get(first)
            if name and name not in done:
                done.add(name)
                subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", "-f", str(page), "-l", str(page),
                                str(pdf), str(tmp / "page")], check=True)
                shutil.copy(tmp / "page.png", DOCS / name)
                print(DOCS / name)


if __name__ == "__main__":
    main()
