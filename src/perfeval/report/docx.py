"""The 自评报告 written as Word (.docx) from a ``Draft``: A4, the official fonts (仿宋_GB2312 body,
黑体/楷体 headings) with their fallbacks declared, page numbers, tables with their merges and widths.
python-docx is imported only here, and only when a report is written.
"""
from __future__ import annotations

from pathlib import Path

from ..xlsx.parts import _INVALID_XML, escape
from .draft import BODY_FONTS, HEADING_FONT, TEXT_WIDTH_CM, Draft


def _set_font(run_or_style, names: tuple[str, ...] | str, size: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt
    name = names[0] if isinstance(names, tuple) else names
    font = run_or_style.font
    font.name = name
    rpr = run_or_style.element.get_or_add_rPr() if hasattr(run_or_style.element, "get_or_add_rPr") \
        else run_or_style._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold


FONT_FALLBACKS = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "黑体": "SimHei"}


def _font_table(doc) -> None:
    """Declare the official fonts with their fallbacks (w:altName) in fontTable.xml, so a PC
    without 仿宋_GB2312 uses 仿宋 rather than a Western default."""
    part = next(p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    xml = part.blob.decode("utf-8")
    fonts = "".join(f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                    f'<w:family w:val="modern"/></w:font>' for name, alt in FONT_FALLBACKS.items())
    xml = xml.replace("</w:fonts>", fonts + "</w:fonts>")
    part._blob = xml.encode("utf-8")


def _runs(text: str, bold: bool) -> str:
    """A cell paragraph's runs as python-docx's ``run.text`` writes them: a line break for "\\n" (and "\\r"), a tab for
    "\\t", xml:space="preserve" only where the text has outer spaces; markup escaped."""
    if not text:
        return ""
    parts = []
    for k, line in enumerate(text.replace("\r", "\n").split("\n")):     # "\r" breaks a line in python-docx too
        if k:
            parts.append("<w:br/>")
        for m, piece in enumerate(line.split("\t")):
            if m:
                parts.append("<w:tab/>")
            if piece:
                space = ' xml:space="preserve"' if piece != piece.strip() else ""
                parts.append(f"<w:t{space}>{escape(piece)}</w:t>")
    return f"<w:r>{'<w:rPr><w:b/></w:rPr>' if bold else ''}{''.join(parts)}</w:r>"


REPEAT = '<w:tblHeader w:val="true"/>'


def table_rows(content: list, twips: list[int], merges, heads: int, style: str) -> str:
    """Every row of a table as WordprocessingML, built once: what python-docx's cell.text, cell.width,
    _Cell.merge, the paragraph style, alignment and bold and the row properties give (a row never splits;
    the first ``heads`` rows repeat on every page, centred and bold) — without its object model, whose
    merge searched the whole table on every step and whose setters made every cell several lookups.
    A merged region's other cells' text moves into its first cell, as python-docx moves it.
    tests/test_report_drafting.py compares the result with python-docx's own on the report's tables."""
    ncols = len(content[0])
    top_of: dict = {}                       # (row, col) → its region's top-left corner, for every cell inside one
    region: dict = {}                       # top-left corner → (columns spanned, rows spanned)
    for m in merges:
        region[(m.first_row, m.first_col)] = (m.last_col - m.first_col + 1, m.last_row - m.first_row + 1)
        for r in range(m.first_row, m.last_row + 1):
            for c in range(m.first_col, m.last_col + 1):
                top_of[(r, c)] = (m.first_row, m.first_col)
    moved: dict = {}                        # top-left corner → the other cells' texts, in python-docx's order
    for (r, c), corner in sorted(top_of.items()):
        if (r, c) != corner and str(content[r][c]):
            moved.setdefault(corner, []).append((str(content[r][c]), r < heads))     # with its own row's look

    def paragraph(text: str, bold: bool, centre: bool) -> str:
        jc = '<w:jc w:val="center"/>' if centre else ""
        return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{jc}</w:pPr>{_runs(text, bold)}</w:p>'

    out = []
    for i, row in enumerate(content):
        head = i < heads
        cells = ["<w:trPr><w:cantSplit/>" + (REPEAT if head else "") + "</w:trPr>"]
        for j in range(ncols):
            corner = top_of.get((i, j))
            if corner is not None and corner[1] != j:
                continue                                        # inside a span: the row's first cell holds it
            span, height = region[corner] if corner else (1, 1)
            width = sum(twips[j:j + span])
            props = f'<w:tcW w:type="dxa" w:w="{width}"/>' + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "")
            value = str(row[j])
            if corner is not None and height > 1:
                props += '<w:vMerge w:val="restart"/>' if corner == (i, j) else '<w:vMerge/>'   # continue: its default
            if corner is not None and corner != (i, j):         # a lower row of a region: its text went up
                body = "<w:p/>" if value else paragraph("", head, False)
            else:
                texts = ([(value, head)] if value or not moved.get((i, j)) else []) + moved.get((i, j), [])
                body = "".join(paragraph(t, bold and bool(t), bold and bool(t)) for t, bold in texts)
            cells.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>")
        out.append(f"<w:tr>{''.join(cells)}</w:tr>")
    return "".join(out)


