"""The one declaration of the workbook's inputs (the input contract).

Every input sheet name, Excel table name, column header and row label of the workbook
contract (the project's workbook design) is written here and nowhere else; the output
sheets are declared in ``sheets``.  The
input converter, the template generator, the file reader/writer and the live-Excel
adapter all derive from these objects.  Pure data: standard library only.
"""
from __future__ import annotations

from typing import NamedTuple


class Kind(NamedTuple):
    """What a column (or a key-value row) holds, declared once: how ``scoring.inputs`` reads it
    (``parse``: the name of its reader there), what the clerk is told it should be (``noun``,
    ``unit``), the template's data validation (XlsxWriter options) and input help, and the
    number format of its input cells (``money``, ``number`` or text)."""
    name: str
    parse: str = "text"          # text | amount | net_amount | count | number | rate | yes_no | answer | value | raw
    noun: str = ""
    unit: str = ""
    validation: tuple = ()       # (option, value) pairs for XlsxWriter's data_validation
    help: str = ""
    number_format: str = ""
    output: bool = False         # written by recalculation; never read as input


YES_NO_CHOICES = ("是", "否")
TEXT = Kind("text")                                                    # free text
AMOUNT = Kind("amount", "amount", "金额", "万元", (("validate", "decimal"), ("criteria", ">="), ("value", 0),
              ("error_type", "warning"), ("error_message", "请输入不小于0的金额（万元）")),
              "金额，单位万元，可保留6位小数", "money")                   # money in 万元, Decimal >= 0
NET_AMOUNT = Kind("net_amount", "net_amount", "金额", "万元", (("validate", "decimal"), ("criteria", "between"),
                  ("minimum", -1e12), ("maximum", 1e12), ("error_type", "warning"),
                  ("error_message", "请输入金额（万元）；资金退回、支出冲减可填负数")),
                  "当月支出数，单位万元；资金退回、支出冲减填负数（从当月支出中扣减）", "money")   # a month: may be negative
COUNT = Kind("count", "count", "数量", "整数", (("validate", "integer"), ("criteria", ">="), ("value", 0),
             ("error_type", "warning"), ("error_message", "请输入不小于0的整数")), number_format="number")
YESNO = Kind("yesno", "yes_no", "“是/否”", validation=(("validate", "list"), ("source", YES_NO_CHOICES),
             ("error_type", "warning"), ("error_message", "请填写“是”或“否”")))
ANSWER = Kind("answer", "answer", "“是/否”或分数", validation=(("validate", "list"), ("source", YES_NO_CHOICES),
              ("error_type", "information"), ("error_message", "可填“是/否”，或直接填写酌情评定的分数")),
              help="填“是/否”；酌情扣分的项目可直接填分数")              # 是/否 or a manual score (定性评价 填报)
NUMBER = Kind("number", "amount", "数值", "数值", (("validate", "decimal"), ("criteria", ">="), ("value", 0),
              ("error_type", "warning"), ("error_message", "请输入不小于0的数")), number_format="number")
RATE = Kind("rate", "rate", "比率", help="比率：可填 99.27% 或 0.9927")      # a fraction; "99.27%" or a % cell
VALUE = Kind("value", "raw", "数值")                                   # indicator target/actual with sign and unit
PARAM = Kind("param", "raw", "参数值")                                 # parameter value: number, percent or rubric id
RAW = Kind("raw", "raw")                                               # kept exactly as stored (embedded rubric text)
CHOICE = Kind("choice")                                                # one of a list (the column's choices)
OUTPUT = Kind("output", "raw", output=True)                            # 评分参数 默认值


class Column(NamedTuple):
    key: str
    header: str
    kind: Kind = TEXT
    width: float = 14
    help: str = ""
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()     # older headers still accepted when reading
    optional: bool = False            # added in a later release: older workbooks lack it (no finding)

    @property
    def is_output(self) -> bool:
        return self.kind.output


class Row(NamedTuple):
    """A row label of a key-value table."""
    key: str
    label: str
    kind: Kind = TEXT
    help: str = ""
    optional: bool = False            # added in a later release: older workbooks lack it (no finding)
    choices: tuple[str, ...] = ()     # a list validation (a rubric's choice item)


