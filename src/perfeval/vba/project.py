"""The workbook's VBA project, built from text at template-build time.

Modules: ``macros/*.bas`` (our buttons), the xlwings VBA module and its Dictionary class
taken from the installed xlwings package (BSD-3-Clause and MIT; their notices are part
of the module text), and the document modules Excel expects for the workbook and each
sheet.  ``vbaProject.bin`` is reproducible: the same sources give the same bytes.
"""
from __future__ import annotations

import re
from pathlib import Path

from .cfb import write_cfb
from .ovba import Module, project_streams

BUTTON_MACRO = "RunRecalc"
REPORT_MACRO = "RunReport"
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
SHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"


def _document(name: str, base: str) -> Module:
    attrs = [f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{base}"',
             "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
             "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
             "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True"]
    return Module(name, "\n".join(attrs), "document")


def class_source(text: str) -> str:
    """A .cls export → the text VBA stores (the VERSION/BEGIN…END header removed)."""
    return re.sub(r"\AVERSION [^\n]*\n(BEGIN\n.*?\nEND\n)?", "", text.replace("\r\n", "\n"), flags=re.S)


def macros_folder() -> Path:
    """The packaged macros/ folder (a plain folder, also inside the .pyz, which runs extracted)."""
    import importlib.util
    return Path(importlib.util.find_spec("perfeval.macros").origin).resolve().parent


def our_modules() -> list[Module]:
    folder = macros_folder()
    out = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".bas"):
            text = entry.read_text(encoding="ascii")
            name = re.search(r'Attribute VB_Name = "([^"]+)"', text).group(1)
            out.append(Module(name, text))
    return out


def xlwings_modules() -> list[Module]:
    """xlwings' VBA, vendored from the pinned release (so `new` needs no xlwings installed)."""
    root = macros_folder() / "xlwings"
    bas = (root / "xlwings.bas").read_text(encoding="cp1252")
    cls = class_source((root / "Dictionary.cls").read_text(encoding="cp1252"))
    return [Module("xlwings", bas), Module("Dictionary", cls, "class")]


def modules(sheet_count: int) -> list[Module]:
    docs = [_document("ThisWorkbook", WORKBOOK_BASE)]
    docs += [_document(f"Sheet{i}", SHEET_BASE) for i in range(1, sheet_count + 1)]
    return docs + our_modules() + xlwings_modules()


def build_vba_project(sheet_count: int) -> bytes:
    return write_cfb(project_streams(modules(sheet_count)))
