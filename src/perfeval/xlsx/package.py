"""Read an .xlsx/.xlsm package directly: sheets, Excel tables, cell values.

No openpyxl on this path: the package is opened once, only the parts that hold input
tables are parsed (ElementTree iterparse), and nothing is ever re-serialised here.
Every failure to read the package raises ``WorkbookError`` with a one-line Chinese
message.

Untrusted input is bounded: the file's size is checked before it is read, every part is
inflated with a limit enforced while inflating (a zip bomb stops at the limit), CRCs are
checked on the parts perfeval reads, XML is parsed with defusedxml (no DTDs, no entity
expansion), and duplicate member names are refused.
"""
from __future__ import annotations

from ..errors import WorkbookError

import io
import os
import posixpath
import stat
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as _safe_fromstring
from defusedxml.ElementTree import iterparse as _safe_iterparse

from ..locate import BadAddress, TableLoc, parse_ref
from . import scan
from ..cellformat import DATE, builtin_format_kind, format_kind, typed_number
from ..scoring.cells import CellError, SerialDate, Uncalculated, Unreadable

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_M = f"{{{NS}}}"


MAX_FILE_BYTES = 200 * 1024 * 1024      # a department's workbook is a few MB; 200 MB is not one
MAX_PART_BYTES = 256 * 1024 * 1024      # inflated size of any one part perfeval reads or rewrites
_XML_ERRORS = (ET.ParseError, DefusedXmlException, ValueError)


def _plain_utf8_without_dtd(data: bytes) -> bool:
    """True when ``data`` is UTF-8 XML with no DTD: then no entity can be declared and the C
    parser is as safe as defusedxml (an undefined entity is still an error).  UTF-8 cannot hide
    "<!DOCTYPE"/"<!ENTITY" from a byte search; any other encoding takes defusedxml's path."""
    head = data[:200]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00", b"<\x00")):
        return False
    if head.startswith(b"<?xml"):
        decl = head[: head.find(b"?>") + 2].lower()
        if b"encoding" in decl and not any(e in decl for e in (b'"utf-8"', b"'utf-8'", b'"utf8"', b"'utf8'")):
            return False
    return b"<!DOCTYPE" not in data and b"<!ENTITY" not in data


def _iterparse(data: bytes, events=("end",)):
    if _plain_utf8_without_dtd(data):
        return ET.iterparse(io.BytesIO(data), events=events)
    return _safe_iterparse(io.BytesIO(data), events=events, forbid_dtd=True)


def _fromstring(data: bytes) -> ET.Element:
    if _plain_utf8_without_dtd(data):
        return ET.fromstring(data)
    return _safe_fromstring(data, forbid_dtd=True)


