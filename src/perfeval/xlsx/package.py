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
from ..scoring.numbers import SerialDate

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_M = f"{{{NS}}}"
_DATE_IDS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))


class WorkbookError(Exception):
    """The file cannot be used as a perfeval workbook (message in Chinese, one line)."""


@dataclass
class Package:
    path: str
    zf: zipfile.ZipFile
    sheets: dict[str, str] = field(default_factory=dict)          # sheet name → part
    tables: dict[str, TableLoc] = field(default_factory=dict)    # lower-case table name → table
    _shared: list[str] | None = None
    _date_styles: set[int] | None = None

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
                                 int(t.get("headerRowCount", "1")), int(t.get("totalsRowCount", "0")), target)
                self.tables[table.name.lower()] = table

    # ---------------------------------------------------------------- values
    def shared_strings(self) -> list[str]:
        if self._shared is None:
            self._shared = []
            part = next((t for t in self.rels(self.workbook).values() if t.endswith("sharedStrings.xml")), None)
            if part and self.has(part):
                for _, el in ET.iterparse(io.BytesIO(self.read(part))):
                    if el.tag == f"{_M}si":
                        self._shared.append("".join(t.text or "" for t in el.iter(f"{_M}t")
                                                    if not _inside_phonetic(el, t)))
                        el.clear()
        return self._shared

    def date_styles(self) -> set[int]:
        if self._date_styles is None:
            self._date_styles = set()
            part = next((t for t in self.rels(self.workbook).values() if t.endswith("styles.xml")), None)
            if part and self.has(part):
                root = self._xml(part)
                custom = {int(n.get("numFmtId")): n.get("formatCode", "") for n in root.iter(f"{_M}numFmt")}
                xfs = root.find(f"{_M}cellXfs")
                for i, xf in enumerate(xfs if xfs is not None else []):
                    fid = int(xf.get("numFmtId", "0"))
                    if fid in _DATE_IDS or (fid in custom and _is_date_format(custom[fid])):
                        self._date_styles.add(i)
        return self._date_styles

    def cells(self, sheet: str, rows: tuple[int, int] | None = None) -> dict[tuple[int, int], object]:
        """Cell values of a sheet ((row, col) 0-based), optionally only rows first..last."""
        part = self.sheets[sheet]
        shared, dates = self.shared_strings(), self.date_styles()
        out: dict[tuple[int, int], object] = {}
        try:
            for _, el in ET.iterparse(io.BytesIO(self.read(part))):
                if el.tag != f"{_M}c":
                    if el.tag == f"{_M}row":
                        el.clear()
                    continue
                ref = el.get("r")
                if ref is None:
                    continue
                try:
                    r, c = parse_ref(ref)
                except BadAddress:
                    raise WorkbookError(f"工作表“{sheet}”中有无法识别的单元格地址 {ref}") from None
                if rows and not (rows[0] <= r <= rows[1]):
                    continue
                out[(r, c)] = _cell_value(el, shared, dates)
        except ET.ParseError:
            raise WorkbookError(f"工作表“{sheet}”的内容不是有效的 XML，文件可能已损坏") from None
        return out


def _inside_phonetic(si: ET.Element, t: ET.Element) -> bool:
    for rph in si.iter(f"{_M}rPh"):
        if any(x is t for x in rph.iter()):
            return True
    return False


def _is_date_format(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code).lower()
    return bool(re.search(r"[ymdhs]", code)) and "general" not in code


def _cell_value(el: ET.Element, shared: list[str], dates: set[int]) -> object:
    t = el.get("t", "n")
    v = el.find(f"{_M}v")
    if t == "inlineStr":
        is_ = el.find(f"{_M}is")
        return "".join(x.text or "" for x in is_.iter(f"{_M}t")) if is_ is not None else ""
    if v is None or v.text is None:
        return None
    text = v.text
    if t == "s":
        try:
            return shared[int(text)]
        except (ValueError, IndexError):
            return None
    if t in ("str", "e"):
        return text
    if t == "b":
        return text.strip() in ("1", "true")
    try:
        number = float(text)
    except ValueError:
        return text
    if int(el.get("s", "0")) in dates:
        return SerialDate(number)
    return number
