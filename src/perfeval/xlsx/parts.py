"""Write cell values into a package without round-tripping it through a library.

Only the ``<sheetData>`` of the sheets being written is edited, as text: rows and
cells outside the written ranges keep their exact bytes, cell styles (``s``) are kept,
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
from .zipcopy import source_bytes, write_zip

_SHEETDATA_RE = re.compile(r"<sheetData\s*/>|<sheetData>(.*?)</sheetData>", re.S)
_ROW_RE = re.compile(r"<row\b[^>]*?/>|<row\b[^>]*?>.*?</row>", re.S)
_CELL_RE = re.compile(r"<c\b[^>]*?/>|<c\b[^>]*?>.*?</c>", re.S)
_ATTR_RE = re.compile(r'([\w:]+)="([^"]*)"')
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_CELL_TEXT = 32767


class FileLocked(WorkbookError):
    pass


def _attrs(tag: str) -> dict[str, str]:
    head = tag[: tag.index(">") + 1]
    return dict(_ATTR_RE.findall(head))


class SheetEditor:
    """Cells of one worksheet part, editable by (row, col); serialises back to the part."""

    def __init__(self, xml: bytes):
        self.text = xml.decode("utf-8")
        m = _SHEETDATA_RE.search(self.text)
        if m is None:
            raise WorkbookError("工作表缺少 sheetData，文件可能已损坏")
        self.span = m.span()
        self.rows: dict[int, list] = {}   # row number (1-based) → [row attrs, {col: cell xml}]
        self.removed_formula = False
        for row_xml in _ROW_RE.findall(m.group(1) or ""):
            attrs = _attrs(row_xml)
            number = int(attrs.get("r", len(self.rows) + 1))
            cells = {}
            for cell_xml in _CELL_RE.findall(row_xml):
                ref = _attrs(cell_xml).get("r")
                if ref:
                    cells[parse_ref(ref)[1]] = cell_xml
            self.rows[number] = [row_xml, attrs, cells, False]

    def style(self, row: int, col: int) -> str | None:
        entry = self.rows.get(row + 1)
        cell = entry[2].get(col) if entry else None
        return _attrs(cell).get("s") if cell else None

    def _entry(self, row: int) -> list:
        entry = self.rows.get(row + 1)
        if entry is None:
            entry = self.rows[row + 1] = ["", {"r": str(row + 1)}, {}, True]
        entry[3] = True
        return entry

    def set(self, row: int, col: int, value: object, style: str | None = None) -> None:
        entry = self._entry(row)
        old = entry[2].get(col)
        if old and "<f" in old and not isinstance(value, Formula):
            self.removed_formula = True
        s = style if style is not None else (_attrs(old).get("s") if old else None)
        entry[2][col] = _cell_xml(cell_name(row, col), value, s)

    def clear(self, first_row: int, last_row: int | None, first_col: int, last_col: int) -> None:
        """Empty the cells in the range (keeping their style)."""
        for number, entry in self.rows.items():
            r = number - 1
            if r < first_row or (last_row is not None and r > last_row):
                continue
            for c in [c for c in entry[2] if first_col <= c <= last_col]:
                old = entry[2][c]
                if "<f" in old:
                    self.removed_formula = True
                s = _attrs(old).get("s")
                entry[2][c] = _cell_xml(cell_name(r, c), None, s)
                entry[3] = True

    def serialize(self) -> bytes:
        return b"".join(self.chunks())

    def chunks(self, size: int = 1 << 16):
        """The part as UTF-8 chunks of about ``size`` bytes — a large sheet is streamed into
        the zip instead of being joined in memory."""
        start, end = self.span
        pending, length = [self.text[:start], "<sheetData>"], 0
        for number in sorted(self.rows):
            xml, attrs, cells, dirty = self.rows[number]
            if dirty:
                attrs = {k: v for k, v in attrs.items() if k != "spans"}
                attrs["r"] = str(number)
                head = "<row " + " ".join(f'{k}="{v}"' for k, v in attrs.items())
                body = "".join(cells[c] for c in sorted(cells))
                xml = head + (">" + body + "</row>" if body else "/>")
            pending.append(xml)
            length += len(xml)
            if length >= size:
                yield "".join(pending).encode("utf-8")
                pending, length = [], 0
        pending += ["</sheetData>", self.text[end:]]
        yield "".join(pending).encode("utf-8")


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


_CALC_AFTER = ("<oleSize", "<customWorkbookViews", "<pivotCaches", "<smartTagPr", "<smartTagTypes",
               "<webPublishing", "<fileRecoveryPr", "<webPublishObjects", "<extLst", "</workbook>")


def force_full_calc(xml: bytes) -> bytes:
    """Make Excel recalculate every formula when the workbook is next opened."""
    text = xml.decode("utf-8")
    m = re.search(r"<calcPr\b[^>]*?/?>", text)
    if m:
        tag = m.group(0)
        if re.search(r'\bfullCalcOnLoad="[^"]*"', tag):
            new = re.sub(r'\bfullCalcOnLoad="[^"]*"', 'fullCalcOnLoad="1"', tag)
        else:
            new = tag[:-2] + ' fullCalcOnLoad="1"/>' if tag.endswith("/>") else tag[:-1] + ' fullCalcOnLoad="1">'
        text = text[:m.start()] + new + text[m.end():]
    else:
        at = min((i for i in (text.find(t) for t in _CALC_AFTER) if i >= 0), default=len(text))
        text = text[:at] + '<calcPr fullCalcOnLoad="1"/>' + text[at:]
    return text.encode("utf-8")


def set_print_area(xml: bytes, sheet_index: int, sheet: str, ref: str) -> bytes:
    """workbook.xml with the print area of sheet number ``sheet_index`` (0-based, as in <sheets>) set to
    ``ref`` ("A1:I45"): its _xlnm.Print_Area defined name replaced, or added.  A workbook.xml this cannot
    edit safely (a namespace prefix, no </sheets>) is returned unchanged; the result is parsed back."""
    text = xml.decode("utf-8")
    first, _, last = ref.replace("$", "").partition(":")
    absolute = ":".join("$" + re.sub(r"(\d+)", r"$\1", part) for part in (first, last or first))
    value = escape("'" + sheet.replace("'", "''") + "'!" + absolute)
    name = f'<definedName name="_xlnm.Print_Area" localSheetId="{sheet_index}">{value}</definedName>'
    found = re.search(r'<definedName\b(?=[^>]*\bname="_xlnm\.Print_Area")(?=[^>]*\blocalSheetId="'
                      + str(sheet_index) + r'")[^>]*>.*?</definedName>', text, re.S)
    if found:
        text = text[:found.start()] + name + text[found.end():]
    elif "</definedNames>" in text:
        text = text.replace("</definedNames>", name + "</definedNames>", 1)
    elif "</sheets>" in text:
        text = text.replace("</sheets>", "</sheets><definedNames>" + name + "</definedNames>", 1)
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


def check_not_open(path: Path) -> None:
    if excel_lock_file(path).exists():
        raise FileLocked(f"文件“{path.name}”正在被 Excel 打开，请先关闭该文件再运行（或在 Excel 中点击“重新计算”按钮）")


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
    try:
        return not (os.stat(path).st_mode & 0o222)
    except OSError:
        return False


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_HELD: set[str] = set()          # locks this process holds (re-entrant: recalc → write_atomically)
LOCK_WAIT_SECONDS = 10.0
LOCK_STALE_SECONDS = 600.0


@contextmanager
def file_lock(target: Path, wait: float | None = None):
    """One perfeval at a time per workbook: a lock file ``.~perfeval-NAME.lock`` beside it,
    created exclusively.  A second run waits up to ``wait`` seconds, then refuses.  A lock
    left by a killed run is taken over after ``LOCK_STALE_SECONDS`` or when its process is gone."""
    key = os.path.normcase(str(target))
    if key in _HELD:
        yield
        return
    lock = target.with_name(f".~perfeval-{target.name}.lock")
    deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            break
        except FileExistsError:
            if _stale(lock):
                with suppress(OSError):
                    os.unlink(lock)
                continue
            if time.monotonic() >= deadline:
                raise WorkbookError(f"另一个 perfeval 正在处理“{target.name}”，请稍后再试（原文件未修改）") from None
            time.sleep(0.1)
        except OSError as exc:
            raise WorkbookError(os_error_message(exc, target.name)) from None
    _HELD.add(key)
    try:
        yield
    finally:
        _HELD.discard(key)
        with suppress(OSError):
            os.unlink(lock)


def _stale(lock: Path) -> bool:
    try:
        if time.time() - os.stat(lock).st_mtime > LOCK_STALE_SECONDS:
            return True
        pid = int(lock.read_text() or "0")
    except (OSError, ValueError):
        return False
    if pid <= 0 or pid == os.getpid() or os.name == "nt":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def resolve_target(target: Path) -> Path:
    """A symbolic link is followed: the file it points at is the one rewritten."""
    return Path(os.path.realpath(target))


def refuse_existing(target: Path, force: bool, *, workbook: bool = False) -> None:
    """A new file never overwrites an existing one unless ``force`` (``workbook``: it may hold data)."""
    if Path(target).exists() and not force:
        held = "（其中可能有已填写的数据）" if workbook else ""
        raise WorkbookError(f"“{Path(target).name}”已存在，未覆盖{held}：请换一个文件名，或加 --force 覆盖")


def write_atomically(target: Path, write: Callable[[str], None], *, force: bool = False) -> None:
    """Call ``write(tmp)`` for a temporary file beside ``target``, then move it over ``target``.

    Refuses a file open in Excel and (unless ``force``) a read-only file; follows a symbolic
    link to its file.  Every operating-system failure becomes one Chinese line; on any
    failure — or Ctrl-C — the target stays as it was and no temporary file is left behind.
    A new file gets the normal mode (umask), an existing one keeps its mode."""
    target = resolve_target(Path(target))
    check_not_open(target)
    existed = target.exists()
    if existed and is_read_only(target) and not force:
        raise WorkbookError(f"“{target.name}”是只读文件，未修改：请取消文件的只读属性后重试（或加 --force）")
    with file_lock(target):
        tmp = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".~perfeval-", suffix=target.suffix, dir=str(target.parent))
            os.close(fd)
            write(tmp)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.chmod(tmp, (os.stat(target).st_mode & 0o777) if existed else _new_file_mode())
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


def write_package(src_zip: zipfile.ZipFile, target: Path, parts: dict[str, bytes | None], *, force: bool = False) -> None:
    """Copy ``src_zip`` to ``target`` with ``parts`` replaced (None: removed), atomically.
    Members not in ``parts`` are copied as their compressed bytes (see zipcopy)."""
    src = source_bytes(src_zip)

    def write(tmp: str) -> None:
        with open(tmp, "wb") as out:
            write_zip(out, src, src_zip.infolist(), parts)
    write_atomically(target, write, force=force)
