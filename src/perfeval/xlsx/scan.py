"""The fast sheet reader: a scanner over a worksheet's ``<sheetData>`` for the shapes every
spreadsheet program writes (``<row>`` of ``<c>`` with a ``<v>`` or a plain inline ``<is><t>``).

It reads the same typed values at the same positions as the ElementTree reader in ``package``
(which stays the reference: ``tests/test_reader_oracle.py`` compares the two on every bundled and
Excel-made workbook and on generated XML).  The part is first checked whole by expat, the C parser
behind ElementTree, with namespaces (so malformed XML, an undefined entity or an unbound prefix is
refused exactly as the ElementTree reader refuses it); then:

- a sheet the scanner does not fully understand — another encoding, a carriage return, a comment,
  CDATA, a processing instruction, a namespace prefix or declaration inside ``<sheetData>``, a row
  outside it, anything between cells but whitespace — is handed back (``None``) and read by
  ElementTree instead;
- a cell whose content is not one of the plain shapes (a formula, rich text, extra attributes) is
  parsed on its own by ElementTree and typed by the same function as in the reference reader.
"""
from __future__ import annotations

import re
from xml.etree import ElementTree as ET
from xml.parsers import expat

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

# one token of sheetData: a cell, a row's start (or an empty row) or a row's end, with the whitespace before it.
# A cell's body is a plain value, a plain inline string, or anything else (typed by ElementTree).
_ATTRS = r"((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*"
_TOKEN = re.compile(
    r"(\s*(?:"
    r"<(c)(?:\s+r=\"([A-Z]{1,3})([1-9][0-9]{0,6})\")?(?:\s+s=\"([0-9]{1,5})\")?(?:\s+t=\"([a-zA-Z]{1,9})\")?" + _ATTRS +
    r"(?:/>|>(?:\s*<v>([^<]*)</v>\s*|\s*<is>\s*<t(?:\s+xml:space=\"preserve\")?>([^<]*)</t>\s*</is>\s*|\s*(.*?))</c\s*>)"
    r"|<(row)" + _ATTRS + r"(/?)>"
    r"|</row\s*>))", re.S)
