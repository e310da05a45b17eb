"""Recalculating where macros cannot run, and installing where there is no internet.

``install_drop_targets`` writes ``perfeval 重新计算.cmd`` into the Windows 发送到 (SendTo) folder
and onto the desktop: a workbook sent to it, or dropped on it, is recalculated by
``perfeval recalc`` in a console window that shows the result (score, grade, findings, or
the Chinese error) and stays until a key is pressed — for WPS 表格, LibreOffice, and Office
with macros blocked.  Batch files are read by cmd.exe in the OEM code page, so they are
written in it (cp936 on Chinese Windows) and a path it cannot hold goes through %VARIABLES%.

The desktop is the user's real one (the known-folder API: a desktop moved to another drive with 桌面搬家
or redirected by policy), with OneDrive's desktop too.  The offline kit is ``perfeval.install``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..errors import NotSupported
from .setup import portable

SCRIPT_NAME = "perfeval 重新计算.cmd"


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


def known_desktop() -> Path | None:
    """The desktop folder Windows itself uses (SHGetKnownFolderPath(FOLDERID_Desktop)): where 桌面搬家
    or a policy moved it, not %USERPROFILE%\\Desktop.  None off Windows or when the call fails."""
    if sys.platform != "win32":
        return None
    import ctypes
    from ctypes import wintypes
    import uuid

    class GUID(ctypes.Structure):
        _fields_ = [("Data1", wintypes.DWORD), ("Data2", wintypes.WORD), ("Data3", wintypes.WORD),
                    ("Data4", ctypes.c_ubyte * 8)]
    raw = uuid.UUID("{B4BFCC3A-DB2C-424C-B029-7FE99A87C641}").bytes_le      # FOLDERID_Desktop
    guid = GUID.from_buffer_copy(raw)
    path = ctypes.c_wchar_p()
    try:
        if ctypes.windll.shell32.SHGetKnownFolderPath(ctypes.byref(guid), 0, None, ctypes.byref(path)) != 0:
            return None
        return Path(path.value)
    except (OSError, AttributeError):
        return None
    finally:
        if path:
            ctypes.windll.ole32.CoTaskMemFree(path)


def drop_targets(environ: dict[str, str] | None = None, home: Path | None = None,
                 desktop: Path | None = None) -> list[Path]:
    """Where the script goes: the user's 发送到 folder and desktop (the known folder, else
    %USERPROFILE%\\Desktop), and OneDrive's desktop when it is another folder."""
    environ = dict(os.environ if environ is None else environ)
    home = home or Path(environ.get("USERPROFILE") or Path.home())
    folders = []
    if environ.get("APPDATA"):
        folders.append(Path(environ["APPDATA"]) / "Microsoft" / "Windows" / "SendTo")
    folders.append(desktop or known_desktop() or home / "Desktop")
    onedrive = environ.get("OneDrive") or environ.get("ONEDRIVE")
    if onedrive and (Path(onedrive) / "Desktop").is_dir() and Path(onedrive) / "Desktop" not in folders:
        folders.append(Path(onedrive) / "Desktop")
    return [folder / SCRIPT_NAME for folder in folders]


def install_drop_targets(*, platform: str | None = None, encoding: str | None = None, executable: str | None = None,
                         environ: dict[str, str] | None = None, home: Path | None = None,
                         desktop: Path | None = None) -> list[Path]:
    """Write the drop/发送到 script to every target; returns the files written."""
    if (platform or sys.platform) != "win32":
        raise NotSupported("发送到和桌面图标用于 Windows 电脑；本机可直接运行 perfeval recalc 文件名")
    encoding = encoding or oem_encoding()
    python = portable(executable or sys.executable, encoding, environ)
    text = drop_script(python, chinese=_holds_chinese(encoding)).encode(encoding)
    written = []
    for target in drop_targets(environ, home, desktop):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text)
        written.append(target)
    return written
