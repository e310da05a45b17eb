"""The authoring workbook's 使用说明: what each sheet holds (from the declaration), the commands, and
every rule type in Chinese — what it does, its parameters, an example line (read back by the engine)
and a worked example scored by the engine itself, so the sheet can never disagree with the scoring.

The example lines are those of ``rubric-example.json`` (one line of every rule type; the same file
as docs/rubric-example.json, a test keeps them equal).
"""
from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from . import declare as D

EXAMPLE_FILE = Path(__file__).with_name("rubric-example.json")

# Per rule type: what it does, its parameters, and the inputs of a worked example with a deduction.
RULE_HELP: dict[str, tuple[str, str, dict]] = {
    "yes_no": ("一个“是/否”问题：是得满分，否不得分。", "item：定性项目编号",
               {"items": {"review": "否"}}),
    "items": ("几个子项各有分值，加总（不超过该项分值）；可设前提（gate）：前提为“否”时整项不得分。",
              "items[0].item、items[0].points：子项及其分值；gate：前提的定性项目（可省略）",
              {"items": {"scientific": "是", "matched": "否", "collective": "是"}}),
    "manual": ("由填报人按计分标准酌情给分（0至分值；填“是”得满分，“否”不得分）。", "item：定性项目编号（类型为分数）",
               {"items": {"rectified": 4}}),
    "external": ("由单位以外给出的分数（如财政抽查得分）；留空为“待定”，评价未完成。", "item：定性项目编号（类型为分数）",
                 {"items": {"audit_score": 8}}),
    "ratio": ("分值 × 指标值 ÷ 目标值（不超过分值）；invert 为 true 时按 目标值 ÷ 指标值。",
              "metric：指标；target：目标值（默认1）；invert：是否反比（可省略）",
              {"metrics": {"monitoring_handled_share": Decimal("0.8")}}),
    "bands": ("分档：从第一档起，指标满足某档条件即得该档分数（points）或扣该档分数（deduct）；都不满足得 else（默认0）。",
              "metric：指标；bands[0].op（<、<=、==、>=、>）、bands[0].value：界限；bands[1].points 或 bands[1].deduct；else",
              {"metrics": {"public_expense_deviation": Decimal("0.15")}}),
    "step": ("超过（或低于）界限后，每超过一档（step）扣 per_step 分，扣完为止；counting 为 whole 时只数整档。",
             "metric；threshold：界限；direction：over 超过 或 under 低于；step：每档幅度；per_step：每档扣分；counting",
             {"tables": {"Info": {"编制总数": 20, "在职人数": 21}}}),
    "linear": ("在满分点（full_at）得满分，在零分点（zero_at）得0分，中间按直线计分。", "metric；full_at；zero_at",
               {"metrics": {"execution_rate": Decimal("0.9")}}),
    "per_item": ("按个数扣分：分值 − 个数 × 每个扣分，扣完为止。", "count：个数（指标如 violations，或 item:编号）；per_item：每个扣分",
                 {"tables": {"Violations": [{"来源": "审计", "问题描述": "超范围支出"},
                                             {"来源": "巡察", "问题描述": "票据不全"}]}}),
    "count_ratio": ("分值 × 达标个数 ÷ 总个数：绩效指标（达到目标值、偏离不超过 band）或部门预算项目（如结余率低于10%）。",
                    "population：indicators 或 projects；filter：范围（object、level2 等）；test：达标条件；empty：没有可数的对象时（zero、full、na）",
                    {"tables": {"Projects": [{"项目名称": "道路维修", "预算数（万元）": 100, "实际支出（万元）": 95},
                                              {"项目名称": "环境整治", "预算数（万元）": 50, "实际支出（万元）": 40}]}}),
    "weighted_indicators": ("每个绩效指标按其分值和完成程度得分，合计后折算为该项分值；定性指标按完成等级计分。",
                            "filter：范围；tiers：完成等级及其得分比例（可省略）；empty",
                            {"tables": {"Projects": [{"项目名称": "道路维修", "预算数（万元）": 100, "实际支出（万元）": 100,
                                                      "纳入绩效目标管理": "是"}],
                                        "Indicators": [{"指标对象": "道路维修", "二级指标": "数量指标", "三级指标": "维修里程",
                                                        "指标方向": "≥", "目标值": "10", "实际完成值": "8", "分值": 60},
                                                       {"指标对象": "道路维修", "二级指标": "质量指标", "三级指标": "验收合格率",
                                                        "指标方向": "=", "目标值": "100", "实际完成值": "100", "分值": 40}]}}),
    "checkpoints": ("6、9、11月等时点的累计执行进度达到目标进度得该时点分数，未达到按 实际进度 ÷ 目标进度 计分。",
                    "base：annual（全年预算）或 initial（年初预算）；checkpoints[0].month、.target、.points",
                    {"tables": {"MonthlySpending": [dict({"支出项目": "合计", "全年预算数（万元）": 100},
                                                         **{f"{m}月": 5 for m in range(1, 7)},
                                                         **{f"{m}月": 10 for m in range(7, 12)})]}}),
    "choose_one": ("几种计分方案选其一：由定性项目选择（choose），或取得分最高的方案（max）。", "choose；options[0].name 及该方案的计分方法和参数",
                   {"items": {"approach": "第三方评价", "third_party": 7}}),
}


