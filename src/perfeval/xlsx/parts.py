"""Write cell values into a package without round-tripping it through a library.

Only the ``<sheetData>`` of the sheets being written (and their manual page breaks,
``<rowBreaks>``) is edited, as text: rows and cells outside the written ranges keep
their exact bytes, cell styles (``s``) are kept,
strings are written inline (``sharedStrings.xml`` is never touched).  Every other part
of the package is copied byte for byte.  The new file is written next to the original
and moved over it atomically; on any failure the original stays as it was.
"""
from __future__ import annotations

import errno
import os
import re
import tempfile
import time
import zipfile
from contextlib import contextmanager, suppress
from decimal import Decimal
from pathlib import Path
from typing import Callable
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

from ..locate import cell_name, parse_ref
from ..render import Formula, Styled
from ..errors import WorkbookError
from .xmlcheck import check_part, checked_sheet, positions, root_of
from .zipcopy import source_bytes, write_zip

_HEAD = r"""(?:[^>"']|"[^"]*"|'[^']*')*?"""            # a tag's attributes: a quoted value may hold ">"
_ATTR_RE = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_PREFIX_RE = re.compile(r"<(?:(\w[\w.-]*):)?sheetData\b")
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_CELL_TEXT = 32767


class FileLocked(WorkbookError):
    pass


_TAG_HEAD = re.compile(r"<" + _HEAD + r"/?>", re.S)


def _attrs(tag: str) -> dict[str, str]:
    """The attributes of a tag's head, in either quoting, spaces around ``=`` allowed."""
    head = _TAG_HEAD.match(tag)
    return {k: a if b is None or a else b for k, a, b in _ATTR_RE.findall(head.group(0) if head else tag)}


# What the plain form (Excel's, XlsxWriter's, LibreOffice's) never has: a prefix on the cells' elements,
# single quotes or spaces around "=", CDATA or comments (where a "<c" could hide).  Any of them, or a row
# or cell without r, and the editor's reading is compared with a real parse before anything is written.
_UNUSUAL = re.compile(r"""<!\[CDATA\[|<!--|<[\w.-]+:(?:sheetData|row|c)\b|\s=|=\s|='""")


def _quoted(value: str) -> str:
    return value.replace('"', "&quot;")


