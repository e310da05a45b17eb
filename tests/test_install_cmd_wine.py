"""安装.cmd run for real by cmd.exe (Wine's, in the cp936 code page) with stand-in Pythons: the one it
picks, what it says, and that 安装完成 appears only when every step succeeded.  The stand-ins are .bat
files (as pyenv-win's shims are), which the script must ``call`` to get control back."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from perfeval.install.kits import install_cmd

pytestmark = pytest.mark.skipif(shutil.which("wine") is None and not os.environ.get("CI"),
                                reason="Wine is not installed here (Debian's wine; .ci/run installs it)")

HELD = ("3.11", "3.12", "3.13")


def python_bat(version: str, *, pip_ok: bool = True, failing_step: str = "") -> str:
    lines = ["@echo off",
             'if "%~1"=="-c" if "%~2"=="" exit /b 0',
             f'if "%~1"=="-c" echo {version} C:\\Python\\python.exe& exit /b 0',
             'if "%~2"=="pip" goto pip',
             f'if "%~3"=="{failing_step}" echo 错误：{failing_step} 失败& exit /b 2' if failing_step else "rem",
             "echo ran %*",
             "exit /b 0",
             ":pip",
             "echo ran %*" if pip_ok else "echo ERROR: No matching distribution found for lxml",
             f"exit /b {0 if pip_ok else 1}",
             ""]
    return "\r\n".join(lines)


def py_launcher(available: tuple[str, ...]) -> str:
    """The py launcher: ``py -3.12 …`` runs only for an installed version (103 otherwise, as py.exe)."""
    lines = ["@echo off", "set V=%~1", 'set "V=%V:~1%"']
    for v in available:
        lines += [f'if "%V%"=="{v}" goto run']
    lines += ["exit /b 103", ":run", "shift",
              'if "%~1"=="-c" if "%~2"=="" exit /b 0',
              'if "%~1"=="-c" echo %V%.1 C:\\Python\\py%V%.exe& exit /b 0',
              "echo ran py -%V% %1 %2 %3 %4 %5 %6", "exit /b 0", ""]
    return "\r\n".join(lines)


def _warm(env: dict) -> None:
    """A wineserver that outlives each run by 20 s, with Wine's services started on /dev/null.  A run that
    starts them itself leaves them holding its stdout until the server exits (3 s after the run, so
    every run took 3 s); a persistent server whose services held a test's pipe would hang that test."""
    quiet = dict(env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["wineserver", "-p20"], timeout=30, **quiet)              # already running: a no-op
    subprocess.run(["wine", "cmd", "/c", "exit"], timeout=300, **quiet)        # the prefix and its services


def run_kit(tmp_path: Path, **shims: str) -> tuple[int, str]:
    kit = tmp_path / "kit"
    (kit / "bin").mkdir(parents=True)
    (kit / "install.cmd").write_bytes(install_cmd(HELD).encode("gbk"))     # what bundle_windows writes as 安装.cmd
    for name, text in shims.items():
        (kit / "bin" / f"{name}.bat").write_bytes(text.encode("gbk"))
    env = dict(os.environ, WINEDEBUG="-all", LC_ALL="zh_CN.UTF-8",
               WINEPREFIX=os.environ.get("PERFEVAL_WINEPREFIX", str(Path.home() / ".wine-perfeval-tests")))
    _warm(env)
    path = "Z:" + str(kit / "bin").replace("/", "\\") + ";C:\\windows\\system32;C:\\windows"
    out = subprocess.run(["wine", "cmd", "/c", f"set PATH={path}&& install.cmd & call echo RC=%errorlevel%"],
                         cwd=kit, env=env, capture_output=True, stdin=subprocess.DEVNULL, timeout=300)
    text = out.stdout.decode("gbk", "replace").replace("\r\n", "\n")
    code = int(text.rsplit("RC=", 1)[1].split()[0])
    return code, text


def test_a_python_the_kit_has_no_wheels_for_is_named_with_the_kits_versions(tmp_path):
    code, text = run_kit(tmp_path, python=python_bat("3.10.11", pip_ok=False))
    assert code == 1 and "使用 Python 3.10.11 C:\\Python\\python.exe" in text, text
    assert "安装失败：本机的 Python 是 3.10.11 C:\\Python\\python.exe；本安装包包含 Python 3.11、3.12、3.13 的安装文件" in text
    assert "安装完成" not in text and "ran -m perfeval" not in text


def test_every_step_succeeding_ends_in_success(tmp_path):
    code, text = run_kit(tmp_path, python=python_bat("3.12.4"))
    assert code == 0, text
    ran = [line for line in text.splitlines() if line.startswith("ran ")]
    assert [r.split()[2:4] for r in ran] == [["pip", "install"], ["perfeval", "--version"], ["perfeval", "setup-excel"],
                                            ["perfeval", "setup-windows"]]
    assert "--no-index --find-links" in ran[0] and text.rstrip().splitlines()[-1].startswith("请按任意键继续")
    assert "安装完成" in text


@pytest.mark.parametrize("step", ["--version", "setup-excel", "setup-windows"])
def test_a_failed_step_never_ends_in_success(tmp_path, step):
    code, text = run_kit(tmp_path, python=python_bat("3.12.4", failing_step=step))
    assert code == 1 and "安装未完成：上面的一步出错（使用的 Python：3.12.4" in text, text
    assert "安装完成" not in text


def test_the_py_launcher_gives_the_newest_python_the_kit_holds(tmp_path):
    code, text = run_kit(tmp_path, py=py_launcher(("3.12", "3.11")), python=python_bat("3.9.0", pip_ok=False))
    assert code == 0 and "使用 Python 3.12.1 C:\\Python\\py3.12.exe" in text, text
    assert "ran py -3.12 -m pip install" in text


def test_no_python_at_all_says_what_to_install(tmp_path):
    code, text = run_kit(tmp_path)
    assert code == 1 and text.startswith("未找到 Python：请先安装 Python 3.11、3.12、3.13（64 位，python.org）"), text
