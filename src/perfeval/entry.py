"""The ``perfeval`` console script and ``python -m perfeval``: the command line with nothing before it
that could show a traceback.  From the moment this module runs, Ctrl-C — while the command line is
still importing, while click parses the arguments, or during the command — exits 130 with one Chinese
line; once the command has finished, Ctrl-C is ignored while Python shuts down (so a finished run never
ends as "killed by SIGINT").  A file name that starts with "-" (taken for an option) gets a hint about
``--``.  Imports only the standard library until the command line loads; ``recalc BOOK``, ``score BOOK`` and
``report BOOK`` in their plain forms run without it (``commands``), with the same output and exit codes."""
from __future__ import annotations

import os
import signal
import sys

INTERRUPTED = "已中断：文件未修改。"


def run(argv: list[str] | None = None) -> None:
    try:
        code = _main(argv)
    except KeyboardInterrupt:
        try:
            sys.stderr.write(INTERRUPTED + "\n")
            sys.stderr.flush()
        except (OSError, ValueError, UnicodeError):
            pass
        os._exit(130)                           # nothing left to run: the command's finally blocks have
    with _quiet():                              # the command is done: no Ctrl-C during shutdown
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if code == 130:                             # interrupted (its line printed): Python's shutdown would
        with _quiet():                          # re-raise SIGINT after a handled Ctrl-C now and then
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(130)
    sys.exit(code)


def _main(argv) -> int | str | None:
    from .commands import plain
    command = plain(argv if argv is not None else sys.argv[1:])
    if command is not None:                     # recalc/score/report of one book: no click to load
        fn, args = command
        try:
            fn(*args)
            return 0
        except SystemExit as exc:
            return exc.code
    import click
    from .cli import main
    try:
        code = main.main(args=argv, prog_name="perfeval", standalone_mode=False)   # ctx.exit(n) comes back as n
        return code if isinstance(code, int) else 0
    except SystemExit as exc:
        return exc.code
    except click.exceptions.NoSuchOption as exc:
        exc.show()
        for name in (argv if argv is not None else sys.argv[1:]):
            if name.startswith("-") and name != "--" and os.path.isfile(name):
                sys.stderr.write(f"提示：“{name}”是一个文件。文件名以“-”开头时，请写成 perfeval 命令 -- {name}，"
                                 f"或 .{os.sep}{name}\n")
        return exc.exit_code
    except click.exceptions.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        raise KeyboardInterrupt from None


class _quiet:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return exc[0] is not None and issubclass(exc[0], (ValueError, OSError))