class SheetEditor:
    """Cells of one worksheet part, editable by (row, col); serialises back to the part.

    Any legal form of the part is edited as Excel reads it: a namespace prefix on the elements
    (``<x:row>``), either attribute quoting, spaces around ``=``, rows and cells without ``r`` (placed
    after the previous one; written back with it).  ``expected()`` is where every cell must sit in the
    output; ``xmlcheck`` parses the output back and compares before anything replaces the file."""

    def __init__(self, xml: bytes, part: str = "工作表", *, holds_inputs: bool = True):
        self.part = part
        self.text = xml.decode("utf-8")
        found = _PREFIX_RE.search(self.text)
        self.prefix = (found.group(1) + ":") if found and found.group(1) else ""
        p = re.escape(self.prefix)
        m = re.compile(rf"<{p}sheetData\s*/>|<{p}sheetData\s*>(.*?)</{p}sheetData\s*>", re.S).search(self.text)
        if m is None:
            raise WorkbookError("工作表缺少 sheetData，文件可能已损坏")
        self.span = m.span()
        row_re = re.compile(rf"<{p}row\b{_HEAD}/>|<{p}row\b{_HEAD}>.*?</{p}row\s*>", re.S)
        self._cell_re = re.compile(rf"<{p}c\b{_HEAD}/>|<{p}c\b{_HEAD}>.*?</{p}c\s*>", re.S)
        self.rows: dict[int, list] = {}   # row number (1-based) → [row xml, attrs, {col: cell xml}, dirty]
        self.removed_formula = False
        number, placed = 0, False                     # placed: a row or cell without r was given its place
        for row_xml in row_re.findall(m.group(1) or ""):
            attrs = _attrs(row_xml)
            number = _row_number(attrs.get("r"), number + 1)
            cells, dirty, col = {}, "r" not in attrs, -1
            placed = placed or dirty
            for cell_xml in self._cell_re.findall(row_xml):
                ref = _attrs(cell_xml).get("r")
                if ref:
                    col = parse_ref(ref)[1]
                else:                                  # placed after the previous cell; written with its r
                    col += 1
                    head = len("<" + self.prefix + "c")
                    cell_xml = cell_xml[:head] + f' r="{cell_name(number - 1, col)}"' + cell_xml[head:]
                    dirty = placed = True
                cells[col] = cell_xml
            self.rows[number] = [row_xml, attrs, cells, dirty]
        self.initial, self.written = self._model(), set()
        self.pending: list[tuple] = []                   # blocks written lazily, as the part is serialised
        self.root = root_of(xml)
        unusual = placed or bool(_UNUSUAL.search(self.text))
        self.cells_checked = unusual or holds_inputs     # else (a sheet perfeval owns, plain form): well-formed only
        if unusual:                                      # a form beyond the plain one: checked against a real parse
            self.root, found = positions(xml)
            if self.initial != found:                # a form this reading does not follow: refuse, never guess
                raise WorkbookError(f"“{part}”的 XML 写法 perfeval 无法安全修改（单元格位置读取不一致），未写入（原文件未修改）："
                                    f"请在 Excel 中打开工作簿另存一次后重试")

    def checked_chunks(self):
        """``chunks()`` parsed back as they are written: the same root, well-formed, and (a sheet holding
        the clerk's inputs, or in an unusual form) every cell where it belongs."""
        return checked_sheet(self.chunks(), self.expected() if self.cells_checked else None, self.part, self.root)

    def _model(self) -> set[tuple[int, int]]:
        return {(number - 1, col) for number, entry in self.rows.items() for col in entry[2]}

    def expected(self) -> set[tuple[int, int]]:
        """(row, col), 0-based, of every cell the serialised part must hold: those read, and those set."""
        self._flush()
        return self.initial | self.written

    def style(self, row: int, col: int) -> str | None:
        self._flush()
        entry = self.rows.get(row + 1)
        cell = entry[2].get(col) if entry else None
        return _attrs(cell).get("s") if cell else None

    def _entry(self, row: int) -> list:
        entry = self.rows.get(row + 1)
        if entry is None:
            entry = self.rows[row + 1] = ["", {"r": str(row + 1)}, {}, True]
        entry[3] = True
        return entry

    def _cell(self, ref: str, value: object, style: str | None) -> str:
        xml = _cell_xml(ref, value, style)
        return re.sub(r"(</?)(c|v|is|t|f)\b", rf"\g<1>{self.prefix}\2", xml) if self.prefix else xml

    def set(self, row: int, col: int, value: object, style: str | None = None) -> None:
        self._flush()
        entry = self._entry(row)
        old = entry[2].get(col)
        if old and self._has_formula(old) and not isinstance(value, Formula):
            self.removed_formula = True
        s = style if style is not None else (_attrs(old).get("s") if old else None)
        entry[2][col] = self._cell(cell_name(row, col), value, s)
        self.written.add((row, col))

    def set_height(self, row: int, points: float | None) -> None:
        """Give a row a fixed height in points, or (None) the sheet's default height back."""
        self._flush()
        entry = self.rows.get(row + 1)
        if entry is None and points is None:
            return
        entry = self._entry(row)
        attrs = {k: v for k, v in entry[1].items() if k not in ("ht", "customHeight")}
        if points is not None:
            attrs["ht"], attrs["customHeight"] = _number_text(Decimal(str(points))), "1"
        entry[1] = attrs

    def rows_from(self, first: int) -> list[int]:
        """The rows (0-based) the part has from ``first`` down."""
        self._flush()
        return [number - 1 for number in sorted(self.rows) if number - 1 >= first]

    def set_row_breaks(self, rows) -> None:
        """Replace the sheet's manual page breaks by breaks before ``rows`` (0-based: each the first row
        of a page; none: no manual break).  The ``rowBreaks`` element sits where the schema orders it."""
        p = self.prefix
        q = re.escape(p)
        start, end = self.span
        tail = self.text[end:]
        tail = re.sub(rf"<{q}rowBreaks\b{_HEAD}/>|<{q}rowBreaks\b{_HEAD}>.*?</{q}rowBreaks\s*>", "", tail, flags=re.S)
        rows = sorted(set(r for r in rows if r > 0))
        if rows:
            brks = "".join(f'<{p}brk id="{r}" max="16383" man="1"/>' for r in rows)
            xml = f'<{p}rowBreaks count="{len(rows)}" manualBreakCount="{len(rows)}">{brks}</{p}rowBreaks>'
            later = [m.start() for m in (re.search(rf"<{q}{t}\b", tail) for t in _AFTER_ROW_BREAKS) if m]
            closing = re.search(rf"</{q}worksheet\s*>", tail)
            if closing is None:
                raise WorkbookError(f"“{self.part}”没有结束标记，文件可能已损坏（原文件未修改）")
            at = min(later + [closing.start()])
            tail = tail[:at] + xml + tail[at:]
        self.text = self.text[:end] + tail

    def _has_formula(self, cell_xml: str) -> bool:
        return f"<{self.prefix}f" in cell_xml

    def clear(self, first_row: int, last_row: int | None, first_col: int, last_col: int, *,
              keep_style: bool = True) -> None:
        """Empty the cells in the range, keeping their style (or, ``keep_style=False``, dropping it)."""
        self._flush()
        for number, entry in self.rows.items():
            r = number - 1
            if r < first_row or (last_row is not None and r > last_row):
                continue
            for c in [c for c in entry[2] if first_col <= c <= last_col]:
                old = entry[2][c]
                if self._has_formula(old):
                    self.removed_formula = True
                s = _attrs(old).get("s") if keep_style else None
                entry[2][c] = self._cell(cell_name(r, c), None, s)
                entry[3] = True

    # ---------------------------------------------------------------- blocks
    def write_block(self, top: int, left: int, width: int, rows: list, styled: Callable, *,
                    clear_to_end: bool = False, heights: dict | None = None) -> None:
        """Write ``rows`` (lists of values) from (``top``, ``left``); ``styled(value)`` gives the (value, style)
        each is written with.  ``clear_to_end``: first empty every cell from ``top`` down in the block's
        ``width`` columns (their style kept, or dropped when the block sets ``heights``).  ``heights``: the
        block's row heights by row of the block; its other rows (and, to the end, every row below) get
        the default height back.

        A block to the end of a sheet in the plain form is not expanded here: its cells are rendered row
        by row as the part is serialised (a 计算明细 of 100,000 rows never holds every cell's XML), with
        the same bytes as writing it now; any later edit of the sheet writes it first."""
        if clear_to_end and not self.cells_checked:
            right = left + width - 1
            if any(left <= c <= right and self._has_formula(xml)
                   for number, entry in self.rows.items() if number - 1 >= top for c, xml in entry[2].items()):
                self.removed_formula = True
            self.pending.append((top, left, width, rows, styled, heights))
            return
        self._write_block_now(top, left, width, rows, styled, clear_to_end, heights)

    def _write_block_now(self, top, left, width, rows, styled, clear_to_end, heights) -> None:
        if clear_to_end:
            self.clear(top, None, left, left + width - 1, keep_style=heights is None)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                self.set(top + i, left + j, *styled(value))
        if heights is not None:
            below = self.rows_from(top + len(rows)) if clear_to_end else []
            for r in sorted(set(below) | {top + i for i in range(len(rows))}):
                self.set_height(r, heights.get(r - top))

    def _flush(self) -> None:
        """Write the lazy blocks now (an edit after them must see their cells)."""
        pending, self.pending = self.pending, []
        for top, left, width, rows, styled, heights in pending:
            self._write_block_now(top, left, width, rows, styled, True, heights)

    def _lazy_numbers(self) -> set[int]:
        """Row numbers (1-based) the lazy blocks create."""
        return {top + i + 1 for top, _, _, rows, _, heights in self.pending for i, row in enumerate(rows)
                if row or (heights is not None and heights.get(i) is not None)}

    def _lazy_row(self, number: int, entry: list | None) -> list | None:
        """Row ``number``'s entry as :meth:`_write_block_now` would leave it for the lazy blocks (a copy:
        the part can be serialised again)."""
        r = number - 1
        if entry is not None:
            entry = [entry[0], dict(entry[1]), dict(entry[2]), entry[3]]
        for top, left, width, rows, styled, heights in self.pending:
            if r < top:
                continue
            right, i = left + width - 1, r - top
            if entry is not None:                               # clear
                for c in [c for c in entry[2] if left <= c <= right]:
                    s = _attrs(entry[2][c]).get("s") if heights is None else None
                    entry[2][c] = self._cell(cell_name(r, c), None, s)
                    entry[3] = True
            in_block = i < len(rows)
            if in_block and rows[i]:                            # set
                if entry is None:
                    entry = ["", {"r": str(number)}, {}, True]
                entry[3] = True
                cells = entry[2]
                for j, value in enumerate(rows[i]):
                    value, style = styled(value)
                    old = cells.get(left + j)
                    if style is None and old:
                        style = _attrs(old).get("s")
                    cells[left + j] = self._cell(cell_name(r, left + j), value, style)
            if heights is not None and (in_block or entry is not None):   # heights (set_height)
                points = heights.get(i) if in_block else None
                if entry is None and points is None:
                    continue
                if entry is None:
                    entry = ["", {"r": str(number)}, {}, True]
                entry[3] = True
                attrs = {k: v for k, v in entry[1].items() if k not in ("ht", "customHeight")}
                if points is not None:
                    attrs["ht"], attrs["customHeight"] = _number_text(Decimal(str(points))), "1"
                entry[1] = attrs
        return entry

    def serialize(self) -> bytes:
        return b"".join(self.chunks())

    def chunks(self, size: int = 1 << 16):
        """The part as UTF-8 chunks of about ``size`` bytes — a large sheet is streamed into
        the zip instead of being joined in memory."""
        start, end = self.span
        p = self.prefix
        pending, length = [self.text[:start], f"<{p}sheetData>"], 0
        lazy_top = min((b[0] for b in self.pending), default=None)
        numbers = sorted(set(self.rows) | self._lazy_numbers()) if self.pending else sorted(self.rows)
        for number in numbers:
            entry = self.rows.get(number)
            if lazy_top is not None and number - 1 >= lazy_top:
                entry = self._lazy_row(number, entry)
                if entry is None:
                    continue
            xml, attrs, cells, dirty = entry
            if dirty:
                attrs = {k: v for k, v in attrs.items() if k != "spans"}
                attrs["r"] = str(number)
                head = f"<{p}row " + " ".join(f'{k}="{_quoted(v)}"' for k, v in attrs.items())
                body = "".join(cells[c] for c in sorted(cells))
                xml = head + (">" + body + f"</{p}row>" if body else "/>")
            pending.append(xml)
            length += len(xml)
            if length >= size:
                yield "".join(pending).encode("utf-8")
                pending, length = [], 0
        pending += [f"</{p}sheetData>", self.text[end:]]
        yield "".join(pending).encode("utf-8")


