"""The 自评报告 written as Word (.docx) from a ``Draft``: A4, the official fonts (仿宋_GB2312 body,
黑体/楷体 headings) with their fallbacks declared, page numbers, tables with their merges and widths.
python-docx is imported only here, and only when a report is written.
"""
from __future__ import annotations

from pathlib import Path

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
    from docx.shared import Cm, Pt
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
    for index, (kind, content) in enumerate(d.blocks):
        if kind == "landscape":                      # the project forms: a landscape section, 2 cm margins
            from docx.enum.section import WD_ORIENT, WD_SECTION
            wide = doc.add_section(WD_SECTION.NEW_PAGE)
            wide.orientation = WD_ORIENT.LANDSCAPE
            wide.page_width, wide.page_height = Cm(29.7), Cm(21)
            wide.left_margin = wide.right_margin = wide.top_margin = wide.bottom_margin = Cm(2)
            continue
        if kind == "pagebreak":
            from docx.enum.text import WD_BREAK
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            continue
        if kind == "table":
            table = doc.add_table(rows=len(content), cols=len(content[0]))
            table.style = "Table Grid"
            ncols = len(content[0])
            grid = table._cells                      # once: python-docx's table.cell(i, j) and row.cells walk the
            for i, row in enumerate(content):        # whole table on every call (a report quadratic in rows)
                for j, value in enumerate(row):
                    if value == "":
                        continue                     # left empty: a merged cell then keeps one paragraph
                    cell = grid[i * ncols + j]
                    cell.text = str(value)
                    for p in cell.paragraphs:
                        for r in p.runs:
                            _set_font(r, BODY_FONTS, 10.5, bold=(i == 0))
            widths = d.widths.get(index)
            if widths:
                table.autofit = False
                for column, width in zip(table.columns, widths):
                    column.width = Cm(width)         # the grid (LibreOffice, WPS) …
                for i in range(len(content)):        # … and every cell (Word)
                    for j, w in enumerate(widths[:ncols]):
                        grid[i * ncols + j].width = Cm(w)
            for m in d.merges.get(index, ()):        # disjoint regions: the grid's cells stay valid corners
                grid[m.first_row * ncols + m.first_col].merge(grid[m.last_row * ncols + m.last_col])
            header = table.rows[0]._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            header.append(repeat)
            for row in table.rows:                   # a row never splits across pages
                row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            continue
        p = doc.add_paragraph()
        lines = str(content).split("\n")
        run = p.add_run(lines[0])
        for more in lines[1:]:                       # a line break inside the paragraph (the title's two lines)
            run.add_break()
            run.add_text(more)
        if kind == "draft":                          # the first line of a draft, red and bold
            from docx.shared import RGBColor
            _set_font(run, HEADING_FONT, 14, bold=True)
            run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
        elif kind == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_font(run, HEADING_FONT, 22, bold=True)
        elif kind == "h1":
            _set_font(run, HEADING_FONT, 16)
            p.paragraph_format.keep_with_next = True     # never orphaned at a page's foot
        elif kind == "h2":
            _set_font(run, ("楷体_GB2312", "楷体"), 16)
            p.paragraph_format.keep_with_next = True
        elif kind == "sign":                         # the 落款, right-aligned under the text
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _set_font(run, BODY_FONTS, 16)
        else:
            p.paragraph_format.first_line_indent = Pt(32)
            _set_font(run, BODY_FONTS, 16)
        p.paragraph_format.line_spacing = Pt(28)
    doc.save(str(path))
