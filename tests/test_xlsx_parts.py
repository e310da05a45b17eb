"""Unit tests of the sheetData editor."""
from decimal import Decimal

from perfeval.render import Formula
from perfeval.xlsx.parts import SheetEditor, _cell_xml, force_full_calc, set_table_ref

SHEET = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
         b'xmlns:x14ac="urn:x14ac"><sheetData><row r="1" spans="1:2" x14ac:dyDescent="0.25"><c r="A1" s="4" t="s">'
         b'<v>0</v></c><c r="B1" s="5"><f>SUM(1)</f><v>1</v></c></row><row r="3"><c r="C3"><v>7</v></c></row>'
         b'</sheetData><mergeCells count="0"/></worksheet>')


def test_untouched_rows_keep_their_bytes_and_edits_keep_styles():
    ed = SheetEditor(SHEET)
    ed.set(0, 0, "新")                 # A1 keeps s="4"
    ed.set(1, 3, 5)                    # a new row 2, in order
    out = ed.serialize().decode()
    assert '<row r="3"><c r="C3"><v>7</v></c></row>' in out
    assert '<c r="A1" s="4" t="inlineStr"><is><t xml:space="preserve">新</t></is></c>' in out
    assert out.index('<row r="2"') < out.index('<row r="3"')
    assert 'x14ac:dyDescent="0.25"' in out and "spans" not in out     # an edited row drops its spans hint


def test_clearing_a_formula_is_noticed():
    ed = SheetEditor(SHEET)
    ed.clear(0, None, 1, 1)
    assert ed.removed_formula and '<c r="B1" s="5"/>' in ed.serialize().decode()


def test_cell_values():
    assert _cell_xml("A1", float("nan"), None) == '<c r="A1" t="e"><v>#NUM!</v></c>'
    assert _cell_xml("A1", Decimal("49.4827280"), "2") == '<c r="A1" s="2"><v>49.482728</v></c>'
    assert _cell_xml("A1", "a<b & \x07", None).endswith('<t xml:space="preserve">a&lt;b &amp; </t></is></c>')
    assert _cell_xml("A1", "=1+1", None).startswith('<c r="A1" t="inlineStr">')      # text stays text
    link = Formula("HYPERLINK(\"#'a'!A1\",\"A1\")", "A1")
    assert _cell_xml("A1", link, None) == "<c r=\"A1\" t=\"str\"><f>HYPERLINK(\"#'a'!A1\",\"A1\")</f><v>A1</v></c>"


def test_full_calc_flag():
    assert b'<calcPr calcId="1" fullCalcOnLoad="1"/>' in force_full_calc(b'<workbook><calcPr calcId="1"/></workbook>')
    assert b'fullCalcOnLoad="1"' in force_full_calc(b'<workbook><calcPr fullCalcOnLoad="0"/></workbook>')
    assert force_full_calc(b"<workbook><sheets/></workbook>") == b'<workbook><sheets/><calcPr fullCalcOnLoad="1"/></workbook>'


def test_table_ref():
    xml = b'<table id="1" name="F" displayName="F" ref="A3:D4"><autoFilter ref="A3:D4"/></table>'
    assert set_table_ref(xml, "A3:D9") == b'<table id="1" name="F" displayName="F" ref="A3:D9"><autoFilter ref="A3:D9"/></table>'


_BELOW = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          b'<sheetData><row r="1"><c r="A1" s="2"><v>1</v></c></row>'
          b'<row r="3" spans="1:6" ht="30" customHeight="1"><c r="A3" s="3"><f>A1</f><v>1</v></c><c r="F3" s="4"><v>9</v></c></row>'
          b'<row r="5"><c r="B5" s="6" t="s"><v>0</v></c></row><row r="9" ht="12"><c r="C9" s="7"/></row>'
          b'</sheetData><rowBreaks count="0" manualBreakCount="0"/></worksheet>')


def _blocks(ed: SheetEditor, *, eager: bool) -> None:
    styles = {"t": "11", "n": None}

    def styled(value):
        return value, styles["t" if isinstance(value, str) else "n"]
    for top, rows, heights in ((2, [["标题", None], [], [1.5, "x", Decimal("2")]], None),
                               (3, [[None], ["后"], []], {0: 20.5, 2: 14})):
        ed.write_block(top, 0, 3, rows, styled, clear_to_end=True, heights=heights)
        if eager:
            ed._flush()


def test_a_block_to_the_end_written_lazily_is_byte_for_byte_the_block_written_at_once():
    """The lazy 计算明细 path: cleared cells, kept and dropped styles, rows created, heights set and reset
    below, two blocks over one another, a formula cleared — the same bytes, serialised any number of times."""
    lazy, eager = SheetEditor(_BELOW, holds_inputs=False), SheetEditor(_BELOW, holds_inputs=False)
    _blocks(lazy, eager=False)
    _blocks(eager, eager=True)
    assert lazy.pending and not eager.pending
    assert lazy.removed_formula and eager.removed_formula
    out = eager.serialize()
    assert lazy.serialize() == out and lazy.serialize() == out
    assert b'<c r="F3" s="4"><v>9</v></c>' in out and b'<row r="4" ht="20.5" customHeight="1">' in out
    lazy.set(20, 0, "之后")                 # an edit after a lazy block writes it first
    eager.set(20, 0, "之后")
    assert not lazy.pending and lazy.serialize() == eager.serialize()


def test_a_sheet_whose_cells_are_checked_writes_blocks_at_once():
    ed = SheetEditor(_BELOW, holds_inputs=True)
    _blocks(ed, eager=False)
    assert not ed.pending and (3, 0) in ed.expected()