class Table(NamedTuple):
    """An Excel Table (ListObject) on an input sheet.

    ``rows`` is set for key-value tables (read by row label); list tables have none.
    ``origin`` is the top-left cell of the header row in the template (0-based row, col).
    """
    key: str
    name: str
    sheet: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...] = ()
    origin: tuple[int, int] = (2, 0)
    prefill: tuple[tuple[str, ...], ...] = ()   # list tables: pre-filled first-column values
    blank_rows: int = 0                        # list tables: extra empty rows in the template
    title: str = ""
    help: str = ""
    optional: bool = False                     # older workbooks may lack it: no finding when missing
    keyvalue: bool = False                     # read by row label even when its rows come from the rubric
    row_key: str = ""                          # list tables: the column that names a row (a row with values
                                               # but this blank is an error at it, never silently dropped)

    @property
    def is_keyvalue(self) -> bool:
        return self.keyvalue or bool(self.rows)

    def col(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def row(self, key: str) -> Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    def header(self, key: str) -> str:
        return self.col(key).header

    def label(self, key: str) -> str:
        return self.row(key).label


MONTHS = tuple(range(1, 13))
MONTH_HEADERS = tuple(f"{m}月" for m in MONTHS)

INFO = Table(
    key="info", name="Info", sheet="基本信息", title="单位基本信息",
    columns=(Column("label", "项目", width=22), Column("value", "内容", width=70)),
    rows=(
        Row("unit_name", "单位名称"), Row("year", "评价年度", COUNT), Row("region", "所属地区"),
        Row("unit_type", "单位性质"), Row("staff_total", "编制总数", COUNT),
        Row("staff_admin", "行政编制", COUNT), Row("staff_public", "事业编制", COUNT),
        Row("staff_worker", "工勤编制", COUNT), Row("staff_active", "在职人数", COUNT),
        Row("organization", "机构组成"), Row("functions", "机构职能"),
        Row("tasks", "年度主要工作任务"), Row("goal", "部门整体支出绩效目标"),
        Row("filler", "填报人"), Row("phone", "联系电话"), Row("fill_date", "填报日期"),
        Row("basis", "评价依据文件", help="县财政局开展本年度绩效评价工作的通知名称，报告“评价结论”以“根据《……》文件精神”开头",
            optional=True),
    ),
)

FINANCE = Table(
    key="finance", name="Finance", sheet="收支情况", title="部门财政资金收支情况（万元）",
    columns=(Column("label", "项目", width=26), Column("amount", "金额（万元）", AMOUNT, width=18)),
    rows=(
        Row("income_total", "财政拨款收入合计", AMOUNT), Row("carryover", "上年结转", AMOUNT),
        Row("general_budget", "一般公共预算拨款收入", AMOUNT),
        Row("fund_budget", "政府性基金预算拨款收入", AMOUNT),
        Row("soe_budget", "国有资本经营预算拨款收入", AMOUNT),
        Row("expense_total", "财政拨款支出合计", AMOUNT), Row("basic_expense", "基本支出", AMOUNT),
        Row("project_expense", "项目支出", AMOUNT), Row("balance", "结转结余", AMOUNT),
        Row("initial_budget", "年初预算数", AMOUNT, "部门年初预算总额（万元）", optional=True),
        Row("annual_budget", "全年预算数（调整后）", AMOUNT, "调整后的全年预算总额（万元）", optional=True),
    ),
)

THREE_EXPENSES = Table(
    key="three_expenses", name="ThreeExpenses", sheet="三公经费", title="“三公”经费（万元）",
    columns=(
        Column("item", "项目", width=24),
        Column("prior_budget", "上年预算数", AMOUNT, width=14),
        Column("prior_actual", "上年决算数", AMOUNT, width=14),
        Column("budget", "本年预算数", AMOUNT, width=14),
        Column("actual", "本年决算数", AMOUNT, width=14),
    ),
    prefill=(("因公出国（境）费",), ("公务用车购置费",), ("公务用车运行维护费",), ("公务接待费",)),
    help="四项“三公”经费的上年、本年预算数和决算数（万元）；没有的项目填0。",
    optional=True,
    row_key="item",
)

PUBLIC_EXPENSE = Table(
    key="public_expense", name="PublicExpense", sheet="公用经费", title="公用经费预决算（万元）",
    columns=(
        Column("subject", "科目", width=20),
        Column("budget", "年初预算数（万元）", AMOUNT, width=20),
        Column("actual", "决算数（万元）", AMOUNT, width=20),
    ),
    prefill=(("办公费",), ("印刷费",), ("水费",), ("电费",), ("物业管理费",)),
    help="办公费、印刷费、水费、电费、物业管理费等科目的年初预算数与决算数；可在表格末尾添加其他科目。",
    row_key="subject",
)

PROJECTS = Table(
    key="projects", name="Projects", sheet="项目支出", title="部门预算项目（万元）",
    columns=(
        Column("name", "项目名称", width=44),
        Column("source", "资金来源", width=14),
        Column("budget", "预算数（万元）", AMOUNT, width=16),
        Column("spent", "实际支出（万元）", AMOUNT, width=16),
        Column("managed", "纳入绩效目标管理", YESNO, width=16, choices=YES_NO_CHOICES),
        Column("note", "备注", width=30),
        Column("initial_budget", "年初预算数（万元）", AMOUNT, width=16, optional=True,
               help="可不填；“预算数”为调整后的全年预算数"),
        Column("key", "重点项目", YESNO, width=10, choices=YES_NO_CHOICES, optional=True),
    ),
    blank_rows=5,
    row_key="name",
)

MONTHLY = Table(
    key="monthly", name="MonthlySpending", sheet="月度支出", title="分月支出（万元，填当月支出数）",
    columns=(
        Column("item", "支出项目", width=20),
        Column("annual_budget", "全年预算数（万元）", AMOUNT, width=18),
    ) + tuple(Column(f"m{m}", f"{m}月", NET_AMOUNT, width=11) for m in MONTHS),
    prefill=(("基本支出",), ("项目支出",)),
    help="每月填写当月实际支出数（不是累计数）；未到的月份留空。",
    row_key="item",
)

INDICATOR_DIRECTIONS = ("≥", "≤", "=", "定性")
INDICATORS = Table(
    key="indicators", name="Indicators", sheet="绩效指标", title="绩效指标目标值与实际完成值",
    columns=(
        Column("target_object", "指标对象", width=24, help="填“部门整体”或项目名称"),
        Column("level1", "一级指标", width=12, choices=("产出指标", "效益指标", "满意度指标")),
        Column("level2", "二级指标", width=12,
               choices=("数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标",
                        "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标")),
        Column("level3", "三级指标", width=26),
        Column("direction", "指标方向", CHOICE, width=10, choices=INDICATOR_DIRECTIONS),
        Column("target", "目标值", VALUE, width=12),
        Column("unit", "计量单位", width=10),
        Column("actual", "实际完成值", VALUE, width=12),
        Column("reason", "偏差原因", width=30),
        Column("weight", "分值", NUMBER, width=8, optional=True, help="该指标的权重分值（项目支出绩效自评表）"),
        Column("grade", "完成等级", width=12, optional=True, help="定性指标：达成、部分达成、未达成（可加百分数，如“部分达成 70%”）"),
    ),
    blank_rows=5,
    row_key="level3",
)

QUALITATIVE = Table(
    key="qualitative", name="Qualitative", sheet="定性评价", title="定性评价（自评填报）",
    columns=(
        Column("label", "评分项", width=24),
        Column("answer", "填报", ANSWER, width=12),
        Column("remark", "说明", width=60),
    ),
    keyvalue=True,          # rows: the rubric's items (scoring.inputs.rubric_table)
    help="填“是”或“否”；可酌情扣分的项目也可直接填分数；不涉及的项目填“不适用”。",
)

MONITORING = Table(
    key="monitoring", name="MonitoringIssues", sheet="问题清单", title="绩效运行监控发现的问题",
    columns=(
        Column("project", "项目名称", width=30),
        Column("description", "问题描述", width=36),
        Column("handled", "已整改处置", YESNO, width=12, choices=YES_NO_CHOICES),
    ),
    blank_rows=3,
)

VIOLATION_SOURCES = ("审计监督", "财会监督", "部门自查")
VIOLATIONS = Table(
    key="violations", name="Violations", sheet="问题清单", title="违规记录",
    columns=(
        Column("source", "来源", CHOICE, width=12, choices=VIOLATION_SOURCES),
        Column("description", "问题描述", width=36),
        Column("status", "整改情况", width=20),
        Column("category", "类别", width=14, optional=True),
    ),
    origin=(2, 4),
    blank_rows=3,
)

PARAMETERS = Table(
    key="parameters", name="Parameters", sheet="评分参数",
    title="评分参数（默认值随所选评分标准；本县规定不同时，在“本县取值”中填写）",
    help="“默认值”由重新计算按所选评分标准写入；“本县取值”留空即使用默认值，填写后覆盖默认值。",
    columns=(
        Column("label", "参数", width=34),
        Column("default", "默认值", OUTPUT, width=14),
        Column("value", "本县取值", PARAM, width=14, aliases=("值",),
               help="留空＝使用默认值；填写后覆盖默认值（比率可填 40% 或 0.4）"),
        Column("description", "说明", width=60),
    ),
)
RUBRIC_PARAMETER_LABEL = "评分标准"
PROJECT_RUBRIC_PARAMETER_LABEL = "项目评分标准"    # the project-scope rubric (default national-project-2020)

REPORT_TEXT = Table(
    key="report_text", name="ReportText", sheet="基本信息", title="自评报告文字（生成自评报告时使用）",
    help="每段写在“内容”中，可换行（Alt+Enter）。留空的段落由程序根据本工作簿的数据起草；“存在问题”“改进建议”留空时按扣分项起草。",
    columns=(Column("label", "段落", width=26), Column("text", "内容", width=110)),
    rows=(
        Row("duties", "部门整体履职绩效分析", help="履职情况、预算管理、资金投向与成效"),
        Row("projects", "特定目标类项目绩效分析", help="项目目标制定、实现、支出控制、执行进度等"),
        Row("results_use", "结果应用情况", help="绩效目标公开、问题整改、结果反馈、预算挂钩"),
        Row("problems", "存在问题", help="留空：按扣分项起草"),
        Row("suggestions", "改进建议", help="留空：按扣分项起草"),
    ),
    origin=(len(INFO.rows) + 5, 0),        # below 单位基本信息 on the same sheet
    optional=True,
)

EXTRA_INPUTS = Table(
    key="extra_inputs", name="ExtraInputs", sheet="其他数据", title="其他数据（本县评分标准需要的其他数字）",
    columns=(
        Column("label", "项目", width=30),
        Column("value", "值", VALUE, width=16),
        Column("remark", "说明", width=50),
    ),
    keyvalue=True,          # rows: the rubric's inputs (scoring.inputs.rubric_table)
    optional=True,
)

PRIOR_STATES = ("已整改", "未整改")
PRIOR_ISSUES = Table(
    key="prior_issues", name="PriorIssues", sheet="上年问题整改", title="上年问题整改（由上年工作簿带入，逐条标注整改情况）",
    columns=(
        Column("issue", "问题", width=60),
        Column("source", "来源", width=16),
        Column("state", "整改情况", CHOICE, width=12, choices=PRIOR_STATES),
        Column("remark", "说明", width=40),
    ),
    blank_rows=3,
    help="上年自评扣分的事项和未整改的问题；请在“整改情况”中选择已整改或未整改，并在“说明”中写明整改措施。",
    optional=True,          # wave 3: perfeval new --from fills it; no line of the 峨边 form scores it
)

PROJECT_GOALS = Table(
    key="project_goals", name="ProjectGoals", sheet="项目目标", title="项目年度总体目标及完成情况（项目支出绩效自评表用）",
    columns=(
        Column("name", "项目名称", width=30, help="与“项目支出”中的项目名称一致"),
        Column("authority", "主管部门", width=18),
        Column("implementer", "实施单位", width=18),
        Column("goal", "年度总体目标（预期目标）", width=40),
        Column("achieved", "实际完成情况", width=40),
        Column("execution_reason", "执行率偏低原因及改进措施", width=36, help="预算执行率低于90%时填写"),
    ),
    blank_rows=3,
    help="每个有绩效指标的项目一行：项目支出绩效自评表的主管部门、实施单位、年度总体目标和实际完成情况。",
    optional=True,          # wave 3: the per-project 自评表; older workbooks score without it
    row_key="name",
)

RUBRIC_CHECKSUM_LABEL = "校验码"
RUBRIC_DATA = Table(
    key="rubric_data", name="RubricData", sheet="评分标准数据", title="本工作簿使用的评分标准（请勿修改）",
    columns=(Column("part", "部分", width=10), Column("text", "内容", RAW, width=100)),
    optional=True,          # workbooks made before wave 3 name their rubric in 评分参数 instead
)

INPUT_TABLES: tuple[Table, ...] = (
    INFO, FINANCE, PUBLIC_EXPENSE, THREE_EXPENSES, PROJECTS, PROJECT_GOALS, MONTHLY, INDICATORS, QUALITATIVE,
    EXTRA_INPUTS, MONITORING, VIOLATIONS, PRIOR_ISSUES, PARAMETERS, REPORT_TEXT, RUBRIC_DATA,
)
TABLES_BY_NAME = {t.name: t for t in INPUT_TABLES}
