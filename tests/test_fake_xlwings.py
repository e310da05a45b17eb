"""The fake behaves like xlwings where the adapter depends on it — checked against xlwings' own code.

xlwings' Windows engine cannot be imported here (it needs pywin32), so its value cleaner
``_clean_value_data_element`` and the ``cell_errors`` table are taken from the source
of the installed ``xlwings/_xlwindows.py`` and run with the platform pieces stubbed
(``time_types`` without ``pywintypes.TimeType``).  ``AdjustDimensionsStage`` is
imported from xlwings as it is.  The fake's ``clean``/``adjust`` must agree with both on
every COM value type.
"""
from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fake_xlwings as fake

pytest.importorskip("xlwings", reason="xlwings installs on Python 3.11+ only")


def _xlwings_windows_pieces():
    xlwings = pytest.importorskip("xlwings", reason="xlwings installs on Python 3.11+ only")
    source = (Path(xlwings.__file__).parent / "_xlwindows.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    wanted = {"cell_errors", "_clean_value_data_element", "_com_time_to_datetime"}
    nodes = [n for n in tree.body
             if (isinstance(n, ast.FunctionDef) and n.name in wanted)
             or (isinstance(n, ast.Assign) and any(getattr(t, "id", None) in wanted for t in n.targets))]
    assert len(nodes) == 3, "xlwings changed: update fake_xlwings.py from its source"
    namespace = {"time_types": (dt.date, dt.datetime)}
    exec(compile(ast.Module(body=nodes, type_ignores=[]), "_xlwindows.py", "exec"), namespace)
    return namespace


XL = _xlwings_windows_pieces()


def xlwings_clean(value, err_to_str):
    return XL["_clean_value_data_element"](value, dt.datetime, None, None, err_to_str)


def test_error_table_is_xlwings_own():
    assert fake.CELL_ERRORS == XL["cell_errors"]


com_values = st.one_of(
    st.none(), st.just(""), st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from(sorted(fake.ERROR_CODES.values())),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(fake.as_currency),   # VT_CY from pywin32
)


@settings(max_examples=300, deadline=None)
@given(value=com_values, err_to_str=st.booleans())
def test_clean_matches_xlwings(value, err_to_str):
    assert fake.clean(value, err_to_str) == xlwings_clean(value, err_to_str)


@pytest.mark.parametrize("code, text", sorted(fake.CELL_ERRORS.items()))
def test_errors_are_none_unless_err_to_str(code, text):
    assert xlwings_clean(code, False) is None and fake.clean(code, False) is None
    assert xlwings_clean(code, True) == text == fake.clean(code, True)


def test_a_currency_passes_through_xlwings_as_the_4_place_decimal():
    """xlwings converts only floats (number_builder) and datetimes: a pywin32 Currency reaches the
    caller as the Decimal itself — hence the adapter's Value2 read for such cells."""
    from decimal import Decimal
    assert xlwings_clean(Decimal("38.5800"), True) == Decimal("38.5800") == fake.as_currency(38.579951)
    assert fake.is_currency_format('"¥"#,##0.00') and fake.is_currency_format('_ [$¥-804]* #,##0.00_ ')
    assert not fake.is_currency_format("0.00") and not fake.is_currency_format("0.00%")


def test_numbers_are_floats_and_dates_datetimes_from_a_file():
    """What the fake stores for file values is what COM returns: every number a float
    (also whole numbers), dates/times as datetimes, errors as integer codes."""
    assert fake.com_value(3) == 3.0 and type(fake.com_value(3)) is float
    assert fake.com_value(True) is True
    assert fake.com_value(dt.date(2023, 6, 30)) == dt.datetime(2023, 6, 30)
    assert fake.com_value(dt.time(8, 30)) == dt.datetime(1899, 12, 30, 8, 30)
    assert fake.com_value("#DIV/0!", "e") == -2146826281


@given(rows=st.integers(1, 4), cols=st.integers(1, 4))
def test_dimensions_match_xlwings(rows, cols):
    from xlwings.conversion import AdjustDimensionsStage

    class Ctx:
        value = None

    data = [[r * 10 + c for c in range(cols)] for r in range(rows)]
    for ndim in (None, 2):
        ctx = Ctx()
        ctx.value = [list(r) for r in data]
        AdjustDimensionsStage({"ndim": ndim} if ndim else {})(ctx)
        assert fake.adjust([list(r) for r in data], ndim) == ctx.value


def test_one_row_is_1d_unless_ndim_2():
    book = fake.FakeBook()
    sheet = fake.FakeSheet(book, "S")
    sheet.cells.update({(1, 1): 1.0, (1, 2): 2.0})
    assert sheet.range((1, 1), (1, 2)).value == [1.0, 2.0]
    assert sheet.range((1, 1), (1, 2)).options(ndim=2).value == [[1.0, 2.0]]


def test_mixed_number_formats_read_as_none():
    book = fake.FakeBook()
    sheet = fake.FakeSheet(book, "S")
    sheet.formats[(1, 1)] = "0%"
    assert sheet.range((1, 1)).number_format == "0%"
    assert sheet.range((1, 1), (2, 1)).number_format is None
    assert sheet.range((2, 1), (3, 1)).number_format == "General"


def test_totals_row_and_empty_body():
    book = fake.FakeBook()
    sheet = fake.FakeSheet(book, "S")
    with_totals = fake.FakeTable(sheet, "T", "A1:B4", 1, 1)
    assert with_totals.show_totals and with_totals.data_body_range.r2 == 3
    assert with_totals.range.r2 == 4                  # table.range includes the totals row
    empty = fake.FakeTable(sheet, "E", "A1:B1", 1, 0)
    assert empty.data_body_range is None and not empty.show_totals


def test_the_print_area_the_adapter_sets_is_xlwings_own():
    """The live adapter sets 项目自评's print area as ``sheet.page_setup.print_area = '$A$1:$I$n'``: xlwings'
    Sheet has ``page_setup`` and its PageSetup a settable ``print_area`` (the fake records both)."""
    xlwings = pytest.importorskip("xlwings", reason="xlwings installs on Python 3.11+ only")
    assert isinstance(xlwings.Sheet.page_setup, property)
    area = xlwings.main.PageSetup.print_area
    assert isinstance(area, property) and area.fset is not None
