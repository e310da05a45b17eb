"""Locks that a crash, a full disk or a reboot cannot wedge, temporary files of dead runs cleaned by
the next run, names near NAME_MAX, the replaced file's owner and mode kept — and a SIGKILL sweep:
killed at random moments, the workbook is always the original or the complete result, and the next
run leaves no litter."""
from __future__ import annotations

import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfeval.cli import main
from perfeval.xlsx import parts as P
from perfeval.xlsx.workbook import score_workbook

SAMPLE = Path(__file__).resolve().parents[1] / "workbook_templates" / "红旗镇2023自评.xlsm"
POSIX = pytest.mark.skipif(os.name == "nt", reason="POSIX processes and owners")


@pytest.fixture
def book(tmp_path) -> Path:
    path = tmp_path / "红旗镇.xlsm"
    shutil.copy(SAMPLE, path)
    return path


def litter(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".~perfeval"))


def recalc(book: Path):
    return CliRunner().invoke(main, ["recalc", str(book)])


@pytest.mark.parametrize("content", ["", "0", "1", "garbage"], ids=["empty", "zero", "pid-1-alive", "garbage"])
def test_a_left_lock_file_never_blocks(book, content):
    """An empty lock (a full disk), one naming PID 1 (alive, unrelated: after a reboot) or garbage."""
    P.lock_path(book).write_text(content)
    started = time.monotonic()
    assert recalc(book).exit_code == 0 and time.monotonic() - started < 5
    assert litter(book.parent) == []


@POSIX
def test_a_dead_runs_temporary_file_is_removed_by_the_next_run_and_a_live_ones_kept(book):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = book.parent / f".~perfeval-{dead.stdout.strip()}-0badcafe-abc.xlsm"
    stale.write_bytes(b"half a workbook")
    os.utime(stale, (time.time() - 120, time.time() - 120))      # over a minute old: not another machine's live run
    young = book.parent / f".~perfeval-{dead.stdout.strip()}-0badcafe-young.xlsm"
    young.write_bytes(b"maybe another machine's")
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = book.parent / f".~perfeval-{alive.pid}-def.xlsm"
        live.write_bytes(b"being written")
        assert CliRunner().invoke(main, ["score", str(book)]).exit_code == 0       # any command cleans
        assert litter(book.parent) == sorted([live.name, young.name])
    finally:
        alive.kill()
        alive.wait()
    assert recalc(book).exit_code == 0                 # young files of other PIDs and workbooks wait their minute
    assert litter(book.parent) == sorted([young.name, live.name])


def test_a_name_near_name_max_recalculates(tmp_path):
    name = "红" * 80 + ".xlsm"                                 # 245 bytes in UTF-8
    assert len(name.encode()) == 245
    book = tmp_path / name
    shutil.copy(SAMPLE, book)
    assert recalc(book).exit_code == 0 and score_workbook(book)[0].total == 97 and litter(tmp_path) == []
    assert len(P.lock_path(book).name.encode()) <= 255


@POSIX
@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changing a file's owner needs root")
def test_the_replaced_file_keeps_its_owner_group_and_mode(book):
    os.chown(book, 1000, 1000)
    os.chmod(book, 0o640)
    assert recalc(book).exit_code == 0
    st = os.stat(book)
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (1000, 1000, 0o640)


def test_a_file_the_real_user_cannot_write_is_refused(book, monkeypatch):
    """Write bits set, but no access for this user (another user's file in a shared folder)."""
    real = os.access
    monkeypatch.setattr(P.os, "access", lambda path, mode: False if Path(path) == book else real(path, mode))
    before = book.read_bytes()
    run = recalc(book)
    assert run.exit_code == 2 and "只读" in run.output and book.read_bytes() == before


@POSIX
def test_killed_at_random_moments_the_workbook_is_whole_and_the_next_run_cleans_up(book):
    original = book.read_bytes()
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    first = subprocess.run([sys.executable, "-m", "perfeval", "recalc", str(book)], capture_output=True, env=env)
    assert first.returncode == 0
    rng = random.Random(36)
    for _ in range(8):
        book.write_bytes(original)
        proc = subprocess.Popen([sys.executable, "-m", "perfeval", "recalc", str(book)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, env=env)
        time.sleep(rng.uniform(0.05, 0.9))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = book.read_bytes()
        assert now == original or score_workbook(book)[0].total == 97     # never a half-written file
        assert recalc(book).exit_code == 0 and litter(book.parent) == []
        assert score_workbook(book)[0].total == 97


@POSIX
def test_another_users_left_lock_file_and_a_share_without_locks_never_block(book, monkeypatch):
    """A lock file we may not open for writing (another user's, left behind) is locked read-only; a file
    system without locks (ENOLCK, some network shares) lets the run go on instead of refusing for 10 s."""
    import errno
    import fcntl
    lock = P.lock_path(book)
    lock.write_text("")
    real_open = os.open

    def no_write(path, flags, *mode):
        if str(path) == str(lock) and flags & os.O_RDWR:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *mode)
    monkeypatch.setattr(P.os, "open", no_write)
    assert recalc(book).exit_code == 0
    monkeypatch.setattr(P.os, "open", real_open)

    def no_locks(fd, op):
        raise OSError(errno.ENOLCK, "No locks available")
    monkeypatch.setattr(fcntl, "flock", no_locks)
    started = time.monotonic()
    assert recalc(book).exit_code == 0 and time.monotonic() - started < 5