# The worksheet elements that come after rowBreaks (ECMA-376 CT_Worksheet order).
_AFTER_ROW_BREAKS = ("colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
                     "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
                     "webPublishItems", "tableParts", "extLst")


def _row_number(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        raise WorkbookError(f"工作表中有无法识别的行号“{text}”，文件可能已损坏") from None


_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(text: str) -> str:
    """XML text escaping (what xml.sax.saxutils.escape does, without importing urllib)."""
    return text.translate(_ESCAPES)


def clean_text(text: str) -> str:
    return _INVALID_XML.sub("", text)[:MAX_CELL_TEXT]


def _number_text(value) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value != 0 else "0"
    if isinstance(value, float):
        return repr(value)
    return str(int(value))


def _cell_xml(ref: str, value: object, style: str | None) -> str:
    s = f' s="{style}"' if style is not None else ""
    if isinstance(value, Styled):
        value = value.value
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, Formula):
        f = f"<f>{escape(clean_text(value.text))}</f>"
        if isinstance(value.cached, (int, float, Decimal)) and not isinstance(value.cached, bool):
            return f'<c r="{ref}"{s}>{f}<v>{_number_text(value.cached)}</v></c>'
        return f'<c r="{ref}"{s} t="str">{f}<v>{escape(clean_text(str(value.cached)))}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (float, Decimal)) and not (value == value and abs(value) != float("inf")):
        return f'<c r="{ref}"{s} t="e"><v>#NUM!</v></c>'     # a cell cannot hold NaN or infinity
    if isinstance(value, (int, float, Decimal)):
        return f'<c r="{ref}"{s}><v>{_number_text(value)}</v></c>'
    text = escape(clean_text(str(value)))
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def set_table_ref(xml: bytes, ref: str) -> bytes:
    """A table part with a new range (its autoFilter follows)."""
    text = xml.decode("utf-8")
    text = re.sub(r'(<table\b[^>]*?\sref=")[^"]*(")', rf"\g<1>{ref}\g<2>", text, count=1)
    text = re.sub(r'(<autoFilter\b[^>]*?\sref=")[^"]*(")', rf"\g<1>{ref}\g<2>", text, count=1)
    return text.encode("utf-8")


