"""perfeval's one error tree, at the bottom of the layers (every package may raise these).

Each is a problem of the user's file or machine with a one-line Chinese message that says what to do;
the command line catches ``PerfevalError`` once (exit 2) and the live adapter once (a message box).
Any other exception is a bug: the command line answers "内部错误……" (exit 1) and writes the
traceback to a log file in the temporary folder, named in the message, never on the console.
Standard library only.
"""
from __future__ import annotations


class PerfevalError(Exception):
    """A problem of the input or the environment, with its Chinese message."""


class WorkbookError(PerfevalError):
    """The file cannot be used as a perfeval workbook, or cannot be written (one line)."""


class NotPerfevalWorkbook(WorkbookError):
    """The live workbook is not one perfeval can score (no input tables, a damaged embedded rubric,
    a 打分表 of another shape, a missing output sheet)."""


class CannotWrite(WorkbookError):
    """An output sheet cannot be written (e.g. protected with a password)."""


class OutputLost(PerfevalError):
    """The command's output could not be written (standard output closed, full, or a broken pipe)."""


class NotComplete(PerfevalError):
    """The evaluation is not complete (a line 错误 or 未填写) and the command makes an official document."""


class NotSupported(PerfevalError):
    """The command needs something this machine does not have (Windows, Excel, a registry key)."""


class RubricError(PerfevalError):
    """A rubric that cannot be used: every problem, each with its JSON path or cell (Chinese)."""

    def __init__(self, source: str, problems: list):
        self.source, self.problems = source, problems
        super().__init__("\n".join(f"评分标准“{source}” {p.text()}" for p in problems))


class KitError(PerfevalError):
    """An offline install kit cannot be completed (pip failed, or a wheel a target needs does not exist)."""
