"""Printed geometry, pure: how many lines a text wraps to in a column, the row height that holds it (on
Excel's pixel grid), the scale a sheet fitted one A4 page wide prints at in Excel and in LibreOffice, how
many points of rows a page holds, and manual page breaks that keep groups whole.  The template builder
and the output blocks (``render``) plan every printed page from these same estimates.
"""
from __future__ import annotations

from typing import NamedTuple


def text_lines(text: object, width: float, points: float) -> int:
    """Lines a wrapped text takes in a column of ``width`` (Excel's units, about 7 px each) at a font
    of ``points`` (a CJK character is about 1.33 px per point wide, other characters half that)."""
    if not isinstance(text, str) or not text:
        return 0
    per_line = max(1.0, width * 7 / (points * 1.33))
    return sum(max(1, -int(-sum(1 if ord(ch) > 0x2e7f else 0.5 for ch in part) // per_line))
               for part in text.split("\n"))


def wrap_text(text: str, width: float, points: float) -> list[str]:
    """A text split into the lines ``text_lines`` counts (greedy, by the same character widths); a
    closing bracket or punctuation mark never starts a line (it stays with the character before it)."""
    per_line = max(1.0, width * 7 / (points * 1.33))
    out: list[str] = []
    for part in text.split("\n"):
        line, used = "", 0.0
        for ch in part:
            w = 1 if ord(ch) > 0x2e7f else 0.5
            if line and used + w > per_line and ch not in CLOSING:
                out.append(line)
                line, used = "", 0.0
            line += ch
            used += w
        out.append(line)
    return out


CLOSING = "）)】』》〉，。、；：！？,.;:!?%％\u300d"   # never the first character of a wrapped line (\u300d: a corner bracket)
LINE_SPACING = 1.4      # a wrapped line of an N-point text takes 1.4 × N points of row height
CELL_PADDING = 0.6      # character units of a column lost to the padding of a cell (about 4 pixels)


def cell_lines(text: object, width: float, points: float = 10) -> int:
    """Lines a text takes in a wrapped cell ``width`` characters wide: ``text_lines`` less the padding."""
    return text_lines(text, max(1.0, width - CELL_PADDING) + 1e-9, points)     # (an exact fit is one line)


def fitted_height(cells, points: float = 10, minimum: float | None = None) -> float | None:
    """The row height (points) that shows every wrapped text of ``cells`` — (text, column width)
    pairs — in full; None when one line and ``minimum`` (if any) are enough (the default height)."""
    lines = max([cell_lines(text, width, points) for text, width in cells] + [1])
    needed = lines * points * LINE_SPACING + 2 if lines > 1 else 0
    if minimum is not None:
        needed = max(needed, minimum)
    return row_height(needed) if needed else None


def label_break(text: str, width: float, points: float = 10) -> str:
    """A group label "名称（10分）" that does not fit on one line of its cell, broken before its last "（"
    so the bracket is never left alone on the last line."""
    at = text.rfind("（")
    if at <= 0 or "\n" in text or cell_lines(text, width, points) <= 1:
        return text
    return text[:at] + "\n" + text[at:]


# ------------------------------------------------------------------ printing (A4, fitted one page wide)

A4_POINTS = (595.0, 842.0)     # portrait width, height
PAGE_MARGINS = (0.4, 0.4, 0.5, 0.5)   # inches: left, right, top, bottom (the template's)


def column_pixels(width: float) -> int:
    """A column's width in Excel's pixels (7 a character unit at the default Calibri 11, plus 5)."""
    return int(width * 7 + 5 + 0.5) if width > 0 else 0


def fit_scales(widths, landscape: bool) -> tuple[float, float]:
    """(Excel's, LibreOffice's) scale of a sheet whose print columns have ``widths``, fitted one A4 page
    wide.  Excel lays a column out in pixels (``column_pixels``, 0.75 pt each); LibreOffice without
    Calibri's metrics (only the CJK fonts installed) measures the same units with DejaVu Sans' 7-point
    digit, so its columns are a third wider and its scale the smaller one."""
    paper = A4_POINTS[1] if landscape else A4_POINTS[0]
    printable = paper - 72 * (PAGE_MARGINS[0] + PAGE_MARGINS[1])
    content = sum(column_pixels(w) for w in widths)
    return min(1.0, printable / (0.75 * content)), min(1.0, printable / content)


def print_scale(widths, landscape: bool) -> int:
    """A fixed print scale (percent) at which the columns fit an A4 page wide in Excel and in
    LibreOffice alike (the smaller fitted scale): both then print the same rows on each page."""
    return int(100 * min(fit_scales(widths, landscape)))


def page_capacity(widths, landscape: bool, scale: int | None = None) -> float:
    """Points of row height one printed page holds, at the fixed print ``scale`` (percent) or else at
    Excel's (the larger) fitted scale, with a margin for rounding: manual page breaks planned with it
    are never overtaken by the application's own."""
    paper = A4_POINTS[0] if landscape else A4_POINTS[1]
    factor = scale / 100 if scale else fit_scales(widths, landscape)[0]
    return 0.96 * (paper - 72 * (PAGE_MARGINS[2] + PAGE_MARGINS[3])) / factor


class Group(NamedTuple):
    """Rows ``first``..``last`` (0-based, inclusive) printed on one page when they fit; ``parts``
    (smaller groups inside it) are kept whole instead when the group is taller than a page."""
    first: int
    last: int
    parts: tuple = ()


def page_breaks(heights, groups, capacity: float, above: float = 0.0, repeat: float = 0.0) -> list[int]:
    """The rows (indexes into ``heights``, each a row's height in points) before which a manual page
    break keeps every group of ``groups`` (in order) on one page when it fits on one: ``above`` points
    of rows come before the first group on the first page, ``repeat`` points of repeated header rows
    top every page, ``capacity`` points fit on a page.  A group taller than a page starts a page and
    is broken between its parts (between its rows when it has none)."""
    breaks: list[int] = []
    used, empty = above, True              # empty: nothing of the groups on this page yet

    def place(group: Group) -> None:
        nonlocal used, empty
        h = sum(heights[group.first:group.last + 1])
        if used + h > capacity and not empty:
            breaks.append(group.first)
            used, empty = repeat, True
        if used + h <= capacity or group.first == group.last:
            used, empty = used + h, False       # (one row taller than a page prints as it can)
            return
        parts = group.parts
        while len(parts) == 1 and parts[0][:2] == group[:2]:      # a part that is the whole group: its parts
            parts = parts[0].parts
        for part in parts or tuple(Group(r, r) for r in range(group.first, group.last + 1)):
            place(part)

    for group in groups:
        place(group)
    return breaks


def row_height(points: float | None) -> float | None:
    """A row height in points on Excel's pixel grid (0.75 pt per pixel at 96 dpi), so the height
    written is the same whichever XlsxWriter writes it (3.3 rounds to pixels, older ones did not)."""
    return None if points is None else 0.75 * int(points * 4.0 / 3.0 + 0.5)
