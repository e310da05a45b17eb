"""The authoring workbook (本县评分标准.xlsx), declared once: its sheets, their Excel Tables, each
column's header, the rubric key it holds and how its cells read (是/否, Chinese names of rule types
and policies, lists joined with 、).  The writer, the reader, the 使用说明 sheet and the docs derive
from this declaration.  Standard library only.
"""
from __future__ import annotations

from typing import NamedTuple

FORMAT = "perfeval-rubric/2"
LIST_SEPARATOR = "、"
NULL_TEXT = "null"            # a cell standing for JSON null (an example's 预期 "不计入", 0 ÷ 0)
NODE_PREFIX = "节点"           # a metric tree operand that is another node: "节点1.2"

YES_NO = {True: "是", False: "否"}
NA_NAMES = {"zero": "按0分计", "full": "得满分", "exclude": "不计入（折算总分）"}
SCOPE_NAMES = {"department": "部门整体", "project": "项目"}
ITEM_KINDS = {"yes_no": "是否", "score": "分数", "count": "次数", "number": "数值", "choice": "选项"}
INPUT_KINDS = {"amount": "金额（万元）", "count": "个数", "number": "数值", "rate": "比率", "days": "天数"}
TREE_OPS = {"ratio": "相除", "sub": "相减", "sum": "相加", "abs": "绝对值"}
EXAMPLE_PARTS = {"items": "定性项目答案", "inputs": "其他数据", "metrics": "给定指标", "tables": "表格",
                 "expected": "预期得分"}


class Field(NamedTuple):
    header: str
    key: str                    # the rubric key ("rule.type": the rule's type)
    kind: str = "text"          # text | number | integer | bool | list | enum | value (number or text)
    names: dict | None = None   # enum: rubric value → the Chinese shown
    required: bool = False
    width: float = 12
    help: str = ""


class Sheet(NamedTuple):
    sheet: str
    table: str                  # the Excel Table's name
    title: str
    help: str
    fields: tuple[Field, ...]
    keyvalue: bool = False      # 表头: one row per field (项目 | 值 | 说明)

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)


HEADER = Sheet("表头", "RubricHeader", "评分标准表头", "每项一行；编号只用字母、数字、-、_，发布后不要再改（汇总按编号和校验码核对）。", (
    Field("格式", "format", required=True, help=f"固定为 {FORMAT}"),
    Field("编号", "id", required=True, help="如 ebian-2023"),
    Field("名称", "title", required=True, help="打分表的标题"),
    Field("地区", "region", help="如 峨边彝族自治县"),
    Field("年度", "year", "integer", required=True),
    Field("满分", "total", "number", required=True, help="各项分值合计（扣分项除外）"),
    Field("适用范围", "scope", "enum", SCOPE_NAMES, help="部门整体：一张打分表；项目：每个项目一张（项目支出绩效自评表）"),
    Field("锁定参数", "locked", "bool", YES_NO, help="是：各单位不能在“评分参数”中改用本县取值"),
    Field("版本", "version", help="如 2024版"),
    Field("来源", "source", help="文件名、发文号等"),
), keyvalue=True)

GROUPS = Sheet("分组", "RubricGroups", "指标分组（一级、二级、三级指标）", "上级分组留空为一级指标；最多三级。", (
    Field("编号", "id", required=True, width=10),
    Field("上级分组", "parent", width=10),
    Field("名称", "name", required=True, width=24),
    Field("分值", "points", "number", required=True, width=8),
))

