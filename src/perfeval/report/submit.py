"""The package a department e-mails to the county: ``单位_年度_部门整体支出绩效自评/`` with a
macro-free .xlsx copy of the recalculated workbook, the .docx report, and PDFs of both when
LibreOffice is installed (a note says so when it is not).  The source workbook is never modified:
the copy is recalculated, not the original.

LibreOffice runs in its own process group (session) for a bounded time scaled to the documents; when
it does not finish, the whole group is killed (no orphaned soffice is left behind) and the package
is written without PDFs, with a note — as when LibreOffice is not installed.  Every PDF it made is
checked before it is packaged; a missing or damaged one is left out with a note naming it.  File and
folder names made from the clerk's text (the unit name) are safe on every file system.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import unicodedata
from pathlib import Path

from ..xlsx.export import macro_free_copy
from ..errors import NotComplete, WorkbookError
from ..scoring.results import open_items
from ..xlsx.parts import LEFTOVER_PREFIX, is_read_only, leftover_tag
from ..xlsx.workbook import read_inputs, recalc
from . import write_report

# LibreOffice's time for one conversion run: a base (its start-up with a fresh profile) plus some
# seconds per MB of input, capped.  Module constants so that a test can make them short.
PDF_TIMEOUT_BASE = 60.0
PDF_TIMEOUT_PER_MB = 20.0
PDF_TIMEOUT_MAX = 240.0
PDF_MIN_BYTES = 1024             # smaller than any real page LibreOffice writes
PDF_EOF_WINDOW = 1024            # %%EOF must be within the last 1024 bytes (as PDF readers accept)

# The unit's part of the package's names: at most this many characters and UTF-8 bytes, so that the
# longest name (…_部门整体支出绩效自评_草稿_自评报告.docx, about 60 more bytes) stays far below the
# 255-byte limit of a path component and a whole path stays short on Windows.
UNIT_MAX_CHARS = 40
UNIT_MAX_BYTES = 90

_ILLEGAL = re.compile(r'[<>:"/\\|?*]+')           # not allowed in a Windows file name
_RESERVED = ({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
             | {f"{d}{n}" for d in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]})
_NO_PDF = "可在 Excel/Word 中另存为 PDF"


def safe_name(text: str, *, max_chars: int = UNIT_MAX_CHARS, max_bytes: int = UNIT_MAX_BYTES,
              empty: str = "未填写") -> str:
    """``text`` (the clerk's) as part of a file or folder name on any system: without control and
    format characters (Unicode Cc, Cf — e.g. U+202E, which reverses what follows — and lone
    surrogates) and whitespace, with characters Windows forbids (<>:"/\\|?*) replaced by ``_``,
    without leading and trailing dots or spaces, not a Windows device name (CON, NUL, COM1…), and
    at most ``max_chars`` characters and ``max_bytes`` bytes of UTF-8 (cut between characters)."""
    text = unicodedata.normalize("NFC", str(text))
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs") and not ch.isspace())
    text = _ILLEGAL.sub("_", text).strip(". ")
    text = text[:max_chars]
    while len(text.encode("utf-8")) > max_bytes:
        text = text[:-1]
    text = text.rstrip(". ")
    if text.split(".")[0].upper() in _RESERVED:
        text = "_" + text
    return text or empty


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_timeout(paths: list[Path]) -> float:
    """Seconds LibreOffice may take to convert ``paths``: the base plus some per MB, capped."""
    mb = sum(p.stat().st_size for p in paths if p.exists()) / 1e6
    return min(PDF_TIMEOUT_MAX, PDF_TIMEOUT_BASE + PDF_TIMEOUT_PER_MB * mb)


def pdf_problem(path: Path) -> str | None:
    """Why ``path`` is not a usable PDF (Chinese), or None: it must exist, start with ``%PDF-``,
    end with ``%%EOF`` and not be trivially small."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(5)
            fh.seek(max(0, size - PDF_EOF_WINDOW))
            tail = fh.read()
    except FileNotFoundError:
        return "未生成"
    except OSError as exc:
        return f"无法读取（{exc.strerror or exc}）"
    if size == 0:
        return "是空文件"
    if head != b"%PDF-":
        return "不是 PDF 文件"
    if b"%%EOF" not in tail:
        return "文件不完整"
    if size < PDF_MIN_BYTES:
        return f"只有 {size} 字节，内容不完整"
    return None


def _popen_group_options() -> dict:
    if os.name == "nt":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _has_exited(proc: subprocess.Popen, timeout: float) -> bool:
    """Whether ``proc`` exits within ``timeout`` seconds.  Where the system allows, its exit is
    noticed without reaping it (WNOWAIT): its process group id stays its own until ``proc.wait()``,
    so the group can still be killed safely after it exited."""
    if os.name == "nt" or not hasattr(os, "waitid"):
        try:
            proc.wait(timeout=timeout)
            return True
        except subprocess.TimeoutExpired:
            return False
    deadline = time.monotonic() + timeout
    while True:
        try:
            if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return True
        except ChildProcessError:                    # already reaped
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def _kill_group(proc: subprocess.Popen, *, leader_exited: bool) -> None:
    """Kill ``proc`` and everything it started (its process group / tree)."""
    if os.name == "nt":
        if not leader_exited:
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                subprocess.run(["taskkill", "/T", "/F", "/PID", str(proc.pid)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
            with contextlib.suppress(OSError):
                proc.kill()
        return
    if proc.returncode is not None:                  # reaped: its group id may belong to another now
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)          # the leader, a zombie at most, still holds the id


def run_bounded(cmd: list[str], timeout: float) -> bool:
    """Run ``cmd`` in its own process group, its output discarded; True when it finished within
    ``timeout`` seconds.  Afterwards — finished, timed out, or interrupted (Ctrl-C, SIGTERM) —
    whatever is left of its group is killed, so nothing it started outlives it.  Raises OSError
    when it cannot be started."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, **_popen_group_options())
    exited = False
    try:
        exited = _has_exited(proc, timeout)
        return exited
    finally:
        _kill_group(proc, leader_exited=exited)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)


def to_pdfs(paths: list[Path], outdir: Path, exe: str | None = None) -> tuple[list[Path | None], list[str]]:
    """Each file as PDF in ``outdir`` (None where LibreOffice made no usable one), all in one
    LibreOffice start (its start-up is most of a conversion's time), and the notes (Chinese) for
    the clerk: a timeout, a failed start, each PDF left out and why.  LibreOffice writes into a
    temporary folder; only PDFs that pass :func:`pdf_problem` are moved into ``outdir``, and a
    PDF of the same name left there by an earlier run is removed when the new one is not usable."""
    exe = exe or soffice()
    if exe is None:
        return [None] * len(paths), [f"本机未安装 LibreOffice，未生成 PDF（{_NO_PDF}）"]
    outdir = Path(outdir)
    targets = [outdir / (path.stem + ".pdf") for path in paths]
    with _scratch() as tmp:
        profile, made = Path(tmp) / "profile", Path(tmp) / "pdf"
        made.mkdir()
        timeout = pdf_timeout(paths)
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
               "--outdir", str(made), *map(str, paths)]
        try:
            finished = run_bounded(cmd, timeout)
        except OSError as exc:
            finished, failed = False, f"无法启动 LibreOffice（{exc.strerror or exc}），未生成 PDF（{_NO_PDF}）"
        else:
            failed = None if finished else (f"LibreOffice 转换 PDF 超过 {timeout:.0f} 秒仍未完成，已终止，"
                                            f"未生成 PDF（{_NO_PDF}）")
        pdfs: list[Path | None] = []
        notes = [failed] if failed else []
        for path, target in zip(paths, targets):
            pdf = made / target.name
            problem = pdf_problem(pdf) if finished else "未生成"
            if problem is None:
                _move_into(pdf, target)
                pdfs.append(target)
                continue
            with contextlib.suppress(FileNotFoundError):
                target.unlink()                  # an earlier run's PDF would not match this package
            pdfs.append(None)
            if not finished:
                continue                         # the one note above says it
            if problem == "未生成":
                notes.append(f"{path.name} 未能转换为 PDF（{_NO_PDF}）")
            else:
                notes.append(f"LibreOffice 生成的“{target.name}”{problem}，未放入报送文件夹（{_NO_PDF}）")
    return pdfs, notes


def _move_into(source: Path, target: Path) -> None:
    """Move ``source`` to ``target`` (possibly on another disk) so that ``target`` is never half written."""
    part = target.with_name(f"{LEFTOVER_PREFIX}{os.getpid()}-{leftover_tag(target)}-{target.suffix}")
    try:
        shutil.copyfile(source, part)
        os.replace(part, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()


def _refuse_read_only(folder: Path, names: list[str]) -> None:
    """A read-only file of the package in ``folder`` (an earlier run's) is refused before anything
    is written, with what to do — submit's --force (a 草稿) would not change it."""
    for name in names:
        path = folder / name
        if path.exists() and is_read_only(path):
            raise WorkbookError(f"报送文件夹中的“{name}”是只读文件，未覆盖：请取消该文件的只读属性（或删除该文件）后重试")


def submit(book: str | Path, directory: str | Path | None = None, *, draft: bool = False) -> tuple[Path, list[Path], list[str]]:
    """Build the package; returns (folder, files, notes).  An evaluation that is not complete (a line
    错误 or 未填写) is refused — nothing is written — unless ``draft``: then every name says 草稿."""
    book = Path(book)
    exe = soffice()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / book.name
        shutil.copyfile(book, work)                  # the original is only read; the copy is ours (writable)
        result = recalc(work)
        if not result.complete and not draft:
            problems = result.problems(read_inputs(work).cell_of)
            raise NotComplete(f"自评尚未完成（{open_items(result.input_errors, result.incomplete)}），未生成报送文件。"
                              f"请更正后重新计算（确需草稿时加 --force）：\n" + "\n".join(f"  {p}" for p in problems))
        name = (f"{safe_name(result.unit)}_{safe_name(str(result.year)) if result.year else '年度未填写'}"
                f"_部门整体支出绩效自评" + ("_草稿" * (not result.complete)))
        folder = Path(directory) / name if directory else book.with_name(name)
        xlsx, docx = f"{name}.xlsx", f"{name}_自评报告.docx"
        _refuse_read_only(folder, [xlsx, docx] + ([f"{name}.pdf", f"{name}_自评报告.pdf"] if exe else []))
        folder.mkdir(parents=True, exist_ok=True)
        files = [macro_free_copy(work, folder / xlsx)]
        report, draft = write_report(work, folder / docx)
        files.append(report)
    notes = [f"报告中标为【待填写】：{'、'.join(draft.missing)}"] if draft.missing else []
    notes += draft.notes                                   # what was drafted beside the clerk's own text
    if not result.complete:
        notes.append(f"自评未完成（{open_items(result.input_errors, result.incomplete)}）：报送文件已标为草稿，不能作为正式材料报送")
    pdfs, pdf_notes = to_pdfs(list(files), folder, exe)
    files += [pdf for pdf in pdfs if pdf]
    notes += pdf_notes
    return folder, files, notes


@contextlib.contextmanager
def _scratch():
    """A temporary folder removed afterwards, never failing on what LibreOffice left locked
    (TemporaryDirectory's ignore_cleanup_errors is Python 3.10+)."""
    tmp = tempfile.mkdtemp(prefix="perfeval-pdf-")
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