def add_table(doc, content: list, widths: list[float] | None, merges, heads: int, size: float):
    """A table at the document's end: "Table Grid", fixed column widths (cm) when given, its rows from
    ``table_rows`` in one parse."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Cm
    ncols = len(content[0])
    table = doc.add_table(rows=0, cols=ncols)
    table._tbl.tblStyle_val = _table_grid_id(doc)    # what table.style = "Table Grid" sets, looked up once
    if widths:
        table.autofit = False
        for column, width in zip(table.columns, widths):
            column.width = Cm(width)                 # the grid (LibreOffice, WPS) …
    twips = [Cm(w).twips for w in widths[:ncols]] if widths else \
        [g.w.twips for g in table._tbl.tblGrid.gridCol_lst]           # … and every cell (Word)
    style = _cell_style(doc, size).style_id
    rows = parse_xml(f"<w:tbl {nsdecls('w')}>{table_rows(content, twips, merges, heads, style)}</w:tbl>")
    for tr in list(rows):
        table._tbl.append(tr)
    return table


def _table_grid_id(doc) -> str:
    """The style id of "Table Grid" (python-docx's name lookup walks every style on each table)."""
    cached = doc.__dict__.get("_perfeval_table_grid")
    if cached is None:
        from docx.enum.style import WD_STYLE_TYPE
        cached = doc.__dict__["_perfeval_table_grid"] = doc.part.get_style_id("Table Grid", WD_STYLE_TYPE.TABLE)
    return cached


def _cell_style(doc, size: float):
    """The paragraph style of table cells at ``size`` pt: single-spaced, no indent (the body's 16 pt
    and 28 pt spacing would otherwise set every row's least height, even of an empty cell)."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt
    name = f"表格文字{size:g}"
    made = doc.__dict__.setdefault("_perfeval_cell_styles", {})    # python-docx finds a style by name walking them all
    if name in made:
        return made[name]
    style = made[name] = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    _set_font(style, BODY_FONTS, size)
    fmt = style.paragraph_format
    fmt.line_spacing, fmt.space_before, fmt.space_after, fmt.first_line_indent = 1.0, Pt(0), Pt(0), Pt(0)
    return style


_KEEP, _LINE = "<w:keepNext/>", '<w:spacing w:line="560" w:lineRule="exact"/>'


def _fonts(name: str) -> str:
    return f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}"/>'


# kind → (its keepNext, its run properties, what follows the line spacing: an indent or an alignment), as
# python-docx's setters write them, in the schema's order; any other kind is a "p"
PARAGRAPHS = {
    "draft": ("", _fonts(HEADING_FONT) + '<w:b/><w:color w:val="C00000"/><w:sz w:val="28"/>', ""),
    "title": ("", _fonts(HEADING_FONT) + '<w:b/><w:sz w:val="44"/>', '<w:jc w:val="center"/>'),
    "h1": (_KEEP, _fonts(HEADING_FONT) + '<w:sz w:val="32"/>', ""),
    "h2": (_KEEP, _fonts("楷体_GB2312") + '<w:sz w:val="32"/>', ""),
    "sign": ("", _fonts(BODY_FONTS[0]) + '<w:sz w:val="32"/>', '<w:jc w:val="right"/>'),
    "lead": (_KEEP, _fonts(BODY_FONTS[0]) + '<w:sz w:val="32"/>', '<w:ind w:firstLine="640"/>'),
    "p": ('<w:keepNext w:val="0"/>', _fonts(BODY_FONTS[0]) + '<w:sz w:val="32"/>', '<w:ind w:firstLine="640"/>'),
}


def paragraph_xml(kind: str, content: object, break_before: bool) -> str:
    """A body paragraph as WordprocessingML, as python-docx's add_paragraph, add_run (a tab and a line break
    for "\t" and "\r"), add_break/add_text for each further line, the run's font and the paragraph's format
    give it — without the object model, whose every setter searched the element for its place.
    tests/test_report_drafting.py compares the two for every kind."""
    keep, rpr, after = PARAGRAPHS.get(kind, PARAGRAPHS["p"])
    ppr = keep + ("<w:pageBreakBefore/>" if break_before else "") + _LINE + after
    lines = _INVALID_XML.sub("", str(content)).split("\n")      # what XML cannot hold (Word neither)
    first = _runs(lines[0], False)
    inner = first[len("<w:r>"):-len("</w:r>")] if first else ""
    for more in lines[1:]:
        space = ' xml:space="preserve"' if more != more.strip() else ""
        inner += f"<w:br/><w:t{space}>{escape(more).replace(chr(13), '&#13;')}</w:t>" if more else "<w:br/><w:t/>"
    return f"<w:p><w:pPr>{ppr}</w:pPr><w:r><w:rPr>{rpr}</w:rPr>{inner}</w:r></w:p>"


def add_paragraph(doc, kind: str, content: object, break_before: bool = False) -> None:
    """A body paragraph at the document's end (before its last section's properties)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    xml = paragraph_xml(kind, content, break_before)
    p = parse_xml(xml.replace("<w:p>", f"<w:p {nsdecls('w')}>", 1))
    doc.element.body._insert_p(p)


