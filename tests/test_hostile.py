"""Hostile environments: every read/write failure is exit 2 with one Chinese line, the original
untouched and no temporary file left; Ctrl-C and SIGTERM too; any console encoding; sheet names
that try to inject formula text; symlinks, read-only files, existing targets, concurrent runs."""
from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.formula.tokenizer import Tokenizer

from perfeval import render
from perfeval.cli import main
from perfeval.xlsx import parts as P
from perfeval.xlsx.workbook import recalc

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbook_templates" / "红旗镇2023自评.xlsm"


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "红旗镇.xlsm"
    shutil.copy(SAMPLE, path)
    return path


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".~perfeval"))


@pytest.mark.parametrize("code, words", [
    (errno.ENOSPC, "磁盘空间不足"), (errno.EFBIG, "文件大小超过"), (errno.EACCES, "没有权限"),
    (errno.EROFS, "只读"), (errno.EIO, "无法写入"),
])
def test_os_errors_while_writing_are_exit_2_with_advice(book, monkeypatch, code, words):
    before = book.read_bytes()

    def failing_write(out, *a, **k):
        out.write(b"partial")
        raise OSError(code, os.strerror(code))
    monkeypatch.setattr(P, "write_zip", failing_write)
    r = run("recalc", book)
    assert r.exit_code == 2 and words in r.output and "原文件未修改" in r.output and r.output.count("\n") == 1
    assert book.read_bytes() == before and leftovers(book.parent) == []


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root ignores folder permissions")
def test_read_only_folder(book):
    os.chmod(book.parent, 0o555)
    try:
        r = run("recalc", book)
    finally:
        os.chmod(book.parent, 0o755)
    assert r.exit_code == 2 and "没有权限" in r.output