_CALC_AFTER = ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
               "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst")


def _workbook_prefix(text: str) -> str:
    """"x:" when workbook.xml writes its elements with a namespace prefix (Open XML SDK tools do), else ""."""
    m = re.search(r"<(?:([\w.-]+):)?workbook\b", text)
    return (m.group(1) + ":") if m and m.group(1) else ""


def force_full_calc(xml: bytes) -> bytes:
    """Make Excel recalculate every formula when the workbook is next opened (any prefix, quoting
    and end-tag spacing of workbook.xml)."""
    text = xml.decode("utf-8")
    p = _workbook_prefix(text)
    m = re.search(rf"<{re.escape(p)}calcPr\b{_HEAD}/?>", text, re.S)
    if m:
        tag = m.group(0)
        flag = re.compile(r"""\bfullCalcOnLoad\s*=\s*(?:"[^"]*"|'[^']*')""")
        if flag.search(tag):
            new = flag.sub('fullCalcOnLoad="1"', tag)
        else:
            new = tag[:-2] + ' fullCalcOnLoad="1"/>' if tag.endswith("/>") else tag[:-1] + ' fullCalcOnLoad="1">'
        text = text[:m.start()] + new + text[m.end():]
    else:
        q = re.escape(p)
        after = [m.start() for m in (re.search(rf"<{q}{t}\b", text) for t in _CALC_AFTER) if m]
        end = re.search(rf"</{q}workbook\s*>", text)
        if end is None:
            raise WorkbookError("工作簿的 workbook.xml 没有结束标记，文件可能已损坏（原文件未修改）")
        at = min(after + [end.start()])
        text = text[:at] + f'<{p}calcPr fullCalcOnLoad="1"/>' + text[at:]
    return text.encode("utf-8")