@dataclass
class Package:
    """An opened workbook package: its parts, sheets and tables."""
    path: str
    zf: zipfile.ZipFile
    data: bytes = b""                                              # the file as read (for raw copying)
    sheets: dict[str, str] = field(default_factory=dict)          # sheet name → part
    tables: dict[str, TableLoc] = field(default_factory=dict)    # lower-case table name → table
    _shared: list[str] | None = None
    _formats: dict[int, str] | None = None
    date1904: bool = False                                         # workbookPr date1904: serials count from 1904
    identity: tuple | None = None                                  # (size, mtime_ns, inode) of the file as read

    # ---------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: str, data: bytes | None = None) -> "Package":
        """Open the workbook at ``path`` (or already read into ``data``)."""
        name = os.path.basename(str(path))
        if data is not None:
            if len(data) > MAX_FILE_BYTES or not data.startswith(b"PK\x03\x04"):
                raise WorkbookError(f"文件“{name}”不是有效的 Excel 工作簿（.xlsx/.xlsm）" if data else
                                    f"文件为空，不是 Excel 工作簿：{path}")
            return cls._from_bytes(path, name, data)
        try:
            if os.path.isdir(path):
                raise WorkbookError(f"这是一个文件夹，不是工作簿：{path}")
            if not stat.S_ISREG(os.stat(path).st_mode):     # a FIFO or a device would block or never end
                raise WorkbookError(f"“{name}”不是普通文件（是管道、设备或套接字），不是工作簿")
            size = os.path.getsize(path)
            if size > MAX_FILE_BYTES:
                raise WorkbookError(f"文件“{name}”有 {size // (1024 * 1024)} MB，不是部门整体绩效自评工作簿（上限 "
                                    f"{MAX_FILE_BYTES // (1024 * 1024)} MB）")
            with open(path, "rb") as fh:
                if fh.read(4) != b"PK\x03\x04":
                    raise WorkbookError(f"文件“{name}”不是有效的 Excel 工作簿（.xlsx/.xlsm）" if size else
                                        f"文件为空，不是 Excel 工作簿：{path}")
                fh.seek(0)
                data = fh.read()
                st = os.fstat(fh.fileno())
        except FileNotFoundError:
            raise WorkbookError(f"找不到文件：{path}") from None
        except PermissionError:
            raise WorkbookError(f"无法读取文件（没有权限或正被其他程序占用）：{path}") from None
        except OSError as exc:
            raise WorkbookError(f"无法读取文件“{name}”（{exc.strerror or exc}）") from None
        pkg = cls._from_bytes(path, name, data)
        pkg.identity = (st.st_size, st.st_mtime_ns, st.st_ino)
        return pkg

    def unchanged_on_disk(self, path) -> bool:
        """Whether the file at ``path`` is still the one read: the same size, time and inode, or else
        the same bytes (a save by another program meanwhile makes it False)."""
        try:
            st = os.stat(path)
            if (st.st_size, st.st_mtime_ns, st.st_ino) == self.identity:
                return True
            with open(path, "rb") as fh:
                return fh.read() == self.data
        except OSError:
            return False

    @classmethod
    def _from_bytes(cls, path: str, name: str, data: bytes) -> "Package":
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, EOFError, ValueError, OSError, zlib.error):
            raise WorkbookError(f"文件不是有效的 Excel 工作簿（.xlsx/.xlsm），可能已损坏：{path}") from None
        names = [i.filename for i in zf.infolist()]
        if len(names) != len(set(names)):
            dup = next(n for n in names if names.count(n) > 1)
            raise WorkbookError(f"文件“{name}”中部件 {dup} 出现了两次，文件已损坏或被篡改，请在 Excel 中打开后另存")
        if any(i.flag_bits & 0x1 for i in zf.infolist()):
            raise WorkbookError(f"文件“{name}”已加密或受密码保护，请在 Excel 中取消密码后另存")
        pkg = cls(path, zf)
        pkg.data = data
        pkg._load_workbook()
        return pkg

    def read(self, part: str, limit: int = MAX_PART_BYTES) -> bytes:
        """A part's bytes, inflated with ``limit`` enforced while inflating; CRC checked."""
        try:
            info = self.zf.getinfo(part)
        except KeyError:
            raise WorkbookError(f"工作簿缺少部件 {part}，文件可能已损坏") from None
        if info.file_size > limit:
            raise WorkbookError(f"工作簿部件 {part} 解压后超过 {limit // (1024 * 1024)} MB，文件已损坏或不是正常的工作簿")
        try:
            with self.zf.open(info) as fh:
                data = fh.read(limit + 1)
        except (zipfile.BadZipFile, EOFError, ValueError, OSError, zlib.error, NotImplementedError):
            raise WorkbookError(f"工作簿部件 {part} 已损坏，无法解压（请在 Excel 中打开后另存）") from None
        if len(data) > limit:
            raise WorkbookError(f"工作簿部件 {part} 解压后超过 {limit // (1024 * 1024)} MB，文件已损坏或不是正常的工作簿")
        return data

    def has(self, part: str) -> bool:
        try:
            self.zf.getinfo(part)
            return True
        except KeyError:
            return False

    def _xml(self, part: str) -> ET.Element:
        data = self.read(part)
        try:
            return _fromstring(data)
        except _XML_ERRORS:
            raise WorkbookError(f"工作簿部件 {part} 不是有效的 XML（或含有不允许的 DTD/实体），文件可能已损坏") from None

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
        if wb.tag.startswith("{" + STRICT_MAIN + "}"):
            raise WorkbookError(f"文件“{os.path.basename(str(self.path))}”是“Strict Open XML 电子表格”格式，perfeval 不读取这种格式："
                                f"请在 Excel 中另存为“Excel 启用宏的工作簿(*.xlsm)”后重试")
        pr = wb.find(f"{_M}workbookPr")
        self.date1904 = pr is not None and pr.get("date1904", "").strip().lower() in ("1", "true")
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
                headers = [unescape(c.get("name", "")) for c in t.iter(f"{_M}tableColumn")]
                table = TableLoc(t.get("displayName") or t.get("name") or "", name, t.get("ref", "A1:A1"), headers,
                                 _int(t.get("headerRowCount"), 1), _int(t.get("totalsRowCount"), 0), target)
                try:
                    r1, c1, r2, c2 = table.bounds
                except BadAddress:
                    raise WorkbookError(f"工作表“{name}”中表格 {table.name} 的范围“{table.ref}”无法识别，文件可能已损坏") from None
                if not (0 <= table.header_rows <= 1 and 0 <= table.totals_rows <= 1 and r1 <= r2 and c1 <= c2
                        and r2 < 1_048_576 and c2 < 16_384):
                    raise WorkbookError(f"工作表“{name}”中表格 {table.name} 的定义不正确（范围“{table.ref}”），文件可能已损坏")
                self.tables[table.name.lower()] = table

    # ---------------------------------------------------------------- values
    def shared_strings(self) -> list[str]:
        if self._shared is None:
            self._shared = []
            part = next((t for t in self.rels(self.workbook).values() if t.endswith("sharedStrings.xml")), None)
            if part and self.has(part):
                try:
                    for _, el in _iterparse(self.read(part)):
                        if el.tag == f"{_M}si":
                            self._shared.append(_rich_text(el))
                            el.clear()
                except _XML_ERRORS:
                    raise WorkbookError("共享字符串部件不是有效的 XML（或含有不允许的 DTD/实体），文件可能已损坏") from None
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

    def cells(self, sheet: str, rows: tuple[int, int] | None = None, sink=None) -> dict[tuple[int, int], object]:
        """Typed cell values of a sheet ((row, col) 0-based), optionally only rows first..last.

        A ``<row>`` or ``<c>`` without its ``r`` attribute takes the position after the
        previous one, as Excel reads it.  With ``sink`` each cell is handed to ``sink(row, col,
        value)`` instead of being kept (large tables without a dict of every cell).  The plain
        shapes are read by the scanner (``scan``); anything else by :meth:`cells_by_elements`, the
        reference reader (a cell the scanner handed over before meeting such a shape is handed
        over again, with the same value)."""
        data = self.read(self.sheets[sheet])
        region = scan.sheet_data(data) if _plain_utf8_without_dtd(data) else None
        if region is not None:
            out: dict[tuple[int, int], object] = {}
            shared, formats, date1904 = self.shared_strings(), self.cell_formats(), self.date1904

            def typed(t: str, s: str, text: str) -> object:
                return _typed(t, s, text, shared, formats, date1904)
            if scan.scan(region, rows[0] if rows else -1, rows[1] if rows else -1, typed,
                         lambda el: _cell_value(el, shared, formats, date1904),
                         lambda ref: _position(ref, sheet), sink or (lambda r, c, v: out.__setitem__((r, c), v))):
                return out
        return self.cells_by_elements(sheet, rows, sink, data)

    def cells_by_elements(self, sheet: str, rows: tuple[int, int] | None = None, sink=None,
                          data: bytes | None = None) -> dict[tuple[int, int], object]:
        """:meth:`cells` by ElementTree's iterparse: every shape XML allows (the reference reader)."""
        part = self.sheets[sheet]
        shared, formats, date1904 = self.shared_strings(), self.cell_formats(), self.date1904
        out: dict[tuple[int, int], object] = {}
        row_tag, cell_tag = f"{_M}row", f"{_M}c"
        row_i = -1
        try:
            for _, el in _iterparse(self.read(part) if data is None else data):   # end events; a row's cells with it
                if el.tag != row_tag:
                    continue
                row_i = _int(el.get("r"), row_i + 2) - 1
                if rows and not (rows[0] <= row_i <= rows[1]):
                    el.clear()
                    continue
                col_i = -1
                for c in el:
                    if c.tag != cell_tag:
                        continue
                    ref = c.get("r")
                    r, col = (row_i, col_i + 1) if ref is None else _position(ref, sheet)
                    col_i = col
                    if not rows or rows[0] <= r <= rows[1]:
                        if sink is None:
                            out[(r, col)] = _cell_value(c, shared, formats, date1904)
                        else:
                            sink(r, col, _cell_value(c, shared, formats, date1904))
                el.clear()
        except _XML_ERRORS:
            raise WorkbookError(f"工作表“{sheet}”的内容不是有效的 XML（或含有不允许的 DTD/实体），文件可能已损坏") from None
        return out


