"""Render the roll-up of the bundled samples to docs/summary-ranking.png (排名) and
docs/summary-grades.png (等级分布).  红旗镇 is scored under ebian-2023 and 五渡镇 under ebian-2023-100,
so the two are ranked in separate groups (different forms are never ranked together).

Needs LibreOffice, poppler-utils and fonts-wqy-microhei (see .ci/run).  Run from the repository root:
``python docs/render_summary.py``.
"""
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from perfeval.summary import run
from perfeval.xlsx.workbook import write_samples

DOCS = Path(__file__).resolve().parent
PAGES = {"排名": "summary-ranking.png", "等级分布": "summary-grades.png"}


def main() -> None:
    soffice = shutil.which("soffice") or sys.exit("LibreOffice (soffice) is required")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_samples(tmp / "收件箱")
        out = tmp / "汇总.xlsx"
        run([tmp / "收件箱"], out, jobs=1)
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp), str(out)], check=True, capture_output=True)
        pdf = tmp / "汇总.pdf"
        for page in range(1, 40):
            text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True)
            if text.returncode:
                break
            title = text.stdout.lstrip().split("\n", 1)[0]
            for sheet, name in PAGES.items():
                if title.endswith(f"— {sheet}"):
                    subprocess.run(["pdftoppm", "-png", "-r", "90", "-singlefile", "-f", str(page), "-l", str(page),
                                    str(pdf), str(tmp / "page")], check=True)
                    shutil.copy(tmp / "page.png", DOCS / name)
                    print(DOCS / name)


if __name__ == "__main__":
    main()
