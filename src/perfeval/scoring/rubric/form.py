"""The printed form's indicator columns (一级指标, 二级指标, …): which text each line shows at each
level and which cells are merged, like the official 打分表.

One declaration for every writer of the form — the workbook's 打分表 (template and recalc) and the
report's attached table — so they print the same cells and the same merges.

- A line's cells are its groups, outermost first, each "名称（分值分）", then the line's name.
  A line that is its group's only content and is named as the group (峨边's 扣分项) shows the
  group alone.
- The form has as many indicator columns as its deepest line needs (one to four: up to three
  group levels and the line).  A row whose cells end early spans its last cell to the last
  indicator column.
- Equal consecutive cells of a column under the same outer cells are merged (vertically), as the
  official form merges a group over its lines.
"""
from __future__ import annotations

from typing import NamedTuple

from ..numbers import fmt_num

LEVEL_HEADERS = ("一级指标", "二级指标", "三级指标", "四级指标")


class Merge(NamedTuple):
    """A merged range of indicator cells, relative to the first line row and first column."""
    first_row: int
    first_col: int
    last_row: int
    last_col: int
    text: str


def line_cells(rubric, spec) -> tuple[str, ...]:
    """The texts a line shows, outermost first (without padding)."""
    chain = rubric.chain(spec)
    names = [f"{g.name}（{fmt_num(g.points)}分）" for g in chain]
    alone = bool(chain) and spec.name == chain[-1].name and len(rubric.members(chain[-1])) == 1
    return tuple(names) if alone else tuple(names) + (spec.name,)


def level_count(rubric) -> int:
    """How many indicator columns the form needs: the most cells any line shows (at least one)."""
    rows = form_rows(rubric)
    return len(rows[0]) if rows else 1


def form_rows(rubric) -> list[tuple[str, ...]]:
    """Every line's indicator cells, padded with "" to ``level_count``."""
    cells = [line_cells(rubric, s) for s in rubric.lines]
    n = max([len(c) for c in cells] + [1])
    return [c + ("",) * (n - len(c)) for c in cells]


def _ends(rows: list[tuple[str, ...]]) -> list[int]:
    """Per row, the column of its last non-empty cell (-1: none)."""
    return [max((c for c, text in enumerate(row) if text), default=-1) for row in rows]


def merges(rows: list[tuple[str, ...]]) -> list[Merge]:
    """The merged ranges of these rows (only ranges of more than one cell)."""
    if not rows:
        return []
    n, ends, out = len(rows[0]), _ends(rows), []
    for col in range(n):
        def key(i: int):
            return rows[i][:col + 1], ends[i] == col
        start = 0
        for i in range(1, len(rows) + 1):
            if i < len(rows) and key(i) == key(start):
                continue
            text, spans = rows[start][col], ends[start] == col
            last_col = n - 1 if spans else col
            if text and (i - 1 > start or last_col > col):
                out.append(Merge(start, col, i - 1, last_col, text))
            start = i
    return out


def covered(merge_list: list[Merge]) -> set[tuple[int, int]]:
    """The cells inside merged ranges other than each range's first cell."""
    return {(r, c) for m in merge_list for r in range(m.first_row, m.last_row + 1)
            for c in range(m.first_col, m.last_col + 1) if (r, c) != (m.first_row, m.first_col)}
