from decimal import Decimal as D

import pytest

from perfeval.scoring.indicators import judge, parse_value
from perfeval.scoring.model import Indicator


@pytest.mark.parametrize("raw,direction,number,unit", [
    ("≥8个", "≥", D(8), "个"), (">=95%", "≥", D(95), "%"), ("≤100万元", "≤", D(100), "万元"),
    ("=1次", "=", D(1), "次"), ("１２", None, D(12), ""), ("1,200人次", None, D(1200), "人次"),
    ("＞＝９５％", "≥", D(95), "%"), (12.5, None, D("12.5"), ""), ("不少于3个", "≥", D(3), "个"),
])
def test_parse_targets_as_copied(raw, direction, number, unit):
    q = parse_value(raw)
    assert (q.direction, q.number, q.unit) == (direction, number, unit)


@pytest.mark.parametrize("raw", ["已完成", "", None, "#REF!", "约10个左右"])
def test_non_numeric_values(raw):
    assert parse_value(raw) is None


def ind(direction, target, actual, level2="数量指标", unit=""):
    return Indicator("部门整体", "产出指标", level2, "培训人次", direction, target, unit, actual)


BAND = D("0.3")


@pytest.mark.parametrize("direction,target,actual,achieved", [
    ("≥", "300", "300", True), ("≥", "300", "390", True), ("≥", "300", "390.01", False),
    ("≥", "300", "299", False), ("=", "10", "13", True), ("=", "10", "9.99", False),
    ("≤", "100", "100", True), ("≤", "100", "70", True), ("≤", "100", "69.99", False), ("≤", "100", "101", False),
    ("≥", "0", "5", True), ("≤", "0", "0", True), ("≤", "0", "1", False), ("=", "0", "0", True), ("=", "0", "1", False),
    ("", "≥8个", "10个", True), ("", "≤5", "6", False),
])
def test_bands(direction, target, actual, achieved):
    j = judge(ind(direction, target, actual), BAND)
    assert j.counted and j.achieved is achieved


def test_over_target_reason_quotes_inputs():
    j = judge(ind("≥", "300", "420"), BAND)
    assert j.reason == "指标“培训人次”目标≥300，实际420，较目标高40.00%，偏离超过30%，不计分"


def test_qualitative_and_other_levels_not_counted():
    assert not judge(ind("定性", "好", "好"), BAND).counted
    assert not judge(ind("≥", "90%", "95%", level2="质量指标"), BAND).counted


def test_percent_unit_mismatch_warns():
    j = judge(ind("≥", "95%", "0.96"), BAND)
    assert any("疑似百分比口径不一致" in w for w in j.warnings) and not j.achieved


def test_unreadable_counted_values_are_invalid():
    assert judge(ind("≥", "300", "已完成"), BAND).invalid
    assert judge(ind("≥", "很多", "3"), BAND).invalid
    assert judge(ind("", "300", "3"), BAND).invalid      # no direction anywhere


def test_direction_disagreement_warns_and_column_wins():
    j = judge(ind("≤", "≥10", "9"), BAND)
    assert j.direction == "≤" and j.achieved and j.warnings
