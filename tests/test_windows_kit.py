"""The drop/发送到 script and the offline install kit, with the Windows pieces injected (no Windows
here: the script texts are checked; docs/excel.md has the manual check on a Windows PC)."""
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfeval.cli import main
from perfeval.excel.windows import SCRIPT_NAME, bundle, install_drop_targets, install_script

ROOT = Path(__file__).resolve().parents[1]
USER = r"C:\Users\张三"
PYTHON = USER + r"\AppData\Local\Programs\Python\Python311\python.exe"


def env(tmp_path):
    return {"USERPROFILE": USER, "LOCALAPPDATA": USER + r"\AppData\Local", "APPDATA": str(tmp_path / "Roaming")}


def test_drop_script_goes_to_send_to_and_the_desktop_in_the_oem_code_page(tmp_path):
    written = install_drop_targets(platform="win32", encoding="cp936", executable=PYTHON, environ=env(tmp_path),
                                   home=tmp_path / "home")
    assert written == [tmp_path / "Roaming" / "Microsoft" / "Windows" / "SendTo" / SCRIPT_NAME,
                       tmp_path / "home" / "Desktop" / SCRIPT_NAME]
    text = written[0].read_bytes().decode("cp936")
    assert f'"{PYTHON}" -m perfeval recalc "%~1"' in text and "shift" in text and "goto next" in text
    assert "pause" in text and "请把工作簿拖到此图标上" in text
    assert "\r\n" in text and written[1].read_bytes() == written[0].read_bytes()


def test_a_path_the_oem_code_page_cannot_hold_uses_a_variable(tmp_path):
    written = install_drop_targets(platform="win32", encoding="cp437", executable=PYTHON, environ=env(tmp_path),
                                   home=tmp_path / "home")
    text = written[0].read_bytes().decode("cp437", errors="replace")
    assert r'"%LOCALAPPDATA%\Programs\Python\Python311\python.exe" -m perfeval recalc' in text


def test_setup_windows_elsewhere_explains(monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    r = CliRunner().invoke(main, ["setup-windows"])
    assert r.exit_code == 2 and "Windows" in r.output


def test_bundle_layout_and_install_script(tmp_path):
    calls = []

    def fake_run(cmd, check):
        calls.append(cmd)
        if cmd[3] == "wheel":
            (Path(cmd[cmd.index("--wheel-dir") + 1]) / "perfeval-0.1.0-py3-none-any.whl").write_bytes(b"w")
        else:
            (Path(cmd[cmd.index("--dest") + 1]) / f"xlwings-0.37.8-cp{cmd[cmd.index('--python-version') + 1].replace('.', '')}-win_amd64.whl").write_bytes(b"w")
    wheels = bundle(tmp_path / "kit", ROOT, versions=("3.11", "3.12"), run=fake_run)
    assert [w.name for w in wheels] == ["perfeval-0.1.0-py3-none-any.whl", "xlwings-0.37.8-cp311-win_amd64.whl",
                                        "xlwings-0.37.8-cp312-win_amd64.whl"]
    assert calls[0][3:6] == ["wheel", "--no-deps", "--wheel-dir"] and calls[0][-1] == str(ROOT)
    for cmd, version in zip(calls[1:], ("3.11", "3.12")):
        assert cmd[3] == "download" and "--only-binary=:all:" in cmd
        assert cmd[cmd.index("--platform") + 1] == "win_amd64" and cmd[cmd.index("--python-version") + 1] == version
        assert "xlwings>=0.37.8,<0.38" in cmd
    script = (tmp_path / "kit" / "安装.cmd").read_bytes().decode("gbk")
    assert script == install_script()
    assert '--no-index --find-links "%~dp0wheels" perfeval' in script
    assert "-m perfeval setup-excel" in script and "-m perfeval setup-windows" in script
    assert (tmp_path / "kit" / "说明.txt").exists()


@pytest.mark.network
def test_bundle_for_real_when_the_package_index_answers(tmp_path):
    """Downloads the real win_amd64 wheels for one Python version (skipped when pip cannot reach an index)."""
    def run(cmd, check):
        return subprocess.run(cmd, check=check, capture_output=True, timeout=600)
    try:
        wheels = bundle(tmp_path / "kit", ROOT, versions=("3.11",), run=run)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"pip could not download from the package index here: {str(exc)[:200]}")
    names = [w.name for w in wheels]
    assert any(n.startswith("perfeval-") for n in names)
    assert any(n.startswith("xlwings-0.37") and "win_amd64" in n for n in names)
    assert any(n.lower().startswith("xlsxwriter-") for n in names) and any(n.startswith("click-") for n in names)


def test_the_kit_builds_from_a_checkout_without_perfeval_installed(tmp_path):
    """tools/build_windows_kit.py runs under `python -S` (no site-packages: neither perfeval nor click)."""
    out = subprocess.run([sys.executable, "-S", str(ROOT / "tools" / "build_windows_kit.py"), str(tmp_path / "kit"),
                          "--python", "3.12", "--dry-run"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    commands = out.stdout.splitlines()
    assert commands[0].endswith(f"pip wheel --no-deps --wheel-dir {tmp_path / 'kit' / 'wheels'} {ROOT}")
    assert "--platform win_amd64 --python-version 3.12" in commands[1] and "xlwings" in commands[1]
    assert (tmp_path / "kit" / "安装.cmd").read_bytes().decode("gbk").startswith("@echo off")
    assert "已生成离线安装包" in commands[-1]
