"""A perfeval command in its own bounded process (an address-space and a time limit), forked from a
server that imported perfeval once (multiprocessing's forkserver, POSIX): ``python -m perfeval``'s
entry point (``perfeval.entry.run``) with the same arguments, exit code, stdout and stderr (UTF-8, as
with PYTHONIOENCODING=utf-8), without an interpreter start-up and perfeval's imports for each run.
The real console script's start-up is tested where it matters (test_hostile, test_cli_output,
test_locks_and_leftovers, test_file_integrity run ``python -m perfeval``)."""
from __future__ import annotations

import multiprocessing
import os
import tempfile
from dataclasses import dataclass

PRELOAD = ["perfeval.entry", "perfeval.commands", "perfeval.xlsx.workbook"]   # what ``recalc BOOK`` imports
_context = None


@dataclass
class Finished:
    returncode: int | None       # None: still running at the time limit (then killed)
    stdout: str
    stderr: str


def _server():
    global _context
    if _context is None:
        _context = multiprocessing.get_context("forkserver")
        _context.set_forkserver_preload(PRELOAD)
    return _context


def _child(args: list[str], out: str, err: str, memory: int) -> None:
    import io
    import resource
    import sys
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    for fd, path in ((1, out), (2, err)):
        os.dup2(os.open(path, os.O_WRONLY | os.O_TRUNC), fd)
    sys.stdin = open(os.devnull)
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="strict")
    sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace",
                                  line_buffering=True)
    sys.argv = ["perfeval", *args]
    from perfeval.entry import run
    run(args)


def run(args: list[str], *, memory: int, timeout: float) -> Finished:
    """``perfeval ARGS`` in a process of at most ``memory`` bytes of address space, killed after ``timeout`` s."""
    with tempfile.TemporaryDirectory(prefix="perfeval-bounded-") as folder:
        out, err = os.path.join(folder, "stdout"), os.path.join(folder, "stderr")
        for path in (out, err):
            open(path, "wb").close()
        proc = _server().Process(target=_child, args=(list(args), out, err, memory))
        proc.start()
        proc.join(timeout)
        if proc.is_alive():
            proc.kill()
            proc.join()
            code = None
        else:
            code = proc.exitcode
        with open(out, encoding="utf-8", errors="replace") as fh_out, open(err, encoding="utf-8", errors="replace") as fh_err:
            return Finished(code, fh_out.read(), fh_err.read())