def set_print_area(xml: bytes, sheet_index: int, sheet: str, ref: str) -> bytes:
    """workbook.xml with the print area of sheet number ``sheet_index`` (0-based, as in <sheets>) set to
    ``ref`` ("A1:I45"): its _xlnm.Print_Area defined name replaced, or added (any prefix).  A
    workbook.xml this cannot edit safely (no </sheets>) is returned unchanged; the result is parsed back."""
    text = xml.decode("utf-8")
    p = _workbook_prefix(text)
    q = re.escape(p)
    first, _, last = ref.replace("$", "").partition(":")
    absolute = ":".join("$" + re.sub(r"(\d+)", r"$\1", part) for part in (first, last or first))
    value = escape("'" + sheet.replace("'", "''") + "'!" + absolute)
    name = f'<{p}definedName name="_xlnm.Print_Area" localSheetId="{sheet_index}">{value}</{p}definedName>'
    found = None
    for m in re.finditer(rf"<{q}definedName\b({_HEAD})>.*?</{q}definedName\s*>", text, re.S):
        attrs = _attrs("<x" + m.group(1) + ">")
        if attrs.get("name") == "_xlnm.Print_Area" and attrs.get("localSheetId") == str(sheet_index):
            found = m
            break
    closing = re.search(rf"</{q}definedNames\s*>", text)
    sheets_end = re.search(rf"</{q}sheets\s*>", text)
    if found:
        text = text[:found.start()] + name + text[found.end():]
    elif closing:
        text = text[:closing.start()] + name + text[closing.start():]
    elif sheets_end:
        text = text[:sheets_end.end()] + f"<{p}definedNames>" + name + f"</{p}definedNames>" + text[sheets_end.end():]
    else:
        return xml
    out = text.encode("utf-8")
    try:
        safe_fromstring(out)
    except (ParseError, DefusedXmlException):
        return xml
    return out


