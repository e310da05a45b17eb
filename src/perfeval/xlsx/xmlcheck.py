"""Parse back every part perfeval writes before the atomic replace: a part that is not well-formed
XML (or declares a DTD) is never written, and in a worksheet every cell must sit where the editor
put it — the same cells as before plus those written, none lost, none moved.  A failure is a
``WorkbookError``: the write is abandoned and the original file stays as it was.

Streaming (expat, fed the chunks as they go into the zip), so a large sheet is never joined in
memory; DTDs are refused outright, so no entity is ever expanded."""
from __future__ import annotations

from typing import Iterable, Iterator
from xml.parsers import expat

from ..errors import WorkbookError
from ..locate import BadAddress, parse_ref

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"


_ROW = {MAIN + " row", STRICT + " row"}
_CELL = {MAIN + " c", STRICT + " c"}


class _Parser:
    """An expat parser without DTDs that records the root element and, for a worksheet, the position
    of every cell."""

    def __init__(self, cells: bool):
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._doctype
        self.parser.StartElementHandler = self._first
        self.cells = cells
        self.root: str | None = None
        self.positions: set[tuple[int, int]] = set()
        self.duplicates = 0
        self._row, self._col = -1, -1

    def _doctype(self, *args) -> None:
        raise ValueError("DTD")

    def _first(self, name, attrs) -> None:
        self.root = name
        self.parser.StartElementHandler = self._start if self.cells else None

    def _start(self, name, attrs) -> None:
        if name in _CELL:
            ref = attrs.get("r")
            if ref is None:
                position = (self._row, self._col + 1)
            else:
                try:
                    position = parse_ref(ref)
                except BadAddress:
                    raise ValueError(ref) from None
            self._col = position[1]
            if position in self.positions:
                self.duplicates += 1
            self.positions.add(position)
        elif name in _ROW:
            r = attrs.get("r")
            self._row = int(r) - 1 if r is not None else self._row + 1
            self._col = -1

    def feed(self, data: bytes, final: bool = False) -> None:
        self.parser.Parse(data, final)


def _failure(part: str, why: str) -> WorkbookError:
    return WorkbookError(f"写入后的“{part}”{why}，已放弃写入（原文件未修改）：请在 Excel 中打开工作簿另存一次后重试，"
                         f"或把工作簿发给技术支持")


def checked_sheet(chunks: Iterable[bytes], expected: set[tuple[int, int]] | None, part: str, root: str) -> Iterator[bytes]:
    """Pass the chunks of a worksheet through while parsing them; at the end, under the same root
    element, its cells must be exactly ``expected`` (no cell lost, moved or repeated; None: only
    well-formed)."""
    parser = _Parser(cells=expected is not None)
    try:
        for chunk in chunks:
            parser.feed(chunk)
            yield chunk
        parser.feed(b"", True)
    except (expat.ExpatError, ValueError):
        raise _failure(part, "不是有效的 XML") from None
    if parser.root != root:
        raise _failure(part, "的根元素与原来不同")
    if expected is not None and (parser.positions != expected or parser.duplicates):
        lost = len(expected - parser.positions)
        raise _failure(part, f"中的单元格与应写入的不一致（{lost} 个不在原位）")


def check_part(data: bytes, part: str, root: str | None = None) -> bytes:
    """A whole part (workbook.xml, a table): well-formed, no DTD, and (given) the same root element."""
    parser = _Parser(cells=False)
    try:
        parser.feed(data, True)
    except (expat.ExpatError, ValueError):
        raise _failure(part, "不是有效的 XML") from None
    if root is not None and parser.root != root:
        raise _failure(part, "的根元素与原来不同")
    return data


def root_of(data: bytes) -> str | None:
    """The root element ("namespace local") of a part, read up to its first element."""
    parser = _Parser(cells=False)
    try:
        for i in range(0, len(data), 1 << 14):
            parser.feed(data[i:i + (1 << 14)])
            if parser.root is not None:
                return parser.root
        parser.feed(b"", True)
    except (expat.ExpatError, ValueError):
        return None
    return parser.root


def positions(data: bytes) -> tuple[str | None, set[tuple[int, int]] | None]:
    """(root element, (row, col) of every cell) of a worksheet part, as Excel places them; (None,
    None) when it does not parse."""
    parser = _Parser(cells=True)
    try:
        parser.feed(data, True)
    except (expat.ExpatError, ValueError):
        return None, None
    return parser.root, (parser.positions if not parser.duplicates else None)