_ROW_TAG = re.compile(r"<row[\s/>]")       # not rowBreaks
_CHUNK = 1 << 20                             # characters scanned at a time (cut after a row's end)
_ATTR = re.compile(r"([A-Za-z_][\w.:-]*)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_ENTITY = re.compile(r"&(?:#([0-9]+)|#x([0-9A-Fa-f]+)|(lt|gt|amp|quot|apos));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _entity(m: re.Match) -> str:
    if m.group(3):
        return _NAMED[m.group(3)]
    return chr(int(m.group(1)) if m.group(1) else int(m.group(2), 16))


def xml_text(raw: str) -> str:
    """Character data as XML defines it (no carriage returns reach here): entities and character
    references decoded."""
    return _ENTITY.sub(_entity, raw) if "&" in raw else raw


def well_formed(data: bytes) -> bool:
    """Whether expat (namespace-aware, as ElementTree runs it) accepts the whole part."""
    parser = expat.ParserCreate(None, "}")
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return False
    return True


def sheet_data(data: bytes) -> tuple[str, int, int] | None:
    """The part's text and where inside it ``<sheetData>``'s content starts and ends, when the scanner may
    read it; else None (ElementTree reads the part).
    ``data`` is UTF-8 without a DTD (checked by the caller)."""
    if b"\r" in data or not well_formed(data):
        return None
    text = data.decode("utf-8")
    start = text.find("<sheetData")
    if start < 0:
        return None
    head = re.match(r"<sheetData\s*(/?)>", text[start:start + 20])
    if head is None:
        return None
    body_start = start + head.end()
    if head.group(1):
        end, tail = body_start, body_start
    else:
        end = text.find("</sheetData>", body_start)
        tail = end + len("</sheetData>")
    if (_ROW_TAG.search(text, 0, start) or _ROW_TAG.search(text, tail) or text.find("xmlns", body_start, end) >= 0
            or not _default_namespace(text[:start])):
        return None
    return text, body_start, end                 # not a copy of the region: a large sheet is held once


def _default_namespace(head: str) -> bool:
    """The root element declares SpreadsheetML's main namespace as the default one."""
    if "<!--" in head or len(re.findall(r"xmlns\s*=", head)) != 1:
        return False                             # a comment could hide the root; a second default namespace
    root = re.search(r"<(?![?!])([^\s/>]+)" + _ATTRS + r"/?>", head)
    if root is None or ":" in root.group(1):
        return False
    return any(name == "xmlns" and (a or b) == NS for name, a, b in _ATTR.findall(root.group(2)))


def scan(region: tuple[str, int, int], first: int, last: int, typed, element_value, position, emit) -> bool:
    """Hand every cell of rows ``first``..``last`` (0-based; -1, -1 for all) in ``region`` to
    ``emit(row, col, value)``.  ``typed(t, s, text)`` types a cell from its attributes and its value text,
    XML-decoded (an inline string's text comes as ``typed("str", "", text)``; each distinct one once);
    ``element_value(el)`` types a cell parsed by ElementTree; ``position(ref)`` turns "B7" into (6, 1)
    or raises.  False when the region is not a plain sequence of rows and cells (the caller reads the part
    with ElementTree then); every cell handed over before that is one the reference reader hands over too,
    with the same value."""
    from .package import _COLUMNS as columns
    findall = _TOKEN.findall
    strings: dict[str, str] = {}                 # inline string as written → its text (rows repeat their labels)
    row_i, col_i, in_row, keep = -1, -1, False, True
    bounded = first >= 0
    text, start, size = region
    while start < size:
        cut = text.find("</row>", start + _CHUNK, size)
        end = size if cut < 0 else cut + 6
        tokens = findall(text, start, end)
        filled = end
        while filled > start and text[filled - 1] in " \t\n":
            filled -= 1
        if sum(len(t[0]) for t in tokens) != filled - start:
            return False                       # something between the tokens: not a plain sheet
        start = end
        for whole, cell, letters, digits, style, kind, extra, vtext, istext, other, row, rattrs, slash in tokens:
            if cell:
                if not in_row:
                    return False
                if extra or other and not other.isspace():
                    found = _generic(whole, element_value, position, row_i, col_i)
                    if found is None:
                        return False
                    value, r, c = found
                else:
                    if not letters:
                        r, c = row_i, col_i + 1
                    else:
                        c = columns.get(letters)
                        if c is None:
                            r, c = position(letters + digits)
                        r = int(digits) - 1
                    if kind == "inlineStr":
                        value = strings.get(istext)
                        if value is None:
                            if len(strings) > 50_000:
                                strings.clear()
                            value = strings[istext] = typed("str", "", xml_text(istext))
                    elif vtext:
                        value = typed(kind or "n", style, xml_text(vtext) if "&" in vtext else vtext)
                    else:
                        value = None
                col_i = c
                if keep and (not bounded or first <= r <= last):
                    emit(r, c, value)
            elif row:                            # a row starts (or an empty row)
                if in_row:
                    return False               # a row inside a row
                ref = next((a or b for k, a, b in _ATTR.findall(rattrs) if k == "r"), None) if rattrs else None
                if ref is not None and ("&" in ref or "\t" in ref or "\n" in ref):
                    return False
                try:
                    row_i = int(ref) - 1 if ref is not None else row_i + 1
                except ValueError:
                    row_i += 1                   # as the reference reader: an unreadable r counts on
                col_i = -1
                keep = not bounded or first <= row_i <= last
                in_row = slash != "/"
            else:                                # </row>
                if not in_row:
                    return False
                in_row = False
    return not in_row


def _generic(xml: str, element_value, position, row_i: int, col_i: int):
    """A cell in a shape the scanner does not type itself, parsed alone by ElementTree in the main namespace:
    (value, row, col), or None when it cannot be parsed alone."""
    xml = xml.lstrip()
    if "<row" in xml:
        return None
    try:
        el = ET.fromstring(f'<x xmlns="{NS}">{xml}</x>')[0]
    except ET.ParseError:
        return None
    ref = el.get("r")
    r, c = (row_i, col_i + 1) if ref is None else position(ref)
    return element_value(el), r, c
