"""Recalculating where macros cannot run, and installing where there is no internet.

``install_drop_targets`` writes ``perfeval 重新计算.cmd`` into the Windows 发送到 (SendTo) folder
and onto the desktop: a workbook sent to it, or dropped on it, is recalculated by
``perfeval recalc`` in a console window that shows the result (score, grade, findings, or
the Chinese error) and stays until a key is pressed — for WPS 表格, LibreOffice, and Office
with macros blocked.  Batch files are read by cmd.exe in the OEM code page, so they are
written in it (cp936 on Chinese Windows) and a path it cannot hold goes through %VARIABLES%.

``bundle`` builds the offline install kit: this project's wheel plus the win_amd64 wheels of
its dependencies for the supported Python versions, and ``安装.cmd`` that installs from that
folder with ``--no-index`` and runs the setup.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..errors import NotSupported
from .setup import portable

SCRIPT_NAME = "perfeval 重新计算.cmd"
PYTHON_VERSIONS = ("3.11", "3.12", "3.13")
DEPENDENCIES = ("click>=8.1", "defusedxml>=0.7", "XlsxWriter>=3.1", "xlwings>=0.37.8,<0.38")


def oem_encoding() -> str:
    """The console (OEM) code page batch files are read in."""
    if sys.platform == "win32":
        import ctypes
        return f"cp{ctypes.windll.kernel32.GetOEMCP()}"
    return "utf-8"


def drop_script(python: str, chinese: bool = True) -> str:
    """The batch file: recalculates every file given (dropped or sent), then waits for a key.
    Its own two hints are in English where the console's code page has no Chinese (perfeval's
    output is printed in the console's encoding either way)."""
    hint = ("请把工作簿拖到此图标上，或在工作簿上点右键：发送到 - perfeval 重新计算。" if chinese else
            "Drop workbooks on this icon, or right-click a workbook: Send to - perfeval.")
    close = "按任意键关闭此窗口。" if chinese else "Press any key to close this window."
    return "\r\n".join([
        "@echo off",
        "rem perfeval: recalculate the workbooks dropped on this icon or sent to it (perfeval recalc)",
        "setlocal",
        'if "%~1"=="" (',
        f"  echo {hint}",
        "  pause",
        "  exit /b 0",
        ")",
        ":next",
        'if "%~1"=="" goto done',
        f'"{python}" -m perfeval recalc "%~1"',
        "shift",
        "goto next",
        ":done",
        "echo.",
        f"echo {close}",
        "pause >nul",
        "",
    ])


def _holds_chinese(encoding: str) -> bool:
    try:
        "重新计算".encode(encoding)
        return True
    except UnicodeError:
        return False


def drop_targets(environ: dict[str, str] | None = None, home: Path | None = None) -> list[Path]:
    """Where the script goes: the user's 发送到 folder and desktop (OneDrive's desktop too)."""
    environ = dict(os.environ if environ is None else environ)
    home = home or Path(environ.get("USERPROFILE") or Path.home())
    folders = []
    if environ.get("APPDATA"):
        folders.append(Path(environ["APPDATA"]) / "Microsoft" / "Windows" / "SendTo")
    folders.append(home / "Desktop")
    onedrive = environ.get("OneDrive") or environ.get("ONEDRIVE")
    if onedrive and (Path(onedrive) / "Desktop").is_dir():
        folders.append(Path(onedrive) / "Desktop")
    return [folder / SCRIPT_NAME for folder in folders]


def install_drop_targets(*, platform: str | None = None, encoding: str | None = None, executable: str | None = None,
                         environ: dict[str, str] | None = None, home: Path | None = None) -> list[Path]:
    """Write the drop/发送到 script to every target; returns the files written."""
    if (platform or sys.platform) != "win32":
        raise NotSupported("发送到和桌面图标用于 Windows 电脑；本机可直接运行 perfeval recalc 文件名")
    encoding = encoding or oem_encoding()
    python = portable(executable or sys.executable, encoding, environ)
    text = drop_script(python, chinese=_holds_chinese(encoding)).encode(encoding)
    written = []
    for target in drop_targets(environ, home):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text)
        written.append(target)
    return written


# ------------------------------------------------------------------ offline install kit

def install_script() -> str:
    """安装.cmd: install from the kit's folder only, then set up Excel and the drop targets."""
    return "\r\n".join([
        "@echo off",
        "rem perfeval offline install: no internet needed; run on the clerk's PC",
        "setlocal",
        'cd /d "%~dp0"',
        "where py >nul 2>nul && (set PY=py -3) || (set PY=python)",
        "%PY% -m pip install --no-index --find-links \"%~dp0wheels\" perfeval",
        "if errorlevel 1 (",
        "  echo 安装失败：请确认已安装 Python 3.11、3.12 或 3.13（64 位），安装时勾选 Add python.exe to PATH。",
        "  pause",
        "  exit /b 1",
        ")",
        "%PY% -m perfeval setup-excel",
        "%PY% -m perfeval setup-windows",
        "echo 安装完成。打开工作簿，启用宏，点击“重新计算”；或把工作簿拖到桌面上的“perfeval 重新计算”图标。",
        "pause",
        "",
    ])


def bundle(directory: Path, source: Path, *, versions: tuple[str, ...] = PYTHON_VERSIONS,
           run=subprocess.run, encoding: str = "gbk") -> list[Path]:
    """Build the offline kit in ``directory``: wheels/ (perfeval's own wheel built from ``source``,
    the win_amd64 wheels of its dependencies for each Python version) and 安装.cmd (in
    ``encoding``, the OEM code page of Chinese Windows by default).  Returns the wheels."""
    wheels = directory / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip"]
    run(pip + ["wheel", "--no-deps", "--wheel-dir", str(wheels), str(source)], check=True)
    for version in versions:
        run(pip + ["download", "--only-binary=:all:", "--platform", "win_amd64", "--python-version", version,
                   "--implementation", "cp", "--dest", str(wheels), *DEPENDENCIES], check=True)
    (directory / "安装.cmd").write_bytes(install_script().encode(encoding))
    (directory / "说明.txt").write_text(
        "perfeval 离线安装包\r\n1. 在办公电脑上安装 Python 3.11/3.12/3.13（64 位，python.org），勾选 Add python.exe to PATH。\r\n"
        "2. 把整个文件夹复制到该电脑，双击“安装.cmd”。\r\n3. 打开工作簿，启用宏，点击“重新计算”。\r\n",
        encoding="utf-8-sig")
    return sorted(wheels.glob("*.whl"))
