"""Read an .xlsx/.xlsm package directly: sheets, Excel tables, cell values.

No openpyxl on this path: the package is opened once, only the parts that hold input
tables are parsed (ElementTree iterparse), and nothing is ever re-serialised here.
Every failure to read the package raises ``WorkbookError`` with a one-line Chinese
message.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from ..locate import BadAddress, TableLoc, parse_ref
from ..scoring.cells import (CellError, SerialDate, Uncalculated, Unreadable, builtin_format_kind, format_kind,
                             typed_number)

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_M = f"{{{NS}}}"


class WorkbookError(Exception):
    """The file cannot be used as a perfeval workbook (message in Chinese, one line)."""


@dataclass
class Package:
    path: str
    zf: zipfile.ZipFile
    sheets: dict[str, str] = field(default_factory=dict)          # sheet name → part
    tables: dict[str, TableLoc] = field(default_factory=dict)    # lower-case table name → table
    _shared: list[str] | None = None
    _formats: dict[int, str] | None = None

    # ---------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: str) -> "Package":
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            raise WorkbookError(f"找不到文件：{path}") from None
        except PermissionError:
            raise WorkbookError(f"无法读取文件（没有权限或正被其他程序占用）：{path}") from None
        except IsADirectoryError:
            raise WorkbookError(f"这是一个文件夹，不是工作簿：{path}") from None
        if not data:
            raise WorkbookError(f"文件为空，不是 Excel 工作簿：{path}")
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            bad = zf.testzip()
        except (zipfile.BadZipFile, EOFError, ValueError, OSError):
            raise WorkbookError(f"文件不是有效的 Excel 工作簿（.xlsx/.xlsm），可能已损坏：{path}") from None
        except Exception:   # noqa: BLE001 - a truncated member may raise zlib errors
            raise WorkbookError(f"文件已损坏，无法解压：{path}") from None
        if bad is not None:
            raise WorkbookError(f"文件已损坏（{bad} 无法读取）：{path}")
        pkg = cls(path, zf)
        pkg._load_workbook()
        return pkg

    def read(self, part: str) -> bytes:
        try:
            return self.zf.read(part)
        except KeyError:
            raise WorkbookError(f"工作簿缺少部件 {part}，文件可能已损坏") from None

    def has(self, part: str) -> bool:
        try:
            self.zf.getinfo(part)
            return True
        except KeyError:
            return False

    def _xml(self, part: str) -> ET.Element:
        try:
            return ET.fromstring(self.read(part))
        except ET.ParseError:
            raise WorkbookError(f"工作簿部件 {part} 不是有效的 XML，文件可能已损坏") from None

    def rels(self, part: str) -> dict[str, str]:
        """Relationship id → absolute target part, for the part's .rels (empty if none)."""
        folder, name = posixpath.split(part)
        rel_part = posixpath.join(folder, "_rels", name + ".rels")
        if not self.has(rel_part):
            return {}
        out = {}
        for rel in self._xml(rel_part):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            out[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        return out

    def workbook_part(self) -> str:
        root_rels = self._xml("_rels/.rels") if self.has("_rels/.rels") else None
        if root_rels is not None:
            for rel in root_rels:
                if rel.get("Type", "").endswith("/officeDocument"):
                    return rel.get("Target", "").lstrip("/")
        if self.has("xl/workbook.xml"):
            return "xl/workbook.xml"
        raise WorkbookError(f"文件不是 Excel 工作簿（缺少 workbook 部件）：{self.path}")

    def _load_workbook(self) -> None:
        self.workbook = self.workbook_part()
        wb = self._xml(self.workbook)
        rels = self.rels(self.workbook)
        for sheet in wb.iter(f"{_M}sheet"):
            target = rels.get(sheet.get(f"{{{REL_NS}}}id"))
            if target and self.has(target):
                self.sheets[sheet.get("name")] = target
        for name, part in self.sheets.items():
            for target in self.rels(part).values():
                if "/tables/" not in target or not self.has(target):
                    continue
                t = self._xml(target)
                headers = [c.get("name", "") for c in t.iter(f"{_M}tableColumn")]
                table = TableLoc(t.get("displayName") or t.get("name") or "", name, t.get("ref", "A1:A1"), headers,
                                 _int(t.get("headerRowCount"), 1), _int(t.get("totalsRowCount"), 0), target)
                self.tables[table.name.lower()] = table

    # ---------------------------------------------------------------- values
    def shared_strings(self) -> list[str]:
        if self._shared is None:
            self._shared = []
            part = next((t for t in self.rels(self.workbook).values() if t.endswith("sharedStrings.xml")), None)
            if part and self.has(part):
                for _, el in ET.iterparse(io.BytesIO(self.read(part))):
                    if el.tag == f"{_M}si":
                        self._shared.append(_rich_text(el))
                        el.clear()
        return self._shared

    def cell_formats(self) -> dict[int, str]:
        """Cell style index → DATE or PERCENT (from its number format); plain numbers absent."""
        if self._formats is None:
            self._formats = {}
            part = next((t for t in self.rels(self.workbook).values() if t.endswith("styles.xml")), None)
            if part and self.has(part):
                root = self._xml(part)
                custom = {_int(n.get("numFmtId"), -1): n.get("formatCode", "") for n in root.iter(f"{_M}numFmt")}
                xfs = root.find(f"{_M}cellXfs")
                for i, xf in enumerate(xfs if xfs is not None else []):
                    fid = _int(xf.get("numFmtId"), 0)
                    kind = format_kind(custom[fid]) if fid in custom else builtin_format_kind(fid)
                    if kind:
                        self._formats[i] = kind
        return self._formats

    def cells(self, sheet: str, rows: tuple[int, int] | None = None) -> dict[tuple[int, int], object]:
        """Typed cell values of a sheet ((row, col) 0-based), optionally only rows first..last.

        A ``<row>`` or ``<c>`` without its ``r`` attribute takes the position after the
        previous one, as Excel reads it."""
        part = self.sheets[sheet]
        shared, formats = self.shared_strings(), self.cell_formats()
        out: dict[tuple[int, int], object] = {}
        row_i, col_i = -1, -1
        try:
            for event, el in ET.iterparse(io.BytesIO(self.read(part)), events=("start", "end")):
                if event == "start":
                    if el.tag == f"{_M}row":
                        row_i = _int(el.get("r"), row_i + 2) - 1
                        col_i = -1
                    continue
                if el.tag != f"{_M}c":
                    if el.tag == f"{_M}row":
                        el.clear()
                    continue
                ref = el.get("r")
                if ref is None:
                    r, c = row_i, col_i + 1
                else:
                    try:
                        r, c = parse_ref(ref)
                    except BadAddress:
                        raise WorkbookError(f"工作表“{sheet}”中有无法识别的单元格地址 {ref}") from None
                col_i = c
                if rows and not (rows[0] <= r <= rows[1]):
                    continue
                out[(r, c)] = _cell_value(el, shared, formats)
        except ET.ParseError:
            raise WorkbookError(f"工作表“{sheet}”的内容不是有效的 XML，文件可能已损坏") from None
        return out


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _rich_text(si: ET.Element) -> str:
    """The text of a string item: plain ``<t>`` or rich-text runs ``<r><t>``; phonetic
    runs (``<rPh>``, furigana) and their properties are not part of the text."""
    parts = []
    for child in si:
        if child.tag == f"{_M}t":
            parts.append(child.text or "")
        elif child.tag == f"{_M}r":
            parts.extend(t.text or "" for t in child.iter(f"{_M}t"))
    return "".join(parts)


def _cell_value(el: ET.Element, shared: list[str], formats: dict[int, str]) -> object:
    t = el.get("t", "n")
    v = el.find(f"{_M}v")
    if t == "inlineStr":
        is_ = el.find(f"{_M}is")
        return _rich_text(is_) if is_ is not None else ""
    if v is None or v.text is None:
        f = el.find(f"{_M}f")
        if f is not None:
            return Uncalculated((f.text or "").strip() or "（共享公式）")
        return None
    text = v.text
    if t == "s":
        try:
            index = int(text)
            if index < 0:
                raise IndexError
            return shared[index]
        except (ValueError, IndexError):
            return Unreadable(f"单元格引用的共享字符串 {text.strip()} 不存在（文件中只有 {len(shared)} 个）")
    if t == "e":
        return CellError(text.strip())
    if t == "str":
        return text
    if t == "b":
        return text.strip() in ("1", "true")
    if t == "d":
        return _iso_date(text)
    try:
        number = float(text)
    except ValueError:
        return Unreadable(f"数值单元格的内容“{text[:20]}”不是数字")
    return typed_number(number, formats.get(_int(el.get("s"), 0)))


def _iso_date(text: str) -> object:
    from datetime import datetime
    try:
        return SerialDate.of(datetime.fromisoformat(text.strip().rstrip("Z")))
    except ValueError:
        return Unreadable(f"日期单元格的内容“{text[:20]}”无法识别")
