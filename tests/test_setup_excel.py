from click.testing import CliRunner

from perfeval.cli import main
from perfeval.excel.setup import configure


def test_setup_excel_writes_xlwings_user_config(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    conf = tmp_path / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir()
    conf.write_text('"INTERPRETER_WIN","C:\\old\\python.exe"\n"LOG_FILE","C:\\x.log"\n', encoding="utf-8")
    path, key, value = configure("win32")
    lines = conf.read_text(encoding="utf-8").splitlines()
    assert path == conf and key == "INTERPRETER_WIN"
    assert lines == ['"LOG_FILE","C:\\x.log"', f'"INTERPRETER_WIN","{value}"']
    configure("win32")
    assert conf.read_text(encoding="utf-8").count("INTERPRETER_WIN") == 1


def test_setup_excel_elsewhere_explains(tmp_path, monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    r = CliRunner().invoke(main, ["setup-excel"])
    assert r.exit_code == 2 and "Windows" in r.output


def test_setup_excel_command_on_windows(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr("sys.platform", "win32")
    r = CliRunner().invoke(main, ["setup-excel"])
    assert r.exit_code == 0 and "INTERPRETER_WIN" in r.output
    assert (tmp_path / ".xlwings" / "xlwings.conf").exists()