_COLUMNS: dict[str, int] = {}


def _position(ref: str, sheet: str) -> tuple[int, int]:
    """"B7" → (6, 1): column letters looked up in a cache (a sheet repeats the same few)."""
    digits = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    letters = ref[: len(ref) - len(digits)]
    col = _COLUMNS.get(letters)
    if col is None or not digits.isdigit():
        try:
            r, col = parse_ref(ref)
        except BadAddress:
            raise WorkbookError(f"工作表“{sheet}”中有无法识别的单元格地址 {ref}") from None
        _COLUMNS[letters] = col
        return r, col
    return int(digits) - 1, col


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    """Excel's escapes in strings: _x000D_ is a carriage return, _x005F_ a literal "_" (so that
    "_x005F_x000D_" stays the text "_x000D_")."""
    if "_x" not in text:
        return text
    decoded = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    # a pair of escaped UTF-16 halves (_xD83D__xDE00_) is one character; a lone half becomes U+FFFD
    return decoded.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _rich_text(si: ET.Element) -> str:
    """The text of a string item: plain ``<t>`` or rich-text runs ``<r><t>``; phonetic
    runs (``<rPh>``, furigana) and their properties are not part of the text."""
    parts = []
    for child in si:
        if child.tag == f"{_M}t":
            parts.append(child.text or "")
        elif child.tag == f"{_M}r":
            parts.extend(t.text or "" for t in child.iter(f"{_M}t"))
    return unescape("".join(parts))


STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"       # ISO 29500 Strict: refused by name
DAYS_1900_TO_1904 = 1462                       # serial 0 of the 1904 date system is 1904-01-01 = 1462 in 1900's


def _cell_value(el: ET.Element, shared: list[str], formats: dict[int, str], date1904: bool = False) -> object:
    t = el.get("t", "n")
    if t == "inlineStr":
        is_ = el.find(f"{_M}is")
        return _rich_text(is_) if is_ is not None else ""
    v = el.find(f"{_M}v")
    if v is None or v.text is None:
        f = el.find(f"{_M}f")
        if f is not None:
            return Uncalculated((f.text or "").strip() or "（共享公式）")
        return None
    return _typed(t, el.get("s"), v.text, shared, formats, date1904)


def _typed(t: str, style: str | None, text: str | None, shared: list[str], formats: dict[int, str],
           date1904: bool) -> object:
    """A cell's value from its type ``t``, style index and value text (XML-decoded; None: no value)."""
    if text is None:
        return None
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
        return unescape(text)
    if t == "b":
        return text.strip() in ("1", "true")
    if t == "d":
        return _iso_date(text)
    try:
        number = float(text)
    except ValueError:
        return Unreadable(f"数值单元格的内容“{text[:20]}”不是数字")
    kind = formats.get(_int(style, 0))
    if kind == DATE and date1904:
        number += DAYS_1900_TO_1904           # the 1904 date system: the same day as Excel shows it
    return typed_number(number, kind)


def _iso_date(text: str) -> object:
    from datetime import datetime
    # Before Python 3.11 fromisoformat takes only 3 or 6 fraction digits: pad or cut them to 6.
    iso = re.sub(r"\.(\d+)", lambda m: "." + (m.group(1) + "000000")[:6], text.strip().rstrip("Z"), count=1)
    try:
        return SerialDate.of(datetime.fromisoformat(iso))
    except ValueError:
        return Unreadable(f"日期单元格的内容“{text[:20]}”无法识别")
