from decimal import Decimal as D

import pytest

from rubric_helpers import line, rubric

STAFF = {"Info": {"编制总数": 40}}


def r(**kw):
    rule = dict({"type": "step", "metric": "staff_control_rate", "threshold": 1, "direction": "over", "step": D("0.01"),
                 "per_step": D("0.5")}, **kw)
    return rubric(rule, points=5)


def staff(n):
    return {"Info": {"编制总数": 40, "在职人数": n}}


@pytest.mark.parametrize("active,score", [(40, 5), (38, 5), (41, D("3.75")), (42, D("2.5")), (44, 0), (80, 0)])
def test_continuous_deduction_per_percentage_point(active, score):
    assert line(r(), tables=staff(active)).score == score


def test_whole_steps_only_count_complete_steps():
    whole = r(step=D("0.05"), per_step=1, counting="whole")
    assert line(whole, tables=staff(41)).score == 5            # 2.5% over: no complete 5% step
    assert line(whole, tables=staff(42)).score == 4            # exactly one step
    assert line(whole, tables=staff(45)).score == 3            # 12.5%: two steps


def test_under_direction_and_reason():
    under = r(direction="under", threshold=D("0.9"))
    assert line(under, tables=staff(36)).score == 5
    l = line(under, tables=staff(34))
    assert l.score == D("2.5") and "低于90%5个百分点" in l.reasons[0].text
    assert "扣完为止" in line(r(), tables=staff(60)).reasons[0].text


def test_zero_establishment_and_blank():
    assert line(r(), tables={"Info": {"编制总数": 0, "在职人数": 3}}).score == 0     # 3 ÷ 0 = ∞
    assert line(r(), tables={"Info": {"编制总数": 0, "在职人数": 0}}).status == "na"  # 0 ÷ 0: na zero
    assert line(r(), tables=STAFF).status == "incomplete"
