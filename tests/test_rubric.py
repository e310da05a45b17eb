
from helpers import base, run, set_value
from perfeval.scoring.model import KeyValues
from perfeval.scoring.rubric import RUBRIC_IDS, lint, load_rubric, default_params, max_total, resolve


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
    assert any("已由默认值0.4改为0.5" in m for m in params_info)


def test_bad_parameters_fall_back_to_defaults():
    kv = KeyValues({"评分标准": "nope", "支出控制分值": "abc", "执行进度检查点2月份": 13, "未知参数": 1,
                    "执行进度检查点3月份": 5},
                   {"评分标准": 0, "支出控制分值": 1, "执行进度检查点2月份": 2, "未知参数": 3, "执行进度检查点3月份": 4})
    params, findings = resolve(kv)
    assert params.rubric.id == "ebian-2023"
    assert params["expense_control.points"] == 10 and params.checkpoints()[1][0] == 9
    assert params.checkpoints()[2][0] == 11        # 5 is not after 9: the group is reset
    severities = sorted(f.severity for f in findings)
    assert severities.count("error") == 4 and severities.count("warning") == 1
    assert all(f.loc.table == "Parameters" for f in findings)


def test_grade_bands_are_parameters():
    t = base()
    set_value(t, "Parameters", "等级“优”最低分", 106)
    assert run(t).grade == "良"
