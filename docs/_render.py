"""Shared steps of the docs/render_*.py scripts: LibreOffice → PDF → PNG of chosen pages."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent


def soffice() -> str:
    return shutil.which("soffice") or shutil.which("libreoffice") or sys.exit("LibreOffice (soffice) is required")


def to_pdf(path: Path, tmp: Path) -> Path:
    subprocess.run([soffice(), f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp), str(path)], check=True, capture_output=True)
    return tmp / (path.stem + ".pdf")


def page_texts(pdf: Path) -> list[str]:
    """Each page's text, in order."""
    out = []
    for page in range(1, 200):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True)
        if text.returncode:
            break
        out.append(text.stdout)
    return out


def to_png(pdf: Path, page: int, name: str, tmp: Path, dpi: int = 90) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-singlefile", "-f", str(page), "-l", str(page), str(pdf),
                    str(tmp / "page")], check=True)
    shutil.copy(tmp / "page.png", DOCS / name)
    print(DOCS / name)
