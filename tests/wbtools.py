"""Helpers for workbook tests: package parts, LibreOffice conversion."""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

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
    ext = fmt.split(":")[0]
    outs = [outdir / (Path(path).stem + "." + ext) for path in paths]
    todo = []
    for path, out in zip(paths, outs):        # already converted by the session's LibreOffice jobs: the same bytes
        kept = CONVERTED / _content_name(_digest(path), fmt, recalc, out.suffix) if CONVERTED else None
        if kept is not None and kept.exists():
            shutil.copy(kept, out)
        else:
            todo.append(path)
    if not todo:
        return outs
    profile = profile or outdir / "lo-profile"
    if recalc:
        (profile / "user").mkdir(parents=True, exist_ok=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    proc = subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                           "--outdir", str(outdir), *map(str, todo)], capture_output=True, text=True,
                          timeout=120 + 30 * len(todo))
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


# ------------------------------------------------------------------ one LibreOffice start for the session
#
# LibreOffice's start-up (about 2 s) was much of each LibreOffice test.  A test module registers what it
# has LibreOffice do as a job (``@libreoffice_job``: a function that builds the input files in a folder);
# the session fixture ``libreoffice`` (tests/conftest.py) builds every job of the selected tests and has
# one LibreOffice start do them all, by a Basic macro that loads each file and stores it with the filter
# ``--convert-to`` would use — or types into it first, as a clerk does (``typing=``).

@dataclass(frozen=True)
class LibreOfficeJob:
    name: str
    build: Callable        # build(folder) -> the input paths, or (the input paths, anything to hand the test)
    fmt: str               # as for convert(): "pdf", "ods", "csv[:filter:options]", "xlsm:Calc MS Excel 2007 VBA XML"
    recalc: bool = False   # LibreOffice recalculates every formula on load (by default it keeps the cached values)
    typing: bool = False   # the extra the builder hands over is (sheet, {cell: text}) to type into each input


@dataclass
class LibreOfficeDone:
    inputs: list           # the files the job built
    outputs: list          # what LibreOffice made of each, in the same order
    extra: object = None   # what the builder handed over besides the inputs
    error: str = ""        # the builder's traceback, if it failed (only its tests fail)


JOBS: dict[str, LibreOfficeJob] = {}


def libreoffice_job(fmt: str, *, recalc: bool = False, typing: bool = False):
    """Register a builder as a LibreOffice job (the decorated name becomes the job, passed to the
    ``libreoffice`` fixture); the module's tests that use the fixture get it done in the session's one start."""
    def register(build) -> LibreOfficeJob:
        job = LibreOfficeJob(f"{build.__module__}.{build.__name__}", build, fmt, recalc, typing)
        JOBS[job.name] = job
        return job
    return register


_DEFAULT_FILTERS = {"pdf": "pdf", "ods": "calc8", "csv": "Text - txt - csv (StarCalc)"}   # "pdf": Calc's or Writer's


def _filter(fmt: str) -> tuple[str, str, str]:
    """The extension, filter name and filter options of a ``--convert-to`` argument."""
    ext, _, rest = fmt.partition(":")
    name, _, options = rest.partition(":")
    return ext, name or _DEFAULT_FILTERS[ext], options


_FARM_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub RunJobs(specUrl As String)
  Rem one job a line, tab-separated: kind, input URL, filter, filter options, output URL, recalc (0/1), sheet, cells
  Dim sfa As Object, tis As Object, specLine As String, usual As Integer
  usual = RecalcAccess().getPropertyValue(&quot;OOXMLRecalcMode&quot;)
  sfa = createUnoService(&quot;com.sun.star.ucb.SimpleFileAccess&quot;)
  tis = createUnoService(&quot;com.sun.star.io.TextInputStream&quot;)
  tis.setInputStream(sfa.openFileRead(specUrl))
  tis.setEncoding(&quot;UTF-8&quot;)
  Do While Not tis.isEOF()
    specLine = tis.readLine()
    If Len(specLine) &gt; 0 Then RunJob(Split(specLine, Chr(9)), usual)
  Loop
  tis.closeInput()
