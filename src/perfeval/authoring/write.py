"""Write the authoring workbook (``perfeval rubric new`` / ``rubric export``) with XlsxWriter: a
使用说明 sheet, then one sheet per declared table (an Excel Table with drop-down lists), printed A4,
one page wide, header repeated.  Written beside the target and moved over it."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from .. import printing as P
from . import declare as D
from .convert import rule_type_names, to_rows
from .guide import guide_rows

EXTRA_ROWS = 200
LINE_HEIGHT = 13.5        # points per wrapped line at 10 pt


def _height(cells: list[tuple[object, float]]) -> float | None:
    """A row's height for its wrapped texts (None: the default height will do)."""
    from ..printing import text_lines
    lines = max([text_lines(v, w, 10) for v, w in cells if isinstance(v, str)] + [1])
    return LINE_HEIGHT * lines + 3 if lines > 1 else None          # drop-downs reach this far below the last row, for lines the author adds


def write_authoring(data: dict, path: str | Path) -> Path:
    from ..xlsx.parts import write_atomically
    path = Path(path)
    write_atomically(path, lambda tmp: _build(data, Path(tmp)))
    return path


def _build(data: dict, path: Path) -> None:
    import xlsxwriter
    wb = xlsxwriter.Workbook(str(path), {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": "perfeval 评分标准编写", "author": "perfeval", "comments": "perfeval rubric authoring"})
    base = {"font_name": "宋体", "font_size": 10, "valign": "top"}
    fm = {
        "title": wb.add_format(dict(base, bold=True, font_size=14)),
        "subtitle": wb.add_format(dict(base, bold=True, font_size=11)),
        "help": wb.add_format(dict(base, font_color="#595959", text_wrap=True)),
        "text": wb.add_format(dict(base, text_wrap=True, border=1)),
        "number": wb.add_format(dict(base, border=1, num_format="General")),
        "plain": wb.add_format(dict(base, text_wrap=True)),
        "label": wb.add_format(dict(base, bold=True, border=1, bg_color="#F2F2F2")),
    }
    rows = to_rows(data)
    _guide(wb, fm)
    for sheet in D.SHEETS:
        _sheet(wb, fm, sheet, rows[sheet.table])
    wb.worksheets()[0].activate()
    wb.close()


def _print(ws, header_row: int, landscape: bool) -> None:
    ws.set_paper(9)
    ws.set_landscape() if landscape else ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")


def _guide(wb, fm) -> None:
    ws = wb.add_worksheet(D.GUIDE_SHEET)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 90)
    _print(ws, 0, landscape=False)
    ws.repeat_rows(0, 0)
    for r, (kind, first, second) in enumerate(guide_rows()):
        if kind == "title":
            ws.write_string(r, 0, first, fm["title"])
        elif kind == "heading":
            ws.write_string(r, 0, first, fm["subtitle"])
            if second:
                ws.write_string(r, 1, second, fm["subtitle"])
        elif kind == "pair":
            ws.write_string(r, 0, first, fm["label"])
            ws.write_string(r, 1, second, fm["text"])
            ws.set_row(r, P.row_height(_height([(first, 16), (second, 90)])))
        elif first:
            ws.merge_range(r, 0, r, 1, first, fm["plain"])
            ws.set_row(r, P.row_height(_height([(first, 106)])))
    ws.set_tab_color("#70AD47")


def _write(ws, r: int, c: int, value: object, fm) -> None:
    if value is None:
        ws.write_blank(r, c, None, fm["text"])
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fm["number"])
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(r, c, float(value), fm["number"])
    else:
        ws.write_string(r, c, str(value), fm["text"])


def _choices(field: D.Field) -> list[str] | None:
    if field.kind == "bool":
        return list(D.YES_NO.values())
    if field.kind == "enum":
        return list((field.names if field.names is not None else rule_type_names()).values())
    return None


def _sheet(wb, fm, sheet: D.Sheet, rows: list[dict]) -> None:
    ws = wb.add_worksheet(sheet.sheet)
    ws.write_string(0, 0, sheet.title, fm["title"])
    span = 3 if sheet.keyvalue else len(sheet.fields)
    width = 112 if sheet.keyvalue else sum(f.width for f in sheet.fields)
    ws.merge_range(1, 0, 1, span - 1, sheet.help, fm["help"])
    ws.set_row(1, P.row_height(_height([(sheet.help, width)])))
    top = 3
    if sheet.keyvalue:
        headers = ["项目", "值", "说明"]
        ws.set_column(0, 0, 12)
        ws.set_column(1, 1, 40)
        ws.set_column(2, 2, 60)
        values = {k: v for row in rows for k, v in row.items()}
        for i, field in enumerate(sheet.fields):
            r = top + 1 + i
            ws.write_string(r, 0, field.header, fm["label"])
            _write(ws, r, 1, values.get(field.key), fm)
            note = ("必填。" if field.required else "") + field.help
            ws.write_string(r, 2, note, fm["help"])
            ws.set_row(r, P.row_height(_height([(values.get(field.key), 40), (note, 60)])))
            choices = _choices(field)
            if choices:
                ws.data_validation(r, 1, r, 1, {"validate": "list", "source": choices})
        ws.add_table(top, 0, top + len(sheet.fields), 2, {"name": sheet.table, "style": "Table Style Light 9",
                                                           "columns": [{"header": h} for h in headers]})
        _print(ws, top, landscape=False)
        return
    for c, field in enumerate(sheet.fields):
        ws.set_column(c, c, field.width)
    body = rows or [{}]
    for i, row in enumerate(body):
        for c, field in enumerate(sheet.fields):
            _write(ws, top + 1 + i, c, row.get(field.key), fm)
        ws.set_row(top + 1 + i, P.row_height(_height([(row.get(f.key), f.width) for f in sheet.fields])))
    last = top + len(body)
    ws.add_table(top, 0, last, len(sheet.fields) - 1, {"name": sheet.table, "style": "Table Style Light 9",
                                                      "columns": [{"header": f.header} for f in sheet.fields]})
    for c, field in enumerate(sheet.fields):
        choices = _choices(field)
        reach = last + EXTRA_ROWS
        if choices:
            ws.data_validation(top + 1, c, reach, c, {"validate": "list", "source": choices,
                                                      "error_title": field.header,
                                                      "error_message": f"请从下拉列表中选择{field.header}"})
        elif sheet is D.LINES and field.key == "group":
            ws.data_validation(top + 1, c, reach, c, {"validate": "list", "source": f'=INDIRECT("{D.GROUPS.table}[编号]")'})
        elif sheet is D.PARAMS and field.key == "line":
            ws.data_validation(top + 1, c, reach, c, {"validate": "list", "source": f'=INDIRECT("{D.LINES.table}[编号]")'})
        elif sheet is D.GROUPS and field.key == "parent":
            ws.data_validation(top + 1, c, reach, c, {"validate": "list", "source": f'=INDIRECT("{D.GROUPS.table}[编号]")'})
    ws.freeze_panes(top + 1, 0)
    _print(ws, top, landscape=sum(f.width for f in sheet.fields) > 100)
