"""The command line's boundary with the machine, for ``cli``: printing (the console's encoding,
JSON in UTF-8, output that cannot be written is exit 2), the one place the error tree is caught
(``guarded``: exit 2 with one Chinese line, 130 on Ctrl-C, 143 on SIGTERM, 1 for a bug with its
traceback in a log file), and the internal-error log."""
from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import zipfile
import zlib
from pathlib import Path

from .errors import OutputLost, PerfevalError, RubricError

EXIT_UNREADABLE, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_TERMINATED = 2, 1, 130, 143


class Terminated(BaseException):
    """SIGTERM, raised where the process is so that ``finally`` blocks remove temp files."""


def _on_sigterm(signum, frame):
    raise Terminated()


def _say(text: str, err: bool = False) -> None:
    """Print in the console's encoding (unencodable characters replaced), flushed at once.  A failing
    stderr is ignored; a failing stdout (closed, full, a broken pipe) is ``OutputLost``: exit 2 with a
    line on stderr, never a silent exit 0 with the output gone."""
    stream = sys.stderr if err else sys.stdout
    try:
        if stream is None:
            raise ValueError("closed")
        encoding = getattr(stream, "encoding", None) or "utf-8"
        stream.write(text.encode(encoding, "replace").decode(encoding, "replace") + "\n")
        stream.flush()
    except (OSError, UnicodeError, ValueError) as exc:
        if not err:
            _lost(exc)


def _say_utf8(text: str) -> None:
    """Machine-readable output (JSON): UTF-8 bytes whatever the console's code page (a GBK console
    would otherwise replace characters it lacks); ASCII-escaped where standard output takes no bytes."""
    stream = sys.stdout
    try:
        if stream is None:
            raise ValueError("closed")
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            stream.write(text.encode("ascii", "backslashreplace").decode("ascii") + "\n")
            stream.flush()
        else:
            stream.flush()
            buffer.write(text.encode("utf-8") + b"\n")
            buffer.flush()
    except (OSError, UnicodeError, ValueError) as exc:
        _lost(exc)


def _lost(exc: BaseException) -> None:
    with contextlib.suppress(OSError, ValueError, AttributeError):   # nothing left to fail at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    import errno
    why = {errno.EPIPE: "管道已断开", errno.ENOSPC: "磁盘已满", errno.EBADF: "标准输出已关闭"}.get(
        getattr(exc, "errno", None), "标准输出已关闭" if isinstance(exc, ValueError) else f"{type(exc).__name__}")
    raise OutputLost(f"结果无法输出（{why}）：请检查输出重定向的文件或磁盘（工作簿如需写入，已写入）")


def _isatty(stream) -> bool:
    try:
        return bool(stream) and stream.isatty()
    except (OSError, ValueError, AttributeError):
        return False


def _write_log(exc: BaseException) -> str:
    """The traceback of an internal error in a log file in the temporary folder; its path ("" if none)."""
    import tempfile
    import traceback
    from datetime import datetime
    try:
        path = Path(tempfile.gettempdir()) / f"perfeval-内部错误-{datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"
        path.write_text(f"perfeval {' '.join(sys.argv[1:])}\n" + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)), encoding="utf-8")
        return str(path)
    except OSError:
        return ""


def _click_exit(exc: BaseException) -> bool:
    """click's ``Exit`` (``ctx.exit``), which passes through the guard — found without importing click
    (``commands`` runs without it; when it is not loaded, nothing raised one)."""
    click = sys.modules.get("click")
    return click is not None and isinstance(exc, click.exceptions.Exit)


def _guarded(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        previous = None
        with contextlib.suppress(ValueError, OSError):    # not in the main thread: keep it
            previous = signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            return fn(*args, **kwargs)
        except RubricError as exc:
            for problem in exc.problems:
                _say(f"错误：评分标准“{exc.source}” {problem.text()}", err=True)
            sys.exit(EXIT_UNREADABLE)
        except PerfevalError as exc:               # the one place the command line catches the error tree
            _say(f"错误：{exc}", err=True)
            sys.exit(EXIT_UNREADABLE)
        except KeyboardInterrupt:
            _say("已中断：文件未修改。", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Terminated:
            _say("已终止：文件未修改。", err=True)
            sys.exit(EXIT_TERMINATED)
        except (OSError, zipfile.BadZipFile, zlib.error) as exc:    # the machine's or the file's, not ours
            _say(f"错误：无法读取或写入文件（{type(exc).__name__}: {exc}）。请确认文件是用 Excel 保存的 .xlsm/.xlsx，"
                 "所在文件夹可写、磁盘有空间，然后重试（原文件未修改）", err=True)
            sys.exit(EXIT_UNREADABLE)
        except Exception as exc:  # noqa: BLE001 - a bug: one line here, the traceback in a log file
            if _click_exit(exc):
                raise
            log = _write_log(exc)
            where = f"详细信息已写入 {log}；" if log else ""
            _say(f"内部错误：{type(exc).__name__}: {exc}（{where}请把工作簿和此信息发给技术支持）", err=True)
            sys.exit(EXIT_INTERNAL)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
    return wrapper
