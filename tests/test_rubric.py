
from helpers import base, run, set_value
from perfeval.samples import wudu
from perfeval.scoring.inputs import RawTable
from perfeval.scoring.model import KeyValues
from perfeval.scoring.model import Loc
from perfeval.scoring.lint import form_lint as lint
from perfeval.scoring.params import default_params, max_total, resolve as resolve_params
from perfeval.scoring.rubric import department_ids, load_rubric, select

RUBRIC_IDS = department_ids()


def resolve(kv):
    """The rubric 评分参数 names (with its finding), then its parameters with the overrides."""
    rubric, findings = select(kv.get("评分标准"), Loc("Parameters", kv.rows.get("评分标准"), "本县取值"))
    params, more = resolve_params(rubric, kv)
    return params, findings + more


def test_both_rubrics_have_the_14_lines_in_form_order():
    ids = ["target_review", "target_quality", "dept_indicators", "project_indicators", "expense_control",
           "timely_handling", "execution_progress", "balance_rate", "violations", "budget_linkage",
           "disclosure", "rectification", "feedback", "cooperation"]
    for rid in RUBRIC_IDS:
        assert [l.id for l in load_rubric(rid).lines] == ids


def test_maxima():
    assert max_total(default_params(load_rubric("ebian-2023"))) == 105
    assert max_total(default_params(load_rubric("ebian-2023-100"))) == 100


def test_lint_reports_the_printed_form_inconsistencies():
    messages = [f.message for f in lint(default_params(load_rubric("ebian-2023")))]
    assert all(f.severity == "info" for f in lint(default_params(load_rubric("ebian-2023"))))
    assert any("完成结果" in m and "标注10分" in m and "15分" in m for m in messages)
    assert any("自评公开" in m and "得10分" in m for m in messages)
    assert any("绩效结果应用" in m and "标注30分" in m and "25分" in m for m in messages)
    assert any("满分合计105分" in m for m in messages)
    assert len(messages) == 4


def test_lint_of_hundred_point_rubric():
    messages = [f.message for f in lint(default_params(load_rubric("ebian-2023-100")))]
    assert not any("满分合计" in m for m in messages) and not any("绩效结果应用" in m for m in messages)


def test_parameter_overrides_change_scoring():
    t = base()
    set_value(t, "Parameters", "执行进度检查点1目标进度", "50%")
    set_value(t, "Parameters", "数量指标偏离幅度", 40)            # read as 40 %
    r = run(t)
    params_info = [f.message for f in r.findings if f.severity == "info"]
    assert any("按百分数理解" in m for m in params_info)
    assert any("使用本县取值0.5（ebian-2023默认值0.4）" in m for m in params_info)


def test_bad_parameters_fall_back_to_defaults():
    kv = KeyValues({"评分标准": "nope", "支出控制分值": "abc", "执行进度检查点2月份": 13, "未知参数": 1,
                    "执行进度检查点3月份": 5},
                   {"评分标准": 0, "支出控制分值": 1, "执行进度检查点2月份": 2, "未知参数": 3, "执行进度检查点3月份": 4})
    params, findings = resolve(kv)
    assert params.rubric.id == "ebian-2023"
    assert params["lines.expense_control.points"] == 10
    assert params["lines.execution_progress.rule.checkpoints.1.month"] == 9
    assert params["lines.execution_progress.rule.checkpoints.2.month"] == 11   # 5 is not after 9: the group is reset
    severities = sorted(f.severity for f in findings)
    assert severities.count("error") == 4 and severities.count("warning") == 1
    assert all(f.loc.table == "Parameters" for f in findings)


def test_grade_bands_are_parameters():
    t = base()
    set_value(t, "Parameters", "等级“优”最低分", 106)
    assert run(t).grade == "良"


# ---- default + override (评分参数 本县取值)

def _legacy_parameters(rubric_id: str) -> RawTable:
    """An older workbook's 评分参数: 参数 | 值 | 说明, with the printed form's values in 值."""
    rows = [["评分标准", rubric_id, ""]] + [[p.label, p.value, p.description]
                                          for p in default_params(load_rubric("ebian-2023")).parameters]
    return RawTable("Parameters", ["参数", "值", "说明"], rows)


def test_switching_rubric_moves_every_untouched_parameter():
    t = wudu("ebian-2023")
    assert run(t).total == 105
    set_value(t, "Parameters", "评分标准", "ebian-2023-100")
    r = run(t)
    assert (r.total, r.max_total) == (100, 100)
    assert not [f for f in r.findings if "本县取值" in f.message]          # no override in use


def test_an_old_workbook_with_printed_defaults_in_its_value_column_still_switches():
    t = wudu()
    t["Parameters"] = _legacy_parameters("ebian-2023-100")
    r = run(t)
    assert (r.total, r.max_total) == (100, 100)           # not 95 of 95: 自评公开 5 was the old default
    t["Parameters"] = _legacy_parameters("ebian-2023")
    assert run(t).total == 105


def test_a_county_value_overrides_and_is_listed():
    t = wudu()
    set_value(t, "Parameters", "自评公开分值", 8)
    r = run(t)
    assert r.line("disclosure").max == 8
    info = [f for f in r.findings if f.severity == "info" and "本县取值" in f.message]
    assert len(info) == 1 and "自评公开分值" in info[0].message and "默认值10" in info[0].message
    assert info[0].loc.column == "本县取值"


def test_a_county_value_equal_to_the_default_is_not_an_override():
    t = wudu()
    set_value(t, "Parameters", "自评公开分值", 10)
    assert not [f for f in run(t).findings if "本县取值" in f.message]


def test_blank_county_values_say_nothing():
    t = wudu()
    r = run(t)
    assert not [f for f in r.findings if f.loc and f.loc.table == "Parameters" and f.severity != "info"]