def to_docx(d: Draft, path: Path) -> None:
    import importlib.util
    if importlib.util.find_spec("docx") is None:                      # perfeval.pyz, or an install without it
        from ..errors import NotSupported
        raise NotSupported("生成自评报告需要 python-docx：请完整安装 perfeval（Windows 双击离线安装包中的“安装.cmd”，"
                           "Linux 运行 sh 安装.sh）；perfeval.pyz 只能重新计算和查看得分")
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm((21 - TEXT_WIDTH_CM) / 2)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    _set_font(doc.styles["Normal"], BODY_FONTS, 16)
    _font_table(doc)
    if d.is_draft:                                   # every page says it is a draft
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _set_font(header.add_run("草稿 · 自评未完成，不能报送"), HEADING_FONT, 12, bold=True)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        run = footer.add_run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.text = text
            run._r.append(instr)
    break_before = False
    for index, (kind, content) in enumerate(d.blocks):
        if kind == "landscape":                      # the project forms: a landscape section, 2 cm margins
            from docx.enum.section import WD_ORIENT, WD_SECTION
            wide = doc.add_section(WD_SECTION.NEW_PAGE)
            wide.orientation = WD_ORIENT.LANDSCAPE
            wide.page_width, wide.page_height = Cm(29.7), Cm(21)
            wide.left_margin = wide.right_margin = Cm(2)
            wide.top_margin, wide.bottom_margin = Cm(1.6), Cm(1.6)        # the forms: the most rows a page
            continue
        if kind == "pagebreak":                      # the next paragraph starts a page (no empty paragraph
            break_before = True                      # that could spill onto a page of its own)
            continue
        if kind == "table":
            add_table(doc, content, d.widths.get(index), d.merges.get(index, ()), d.head_rows.get(index, 1),
                      d.font_pt.get(index, 10.5))
            continue
        add_paragraph(doc, kind, content, break_before)
        break_before = False
    doc.save(str(path))