@lru_cache(maxsize=1)
def example_rubric():
    from ..scoring.rubric import parse_rubric
    rubric, problems = parse_rubric(EXAMPLE_FILE.read_bytes(), EXAMPLE_FILE.name, trusted=True)
    assert rubric is not None, problems
    return rubric


def worked(kind: str) -> tuple[str, str, str]:
    """(the example line's read-back, its parameters, the worked example's outcome) for a rule type."""
    from ..scoring.engine import score
    from ..scoring.examples import example_tables
    from ..scoring.inputs import department_from_tables
    from ..scoring.numbers import fmt_num
    from ..scoring.readback import readback
    from ..scoring.rubric import Example
    from .paths import flatten
    rubric = example_rubric()
    spec = next(s for s in rubric.lines if s.kind == kind)
    base = rubric.examples[0]
    given = RULE_HELP[kind][2]
    example = Example("使用说明", dict(base.items, **given.get("items", {})), dict(base.inputs),
                      dict(base.metrics, **given.get("metrics", {})), dict(base.tables, **given.get("tables", {})),
                      {spec.id: 0})
    dept = department_from_tables(example_tables(rubric, example), rubric)
    line = score(dept, given=example.metrics).line(spec.id)
    params = "；".join(f"{path} = {value}" for path, value in flatten({k: v for k, v in spec.rule.items() if k != "type"}))
    facts = "；".join(r.text for r in line.reasons) or "各项均达到要求"
    return readback(rubric, spec), params, f"{facts}。该项满分{fmt_num(spec.points)}分，得{fmt_num(line.score)}分"


def guide_rows() -> list[tuple[str, str, str]]:
    """The 使用说明 sheet as rows: (kind, first, second), kind title | heading | pair | text."""
    from .convert import rule_type_names
    rows = [("title", "perfeval 评分标准编写说明", ""),
            ("text", "本工作簿就是本县的评分标准（打分表）。按各表填写后，运行 perfeval rubric check 本文件 检查："
                     "每个问题列出工作表和单元格；检查通过后 perfeval rubric build 本文件 -o 本县评分标准.json 生成评分标准文件，"
                     "或直接 perfeval new 模板.xlsm --rubric 本文件 生成发给各单位的模板。", ""),
            ("text", "", ""), ("heading", "各工作表", "")]
    rows += [("pair", s.sheet, f"{s.title}。{s.help}") for s in D.SHEETS]
    rows += [("text", "", ""), ("heading", "计分方法", "（“指标”表的“计分方法”列；参数填在“规则参数”表）")]
    names = rule_type_names()
    for kind, label in names.items():
        what, params, _ = RULE_HELP[kind]
        readback, example_params, outcome = worked(kind)
        rows += [("heading", label, kind), ("pair", "计分办法", what), ("pair", "参数", params),
                 ("pair", "示例", f"{readback}（参数：{example_params}）"), ("pair", "算例", outcome)]
    rows += [("text", "", ""), ("heading", "引用和取值", ""),
             ("pair", "指标", "metric:名称 为指标库中的指标（如 execution_rate 预算执行率、staff_control_rate 在职人员控制率）"
                             "或“自定义指标”表中的指标；input:编号 为“其他数据”；item:编号 为“定性项目”。"),
             ("pair", "不适用时", "定性项目填“不适用”时：按0分计、得满分，或不计入（总分按比例折算）。"),
             ("pair", "扣分项", "扣分项不计入满分，按扣分从总分中减去。"),
             ("pair", "锁定参数", "表头“锁定参数”为“是”时，各单位不能在工作簿的“评分参数”中改用其他取值；汇总时会核对。")]
    return rows


def example_data() -> dict:
    return json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"), parse_float=Decimal)
