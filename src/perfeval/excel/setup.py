"""``perfeval setup-excel``: tell the workbook's xlwings module where Python is.

The workbook carries its own xlwings VBA module (no add-in).  That module reads the
user config file ``%USERPROFILE%\\.xlwings\\xlwings.conf`` (lines ``"KEY","VALUE"``);
we set ``INTERPRETER_WIN`` (or ``INTERPRETER_MAC``) to this Python and keep every
other line as it was.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path


class NotSupported(Exception):
    pass


def config_path(platform: str | None = None) -> Path:
    platform = platform or sys.platform
    if platform == "darwin":
        return Path.home() / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    return Path.home() / ".xlwings" / "xlwings.conf"


def interpreter(platform: str | None = None) -> str:
    exe = Path(sys.executable)
    if (platform or sys.platform) == "win32":
        windowless = exe.with_name("pythonw.exe")     # no console window flashes on click
        if windowless.exists():
            return str(windowless)
    return str(exe)


def configure(platform: str | None = None) -> tuple[Path, str, str]:
    """Write the interpreter into xlwings' user config; returns (file, key, value)."""
    platform = platform or sys.platform
    key = {"win32": "INTERPRETER_WIN", "darwin": "INTERPRETER_MAC"}.get(platform)
    if key is None:
        raise NotSupported("setup-excel 用于装有 Excel 的 Windows（或 macOS）电脑；本机无需设置，可直接使用 perfeval recalc")
    path = config_path(platform)
    value = interpreter(platform)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    kept = [line for line in lines if not re.match(rf'\s*"{key}"\s*,', line, re.I)]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(kept + [f'"{key}","{value}"']) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path, key, value
