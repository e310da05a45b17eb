"""A macro-free copy of a workbook (.xlsx) for e-mail and review: results as they are, no VBA.

The copy drops the VBA project and the button drawings (legacy VML shapes bound to macros),
with every reference to them (relationships, ``<legacyDrawing>``, content types), and declares
the workbook an ordinary .xlsx, so Excel and WPS open it without any macro warning.  Every other
part is copied as its compressed bytes; the source workbook is never modified.
"""
from __future__ import annotations

import posixpath
import re
from pathlib import Path

from ..errors import WorkbookError
from .package import Package
from .parts import write_package

XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
_VML_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing"
_REL_RE = re.compile(r"<Relationship\b[^>]*/>")


def _rels_part(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _only_buttons(vml: bytes) -> bool:
    """A VML drawing holding nothing but form-control buttons (comments live in VML too: kept)."""
    kinds = re.findall(rb'ObjectType="([^"]+)"', vml)
    return bool(kinds) and all(k == b"Button" for k in kinds)


def _strip_rels(xml: bytes, rel_type: str, keep=lambda target: False) -> tuple[bytes, list[tuple[str, str]]]:
    """Relationships of ``rel_type`` removed (unless ``keep(target)``); returns the new part and
    the (id, target) pairs removed."""
    text, removed = xml.decode("utf-8"), []
    for rel in _REL_RE.findall(text):
        if f'Type="{rel_type}"' in rel and not keep(re.search(r'Target="([^"]+)"', rel).group(1)):
            rid = re.search(r'Id="([^"]+)"', rel).group(1)
            target = re.search(r'Target="([^"]+)"', rel).group(1)
            removed.append((rid, target))
            text = text.replace(rel, "", 1)
    return text.encode("utf-8"), removed


def macro_free_copy(source: str | Path, target: str | Path) -> Path:
    """Write ``target`` (.xlsx): ``source`` without VBA and buttons.  ``source`` is only read."""
    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        raise WorkbookError(f"无宏副本应保存为 .xlsx：{target.name}")
    pkg = Package.open(str(source))
    parts: dict[str, bytes | None] = {}
    workbook_rels = _rels_part(pkg.workbook)
    if pkg.has(workbook_rels):
        parts[workbook_rels], removed = _strip_rels(pkg.read(workbook_rels), _VBA_REL)
        for _, target_part in removed:
            parts[posixpath.normpath(posixpath.join(posixpath.dirname(pkg.workbook), target_part))] = None
    for sheet_part in pkg.sheets.values():
        rels = _rels_part(sheet_part)
        if not pkg.has(rels):
            continue
        folder = posixpath.dirname(sheet_part)

        def keep(vml: str, folder=folder) -> bool:
            part = posixpath.normpath(posixpath.join(folder, vml))
            return not pkg.has(part) or not _only_buttons(pkg.read(part))
        new_rels, removed = _strip_rels(pkg.read(rels), _VML_REL, keep)
        if not removed:
            continue
        parts[rels] = new_rels
        xml = pkg.read(sheet_part).decode("utf-8")
        for rid, vml in removed:
            xml = re.sub(rf'<legacyDrawing\b[^>]*r:id="{re.escape(rid)}"[^>]*/>', "", xml)
            parts[posixpath.normpath(posixpath.join(posixpath.dirname(sheet_part), vml))] = None
        parts[sheet_part] = xml.encode("utf-8")
    types = pkg.read("[Content_Types].xml").decode("utf-8")
    types = re.sub(r'<Default Extension="bin" ContentType="application/vnd\.ms-office\.vbaProject"/>', "", types)
    types = re.sub(r'<Override PartName="/xl/vbaProject\.bin"[^>]*/>', "", types)
    types = types.replace("application/vnd.ms-excel.sheet.macroEnabled.main+xml", XLSX_MAIN)
    if not any(n.endswith(".vml") and parts.get(n, b"") is not None for n in pkg.zf.namelist()):
        types = re.sub(r'<Default Extension="vml" [^>]*/>', "", types)
    parts["[Content_Types].xml"] = types.encode("utf-8")
    write_package(pkg.zf, target, parts)
    return target