def drop_part(parts: dict[str, bytes | None], pkg, part: str) -> None:
    """Remove a part and the references to it (content types, workbook relationships)."""
    parts[part] = None
    name = "/" + part
    ct = parts.get("[Content_Types].xml") or pkg.read("[Content_Types].xml")
    parts["[Content_Types].xml"] = re.sub(rf'<Override\b[^>]*PartName="{re.escape(name)}"[^>]*/>', "",
                                          ct.decode("utf-8")).encode("utf-8")
    rel_part = "xl/_rels/workbook.xml.rels"
    if pkg.has(rel_part):
        rels = parts.get(rel_part) or pkg.read(rel_part)
        target = part.split("/", 1)[1] if part.startswith("xl/") else part
        parts[rel_part] = re.sub(rf'<Relationship\b[^>]*Target="/?(xl/)?{re.escape(target)}"[^>]*/>', "",
                                 rels.decode("utf-8")).encode("utf-8")


# ------------------------------------------------------------------ writing files

def excel_lock_file(path: Path) -> Path:
    return path.with_name("~$" + path.name)


def office_lock_file(path: Path) -> Path:
    """LibreOffice's lock beside a file it has open."""
    return path.with_name(f".~lock.{path.name}#")


def check_not_open(path: Path) -> None:
    if excel_lock_file(path).exists():
        raise FileLocked(f"文件“{path.name}”正在被 Excel 打开，请先关闭该文件再运行（或在 Excel 中点击“重新计算”按钮）")
    if office_lock_file(path).exists():
        raise FileLocked(f"文件“{path.name}”正在被 LibreOffice 打开，请先关闭该文件再运行（原文件未修改）")


_OS_MESSAGES = {
    errno.ENOSPC: "磁盘空间不足，无法写入“{name}”：请清理磁盘空间后重试",
    errno.EFBIG: "文件大小超过系统允许的上限，无法写入“{name}”",
    errno.EACCES: "没有权限在此文件夹写入“{name}”：请把工作簿复制到可写的文件夹（如桌面或“文档”）后重试",
    errno.EPERM: "没有权限在此文件夹写入“{name}”：请把工作簿复制到可写的文件夹（如桌面或“文档”）后重试",
    errno.EROFS: "“{name}”所在的磁盘是只读的：请把工作簿复制到可写的文件夹后重试",
    errno.EDQUOT: "磁盘配额已满，无法写入“{name}”：请清理空间后重试",
    errno.ENAMETOOLONG: "文件名或路径太长，无法写入“{name}”：请缩短文件名或移到较短的路径下",
}


def os_error_message(exc: OSError, name: str) -> str:
    """An operating-system error while writing → one Chinese line saying what to do."""
    text = _OS_MESSAGES.get(exc.errno or 0)
    if text is None:
        text = "无法写入“{name}”（" + (exc.strerror or type(exc).__name__) + "）：请关闭占用该文件的程序，或换一个文件夹后重试"
    return text.format(name=name) + "（原文件未修改）"


def is_read_only(path: Path) -> bool:
    """Read-only for this user: no write bit at all, or no write access for the real user (another
    user's file in a shared folder — which os.replace could otherwise replace)."""
    try:
        return not (os.stat(path).st_mode & 0o222) or not os.access(path, os.W_OK)
    except OSError:
        return False


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_HELD: set[str] = set()          # locks this process holds (re-entrant: recalc → write_atomically)
LOCK_WAIT_SECONDS = 10.0
NAME_MAX = 255
LEFTOVER_PREFIX = ".~perfeval-"
LEFTOVER_AGE = 600.0             # a temporary file without a live owner this old is a dead run's


