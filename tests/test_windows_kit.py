"""The drop/发送到 script and the offline install kit (perfeval.install.kits), with the Windows pieces injected (no Windows
here: the script texts are checked; docs/excel.md has the manual check on a Windows PC)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import fake_wheel
from perfeval.cli import main
from perfeval.errors import KitError
from perfeval.excel.windows import SCRIPT_NAME, install_drop_targets
from perfeval.install.kits import bundle_windows, install_cmd
from perfeval.install.resolve import Target, missing

ROOT = Path(__file__).resolve().parents[1]
USER = r"C:\Users\张三"
PYTHON = USER + r"\AppData\Local\Programs\Python\Python311\python.exe"


def env(tmp_path):
    return {"USERPROFILE": USER, "LOCALAPPDATA": USER + r"\AppData\Local", "APPDATA": str(tmp_path / "Roaming")}


def test_drop_script_goes_to_send_to_and_the_desktop_in_the_oem_code_page(tmp_path):
    written = install_drop_targets(platform="win32", encoding="cp936", executable=PYTHON, environ=env(tmp_path),
                                   home=tmp_path / "home")     # off Windows the known folder is unknown
    assert written == [tmp_path / "Roaming" / "Microsoft" / "Windows" / "SendTo" / SCRIPT_NAME,
                       tmp_path / "home" / "Desktop" / SCRIPT_NAME]
    text = written[0].read_bytes().decode("cp936")
    assert f'"{PYTHON}" -m perfeval recalc "%~1"' in text and "shift" in text and "goto next" in text
    assert "pause" in text and "请把工作簿拖到此图标上" in text
    assert "\r\n" in text and written[1].read_bytes() == written[0].read_bytes()


def test_a_moved_desktop_is_the_known_folder_not_the_profiles(tmp_path):
    """桌面搬家 moves the desktop to D:\\桌面: the known-folder API's answer is used."""
    moved = tmp_path / "D" / "桌面"
    written = install_drop_targets(platform="win32", encoding="cp936", executable=PYTHON, environ=env(tmp_path),
                                   home=tmp_path / "home", desktop=moved)
    assert written[1] == moved / SCRIPT_NAME and not (tmp_path / "home" / "Desktop").exists()


def test_the_known_folder_call_is_the_shell_api():
    import inspect
    from perfeval.excel import windows
    source = inspect.getsource(windows.known_desktop)
    assert "SHGetKnownFolderPath" in source and "B4BFCC3A-DB2C-424C-B029-7FE99A87C641" in source   # FOLDERID_Desktop
    assert "CoTaskMemFree" in source and windows.known_desktop() is None                          # not Windows here


def test_a_path_the_oem_code_page_cannot_hold_uses_a_variable(tmp_path):
    written = install_drop_targets(platform="win32", encoding="cp437", executable=PYTHON, environ=env(tmp_path),
                                   home=tmp_path / "home")
    text = written[0].read_bytes().decode("cp437", errors="replace")
    assert r'"%LOCALAPPDATA%\Programs\Python\Python311\python.exe" -m perfeval recalc' in text


