"""perfeval setup-excel, with the Windows pieces injected: the conf is written in the code page
xlwings' VBA reads (cp936 on Chinese Windows), paths it cannot hold go through %VARIABLES%."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfeval.cli import main
from perfeval.excel.setup import NotSupported, configure, portable

USER = r"C:\Users\张三"
LOCAL = USER + r"\AppData\Local"
PYTHON = LOCAL + r"\Programs\Python\Python311\python.exe"
ENV = {"USERPROFILE": USER, "LOCALAPPDATA": LOCAL, "APPDATA": USER + r"\AppData\Roaming"}


def conf_of(home: Path) -> Path:
    return home / ".xlwings" / "xlwings.conf"


def test_chinese_user_name_on_chinese_windows_is_written_in_cp936(tmp_path):
    path, key, value = configure("win32", version=(3, 12), encoding="cp936", executable=PYTHON, environ=ENV, home=tmp_path)
    assert value == LOCAL + r"\Programs\Python\Python311\pythonw.exe"
    raw = conf_of(tmp_path).read_bytes()
    assert raw.decode("cp936").splitlines() == [f'"INTERPRETER_WIN","{value}"']
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")                           # what VBA would garble: not UTF-8


def test_a_path_the_code_page_cannot_hold_goes_through_an_environment_variable(tmp_path):
    _, _, value = configure("win32", version=(3, 12), encoding="cp1252", executable=PYTHON, environ=ENV, home=tmp_path)
    assert value == r"%LOCALAPPDATA%\Programs\Python\Python311\pythonw.exe"
    assert conf_of(tmp_path).read_bytes().isascii()


def test_no_variable_fits_gives_a_chinese_line():
    with pytest.raises(NotSupported, match="只含英文字母"):
        portable(r"D:\软件\Python\pythonw.exe", "cp1252", ENV)


def test_existing_confs_in_either_encoding_keep_their_other_keys(tmp_path):
    conf = conf_of(tmp_path)
    conf.parent.mkdir()
    conf.write_bytes('"INTERPRETER_WIN","C:\\old\\python.exe"\r\n"LOG_FILE","C:\\用户\\日志.log"\r\n'.encode("cp936"))
    configure("win32", version=(3, 12), encoding="cp936", executable=PYTHON, environ=ENV, home=tmp_path)
    lines = conf.read_bytes().decode("cp936").splitlines()
    assert lines[0] == '"LOG_FILE","C:\\用户\\日志.log"' and lines[1].startswith('"INTERPRETER_WIN"') and len(lines) == 2
    conf.write_text('"USE UDF SERVER","False"\n"INTERPRETER_WIN","x"\n', encoding="utf-8")      # a UTF-8 conf
    configure("win32", version=(3, 12), encoding="cp936", executable=PYTHON, environ=ENV, home=tmp_path)
    assert conf.read_bytes().decode("cp936").splitlines()[0] == '"USE UDF SERVER","False"'
    configure("win32", version=(3, 12), encoding="cp936", executable=PYTHON, environ=ENV, home=tmp_path)
    assert conf.read_bytes().decode("cp936").count("INTERPRETER_WIN") == 1


def test_setup_excel_elsewhere_explains(monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    r = CliRunner().invoke(main, ["setup-excel"])
    assert r.exit_code == 2 and "Windows" in r.output


def test_setup_excel_command_on_windows(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.setattr("perfeval.excel.setup.ansi_encoding", lambda platform=None: "cp936")
    r = CliRunner().invoke(main, ["setup-excel"])
    assert r.exit_code == 0 and "INTERPRETER_WIN" in r.output
    assert conf_of(tmp_path).exists()


def test_a_python_below_the_buttons_floor_is_told_what_still_works(tmp_path):
    """xlwings (hence the button) installs only on Python 3.11+: a Windows PC with 3.8 gets recalc and the
    drop icon, and setup-excel says so instead of writing a conf the button could not use."""
    import pytest
    from perfeval.errors import NotSupported
    with pytest.raises(NotSupported, match=r"需要 Python 3\.11 或更高版本（xlwings 0\.37），本机是 Python 3\.8") as err:
        configure("win32", version=(3, 8), encoding="cp936", executable=PYTHON, environ=ENV, home=tmp_path)
    assert "perfeval setup-windows" in str(err.value) and not (tmp_path / ".xlwings").exists()