def lock_path(target: Path) -> Path:
    """``.~perfeval-NAME.lock`` beside the workbook, or a hashed name when that would not fit NAME_MAX."""
    name = f"{LEFTOVER_PREFIX}{target.name}.lock"
    if len(name.encode("utf-8")) > NAME_MAX:
        import hashlib
        name = f"{LEFTOVER_PREFIX}{hashlib.sha1(target.name.encode('utf-8')).hexdigest()[:16]}.lock"
    return target.with_name(name)


def _try_lock(fd: int) -> bool:
    """An operating-system lock on the open lock file: released by the OS when the process dies.  A file
    system without locks (ENOLCK, EOPNOTSUPP: some network shares) counts as locked by us."""
    try:
        if os.name == "nt":
            import msvcrt
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError as exc:
        return exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES, errno.EDEADLK)


@contextmanager
def file_lock(target: Path, wait: float | None = None):
    """One perfeval at a time per workbook: an OS lock (flock; on Windows a byte lock) on
    ``.~perfeval-NAME.lock`` beside it.  A second run waits up to ``wait`` seconds, then refuses.  The OS
    releases the lock of a killed run, so a lock file left behind — empty, naming a dead or an unrelated
    process — never blocks anyone; the holder removes the file when it is done."""
    key = os.path.normcase(str(target))
    if key in _HELD:
        yield
        return
    lock = lock_path(target)
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        except PermissionError:              # another user's lock file left behind: a lock needs no write access
            try:
                fd = os.open(lock, os.O_RDONLY)
            except OSError as exc:
                raise WorkbookError(os_error_message(exc, target.name)) from None
        except OSError as exc:
            raise WorkbookError(os_error_message(exc, target.name)) from None
        if _try_lock(fd):
            try:                                   # still the file at that name (a holder unlinks it when done)
                if os.name == "nt" or os.fstat(fd).st_ino == os.stat(lock).st_ino:
                    break
            except OSError:
                pass
        os.close(fd)
        if time.monotonic() >= deadline:
            raise WorkbookError(f"另一个 perfeval 正在处理“{target.name}”，请稍后再试（原文件未修改）") from None
        time.sleep(0.1)
    with suppress(OSError):
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
    _HELD.add(key)
    try:
        yield
    finally:
        _HELD.discard(key)
        if os.name == "nt":
            os.close(fd)
            with suppress(OSError):
                os.unlink(lock)
        else:
            with suppress(OSError):
                os.unlink(lock)                    # under the lock, then released by closing
            os.close(fd)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return True                                # not asked there: age decides
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


LEFTOVER_GRACE = 60.0            # a dead PID's file younger than this may be another machine's live run