def test_temp_file_creation_failure_is_guarded(book, monkeypatch):
    def no_temp(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(P.tempfile, "mkstemp", no_temp)
    r = run("recalc", book)
    assert r.exit_code == 2 and "没有权限" in r.output


def test_ctrl_c_leaves_the_file_and_no_temp(book, monkeypatch):
    before = book.read_bytes()

    def interrupted(out, *a, **k):
        out.write(b"partial")
        raise KeyboardInterrupt
    monkeypatch.setattr(P, "write_zip", interrupted)
    r = run("recalc", book)
    assert r.exit_code == 130 and "已中断" in r.output and "Aborted" not in r.output
    assert book.read_bytes() == before and leftovers(book.parent) == []


def test_sigterm_leaves_the_file_and_no_temp(book):
    before = book.read_bytes()
    code = textwrap.dedent(f"""
        import os, signal, sys
        from perfeval.xlsx import parts
        real = parts.write_zip
        def write(out, *a, **k):
            out.write(b"partial")
            os.kill(os.getpid(), signal.SIGTERM)
            real(out, *a, **k)
        parts.write_zip = write
        from perfeval.cli import main
        main(["recalc", {str(book)!r}])
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 143 and "已终止" in r.stderr and "Traceback" not in r.stderr
    assert book.read_bytes() == before and leftovers(book.parent) == []


@pytest.mark.parametrize("encoding", ["cp1252", "gbk", "ascii"])
def test_any_console_encoding(book, encoding):
    env = dict(os.environ, PYTHONIOENCODING=encoding)
    r = subprocess.run([sys.executable, "-m", "perfeval", "recalc", str(book)], capture_output=True, env=env, timeout=120)
    assert r.returncode == 0 and b"Traceback" not in r.stderr
    assert zipfile.ZipFile(book).testzip() is None
    s = subprocess.run([sys.executable, "-m", "perfeval", "score", str(book)], capture_output=True, env=env, timeout=120)
    assert s.returncode == 0 and s.stdout


def test_a_directory_argument_is_a_chinese_line(tmp_path):
    for args in (("recalc", tmp_path), ("score", tmp_path), ("new", tmp_path)):
        r = run(*args)
        assert r.exit_code == 2 and r.output.startswith("错误：") and "Usage" not in r.output, args


def test_read_only_workbook_is_refused_unless_forced(book):
    os.chmod(book, 0o444)
    before = book.read_bytes()
    r = run("recalc", book)
    assert r.exit_code == 2 and "只读" in r.output and book.read_bytes() == before
    r = run("recalc", book, "--force")
    assert r.exit_code == 0 and book.read_bytes() != before
    assert stat.S_IMODE(os.stat(book).st_mode) == 0o444          # still read-only afterwards


def test_new_and_demo_do_not_overwrite(tmp_path):
    target = tmp_path / "已填写.xlsm"
    target.write_bytes(b"filled")
    assert run("new", target).exit_code == 2 and target.read_bytes() == b"filled"
    assert run("new", target, "--force").exit_code == 0 and target.read_bytes() != b"filled"
    assert run("demo", tmp_path / "d").exit_code == 0
    r = run("demo", tmp_path / "d")
    assert r.exit_code == 2 and "已存在" in r.output
    assert run("demo", tmp_path / "d", "--force").exit_code == 0


def test_new_files_get_the_umask_mode(tmp_path):
    old = os.umask(0o022)
    try:
        run("new", tmp_path / "n.xlsm")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "n.xlsm").st_mode) == 0o644


def test_a_symlink_is_followed_and_its_target_written(book, tmp_path):
    link = tmp_path / "link.xlsm"
    link.symlink_to(book)
    before = book.read_bytes()
    assert run("recalc", link).exit_code == 0
    assert link.is_symlink() and book.read_bytes() != before


def test_a_second_run_waits_then_refuses(book, monkeypatch):
    monkeypatch.setattr(P, "LOCK_WAIT_SECONDS", 0.3)
    before = book.read_bytes()
    with P.file_lock(Path(os.path.realpath(book)), wait=0):
        P._HELD.clear()                       # as if another process held it
        r = run("recalc", book)
    assert r.exit_code == 2 and "另一个 perfeval 正在处理" in r.output and book.read_bytes() == before


def test_a_stale_lock_of_a_dead_process_is_taken_over(book):
    lock = book.with_name(f".~perfeval-{book.name}.lock")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout
    lock.write_text(dead.strip())
    assert run("recalc", book).exit_code == 0 and not lock.exists()


def test_four_concurrent_recalcs_all_end_well(book):
    procs = [subprocess.Popen([sys.executable, "-m", "perfeval", "recalc", str(book)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for _ in range(4)]
    results = [(p.wait(timeout=120), p.stderr.read().decode()) for p in procs]
    assert all(code in (0, 2) for code, _ in results)
    assert all("Traceback" not in err for _, err in results)
    assert all("另一个 perfeval" in err for code, err in results if code == 2)
    assert recalc(book).total == 97 and leftovers(book.parent) == []


# ------------------------------------------------------------------ formula quoting

LEGAL_NAME = st.text(alphabet=st.characters(blacklist_characters="[]:*?/\\\x00", blacklist_categories=("Cs", "Cc")),
                     min_size=1, max_size=31).filter(lambda s: not s.startswith("'") and not s.endswith("'"))


@settings(max_examples=300, deadline=None)
@given(sheet=LEGAL_NAME)
def test_hyperlinks_quote_any_legal_sheet_name(sheet):
    formula = "=" + render.hyperlink_formula(sheet, "C4")
    tokens = [t for t in Tokenizer(formula).items if t.type != "WHITE-SPACE"]
    assert [t.type for t in tokens] == ["FUNC", "OPERAND", "SEP", "OPERAND", "FUNC"]
    assert tokens[0].value == "HYPERLINK(" and tokens[1].subtype == "TEXT" and tokens[3].subtype == "TEXT"
    target = tokens[1].value[1:-1].replace('""', '"')
    assert target == "#'" + sheet.replace("'", "''") + "'!C4"


def test_a_quote_in_a_sheet_name_cannot_inject(book, tmp_path):
    """Rename an input sheet to one carrying a formula and recalc: the link stays one string."""
    evil = '项目"),1+1,("'
    data = {}
    with zipfile.ZipFile(book) as zf:
        for info in zf.infolist():
            data[info.filename] = zf.read(info.filename)
    data["xl/workbook.xml"] = data["xl/workbook.xml"].replace('name="项目支出"'.encode(), f'name="{evil.replace(chr(34), "&quot;")}"'.encode())
    bad = tmp_path / "evil.xlsm"
    with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in data.items():
            zf.writestr(name, content)
    from perfeval.samples import hongqi
    from perfeval.xlsx.workbook import fill_workbook, score_workbook
    t = hongqi()
    t["Projects"].rows[0][2] = "十五万"                 # an error finding pointing into the renamed sheet
    fill_workbook(bad, {"Projects": t["Projects"]})
    assert run("recalc", bad).exit_code == 0
    import openpyxl
    ws = openpyxl.load_workbook(bad)["校验结果"]
    links = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert links and all(len([t for t in Tokenizer(f).items if t.type == "SEP"]) == 1 for f in links)
    assert any('""' in f for f in links)
    assert score_workbook(bad)[0].total < 97