End Sub

Sub LogJob(what As String)
  Rem a line per job done, in jobs.log beside the jobs: the system's milliseconds, and the output's URL
  Dim n As Integer
  n = FreeFile
  Open Environ(&quot;PERFEVAL_LO_JOBS_LOG&quot;) For Append As #n
  Print #n, GetSystemTicks() &amp; &quot; &quot; &amp; what
  Close #n
End Sub

Function RecalcAccess() As Object
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;nodepath&quot; : args(0).Value = &quot;/org.openoffice.Office.Calc/Formula/Load&quot;
  RecalcAccess = createUnoService(&quot;com.sun.star.configuration.ConfigurationProvider&quot;).createInstanceWithArguments( _
    &quot;com.sun.star.configuration.ConfigurationUpdateAccess&quot;, args())
End Function

Sub RunJob(p As Variant, usual As Integer)
  Dim doc As Object, cfg As Object, cells As Variant, i As Integer
  Dim loadArgs(0) As New com.sun.star.beans.PropertyValue
  Dim storeArgs(1) As New com.sun.star.beans.PropertyValue
  On Error Goto Failed
  cfg = RecalcAccess()
  If p(5) = &quot;1&quot; Then cfg.setPropertyValue(&quot;OOXMLRecalcMode&quot;, 0) Else cfg.setPropertyValue(&quot;OOXMLRecalcMode&quot;, usual)
  cfg.commitChanges()
  loadArgs(0).Name = &quot;Hidden&quot; : loadArgs(0).Value = True
  doc = StarDesktop.loadComponentFromURL(p(1), &quot;_blank&quot;, 0, loadArgs())
  If p(0) = &quot;type&quot; Then
    cells = Split(p(7), Chr(31))
    For i = 0 To UBound(cells) - 1 Step 2
      doc.Sheets.getByName(p(6)).getCellRangeByName(cells(i)).setFormula(cells(i + 1))
    Next i
  End If
  storeArgs(0).Name = &quot;FilterName&quot; : storeArgs(0).Value = p(2)
  If p(2) = &quot;pdf&quot; Then
    If doc.supportsService(&quot;com.sun.star.sheet.SpreadsheetDocument&quot;) Then storeArgs(0).Value = &quot;calc_pdf_Export&quot; Else storeArgs(0).Value = &quot;writer_pdf_Export&quot;
  End If
  storeArgs(1).Name = &quot;FilterOptions&quot; : storeArgs(1).Value = p(3)
  doc.storeToURL(p(4), storeArgs())
  doc.close(True)
  LogJob(p(4))
  Exit Sub
Failed:
  Rem the test finds the output missing; the next job goes on
  On Error Resume Next
  If Not IsNull(doc) Then doc.close(True)
