"""The offline install kits, built from the package's own metadata (pyproject is the one list).

``bundle_windows`` fills ``wheels/`` with perfeval's wheel and, for each target Python, every
wheel an install on a Windows PC needs — markers evaluated as on Windows (``resolve``), so
``pywin32`` (xlwings' Windows-only dependency) is there although the kit is built on Linux — and
writes ``安装.cmd``.  ``bundle_linux`` does the same for 信创 desktops (x86_64, aarch64, and
loongarch64 where wheels exist) and adds ``perfeval.pyz``, which runs recalc and score with no
install at all.  pip does the downloading; nothing here runs on the clerk's PC.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..errors import KitError
from .resolve import Missing, Target, missing, requires, wanted

WINDOWS_PYTHONS = ("3.11", "3.12", "3.13")
LINUX_PYTHONS = ("3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13")
LINUX_MACHINES = ("x86_64", "aarch64", "loongarch64")


def _pip(run, *args: str) -> None:
    try:
        (run or subprocess.run)([sys.executable, "-m", "pip", *args], check=True)
    except subprocess.CalledProcessError as exc:
        raise KitError(f"pip {args[0]} 运行失败（退出码 {exc.returncode}）：请检查网络和软件包源，"
                       f"或看上面 pip 的输出") from None
    except OSError as exc:
        raise KitError(f"无法运行 pip（{exc.strerror or exc}）") from None


# What a build of perfeval reads from its source folder (pyproject's package-dir: src/ and macros/).
BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "LICENSE.txt", "MANIFEST.in", "setup.cfg", "setup.py", "src", "macros")


def own_wheel(source: Path, wheels: Path, run=None) -> Path:
    """perfeval's wheel, built from a copy of ``source`` into ``wheels``: setuptools builds in the
    tree (build/, *.egg-info), so building in the checkout itself would leave files there and two
    builds at once would trip over each other."""
    import shutil
    import tempfile
    source = Path(source)
    if not (source / "pyproject.toml").is_file():
        raise KitError(f"{source} 不是 perfeval 的源码文件夹（没有 pyproject.toml）")
    before = set(wheels.glob("perfeval-*.whl"))
    with tempfile.TemporaryDirectory(prefix="perfeval-build-") as tmp:
        tree = Path(tmp) / "perfeval"
        tree.mkdir()
        junk = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
        for name in BUILD_INPUTS:
            if (source / name).is_dir():
                shutil.copytree(source / name, tree / name, ignore=junk)
            elif (source / name).is_file():
                shutil.copy2(source / name, tree / name)
        _pip(run, "wheel", "--no-deps", "--wheel-dir", str(wheels), str(tree))
    made = sorted(set(wheels.glob("perfeval-*.whl")) - before) or sorted(wheels.glob("perfeval-*.whl"))
    if not made:
        raise KitError(f"未能从 {source} 生成 perfeval 的安装文件")
    return made[-1]


def newest_own(wheels: Path) -> Path:
    """perfeval's newest wheel in the folder (an earlier kit's older one may be beside it)."""
    from packaging.utils import parse_wheel_filename
    return max(wheels.glob("perfeval-*.whl"), key=lambda w: parse_wheel_filename(w.name)[1])


def fill(wheels: Path, target: Target, run=None, *, rounds: int = 8) -> list[Missing]:
    """Download into ``wheels`` what ``target`` needs until an offline install finds everything;
    returns what could still not be found (empty when the kit is complete for the target)."""
    platform = [a for p in target.platforms for a in ("--platform", p)]
    base = ["download", "--only-binary=:all:", *platform, "--python-version", target.python,
            "--implementation", "cp", "--dest", str(wheels)]
    _, reqs = requires(newest_own(wheels))
    first = [Missing(r, "perfeval").plain() for r in wanted(reqs, target)]
    try:
        _pip(run, *base, *first)                     # pip resolves the rest, with the build machine's markers
    except KitError:
        pass                                         # what is missing is found and named below
    for _ in range(rounds):
        lacking = missing(wheels, target)
        if not lacking:
            return []
        fetched = False
        for gap in lacking:
            try:
                _pip(run, *base, "--no-deps", gap.plain())
                fetched = True
            except KitError:
                continue
        if not fetched:
            return lacking
    return missing(wheels, target)


def versions_text(versions: tuple[str, ...]) -> str:
    return "、".join(versions)


def install_cmd(versions: tuple[str, ...]) -> str:
    """安装.cmd: finds a Python the kit holds wheels for (the py launcher, then python; each run with
    ``call``, so a .bat shim such as pyenv-win's returns to the script), says which
    it uses, installs from the kit only, verifies the install and sets up Excel and the icons.
    Every step's failure ends in one message naming the Python found and the kit's versions;
    安装完成 is printed only after all of them succeeded."""
    held = versions_text(versions)
    lines = ["@echo off",
             "rem perfeval offline install: no internet needed; run on the clerk's PC",
             "chcp 936 >nul",
             "rem (this file is GBK: read it as such also where the console is set to UTF-8)",
             "setlocal",
             'cd /d "%~dp0"',
             'set "PY="',
             "where py >nul 2>nul",
             "if errorlevel 1 goto nolauncher"]
    for v in sorted(versions, key=lambda v: tuple(int(p) for p in v.split(".")), reverse=True):   # newest first
        lines += [f'call py -{v} -c "" >nul 2>nul', f'if not errorlevel 1 set "PY=py -{v}"', "if defined PY goto found"]
    lines += ['call py -3 -c "" >nul 2>nul', 'if not errorlevel 1 set "PY=py -3"', "if defined PY goto found",
              ":nolauncher",
              "where python >nul 2>nul",
              "if errorlevel 1 goto nopython",
              'call python -c "" >nul 2>nul',
              'if not errorlevel 1 set "PY=python"',
              "if defined PY goto found",
              ":nopython",
              f"echo 未找到 Python：请先安装 Python {held}（64 位，python.org），安装时勾选 Add python.exe to PATH，再双击本文件。",
              "pause",
              "exit /b 1",
              ":found",
              'set "PYINFO=%PY%"',
              'for /f "delims=" %%i in (\'%PY% -c "import sys; print(sys.version.split()[0], sys.executable)"\') do set "PYINFO=%%i"',
              "echo 使用 Python %PYINFO%",
              f"echo 本安装包包含 Python {held} 的安装文件。",
              'call %PY% -m pip install --upgrade --no-index --find-links "%~dp0wheels" perfeval',
              "if %errorlevel% neq 0 goto nowheel",
              "call %PY% -m perfeval --version",
              "if %errorlevel% neq 0 goto failed",
              "call %PY% -m perfeval setup-excel",
              "if %errorlevel% neq 0 goto failed",
              "call %PY% -m perfeval setup-windows",
              "if %errorlevel% neq 0 goto failed",
              "echo 安装完成。打开工作簿，启用宏，点击“重新计算”；或把工作簿拖到桌面上的“perfeval 重新计算”图标。",
              "pause",
              "exit /b 0",
              ":nowheel",
              f"echo 安装失败：本机的 Python 是 %PYINFO%；本安装包包含 Python {held} 的安装文件。"
              f"请安装其中一个版本（64 位）后再双击本文件，或把上面的信息发给技术支持。",
              "pause",
              "exit /b 1",
              ":failed",
              "echo 安装未完成：上面的一步出错（使用的 Python：%PYINFO%）。请把本窗口中的信息发给技术支持。",
              "pause",
              "exit /b 1",
              ""]
    return "\r\n".join(lines)


def bundle_windows(directory: Path, source: Path, *, versions: tuple[str, ...] = WINDOWS_PYTHONS,
                   run=None, encoding: str = "gbk") -> list[Path]:
    """The Windows kit in ``directory``: wheels/ complete for win_amd64 and each Python version,
    安装.cmd (in ``encoding``, the OEM code page of Chinese Windows) and 说明.txt.  Raises
    :class:`KitError` naming what is missing when a version cannot be completed."""
    wheels = directory / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    own_wheel(source, wheels, run)
    problems = []
    for version in versions:
        lacking = fill(wheels, Target("Windows", version, "AMD64"), run)
        problems += [f"Python {version}：缺少 {x}" for x in lacking]
    if problems:
        raise KitError("离线安装包不完整：" + "；".join(problems))
    (directory / "安装.cmd").write_bytes(install_cmd(versions).encode(encoding))
    (directory / "说明.txt").write_text(windows_readme(versions), encoding="utf-8-sig")
    return sorted(wheels.glob("*.whl"))


def windows_readme(versions: tuple[str, ...] = WINDOWS_PYTHONS) -> str:
    """说明.txt of the Windows kit."""
    return (f"perfeval 离线安装包（Windows，Python {versions_text(versions)}，64 位）\r\n"
            f"1. 在办公电脑上安装 Python {versions_text(versions)} 之一（64 位，python.org），勾选 Add python.exe to PATH。\r\n"
            "2. 把整个文件夹复制到该电脑，双击“安装.cmd”：它说明使用的 Python，安装并检查 perfeval，设置 Excel 和桌面图标。\r\n"
            "3. 打开工作簿，启用宏，点击“重新计算”；不能运行宏时，把工作簿拖到桌面上的“perfeval 重新计算”图标。\r\n")


PIP_FOR_KIT = "pip==24.0"        # the last pip for Python 3.7; UOS 20's own pip (18.1) knows no manylinux2014


def install_sh(versions: tuple[str, ...], pip_wheel: str | None = None) -> str:
    """安装.sh for 信创 desktops: the kit's own pip (run from its wheel: the system's may be missing or
    too old for the wheels' tags), else the system pip, installs from the kit; failing that, the .pyz.
    As root it installs for every user (no --user).  Then setup-linux: 打开方式 and the desktop icon."""
    held = versions_text(versions)
    pip = (f'"$PY" "$PWD/{pip_wheel}/pip"' if pip_wheel else '"$PY" -m pip')
    return "\n".join([
        "#!/bin/sh",
        "# perfeval offline install for Linux (统信UOS, 银河麒麟): no internet needed",
        'cd "$(dirname "$0")" || exit 1',
        'PY="$(command -v python3 || command -v python)"',
        'if [ -z "$PY" ]; then echo "未找到 Python 3：请用系统的软件商店安装 python3 后再运行本文件。"; exit 1; fi',
        'echo "使用 Python $("$PY" -c \'import sys; print(sys.version.split()[0] + " " + sys.executable)\' 2>&1)"',
        f'echo "本安装包包含 Python {held} 的安装文件，以及任何 Python 3.7 及以上版本都能直接运行的 perfeval.pyz。"',
        "# for every user as root, into a virtual environment as it is, else for this user",
        'if [ "$(id -u)" = 0 ] || "$PY" -c \'import sys; sys.exit(sys.prefix == getattr(sys, "base_prefix", sys.prefix))\'; then',
        '  WHERE=""; else WHERE="--user"; fi',
        "# a distribution's Python 3.11+ may refuse --user installs (PEP 668): the kit installs only perfeval's own",
        "export PIP_BREAK_SYSTEM_PACKAGES=1 PIP_DISABLE_PIP_VERSION_CHECK=1",
        f'if {pip} install $WHERE --upgrade --no-index --find-links "$PWD/wheels" perfeval \\',
        '   && "$PY" -m perfeval --version; then',
        '  "$PY" -m perfeval setup-linux || exit 1',
        "else",
        '  echo "未能用 pip 安装（安装包中没有本机 Python 的安装文件，或本机 Python 缺少 pip 所需的模块）：改用 perfeval.pyz（重新计算、查看得分；生成自评报告需要完整安装）。"',
        '  "$PY" "$PWD/perfeval.pyz" --version || exit 1',
        '  "$PY" "$PWD/perfeval.pyz" setup-linux || exit 1',
        "fi",
        'echo "安装完成：在工作簿上点右键 → 打开方式 → perfeval 重新计算，或把工作簿拖到桌面上的“perfeval 重新计算”图标上。"',
        "",
    ])


def bundle_linux(directory: Path, source: Path, *, versions: tuple[str, ...] = LINUX_PYTHONS,
                 machines: tuple[str, ...] = LINUX_MACHINES, run=None) -> list[str]:
    """The Linux kit in ``directory``: perfeval.pyz, wheels/ for each machine and Python where
    wheels exist, 安装.sh and 说明.txt.  Returns notes on the targets that could not be completed
    (loongarch64 has few wheels: there the .pyz is the way)."""
    from .pyz import FLOOR, build_pyz
    wheels = directory / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    own_wheel(source, wheels, run)
    fill(wheels, Target("Linux", "%d.%d" % FLOOR, "x86_64"), run)    # the .pyz's wheels come from the kit's own
    build_pyz(directory / "perfeval.pyz", wheels=wheels)
    notes = []
    for machine in machines:
        for version in versions:
            lacking = fill(wheels, Target("Linux", version, machine), run)
            if lacking:
                notes.append(f"{machine} Python {version}：没有 {'、'.join(x.plain() for x in lacking)} 的安装文件，"
                             f"这类电脑请直接用 perfeval.pyz")
    pip_wheel = None
    try:                                                 # the kit's own pip, beside wheels/ (not installed)
        _pip(run, "download", "--only-binary=:all:", "--no-deps", "--dest", str(directory), PIP_FOR_KIT)
        pip_wheel = next((w.name for w in sorted(directory.glob("pip-*.whl"))), None)
    except KitError:
        notes.append("未能下载 pip 的安装文件：安装.sh 将使用本机的 pip")
    script = directory / "安装.sh"
    script.write_text(install_sh(versions, pip_wheel), encoding="utf-8")
    script.chmod(0o755)
    (directory / "说明.txt").write_text(
        "perfeval 离线安装包（Linux：统信UOS、银河麒麟等，WPS 表格）\n"
        "1. 把整个文件夹复制到办公电脑，在文件夹中打开终端，运行：sh 安装.sh\n"
        "2. 之后在工作簿上点右键 → 打开方式 → perfeval 重新计算（或拖到桌面图标上），窗口显示得分，按回车关闭，再用 WPS 打开工作簿查看。\n"
        "3. 不安装也可以：python3 perfeval.pyz recalc 工作簿.xlsm（任何 Python 3.7 及以上版本）。\n"
        "WPS 和 LibreOffice 不能运行工作簿中的“重新计算”按钮（VBA 宏），请用上面的方式。\n"
        + "".join(f"注意：{n}\n" for n in notes), encoding="utf-8")
    return notes
