from rubric_helpers import line, rubric, yes_no

R = rubric({"type": "yes_no", "item": "q"}, items=[yes_no()])


def test_yes_full_no_zero_with_reason():
    assert (line(R, items={"q": "是"}).score, line(R, items={"q": "是"}).status) == (10, "full")
    l = line(R, items={"q": "否"})
    assert (l.score, l.status) == (0, "deducted") and l.reasons[0].text == "“问题”为“否”，扣10分"   # no criteria to quote
    worded = rubric({"type": "yes_no", "item": "q"}, items=[yes_no()], criteria="按要求公开绩效信息的，得10分，否则不得分。")
    assert line(worded, items={"q": "否"}).reasons[0].text == "未按要求公开绩效信息，扣10分"      # the criterion, negated


def test_blank_is_incomplete_and_不适用_follows_the_line_policy():
    assert line(R).status == "incomplete"
    assert (line(R, items={"q": "不适用"}).score, line(R, items={"q": "不适用"}).status) == (0, "na")
    full = rubric({"type": "yes_no", "item": "q"}, items=[yes_no()], na="full")
    assert line(full, items={"q": "不适用"}).score == 10
    excluded = line(rubric({"type": "yes_no", "item": "q"}, items=[yes_no()], na="exclude"), items={"q": "不适用"})
    assert excluded.excluded


def test_a_number_is_not_a_yes_no_answer():
    assert line(R, items={"q": 3}).status == "error"