def leftover_tag(target: Path) -> str:
    """The part of a temporary file's name that says which workbook it was for (short, fits NAME_MAX)."""
    import hashlib
    return hashlib.sha1(target.name.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def clean_leftovers(folder: Path, target: Path | None = None) -> None:
    """Remove the temporary files of dead runs from ``folder`` (``.~perfeval-PID-TAG-…``): with ``target``
    — called while holding its lock, so no live run writes it — every one for that workbook; otherwise
    those whose process is gone on this machine and that are over a minute old (on a shared folder a
    PID may be another machine's), and any older than LEFTOVER_AGE.  A live run's are left alone."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    now = time.time()
    mine = f"-{leftover_tag(target)}-" if target is not None else None
    for entry in entries:
        if not entry.name.startswith(LEFTOVER_PREFIX) or entry.name.endswith(".lock"):
            continue
        m = re.match(re.escape(LEFTOVER_PREFIX) + r"(\d+)-", entry.name)
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
            ours = mine is not None and m is not None and entry.name[m.end() - 1:].startswith(mine) \
                and int(m.group(1)) != os.getpid()
            dead = m is not None and age > LEFTOVER_GRACE and not _alive(int(m.group(1)))
            if ours or dead or age > LEFTOVER_AGE:
                os.unlink(entry.path)
        except OSError:
            pass


def resolve_target(target: Path) -> Path:
    """A symbolic link is followed: the file it points at is the one rewritten."""
    return Path(os.path.realpath(target))


def refuse_existing(target: Path, force: bool, *, workbook: bool = False) -> None:
    """A new file never overwrites an existing one unless ``force`` (``workbook``: it may hold data)."""
    if Path(target).exists() and not force:
        held = "（其中可能有已填写的数据）" if workbook else ""
        raise WorkbookError(f"“{Path(target).name}”已存在，未覆盖{held}：请换一个文件名，或加 --force 覆盖")


CHANGED_MEANWHILE = "“{name}”在计算期间被其他程序修改并保存过，未覆盖（那次保存的内容都在）：请关闭其他程序后重新计算"


def write_atomically(target: Path, write: Callable[[str], None], *, force: bool = False,
                     unchanged: Callable[[Path], bool] | None = None) -> None:
    """Call ``write(tmp)`` for a temporary file beside ``target``, then move it over ``target``.

    Refuses a file open in Excel and (unless ``force``) a read-only file; follows a symbolic
    link to its file.  Every operating-system failure becomes one Chinese line; on any
    failure — or Ctrl-C — the target stays as it was and no temporary file is left behind.
    A new file gets the normal mode (umask), an existing one keeps its mode.  ``unchanged(target)``
    (given when the target is the file that was read) is asked just before the replace: a file saved
    by another program meanwhile is never overwritten."""
    target = resolve_target(Path(target))
    check_not_open(target)
    existed = target.exists()
    if existed and is_read_only(target) and not force:
        raise WorkbookError(f"“{target.name}”是只读文件，未修改：请取消文件的只读属性后重试（或加 --force）")
    with file_lock(target):
        tmp = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            clean_leftovers(target.parent, target)
            fd, tmp = tempfile.mkstemp(prefix=f"{LEFTOVER_PREFIX}{os.getpid()}-{leftover_tag(target)}-",
                                       suffix=target.suffix[:16], dir=str(target.parent))
            os.close(fd)
            write(tmp)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            if existed:                            # the replaced file's mode, owner and group
                st = os.stat(target)
                os.chmod(tmp, st.st_mode & 0o7777)
                if hasattr(os, "chown"):
                    with suppress(OSError):
                        os.chown(tmp, st.st_uid, st.st_gid)
            else:
                os.chmod(tmp, _new_file_mode())
            check_not_open(target)
            if unchanged is not None and not unchanged(target):   # the file as read, just before the replace
                raise WorkbookError(CHANGED_MEANWHILE.format(name=target.name))
            try:
                os.replace(tmp, target)
            except PermissionError:
                raise FileLocked(f"无法写入“{target.name}”：文件可能正在被 Excel 或其他程序打开，请关闭后重试（原文件未修改）") from None
        except OSError as exc:
            raise WorkbookError(os_error_message(exc, target.name)) from None
        finally:
            if tmp and os.path.exists(tmp):
                with suppress(OSError):
                    os.unlink(tmp)


def write_package(src_zip: zipfile.ZipFile, target: Path, parts: dict[str, bytes | None], *, force: bool = False,
                  unchanged: Callable[[Path], bool] | None = None) -> None:
    """Copy ``src_zip`` to ``target`` with ``parts`` replaced (None: removed; a SheetEditor: its sheet,
    streamed), atomically.  Every replaced part is parsed back on the way (xmlcheck): one that is not
    well-formed, changes its root element, or loses or moves a cell abandons the write.  Members not
    in ``parts`` are copied as their compressed bytes (see zipcopy)."""
    src = source_bytes(src_zip)
    names = set(src_zip.namelist())
    parts = dict(parts)
    for name, data in parts.items():
        if isinstance(data, SheetEditor):
            parts[name] = data.checked_chunks()
        elif isinstance(data, (bytes, bytearray)) and name.endswith((".xml", ".rels")):
            check_part(data, name, root_of(src_zip.read(name)) if name in names else None)

    def write(tmp: str) -> None:
        with open(tmp, "wb") as out:
            write_zip(out, src, src_zip.infolist(), parts)
    write_atomically(target, write, force=force, unchanged=unchanged)