End Sub
</script:module>
"""


def _digest(path: Path) -> str:
    import hashlib
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run_jobs(jobs: list[LibreOfficeJob], folder: Path) -> dict[str, LibreOfficeDone]:
    """Build every job's inputs under ``folder`` and do all the jobs in one LibreOffice start; an input
    converted the same way twice (the same bytes, format and recalculation) is converted once.  Each
    output's copy is also kept in ``folder / "by-content"`` for ``convert_many``.  A failed job's outputs
    are missing (its tests fail on that); the others are done."""
    import os
    import signal
    import time
    started = time.monotonic()
    done, lines, first = {}, [], {}
    for n, job in enumerate(jobs):
        home = folder / f"job{n}"
        (home / "in").mkdir(parents=True, exist_ok=True)
        (home / "out").mkdir(exist_ok=True)
        try:
            built = job.build(home / "in")
        except Exception:
            import traceback
            done[job.name] = LibreOfficeDone([], [], None, traceback.format_exc())
            continue
        inputs, extra = (built if isinstance(built, tuple) else (built, None))
        inputs = [Path(p) for p in inputs]
        assert len({p.stem for p in inputs}) == len(inputs), "one output per name"
        ext, name, options = _filter(job.fmt)
        outputs = [home / "out" / f"{p.stem}.{ext}" for p in inputs]
        done[job.name] = LibreOfficeDone(inputs, outputs, extra)
        sheet, cells = extra if job.typing else ("", {})
        spec = "".join(f"{cell}\x1f{text}\x1f" for cell, text in cells.items())
        for src, out in zip(inputs, outputs):
            key = (_digest(src), job.fmt, job.recalc, spec or None)
            if key in first:                      # the same conversion again: a copy of the first
                first[key][1].append(out)
                continue
            first[key] = (out, [])
            lines.append("\t".join(["type" if job.typing else "convert", src.resolve().as_uri(), name, options,
                                    out.resolve().as_uri(), "1" if job.recalc else "0", sheet, spec]))
    built_in = time.monotonic() - started
    profile = folder / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--terminate_after_init"],
                   capture_output=True, timeout=120)
    (profile / "user" / "basic" / "Standard").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "basic" / "Standard" / "Module1.xba").write_text(_FARM_MACRO, encoding="utf-8")
    spec = folder / "jobs.tsv"
    spec.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    proc = subprocess.Popen([SOFFICE, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
                             f'macro:///Standard.Module1.RunJobs("{spec.resolve().as_uri()}")'],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                            env=dict(os.environ, PERFEVAL_LO_JOBS_LOG=str(folder / "jobs.log")))
    try:
        log = proc.communicate(timeout=120 + 30 * len(lines))[0]
    except subprocess.TimeoutExpired:             # a dialog LibreOffice waits on, headless: end it, report what is missing
        os.killpg(proc.pid, signal.SIGKILL)
        log = proc.communicate()[0] + b"\n(LibreOffice timed out)"
    (folder / "libreoffice.log").write_bytes(log + f"\n{len(jobs)} jobs built in {built_in:.1f} s; {len(lines)} conversions "
                                                   f"in {time.monotonic() - started - built_in:.1f} s\n".encode())
    by_content = folder / "by-content"
    by_content.mkdir(exist_ok=True)
    for (digest, fmt, recalc, typed), (out, copies) in first.items():
        if out.exists():
            for copy in copies:
                shutil.copy(out, copy)
            if typed is None:                     # written whole, then renamed: another worker may be reading
                kept = by_content / _content_name(digest, fmt, recalc, out.suffix)
                shutil.copy(out, kept.with_name(kept.name + ".part"))
                os.replace(kept.with_name(kept.name + ".part"), kept)
    return done


def _content_name(digest: str, fmt: str, recalc: bool, suffix: str) -> str:
    import hashlib
    return hashlib.sha256(f"{digest}|{fmt}|{recalc}".encode()).hexdigest()[:32] + suffix


CONVERTED = None     # set by tests/conftest.py: where the session's jobs keep their outputs by content
SHARED = None        # set by tests/conftest.py: a folder every worker of the run sees


@contextmanager
def locked(path: Path):
    """An exclusive lock across the run's worker processes (a no-op where fcntl is missing)."""
    try:
        import fcntl
    except ImportError:                       # Windows: SHARED is each worker's own there
        yield
        return
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def samples(folder: Path, *, blank: bool = False) -> list[Path]:
    """What ``write_samples(folder, blank=blank)`` writes: written once a run by perfeval's own writer
    (into SHARED, under a lock) and copied, for tests that start from the samples as the current code
    writes them."""
    from perfeval.xlsx.workbook import write_samples
    if SHARED is None:
        return write_samples(folder, blank=blank)
    written = SHARED / "samples"
    with locked(SHARED / "samples.lock"):
        if not (written / "done").exists():
            names = [p.name for p in write_samples(written, blank=True)]
            (written / "done").write_text("\n".join(names), encoding="utf-8")
    names = (written / "done").read_text(encoding="utf-8").split("\n")
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(written / name, folder / name)) for name in names[0 if blank else 1:]]
