"""Helpers for workbook tests: package parts, LibreOffice conversion."""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "excel-made"


def parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def convert(path: Path, fmt: str, outdir: Path) -> Path:
    """Run LibreOffice headless with a private profile; return the converted file."""
    profile = outdir / "lo-profile"
    outdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                           "--outdir", str(outdir), str(path)], capture_output=True, text=True, timeout=180)
    ext = fmt.split(":")[0]
    out = outdir / (path.stem + "." + ext)
    assert out.exists(), f"LibreOffice failed: {proc.stdout} {proc.stderr}"
    return out