LINES = Sheet("指标", "RubricLines", "评分项（打分表的每一行）",
              "计分方法从下拉列表选择，其参数在“规则参数”中逐项填写（见“使用说明”）；评价方式、评价属性可填多个，用“、”分隔。", (
    Field("编号", "id", required=True, width=17),
    Field("分组", "group", required=True, width=8),
    Field("三级指标", "name", required=True, width=16),
    Field("显示名称", "label", width=16, help="两项同名时用于区分"),
    Field("分值", "points", "number", required=True, width=7),
    Field("指标解释", "explanation", width=28),
    Field("计分标准", "criteria", width=40),
    Field("计分标准所列分值", "criteria_points", "number", width=9, help="计分标准文字中的分值与“分值”不符时填写，检查时提示"),
    Field("评价方式", "methods", "list", width=10),
    Field("评价属性", "attributes", "list", width=10),
    Field("计分方法", "rule.type", "enum", required=True, width=12),
    Field("不适用时", "na", "enum", NA_NAMES, width=12),
    Field("扣分项", "deduction", "bool", YES_NO, width=7),
    Field("备注", "note", width=20),
))

PARAMS = Sheet("规则参数", "RubricRuleParams", "计分方法的参数（每项一行）",
               "参数写法：metric、bands[0].value（第1档的界限）、labels[\"bands.0.value\"]（该参数在评分参数中的名称）。"
               "值为数字、文字或 是/否；引用写作 metric:名称、input:编号、item:编号。", (
    Field("指标编号", "line", required=True, width=17),
    Field("参数", "path", required=True, width=28),
    Field("值", "value", "value", width=24),
    Field("说明", "about", width=40),
))

ITEMS = Sheet("定性项目", "RubricItems", "定性评价的问题（各单位在“定性评价”中填报）", "类型：是否、分数、次数、数值、选项；选项用“、”分隔。", (
    Field("编号", "id", required=True, width=16),
    Field("评分项", "label", required=True, width=28),
    Field("类型", "kind", "enum", ITEM_KINDS, required=True, width=8),
    Field("选项", "choices", "list", width=20),
    Field("留空视为", "blank", "value", width=10, help="留空时按此值计分（如不配合评价次数留空为0）"),
    Field("填写说明", "help", width=36),
))

INPUTS = Sheet("其他数据", "RubricInputs", "其他数据（各单位在“其他数据”中填写的数）", "类型：金额（万元）、个数、数值、比率、天数。", (
    Field("编号", "id", required=True, width=16),
    Field("项目", "label", required=True, width=28),
    Field("类型", "kind", "enum", INPUT_KINDS, required=True, width=12),
    Field("填写说明", "help", width=40),
))

METRICS = Sheet("自定义指标", "RubricMetrics", "自定义指标（由其他指标、数据相除、相减、相加或取绝对值）",
                f"每个运算一行：节点1为指标本身，其运算对象可以是 metric:名称、input:编号、item:编号、数字，或写“{NODE_PREFIX}1.1”引用下一层运算。", (
    Field("指标名", "name", required=True, width=16),
    Field("节点", "node", required=True, width=7),
    Field("运算", "op", "enum", TREE_OPS, width=8),
    Field("对象1", "arg1", "value", width=22),
    Field("对象2", "arg2", "value", width=22),
    Field("对象3", "arg3", "value", width=22),
    Field("对象4", "arg4", "value", width=22),
    Field("说明", "about", width=30),
))
TREE_ARGS = ("arg1", "arg2", "arg3", "arg4")

GRADES = Sheet("等级", "RubricGrades", "等级", "从高到低；得分不低于最低分即为该等级。", (
    Field("等级", "name", required=True, width=10),
    Field("最低分", "min", "number", required=True, width=10),
))

EXAMPLES = Sheet("算例", "RubricExamples", "算例（检查时逐个计算，与预期得分核对）",
                 f"类别：{'、'.join(EXAMPLE_PARTS.values())}。表格的名称写作 Finance.年初预算数、MonthlySpending[0].6月；"
                 f"预期为“不计入”或0÷0时填 {NULL_TEXT}。", (
    Field("算例", "example", required=True, width=30),
    Field("类别", "part", "enum", EXAMPLE_PARTS, required=True, width=12),
    Field("名称", "name", required=True, width=30),
    Field("值", "value", "value", width=16),
))

SHEETS = (HEADER, GROUPS, LINES, PARAMS, ITEMS, INPUTS, METRICS, GRADES, EXAMPLES)
GUIDE_SHEET = "使用说明"
