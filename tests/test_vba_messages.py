"""The button's macro: ASCII source, a Chinese setup message built with ChrW, and the interpreter
check before RunPython (read here by evaluating the VBA string expressions in Python)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = (ROOT / "macros" / "perfeval.bas").read_text(encoding="ascii")


def vba_string(var: str) -> str:
    """The value a sequence of `var = var & …` statements builds (literals, ChrW(&Hxxxx), vbLf)."""
    text = ""
    for line in SOURCE.splitlines():
        m = re.match(rf"\s*{var} = {var} & (.*)$", line)
        if not m:
            continue
        for part in m.group(1).split(" & "):
            part = part.strip()
            if part == "vbLf":
                text += "\n"
            elif part.startswith("ChrW(&H"):
                text += chr(int(part[7:-1], 16))
            else:
                assert part.startswith('"') and part.endswith('"'), part
                text += part[1:-1]
    return text


def test_macro_source_is_ascii():
    assert SOURCE.isascii()


def test_setup_message_gives_the_three_steps_in_chinese():
    msg = vba_string("msg")
    assert msg.startswith("未找到可用的 Python，无法重新计算。")
    assert "1. 安装 Python 3.11、3.12 或 3.13" in msg and "“安装.cmd”" in msg
    assert "python -m perfeval setup-excel" in msg and "perfeval 重新计算" in msg and "python -m perfeval recalc" in msg
    # never a package-index name this project has not published (anyone could register it)
    assert "pip install" not in msg
    assert vba_string("title") == "perfeval 重新计算"


def test_run_recalc_checks_the_interpreter_first():
    body = SOURCE[SOURCE.index("Public Sub RunRecalc()"):SOURCE.index("End Sub")]
    assert body.index("InterpreterReady") < body.index("RunPython")
    check = SOURCE[SOURCE.index("Private Function InterpreterReady"):]
    assert 'GetConfig("INTERPRETER_WIN", "")' in check and "FileExists" in check and 'Environ("PATH")' in check
    # a blocked Scripting.FileSystemObject (or any failure of the check) shows the help, not a VBA error
    body = check[:check.index("End Function")]
    assert body.index("On Error GoTo CannotCheck") < body.index('CreateObject("Scripting.FileSystemObject")')
    assert body.index("CannotCheck:") < body.index("ShowSetupHelp")


def test_template_carries_a_hidden_xlwings_conf_sheet_with_safe_settings():
    import openpyxl
    for book in sorted((ROOT / "workbook_templates").glob("*.xlsm")):
        ws = openpyxl.load_workbook(book)["xlwings.conf"]
        assert ws.sheet_state == "hidden"
        settings = {r[0].value: r[1].value for r in ws.iter_rows()}
        assert settings == {"USE UDF SERVER": "False", "ADD_WORKBOOK_TO_PYTHONPATH": "False"}
        assert not any("INTERPRETER" in k for k in settings)       # left to the user's config: works on any PC
