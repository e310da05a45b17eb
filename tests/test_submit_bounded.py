"""``perfeval submit`` stays bounded and honest whatever LibreOffice does: a hanging soffice (and what
it started) is killed after a bounded time and the package is written without PDFs, with one note; a
PDF that is not one is never packaged; names made from the clerk's unit name are safe file names;
a read-only source is fine (it is only read) and nothing suggests a --force that would not help.

LibreOffice is replaced by small scripts placed where ``soffice()`` finds it."""
from __future__ import annotations

import os
import shutil
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import perfeval.report.submit as submit_module
from perfeval.cli import main
from perfeval.report.submit import pdf_problem, safe_name
from wbtools import write_values

ROOT = Path(__file__).resolve().parents[1]
HONGQI = ROOT / "workbook_templates" / "红旗镇2023自评.xlsm"
PACKAGE = "红旗镇人民政府_2023_部门整体支出绩效自评"
posix_only = pytest.mark.skipif(os.name == "nt", reason="the fake soffice is a POSIX script")


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "红旗镇2023自评.xlsm"
    shutil.copy(HONGQI, path)
    return path


def fake_soffice(tmp_path, monkeypatch, body: str) -> Path:
    """An executable Python script standing in for soffice; ``body`` sees ``args`` (its arguments),
    ``outdir`` and ``inputs``."""
    exe = tmp_path / "bin" / "soffice"
    exe.parent.mkdir()
    exe.write_text(f"#!{sys.executable}\n" + textwrap.dedent("""\
        import os, subprocess, sys, time
        from pathlib import Path
        args = sys.argv[1:]
        outdir = Path(args[args.index("--outdir") + 1])
        inputs = [Path(a) for a in args[args.index("--outdir") + 2:]]
        """) + textwrap.dedent(body), encoding="utf-8")
    exe.chmod(0o755)
    monkeypatch.setattr(submit_module, "soffice", lambda: str(exe))
    return exe


def invoke(*args):
    return CliRunner().invoke(main, ["submit", *map(str, args)])


def alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie waiting for a reaper counts as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def wait_dead(pids, seconds=5.0) -> list[int]:
    """The pids still alive after up to ``seconds`` (SIGKILL is delivered asynchronously)."""
    deadline = time.monotonic() + seconds
    while True:
        left = [p for p in pids if alive(p)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)


def spawning_a_child(pids: Path, then: str = "") -> str:
    """A fake soffice's body: start a sleeping child, note both pids, then ``then``."""
    return f"""\
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1000)"])
        Path({str(pids)!r}).write_text(f"{{os.getpid()}} {{child.pid}}")
        """ + then


@posix_only
def test_a_hanging_soffice_and_its_child_are_killed_and_the_package_is_written(book, tmp_path, monkeypatch):
    pids = tmp_path / "pids"
    fake_soffice(tmp_path, monkeypatch, spawning_a_child(pids, then="time.sleep(1000)\n"))
    monkeypatch.setattr(submit_module, "PDF_TIMEOUT_BASE", 2.0)
    monkeypatch.setattr(submit_module, "PDF_TIMEOUT_MAX", 2.0)
    out = tmp_path / "out"
    started = time.monotonic()
    r = invoke(book, "-o", out)
    elapsed = time.monotonic() - started
    assert r.exit_code == 0, r.output
    assert elapsed < 60                                   # not the 300 s of the old fixed timeout
    assert "内部错误" not in r.output and "TimeoutExpired" not in r.output
    notes = [line for line in r.output.splitlines() if line.startswith("注意：") and "【待填写】" not in line
             and "已按打分表补充起草" not in line]                    # the report's own 提示 (test_report_drafting)
    assert notes == ["注意：LibreOffice 转换 PDF 超过 2 秒仍未完成，已终止，未生成 PDF（可在 Excel/Word 中另存为 PDF）"]
    folder = out / PACKAGE
    assert sorted(p.name for p in folder.iterdir()) == [f"{PACKAGE}.xlsx", f"{PACKAGE}_自评报告.docx"]
    soffice_pid, child_pid = map(int, pids.read_text().split())
    assert wait_dead([soffice_pid, child_pid]) == []


@posix_only
def test_a_soffice_that_exits_leaving_a_child_behind_leaves_nothing_running(book, tmp_path, monkeypatch):
    """A normal finish is cleaned up too: what soffice started in its group does not outlive it."""
    pids = tmp_path / "pids"
    fake_soffice(tmp_path, monkeypatch, spawning_a_child(pids))
    r = invoke(book, "-o", tmp_path / "out")
    assert r.exit_code == 0, r.output
    assert f"{PACKAGE}.xlsx 未能转换为 PDF" in r.output
    assert wait_dead(list(map(int, pids.read_text().split()))) == []


GOOD_PDF = b"%PDF-1.7\n" + b"% a page\n" * 300 + b"trailer\n<<>>\n%%EOF\n"


@posix_only
def test_a_garbage_pdf_is_left_out_with_a_note_naming_it(book, tmp_path, monkeypatch):
    fake_soffice(tmp_path, monkeypatch, f"""\
        for path in inputs:
            pdf = outdir / (path.stem + ".pdf")
            pdf.write_bytes({GOOD_PDF!r} if path.suffix == ".xlsx" else b"<html>Error: not converted</html>")
        """)
    folder = tmp_path / "out" / PACKAGE
    folder.mkdir(parents=True)
    stale = folder / f"{PACKAGE}_自评报告.pdf"                  # an earlier run's PDF: not of this package
    stale.write_bytes(GOOD_PDF)
    r = invoke(book, "-o", tmp_path / "out")
    assert r.exit_code == 0, r.output
    assert f"注意：LibreOffice 生成的“{PACKAGE}_自评报告.pdf”不是 PDF 文件，未放入报送文件夹" in r.output
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"{PACKAGE}.pdf", f"{PACKAGE}.xlsx", f"{PACKAGE}_自评报告.docx"]
    assert f"  {PACKAGE}_自评报告.pdf" not in r.output.splitlines()
    assert (folder / f"{PACKAGE}.pdf").read_bytes() == GOOD_PDF


