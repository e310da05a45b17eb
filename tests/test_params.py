"""Parameters of a rubric: labels (the rule's labels, or generated), tied labels as one row,
本县取值 overrides, a locked rubric refusing them, and overrides that break a rule reset."""
from decimal import Decimal as D
from pathlib import Path

from perfeval.scoring.model import KeyValues
from perfeval.scoring.params import default_params, resolve
from perfeval.scoring.rubric import load_rubric, read_rubric

RUBRICS = Path(__file__).parent / "rubrics"


def overrides(**values) -> KeyValues:
    return KeyValues(dict(values), {k: i for i, k in enumerate(values)})


def test_every_number_is_a_labelled_parameter():
    params = default_params(read_rubric(RUBRICS / "county-a-2024.json"))
    labels = {p.label: p for p in params.parameters}
    assert labels["在职人员控制率每档扣分"].value == D("0.5") and labels["在职人员控制率每档扣分"].kind == "points"
    assert labels["在职人员控制率标准值"].kind == "rate" and labels["三公经费变动率第2档扣分"].value == 2
    assert labels["目标质量“目标科学合理”分值"].value == 2 and labels["等级“优”最低分"].value == 90
    paths = [path for p in params.parameters for path in p.paths]
    assert len(paths) == len(set(paths)) and "lines.staff.rule.threshold" in paths


def test_tied_labels_are_one_row_and_one_override_sets_them_all():
    rubric = load_rubric("ebian-2023")
    params = default_params(rubric)
    tied = next(p for p in params.parameters if p.label == "目标质量每个子项分值")
    assert len(tied.paths) == 5
    band = next(p for p in params.parameters if p.label == "数量指标偏离幅度")
    assert len(band.paths) == 2                       # both 目标实现 lines
    resolved, findings = resolve(rubric, overrides(目标质量每个子项分值=1))
    rule = resolved.rule(rubric.line("target_quality"))
    assert [i["points"] for i in rule["items"]] == [1] * 5
    assert any("使用本县取值1" in f.message for f in findings)


def test_a_locked_rubric_refuses_county_values():
    rubric = read_rubric(RUBRICS / "county-b-2024.json")
    assert rubric.locked
    params, findings = resolve(rubric, overrides(预算执行率分值=20, 预算调剂第1档界限="10%"))
    assert params.points(rubric.line("exec")) == 10
    assert params["lines.adjust_share.rule.bands.0.value"] == D("0.05")
    errors = [f for f in findings if f.severity == "error"]
    assert len(errors) == 2 and all("已锁定" in f.message for f in errors)
    assert resolve(rubric, overrides(预算执行率分值=10))[1] == []        # equal to the default: nothing to refuse


def test_an_override_that_breaks_a_rule_is_reset():
    rubric = read_rubric(RUBRICS / "county-a-2024.json")
    params, findings = resolve(rubric, overrides(预算调整率第1档界限="50%"))     # above the second band's 10%
    assert params["lines.adjust.rule.bands.0.value"] == D("0.05")
    assert any(f.severity == "error" and "恢复默认值" in f.message for f in findings)
    params, findings = resolve(rubric, overrides(**{"等级“良”最低分": 95}))
    assert params.grades()[1][1] == 80 and any("等级分数线" in f.message for f in findings)
