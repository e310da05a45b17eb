from decimal import Decimal as D

import pytest

from perfeval.scoring.numbers import (fmt_money, fmt_num, fmt_pct, parse_amount, parse_count,
                              parse_yes_no, round_score)


@pytest.mark.parametrize("raw,expected", [
    (49.482728, D("49.482728")), (1216.75, D("1216.75")), ("１２", D(12)), ("1,200.5", D("1200.5")),
    (" 3.20 ", D("3.20")), (0, D(0)), (D("0.1"), D("0.1")), ("１，２００", D(1200)),
])
def test_amounts_are_exact(raw, expected):
    assert parse_amount(raw).value == expected


@pytest.mark.parametrize("raw", ["abc", "-5", -0.01, "#REF!", "12,34", "5%", True, float("nan")])
def test_bad_amounts_are_errors(raw):
    assert parse_amount(raw).error


def test_normalisations_are_reported():
    assert "全角字符已按半角识别" in parse_amount("１２").notes
    assert "千位分隔符已忽略" in parse_amount("1,200").notes
    assert parse_amount(12.5).notes == ()


def test_blank_amount_is_none():
    assert parse_amount(None).value is None and parse_amount("  ").ok


def test_count_must_be_whole():
    assert parse_count("3").value == 3 and parse_count(2.5).error


@pytest.mark.parametrize("raw", ["是", "Y", "y", "yes", "YES", 1, "1", True, "TRUE", "√", "ｙｅｓ"])
def test_yes_spellings(raw):
    assert parse_yes_no(raw).value is True


@pytest.mark.parametrize("raw", ["否", "N", "no", 0, "0", False, "false", "×"])
def test_no_spellings(raw):
    assert parse_yes_no(raw).value is False


def test_yes_no_blank_and_garbage():
    assert parse_yes_no("").value is None and parse_yes_no("").ok
    assert parse_yes_no("也许").error
    assert parse_yes_no(1, numbers=False).error


def test_rounding_is_half_up_once():
    assert round_score(D("1.555")) == D("1.56")
    assert round_score(D("2.345")) == D("2.35")      # banker's rounding would give 2.34
    assert round_score(D("0.005")) == D("0.01")


def test_formatting():
    assert fmt_num(D("97.00")) == "97" and fmt_num(D("1.50")) == "1.5" and fmt_num(D("49.482728")) == "49.482728"
    assert fmt_pct(D("0.523111")) == "52.31%" and fmt_pct(D("0.675")) == "67.50%"
    assert fmt_money(D("1216.75")) == "1216.75" and fmt_money(D("12.3")) == "12.30"