def test_setup_windows_elsewhere_explains(monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    r = CliRunner().invoke(main, ["setup-windows"])
    assert r.exit_code == 2 and "Windows" in r.output


def own_requirements() -> list[str]:
    from helpers import pyproject
    return pyproject()["project"]["dependencies"]


def fake_pip(calls):
    """pip as it behaves on Linux: downloads what was asked, but skips Windows-marked dependencies."""
    def run(cmd, check):
        calls.append(cmd)
        if cmd[3] == "wheel":
            fake_wheel(Path(cmd[cmd.index("--wheel-dir") + 1]), "perfeval-0.1.0-py3-none-any.whl", *own_requirements())
            return
        dest, py = Path(cmd[cmd.index("--dest") + 1]), cmd[cmd.index("--python-version") + 1].replace(".", "")
        asked = [a for a in cmd[cmd.index("--dest") + 2:] if a != "--no-deps"]
        for req in asked:
            name = req.split(">")[0].split("<")[0].split("=")[0].lower()
            if name == "xlwings":
                fake_wheel(dest, f"xlwings-0.37.8-cp{py}-cp{py}-win_amd64.whl", 'pywin32>=224; platform_system == "Windows"')
            elif name == "pywin32":
                fake_wheel(dest, f"pywin32-312-cp{py}-cp{py}-win_amd64.whl")
            elif name == "python-docx":
                fake_wheel(dest, "python_docx-1.2.0-py3-none-any.whl", "lxml>=3.1.0", "typing_extensions>=4.9.0")
                fake_wheel(dest, f"lxml-6.1.3-cp{py}-cp{py}-win_amd64.whl")
                fake_wheel(dest, "typing_extensions-4.16.0-py3-none-any.whl")
            else:
                fake_wheel(dest, f"{name.replace('-', '_')}-99.0-py3-none-any.whl")
    return run


def test_the_kit_comes_from_the_metadata_with_windows_markers_evaluated_as_on_windows(tmp_path):
    calls = []
    wheels = bundle_windows(tmp_path / "kit", ROOT, versions=("3.11", "3.12"), run=fake_pip(calls))
    names = {w.name.split("-")[0].lower() for w in wheels}
    assert {"perfeval", "click", "defusedxml", "xlsxwriter", "xlwings", "pywin32", "python_docx", "lxml"} <= names
    assert calls[0][3:6] == ["wheel", "--no-deps", "--wheel-dir"]
    assert calls[0][-1] != str(ROOT) and Path(calls[0][-1]).name == "perfeval"   # built from a copy of the checkout
    first = calls[1]
    assert first[3] == "download" and "--only-binary=:all:" in first and first[first.index("--platform") + 1] == "win_amd64"
    assert any(a.startswith("xlwings") and "0.37.8" in a for a in first) and any(a.startswith("python-docx") for a in first)
    # pip (on Linux) skipped pywin32; the kit asked for it on its own, for each Python
    fills = [c for c in calls if "--no-deps" in c and c[3] == "download"]
    assert [(c[c.index("--python-version") + 1], c[-1]) for c in fills] == [("3.11", "pywin32>=224"), ("3.12", "pywin32>=224")]
    for version in ("3.11", "3.12"):
        assert missing(tmp_path / "kit" / "wheels", Target("Windows", version, "AMD64")) == []
    script = (tmp_path / "kit" / "安装.cmd").read_bytes().decode("gbk")
    assert script == install_cmd(("3.11", "3.12"))


def test_a_wheel_whose_requires_python_excludes_the_target_does_not_count(tmp_path):
    """click 8.3 (Requires-Python >=3.10) in a shared folder completes the kit for 3.11, not for 3.7."""
    fake_wheel(tmp_path, "perfeval-0.1.0-py3-none-any.whl", "click>=8.1")
    fake_wheel(tmp_path, "click-8.3.0-py3-none-any.whl", python=">=3.10")
    assert missing(tmp_path, Target("Linux", "3.11", "x86_64")) == []
    assert [m.plain() for m in missing(tmp_path, Target("Linux", "3.7", "x86_64"))] == ["click>=8.1"]
    fake_wheel(tmp_path, "click-8.1.8-py3-none-any.whl", python=">=3.7")
    assert missing(tmp_path, Target("Linux", "3.7", "x86_64")) == []


def test_an_extra_asked_for_later_is_still_walked(tmp_path):
    fake_wheel(tmp_path, "perfeval-0.1.0-py3-none-any.whl", "a>=1", "b>=1")
    fake_wheel(tmp_path, "a-1.0-py3-none-any.whl", "c>=1")
    fake_wheel(tmp_path, "b-1.0-py3-none-any.whl", "c[fast]>=1")
    fake_wheel(tmp_path, "c-1.0-py3-none-any.whl", "d>=1; extra == 'fast'")
    assert [m.plain() for m in missing(tmp_path, Target("Windows", "3.12", "AMD64"))] == ["d>=1"]


def test_a_wheel_that_does_not_exist_for_a_python_is_named(tmp_path):
    calls = []
    pip = fake_pip(calls)

    def run(cmd, check):
        if "pywin32>=224" in cmd and "3.13" in cmd:
            raise subprocess.CalledProcessError(1, cmd)
        return pip(cmd, check)
    with pytest.raises(KitError, match="Python 3.13：缺少 pywin32>=224（xlwings需要）"):
        bundle_windows(tmp_path / "kit", ROOT, versions=("3.12", "3.13"), run=run)
    assert not (tmp_path / "kit" / "安装.cmd").exists()


def test_install_cmd_says_which_python_and_never_claims_success_after_a_failure():
    lines = install_cmd(("3.11", "3.12", "3.13")).split("\r\n")
    assert lines[0] == "@echo off"
    assert [l for l in lines if l.startswith("call py -3.1")] == [
        f'call py -{v} -c "" >nul 2>nul' for v in ("3.13", "3.12", "3.11")]          # the newest the kit holds first
    assert "echo 使用 Python %PYINFO%" in lines and "echo 本安装包包含 Python 3.11、3.12、3.13 的安装文件。" in lines
    assert lines[1] == "rem perfeval offline install: no internet needed; run on the clerk's PC"
    assert lines[2] == "chcp 936 >nul"                  # the GBK lines read as GBK also under a UTF-8 console
    steps = ['call %PY% -m pip install --upgrade --no-index --find-links "%~dp0wheels" perfeval',
             "call %PY% -m perfeval --version", "call %PY% -m perfeval setup-excel", "call %PY% -m perfeval setup-windows"]
    assert lines[lines.index(steps[0]) + 1] == "if %errorlevel% neq 0 goto nowheel"     # a negative crash code too
    for step in steps[1:]:                              # every step is checked right after it runs
        assert lines[lines.index(step) + 1] == "if %errorlevel% neq 0 goto failed"
    done = next(i for i, l in enumerate(lines) if "安装完成" in l)
    assert all(lines.index(step) < done for step in steps) and lines[done + 2] == "exit /b 0"
    nowheel, failed = lines.index(":nowheel"), lines.index(":failed")
    assert done < nowheel < failed and "安装完成" not in "".join(lines[nowheel:])
    assert "本机的 Python 是 %PYINFO%" in lines[nowheel + 1] and "3.11、3.12、3.13" in lines[nowheel + 1]
    assert lines[nowheel + 3] == lines[failed + 3] == "exit /b 1"


@pytest.mark.network
@pytest.mark.parametrize("version", ["3.11", "3.12", "3.13"])
def test_the_real_kit_resolves_for_windows(version, windows_kit):
    """The kit built from the package index (once, for all three) installs offline on win_amd64 with
    markers evaluated as on Windows: python-docx, lxml and pywin32 included for every version."""
    target = Target("Windows", version, "AMD64")
    assert missing(windows_kit / "wheels", target) == []
    from packaging.utils import parse_wheel_filename
    installable = {parse_wheel_filename(w.name)[0] for w in (windows_kit / "wheels").glob("*.whl")
                   if parse_wheel_filename(w.name)[3] & target.wheel_tags()}
    assert {"perfeval", "click", "defusedxml", "xlsxwriter", "xlwings", "pywin32", "python-docx", "lxml"} <= installable


@pytest.fixture(scope="module")
def windows_kit(tmp_path_factory):
    """Built by tools/build_windows_kit.py, the way to build it before perfeval is installed (the same
    library function as ``perfeval bundle-windows``)."""
    kit = tmp_path_factory.mktemp("kit") / "离线安装包"
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "build_windows_kit.py"), str(kit)],
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "已生成离线安装包" in out.stdout
    return kit


def test_bundle_windows_command_reports_what_is_missing(tmp_path, monkeypatch):
    """The command prints the kit's one-line Chinese error (exit 2), never a traceback."""
    calls = []
    pip = fake_pip(calls)

    def run(cmd, check):
        if "pywin32>=224" in cmd:
            raise subprocess.CalledProcessError(1, cmd)
        return pip(cmd, check)
    monkeypatch.setattr("subprocess.run", run)
    r = CliRunner().invoke(main, ["bundle-windows", str(tmp_path / "kit"), "--source", str(ROOT), "--python", "3.12"])
    assert r.exit_code == 2 and "离线安装包不完整：Python 3.12：缺少 pywin32>=224（xlwings需要）" in r.output, r.output
