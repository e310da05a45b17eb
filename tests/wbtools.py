"""Helpers for workbook tests: package parts, LibreOffice conversion."""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
_skip_without = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")


def needs_libreoffice(test):
    """Marked ``libreoffice`` (``pytest -m "not libreoffice"`` leaves these out) and skipped without it."""
    return pytest.mark.libreoffice(_skip_without(test))
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "excel-made"       # vendored: a plain clone runs every test


def parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def convert(path: Path, fmt: str, outdir: Path, *, recalc: bool = False) -> Path:
    """Run LibreOffice headless with a private profile; return the converted file.

    ``recalc=True`` makes LibreOffice recalculate every formula on load (by default it keeps
    the cached values of .xlsx/.xlsm files)."""
    return convert_many([path], fmt, outdir, recalc=recalc)[0]


def convert_many(paths: list[Path], fmt: str, outdir: Path, *, recalc: bool = False, profile: Path | None = None) -> list[Path]:
    """Convert several files in one LibreOffice start (its start-up is most of a conversion's time);
    the outputs in the order of ``paths``, whose names must differ."""
    assert len({p.stem for p in paths}) == len(paths), "one output per name"
    outdir.mkdir(parents=True, exist_ok=True)
    profile = profile or outdir / "lo-profile"
    if recalc:
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                           "--outdir", str(outdir), *map(str, paths)], capture_output=True, text=True,
                          timeout=120 + 30 * len(paths))
    ext = fmt.split(":")[0]
    outs = [outdir / (Path(path).stem + "." + ext) for path in paths]
    missing = [o.name for o in outs if not o.exists()]
    assert not missing, f"LibreOffice failed on {missing}: {proc.stdout} {proc.stderr}"
    return outs


def write_values(path: str | Path, sheet: str, cells: dict[tuple[int, int], object], out: str | Path | None = None) -> None:
    """Write plain values into one sheet of any workbook; every other part is copied as is (a test's edit)."""
    from perfeval.errors import WorkbookError
    from perfeval.xlsx.package import Package
    from perfeval.xlsx.parts import SheetEditor, write_package
    pkg = Package.open(str(path))
    if sheet not in pkg.sheets:
        raise WorkbookError(f"工作簿中没有工作表“{sheet}”")
    ed = SheetEditor(pkg.read(pkg.sheets[sheet]))
    for (r, c), value in cells.items():
        ed.set(r, c, value)
    write_package(pkg.zf, Path(out) if out else Path(path), {pkg.sheets[sheet]: ed.serialize()})


def pdf_pages(pdf: Path) -> list[str]:
    """Each page's text (pdftotext), in order — the docs' render scripts use the same helper."""
    import sys
    docs = str(Path(__file__).resolve().parents[1] / "docs")
    if docs not in sys.path:
        sys.path.insert(0, docs)
    from _render import page_texts
    return page_texts(pdf)


_TYPE_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub TypeCells(url As String, sheetName As String, cells As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot; : args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(url, &quot;_blank&quot;, 0, args())
  sheet = doc.Sheets.getByName(sheetName)
  parts = Split(cells, &quot;|&quot;)
  For i = 0 To UBound(parts) Step 2
    sheet.getCellRangeByName(parts(i)).setFormula(parts(i + 1))
  Next i
  Dim save(0) As New com.sun.star.beans.PropertyValue
  save(0).Name = &quot;FilterName&quot; : save(0).Value = &quot;Calc MS Excel 2007 VBA XML&quot;
  doc.storeToURL(url, save())
  doc.close(True)
End Sub
</script:module>
"""


def libreoffice_type(path: Path, sheet: str, cells: dict[str, str], profile: Path) -> None:
    """Type into cells the way a clerk does in LibreOffice Calc — each entry as the input line takes it
    (setFormula: "12" becomes a number, "是" text) — and save as .xlsm, by a Basic macro in a private
    profile (no Python-UNO needed).  LibreOffice replaces the profile's Standard library on its first
    start, so the profile is made first and the macro written into it after."""
    module = profile / "user" / "basic" / "Standard" / "Module1.xba"
    if not module.exists():
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--terminate_after_init"],
                       capture_output=True, timeout=120)
    module.write_text(_TYPE_MACRO, encoding="utf-8")
    spec = "|".join(f"{cell}|{value}" for cell, value in cells.items())
    url = Path(path).resolve().as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
                    f'macro:///Standard.Module1.TypeCells("{url}","{sheet}","{spec}")'],
                   capture_output=True, timeout=120, check=True)
