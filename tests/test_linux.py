"""perfeval setup-linux: the freedesktop entry (右键 → 打开方式), its runner script, the desktop drop
target and deepin's file-manager menu — written into a temporary home, validated with
desktop-file-validate, and the runner run for real on the 红旗镇 sample."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfeval.cli import main
from perfeval.install import desktop

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbook_templates" / "红旗镇2023自评.xlsm"


def chinese_home(tmp_path: Path) -> dict:
    home = tmp_path / "home" / "张 三"
    (home / "桌面").mkdir(parents=True)
    (home / ".config").mkdir()
    (home / ".config" / "user-dirs.dirs").write_text('XDG_DESKTOP_DIR="$HOME/桌面"\n', encoding="utf-8")
    return {"HOME": str(home)}


def test_setup_linux_writes_the_entry_the_runner_and_the_desktop_icon(tmp_path):
    environ = chinese_home(tmp_path)
    home = Path(environ["HOME"])
    written = desktop.install(platform="linux", environ=environ, root=False, cmd=[sys.executable, "-m", "perfeval"])
    data = home / ".local" / "share"
    assert written == [data / "perfeval" / "重新计算.sh", data / "applications" / desktop.ENTRY_NAME,
                       home / "桌面" / desktop.ENTRY_NAME]
    entry = written[1].read_text(encoding="utf-8")
    assert "MimeType=application/vnd.ms-excel.sheet.macroEnabled.12;" in entry and "spreadsheetml.sheet;" in entry
    assert "Terminal=true" in entry and "Name[zh_CN]=perfeval 重新计算" in entry
    assert f'Exec=/bin/sh "{written[0]}" %F' in entry                  # a path with a space, quoted
    assert written[2].read_text(encoding="utf-8") == entry and written[2].stat().st_mode & 0o111
    assert written[0].stat().st_mode & 0o111


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None and not __import__("os").environ.get("CI"),
                    reason="desktop-file-validate (Debian's desktop-file-utils) is not installed; CI installs it")
def test_the_entries_pass_desktop_file_validate(tmp_path):
    environ = chinese_home(tmp_path)
    written = desktop.install(platform="linux", environ=environ, root=True, cmd=[sys.executable, "-m", "perfeval"],
                              deepin_menu=tmp_path / "oem-menuextensions", system_script=tmp_path / "sys" / "重新计算.sh")
    entries = [p for p in written if p.suffix == ".desktop"]
    assert len(entries) == 3 and (tmp_path / "oem-menuextensions" / desktop.ENTRY_NAME) in entries
    for entry in entries:
        out = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert out.returncode == 0 and out.stdout.strip() == "", (entry, out.stdout, out.stderr)
    deepin = (tmp_path / "oem-menuextensions" / desktop.ENTRY_NAME).read_text(encoding="utf-8")
    assert "X-DFM-MenuTypes=SingleFile;MultiFiles;" in deepin and str(tmp_path / "sys" / "重新计算.sh") in deepin


def test_the_runner_recalculates_each_file_and_waits_for_enter(tmp_path):
    book = tmp_path / "红旗 镇.xlsm"
    shutil.copy(SAMPLE, book)
    script = tmp_path / "r.sh"
    script.write_text(desktop.runner_script([sys.executable, "-m", "perfeval"]), encoding="utf-8")
    out = subprocess.run(["/bin/sh", str(script), str(book)], input="\n", capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "计算完成：总分97分" in out.stdout and out.stdout.rstrip().endswith("按回车键关闭此窗口。")
    alone = subprocess.run(["/bin/sh", str(script)], input="\n", capture_output=True, text=True, timeout=60)
    assert "打开方式 → perfeval 重新计算" in alone.stdout


def test_without_a_desktop_it_is_one_chinese_line_and_exit_2(tmp_path, monkeypatch):
    home = tmp_path / "server"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    r = CliRunner().invoke(main, ["setup-linux"])
    assert r.exit_code == 2 and r.output.count("\n") == 1 and "本机没有桌面文件夹" in r.output, r.output
    assert list(home.iterdir()) == []                                   # nothing written


def test_setup_linux_elsewhere_points_to_setup_windows(monkeypatch):
    monkeypatch.setattr("sys.platform", "win32")
    r = CliRunner().invoke(main, ["setup-linux"])
    assert r.exit_code == 2 and "setup-windows" in r.output


def test_from_the_pyz_the_entry_runs_the_archive(tmp_path, monkeypatch):
    archive = tmp_path / "perfeval.pyz"
    archive.write_bytes(b"PK")
    monkeypatch.setattr("sys.argv", [str(archive), "setup-linux"])
    assert desktop.command("/usr/bin/python3") == ["/usr/bin/python3", str(archive)]
    monkeypatch.setattr("sys.argv", ["perfeval", "setup-linux"])
    assert desktop.command("/usr/bin/python3") == ["/usr/bin/python3", "-m", "perfeval"]


@pytest.mark.network
def test_the_linux_kit_installs_offline_with_the_system_python_3_7(tmp_path):
    """bundle-linux for x86_64 and loongarch64, Python 3.7; then 安装.sh with a Python 3.7 that has no pip
    (a venv made --without-pip, so a root CI run installs there, not into pyenv's Python), a Chinese
    desktop and no package index: the kit's own pip installs from the kit, setup-linux runs, and the
    entry's runner recalculates the sample to 97.  loongarch64 has no lxml wheel: said, and the .pyz is the way."""
    from helpers import pyenv_python
    from perfeval.install.resolve import Target, missing
    python37 = pyenv_python("3.7")
    if python37 is None:
        pytest.skip("pyenv has no Python 3.7 here")
    kit = tmp_path / "离线安装包"
    r = CliRunner().invoke(main, ["bundle-linux", str(kit), "--source", str(ROOT), "--python", "3.7",
                                  "--machine", "x86_64", "--machine", "loongarch64"])
    assert r.exit_code == 0, r.output
    assert "loongarch64 Python 3.7：没有 lxml" in r.output and "perfeval.pyz" in r.output
    assert missing(kit / "wheels", Target("Linux", "3.7", "x86_64")) == []
    assert (kit / "perfeval.pyz").is_file() and (kit / "安装.sh").stat().st_mode & 0o111
    assert "loongarch64" in (kit / "说明.txt").read_text(encoding="utf-8")
    assert [w.name for w in kit.glob("pip-*.whl")] == ["pip-24.0-py3-none-any.whl"]
    system = tmp_path / "system-python"
    subprocess.run([python37, "-m", "venv", "--without-pip", str(system)], check=True, timeout=120)
    bin_dir, home = system / "bin", tmp_path / "home"
    (home / "桌面").mkdir(parents=True)
    assert subprocess.run([str(bin_dir / "python3"), "-m", "pip", "--version"], capture_output=True).returncode != 0
    env = {"HOME": str(home), "PATH": f"{bin_dir}:/usr/bin:/bin", "LANG": "C.UTF-8", "PIP_NO_INDEX": "1",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    out = subprocess.run(["sh", str(kit / "安装.sh")], capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path)
    assert out.returncode == 0 and "安装完成" in out.stdout, out.stdout[-2000:] + out.stderr[-2000:]
    assert "使用 Python 3.7" in out.stdout and "本安装包包含 Python 3.7 的安装文件" in out.stdout
    assert "改用 perfeval.pyz" not in out.stdout                        # pip from the kit, not the fallback
    runner = home / ".local" / "share" / "perfeval" / "重新计算.sh"
    assert (home / "桌面" / desktop.ENTRY_NAME).exists() and runner.exists()
    book = tmp_path / "红旗镇.xlsm"
    shutil.copy(SAMPLE, book)
    done = subprocess.run(["sh", str(runner), str(book)], input="\n", capture_output=True, text=True, timeout=300, env=env)
    assert "计算完成：总分97分（优）" in done.stdout, done.stdout + done.stderr


def test_from_the_pyz_the_entry_runs_a_copy_that_outlives_the_kit_folder(tmp_path):
    environ = chinese_home(tmp_path)
    kit = tmp_path / "U盘" / "离线安装包"
    kit.mkdir(parents=True)
    (kit / "perfeval.pyz").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    written = desktop.install(platform="linux", environ=environ, root=False, cmd=["/usr/bin/python3", str(kit / "perfeval.pyz")])
    copy = Path(environ["HOME"]) / ".local" / "share" / "perfeval" / "perfeval.pyz"
    assert written[0] == copy and copy.read_bytes() == (kit / "perfeval.pyz").read_bytes()
    runner = (Path(environ["HOME"]) / ".local" / "share" / "perfeval" / "重新计算.sh").read_text(encoding="utf-8")
    assert f"/usr/bin/python3 {copy}" in runner.replace("'", "") and str(kit) not in runner
