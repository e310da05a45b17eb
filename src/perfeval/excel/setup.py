"""``perfeval setup-excel``: tell the workbook's xlwings module where Python is.

The workbook carries its own xlwings VBA module (no add-in).  That module reads the user
config file ``%USERPROFILE%\\.xlwings\\xlwings.conf`` (lines ``"KEY","VALUE"``) with VBA's
``Open … For Input``, i.e. in the ANSI code page (cp936 on Chinese Windows), and expands
``%VARIABLES%`` in values with ``WScript.Shell.ExpandEnvironmentStrings`` (which returns
Unicode).  So we write the file in the ANSI code page, and a path the code page cannot
represent (a Chinese user name on a Western Windows) is written relative to an environment
variable (``%LOCALAPPDATA%\\Programs\\Python\\…``) in plain ASCII.  An existing file is read
in UTF-8 or the ANSI code page, and every other line is kept.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path, PureWindowsPath

from ..errors import NotSupported

# Variables the VBA side can expand, most specific first.
_ANCHORS = ("LOCALAPPDATA", "APPDATA", "USERPROFILE", "PROGRAMFILES", "PROGRAMFILES(X86)", "PROGRAMDATA")


def config_path(platform: str | None = None, home: Path | None = None) -> Path:
    platform = platform or sys.platform
    home = home or Path.home()
    if platform == "darwin":
        return home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    return home / ".xlwings" / "xlwings.conf"


def ansi_encoding(platform: str | None = None) -> str:
    """The encoding VBA's ``Open … For Input`` reads: the ANSI code page ("mbcs") on Windows."""
    return "mbcs" if (platform or sys.platform) == "win32" else "utf-8"


def interpreter(platform: str | None = None, executable: str | None = None) -> str:
    """This Python — its windowless pythonw.exe on Windows, so no console window flashes."""
    platform = platform or sys.platform
    if executable is not None and platform == "win32":
        return str(PureWindowsPath(executable).with_name("pythonw.exe"))
    exe = Path(executable or sys.executable)
    if platform == "win32":
        windowless = exe.with_name("pythonw.exe")
        if windowless.exists():
            return str(windowless)
    return str(exe)


def _encodable(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
        return True
    except UnicodeError:
        return False


def portable(value: str, encoding: str, environ: dict[str, str] | None = None) -> str:
    """``value`` as the VBA side will read it: unchanged when the code page can hold it, else
    with a leading directory replaced by an environment variable so that the rest is ASCII."""
    if _encodable(value, encoding):
        return value
    environ = {k.upper(): v for k, v in (os.environ if environ is None else environ).items()}
    for name in _ANCHORS:
        base = environ.get(name, "").rstrip("\\/")
        if base and value.lower().startswith(base.lower() + "\\"):
            rest = value[len(base):]
            if rest.isascii():
                return f"%{name}%{rest}"
    raise NotSupported(f"Python 的安装路径“{value}”含有本机 Excel 无法识别的字符：请把 Python 安装到只含英文字母和数字的文件夹"
                       "（例如 C:\\Python311），再运行 perfeval setup-excel")


def read_conf(path: Path, encoding: str) -> list[str]:
    """Lines of an existing config, written by us (ANSI) or by xlwings or an editor (UTF-8)."""
    if not path.exists():
        return []
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
    return text.splitlines()


BUTTON_PYTHON = (3, 11)      # xlwings 0.37, which the workbook's VBA module speaks to


def configure(platform: str | None = None, *, encoding: str | None = None, executable: str | None = None,
              environ: dict[str, str] | None = None, home: Path | None = None,
              version: tuple[int, int] | None = None) -> tuple[Path, str, str]:
    """Write the interpreter into xlwings' user config; returns (file, key, value written).
    The keyword arguments stand in for the platform's pieces in tests."""
    platform = platform or sys.platform
    key = {"win32": "INTERPRETER_WIN", "darwin": "INTERPRETER_MAC"}.get(platform)
    if key is None:
        raise NotSupported("setup-excel 用于装有 Excel 的 Windows（或 macOS）电脑；本机无需设置，可直接使用 perfeval recalc")
    version = tuple(version or sys.version_info[:2])
    if version < BUTTON_PYTHON:
        raise NotSupported(f"Excel 的“重新计算”按钮需要 Python {BUTTON_PYTHON[0]}.{BUTTON_PYTHON[1]} 或更高版本（xlwings 0.37），"
                           f"本机是 Python {version[0]}.{version[1]}：请安装 Python 3.11、3.12 或 3.13 后重新安装 perfeval；"
                           "在此之前可用桌面图标（perfeval setup-windows）或 perfeval recalc 计算")
    encoding = encoding or ansi_encoding(platform)
    path = config_path(platform, home)
    value = portable(interpreter(platform, executable), encoding, environ) if platform == "win32" \
        else interpreter(platform, executable)
    kept = [line for line in read_conf(path, encoding) if not re.match(rf'\s*"{key}"\s*,', line, re.I)]
    kept = [line if _encodable(line, encoding) else line.encode(encoding, "replace").decode(encoding) for line in kept]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(("\r\n".join(kept + [f'"{key}","{value}"']) + "\r\n").encode(encoding))
    os.replace(tmp, path)
    return path, key, value
