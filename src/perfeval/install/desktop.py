"""``perfeval setup-linux``: 右键 → 打开方式 → perfeval 重新计算, and a desktop drop target.

On 信创 desktops (统信UOS, 银河麒麟) WPS cannot run the workbook's VBA, so the workbook is
recalculated from the file manager.  This writes, for the current user:

- ``~/.local/share/perfeval/重新计算.sh``: runs ``recalc`` on every file given and waits for
  Enter, so the terminal window shows the score or the problems;
- ``~/.local/share/applications/perfeval-recalc.desktop``: a freedesktop entry (MimeType xlsx/
  xlsm, ``Terminal=true``) that file managers list under 打开方式;
- the same entry on the desktop (the XDG desktop folder, e.g. ~/桌面), marked executable and
  trusted, as a drop target;
- run as root on deepin (统信UOS), its ``oem-menuextensions`` entry (the file manager's own
  right-click menu, for every user) and the runner it calls, in /usr/local/share/perfeval.

The command it runs is this Python with ``-m perfeval`` or, from the .pyz, the archive itself.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import NotSupported

ENTRY_NAME = "perfeval-recalc.desktop"
MIME_TYPES = ("application/vnd.ms-excel.sheet.macroEnabled.12",
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
DEEPIN_MENU = Path("/usr/share/deepin/dde-file-manager/oem-menuextensions")
SYSTEM_SCRIPT = Path("/usr/local/share/perfeval/重新计算.sh")      # the deepin menu's, for every user
TITLE = "perfeval 重新计算"


def command(executable: str | None = None, archive: str | None = None) -> list[str]:
    """How to run perfeval here: the .pyz when running from one, else ``python -m perfeval``."""
    executable = executable or sys.executable
    if archive is None and sys.argv and sys.argv[0].endswith(".pyz") and os.path.isfile(sys.argv[0]):
        archive = os.path.abspath(sys.argv[0])
    return [executable, archive] if archive else [executable, "-m", "perfeval"]


def runner_script(cmd: list[str]) -> str:
    """The script the entry runs: recalc each file, then wait for Enter."""
    run = " ".join(shlex.quote(c) for c in cmd)
    return "\n".join([
        "#!/bin/sh",
        "# perfeval: recalculate the workbooks opened with or dropped on “perfeval 重新计算”",
        'if [ "$#" -eq 0 ]; then',
        '  echo "请在工作簿上点右键：打开方式 → perfeval 重新计算，或把工作簿拖到桌面上的“perfeval 重新计算”图标上。"',
        "fi",
        'for f in "$@"; do',
        f'  {run} recalc "$f"',
        "done",
        "echo",
        'printf "%s" "按回车键关闭此窗口。"',
        "read -r _",
        "",
    ])


def _exec_quote(arg: str) -> str:
    """An Exec argument, quoted as the Desktop Entry Specification requires."""
    if re.fullmatch(r"[A-Za-z0-9_./+,:=@-]+", arg):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
    return '"' + escaped.replace("%", "%%") + '"'


def desktop_entry(script: Path, *, deepin: bool = False) -> str:
    lines = ["[Desktop Entry]",
             "Type=Application",
             "Version=1.0",
             f"Name={TITLE}",
             f"Name[zh_CN]={TITLE}",
             "Comment=重新计算部门整体支出绩效自评工作簿的打分表（WPS、LibreOffice 中按钮不能运行时使用）",
             f"Exec=/bin/sh {_exec_quote(str(script))} %F",
             "Icon=x-office-spreadsheet",
             "Terminal=true",
             "MimeType=" + ";".join(MIME_TYPES) + ";",
             "Categories=Office;Spreadsheet;",
             "NoDisplay=false"]
    if deepin:
        lines += ["X-DFM-MenuTypes=SingleFile;MultiFiles;"]
    return "\n".join(lines) + "\n"


def _user_dirs(home: Path, environ: dict[str, str]) -> dict[str, Path]:
    config = Path(environ.get("XDG_CONFIG_HOME") or home / ".config") / "user-dirs.dirs"
    found = {}
    try:
        text = config.read_text(encoding="utf-8")
    except (OSError, UnicodeError):
        return found
    for m in re.finditer(r'^XDG_(\w+)_DIR="([^"]*)"', text, re.M):
        found[m.group(1)] = Path(m.group(2).replace("$HOME", str(home)))
    return found


def desktop_folder(home: Path | None = None, environ: dict[str, str] | None = None) -> Path | None:
    """The XDG desktop folder (user-dirs.dirs: ~/桌面 on a Chinese desktop), or None without one."""
    environ = dict(os.environ if environ is None else environ)
    home = Path(home or environ.get("HOME") or Path.home())
    candidates = [_user_dirs(home, environ).get("DESKTOP"), home / "桌面", home / "Desktop"]
    for folder in candidates:
        if folder is not None and folder.is_dir() and folder != home:
            return folder
    return None


def install(*, platform: str | None = None, home: Path | None = None, environ: dict[str, str] | None = None,
            cmd: list[str] | None = None, root: bool | None = None, deepin_menu: Path = DEEPIN_MENU,
            system_script: Path = SYSTEM_SCRIPT) -> list[Path]:
    """Write the script and the entries; returns the files written.  No desktop folder (a
    server, a session without a desktop): NotSupported, and nothing is written."""
    if not (platform or sys.platform).startswith("linux"):
        raise NotSupported("setup-linux 用于 Linux 桌面（统信UOS、银河麒麟等）；Windows 请运行 perfeval setup-windows")
    environ = dict(os.environ if environ is None else environ)
    home = Path(home or environ.get("HOME") or Path.home())
    desktop = desktop_folder(home, environ)
    if desktop is None:
        raise NotSupported("本机没有桌面文件夹（~/桌面 或 ~/Desktop），setup-linux 用于图形桌面；"
                           "命令行中可直接运行 perfeval recalc 工作簿文件名")
    data = Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    script = data / "perfeval" / "重新计算.sh"
    cmd = list(cmd or command())
    written: list[Path] = []
    written.append(_write(script, runner_script(_kept(cmd, script.parent, written)), 0o755))
    entry = desktop_entry(script)
    written.append(_write(data / "applications" / ENTRY_NAME, entry, 0o644))
    on_desktop = _write(desktop / ENTRY_NAME, entry, 0o755)
    written.append(on_desktop)
    if shutil.which("gio"):                         # GNOME/Kylin: a launcher on the desktop must be trusted
        subprocess.run(["gio", "set", str(on_desktop), "metadata::trusted", "true"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    if shutil.which("update-desktop-database"):
        subprocess.run(["update-desktop-database", str(data / "applications")],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    if root is None:                                # deepin's own menu, for every user, where deepin is
        root = os.geteuid() == 0 and (deepin_menu.parent.is_dir() or shutil.which("dde-file-manager") is not None)
    if root:
        written.append(_write(system_script, runner_script(_kept(cmd, system_script.parent, written)), 0o755))
        written.append(_write(deepin_menu / ENTRY_NAME, desktop_entry(system_script, deepin=True), 0o644))
    return written


def _kept(cmd: list[str], folder: Path, written: list[Path]) -> list[str]:
    """The command a runner in ``folder`` calls: run from the kit's .pyz (a USB stick, Downloads), a copy
    of it in ``folder`` that stays when the kit goes (appended to ``written``); else ``cmd`` itself."""
    if len(cmd) == 2 and cmd[1].endswith(".pyz"):
        written.append(_copy(Path(cmd[1]), folder / "perfeval.pyz"))
        return [cmd[0], str(written[-1])]
    return cmd


def _copy(source: Path, target: Path) -> Path:
    if source.resolve() == target.resolve():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    shutil.copyfile(source, tmp)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    return target


def _write(path: Path, text: str, mode: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, mode)
    os.replace(tmp, path)
    return path