@posix_only
def test_a_truncated_pdf_is_left_out(book, tmp_path, monkeypatch):
    fake_soffice(tmp_path, monkeypatch, f"""\
        for path in inputs:
            (outdir / (path.stem + ".pdf")).write_bytes({GOOD_PDF[:-20]!r})
        """)
    r = invoke(book, "-o", tmp_path / "out")
    assert r.exit_code == 0, r.output
    assert f"“{PACKAGE}.pdf”文件不完整，未放入报送文件夹" in r.output
    assert f"“{PACKAGE}_自评报告.pdf”文件不完整，未放入报送文件夹" in r.output
    assert not list((tmp_path / "out" / PACKAGE).glob("*.pdf"))


@posix_only
def test_a_soffice_that_cannot_start_is_a_note(book, tmp_path, monkeypatch):
    exe = fake_soffice(tmp_path, monkeypatch, "")
    exe.chmod(0o644)                                          # not executable: PermissionError
    r = invoke(book, "-o", tmp_path / "out")
    assert r.exit_code == 0, r.output
    assert "注意：无法启动 LibreOffice" in r.output and "内部错误" not in r.output


@pytest.mark.parametrize("data,problem", [
    (GOOD_PDF, None),
    (b"", "是空文件"),
    (b"PK\x03\x04" + b"x" * 2000, "不是 PDF 文件"),
    (GOOD_PDF[:-20], "文件不完整"),
    (b"%PDF-1.7\n%%EOF\n", "只有 15 字节，内容不完整"),
])
def test_pdf_problem(tmp_path, data, problem):
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(data)
    assert pdf_problem(pdf) == problem
    assert pdf_problem(tmp_path / "missing.pdf") == "未生成"


def test_a_hostile_301_character_unit_name_gives_short_safe_names(book, tmp_path, monkeypatch):
    monkeypatch.setattr(submit_module, "soffice", lambda: None)
    unit = "红旗镇\u202e人民政府\x07" + "镇" * 300
    write_values(book, "基本信息", {(3, 1): unit})
    r = invoke(book, "-o", tmp_path / "out")
    assert r.exit_code == 0, r.output
    (folder,) = (tmp_path / "out").iterdir()
    paths = [folder, *folder.iterdir()]
    assert len(paths) == 3
    for path in paths:
        assert "\u202e" not in path.name and "\x07" not in path.name
        assert path.name.startswith("红旗镇人民政府镇镇")
        assert len(path.name.encode("utf-8")) < 200
    assert folder.name.endswith("镇_2023_部门整体支出绩效自评")


@pytest.mark.parametrize("text,name", [
    ("红旗镇人民政府", "红旗镇人民政府"),
    ("红旗镇\u202e人民\u200b政府\x07\x00", "红旗镇人民政府"),
    (" 红旗镇 人民政府 \t\n", "红旗镇人民政府"),
    ('a<b>c:d"e/f\\g|h?i*j', "a_b_c_d_e_f_g_h_i_j"),
    ("单位...", "单位"),
    ("..单位", "单位"),
    ("CON", "_CON"),
    ("nul", "_nul"),
    ("com1.局", "_com1.局"),
    ("LPT9", "_LPT9"),
    ("CONSOLE", "CONSOLE"),
    ("\u202e\x07 . ", "未填写"),
    ("", "未填写"),
    ("\ud800镇", "镇"),
])
def test_safe_name(text, name):
    assert safe_name(text) == name


def test_safe_name_bounds_characters_and_bytes():
    assert safe_name("镇" * 301) == "镇" * (submit_module.UNIT_MAX_BYTES // 3)     # 3 bytes each
    assert safe_name("a" * 301) == "a" * submit_module.UNIT_MAX_CHARS
    emoji = safe_name("😀" * 40)                               # 4 bytes each: the byte bound cuts first
    assert emoji == "😀" * (submit_module.UNIT_MAX_BYTES // 4)
    assert safe_name("镇" * 29 + ".镇镇") == "镇" * 29             # a cut never ends in a dot


def test_a_read_only_source_is_submitted_and_never_told_to_use_force(book, tmp_path, monkeypatch):
    monkeypatch.setattr(submit_module, "soffice", lambda: None)
    book.chmod(0o444)
    before = book.read_bytes()
    r = invoke(book, "-o", tmp_path / "out")
    assert r.exit_code == 0, r.output
    assert "--force" not in r.output and "只读" not in r.output
    assert (tmp_path / "out" / PACKAGE / f"{PACKAGE}.xlsx").exists()
    assert book.read_bytes() == before


def test_a_read_only_file_in_the_package_folder_is_refused_without_suggesting_force(book, tmp_path, monkeypatch):
    monkeypatch.setattr(submit_module, "soffice", lambda: None)
    folder = tmp_path / "out" / PACKAGE
    folder.mkdir(parents=True)
    old = folder / f"{PACKAGE}_自评报告.docx"
    old.write_bytes(b"an earlier report")
    old.chmod(0o444)
    r = invoke(book, "-o", tmp_path / "out")
    assert r.exit_code == 2, r.output
    assert r.output.strip() == (f"错误：报送文件夹中的“{PACKAGE}_自评报告.docx”是只读文件，未覆盖："
                                "请取消该文件的只读属性（或删除该文件）后重试")
    assert "--force" not in r.output
    assert [p.name for p in folder.iterdir()] == [old.name] and old.read_bytes() == b"an earlier report"
