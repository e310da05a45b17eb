"""The bundled sample cases, 红旗镇 2023 and 五渡镇 2023, as raw input tables.

Figures marked SEED are printed in the two seed self-evaluation reports; everything marked CHOSEN was
chosen by us so that the case reproduces the seed's score table (see
docs/samples.md).  The same tables feed the engine tests, fill the bundled sample
workbooks and drive ``perfeval demo``.
"""
from __future__ import annotations

from decimal import Decimal

from . import layout as L
from .scoring.inputs import RawTable, raw_table
from .scoring.params import parameter_records
from .scoring.rubric import DEFAULT_RUBRIC, load_rubric

D = Decimal
YES, NO = "是", "否"


# SEED: the narrative of each report, as printed (三、四 parts); 五渡镇's report has no 项目 analysis text.
# Cleaned of the seeds' PDF-extraction artefacts: a paragraph broken mid-sentence ("报账支付 / 时"), "2、"
# beside "1." (one numbering style, "1."), the stray space in "为 100%", and the last clause the extraction
# cut off ("进一步细化“三公”经费的。", its end lost): left out rather than completed by guess.
REPORT_TEXTS = {
    "hongqi": {
        "部门整体履职绩效分析": "红旗镇人民政府绩效目标按要求向社会公开，部门整体绩效自评情况和自行组织的评价情况向社会公开，及时整改了绩效管理发现问题，向财政部门反馈结果应用情况。资金主要投入在城乡环境整治、人居环境改善、乡村及镇区风貌、村民活动场所建设、文化设施建设、治安维稳、基础设施建设等方面，通过统计分析获取了人民群众对生态环境的健康度、居住生活的舒适度、工作出行的便捷度、居住生活的安全度各方面的好评价。",
        "特定目标类项目绩效分析": "包括项目绩效目标制定、目标实现、支出控制、及时处置、执行进度、预算完成情况、资金结余率（低效无效率）和违规记录等情况。",
        "结果应用情况": "预算执行情况为100%，较好地完成了县委政府下达的目标任务，部门支出自评质量高，绩效目标及时公开，社会反映良好。",
        "存在问题": "在资金管理过程中，还存在部分支出依据不合规，财务管理制度不够健全，财务人员业务水平还需加强等问题。",
        "改进建议": "1.进一步加强单位内部机构各股室的预算管理意识，严格按照预算编制的相关制度和要求进行预算编制；全面编制预算项目，优先保障固定性的、相对刚性的费用支出项目，尽量压缩变动性的、有控制空间的费用项目，进一步提高预算编制的科学性、严谨性和可控性。加强内部预算编制的审核和预算控制指标的下达。\n2.加强财务管理，严格财务审核。加强单位财务管理，健全单位财务管理制度体系，规范单位财务行为。在费用报账支付时，按照预算规定的费用项目和用途进行资金使用审核、列报支付、财务核算，杜绝超支现象的发生。\n3.完善资产管理，抓好“三公”经费控制。严格编制政府采购年初预算和计划，规范各类资产的购置审批制度、资产出租出借和收入管理制度、资产采购制度、使用管理制度、资产处置和报废审批制度、资产管理岗位职责制度等，加强单位内部的资产管理工作。严格控制“三公”经费的规模和比例，把关“三公”经费支出的审核、审批，杜绝挪用和挤占其他预算资金行为。"
    },
    "wudu": {
        "部门整体履职绩效分析": "本单位预算编制严格按照上级部门要求编制并及时报送，项目分类也严格按照上级部门要求分类，未发现有不按照要求编制、报送等行为。预算管理方面，编制内在职人员控制率小于100%，部门经费支出控制在预算内。制度执行总体较好，但仍需进一步强化，资金使用管理需进一步加强。绩效目标按要求向社会公开，部门整体绩效自评情况和自行组织的评价情况向社会公开，及时整改了绩效管理发现问题，向财政部门反馈结果应用情况。资金主要投入在城乡环境整治、人居环境改善、乡村及镇区风貌、村民活动场所建设、文化设施建设、治安维稳、基础设施建设等方面，通过统计分析获取了人民群众对生态环境的健康度、居住生活的舒适度、工作出行的便捷度、居住生活的安全度各方面的良好评价。",
        "特定目标类项目绩效分析": "",
        "结果应用情况": "本单位按照财政局下达的预算指标，严格执行预算内开支，保障了单位正常运转。本部门的预决算编制均按照县财政局下达的相关文件指标进行了编制，按时完成编制工作，决算报表和说明均在峨边彝族自治县人民政府门户网站公开。绩效目标也按照有关文件如实进行了填报。",
        "存在问题": "预决算项目支出编制需进一步明确、精细化。同时项目执行率需进一步提高。",
        "改进建议": "1.细化预算编制工作，进一步加强内设机构的预算管理意识，严格按照预算编制的相关制度和要求进行预算编制。\n2.加强财务管理，严格财务审核。加强单位财务管理，健全单位财务管理制度体系，规范单位财务行为。在费用报账支付时，按照预算规定的费用项目和用途进行资金使用审核、财务严格核算，杜绝超支现象的发生。\n3.完善资产管理，抓好“三公”经费控制。严格编制政府采购年初预算和计划，规范各类资产的购置审批制度、资产出租出借和收入管理制度、资产采购制度、使用管理制度、资产处置和报废审批制度、资产管理岗位职责制度等，加强单位内部的资产管理工作。严格控制“三公”经费的规模和比例，把关“三公”经费支出的审核、审批，杜绝挪用和挤占其他预算资金行为。"
    }
}


def _parameters(rubric_id: str) -> RawTable:
    return raw_table(L.PARAMETERS, parameter_records(rubric_id))


def _monthly(rows: list[tuple[str, Decimal, list[Decimal]]]) -> RawTable:
    records = []
    for item, budget, months in rows:
        rec = {"支出项目": item, "全年预算数（万元）": budget}
        rec.update({h: v for h, v in zip(L.MONTH_HEADERS, months)})
        records.append(rec)
    return raw_table(L.MONTHLY, records)


def _projects(rows: list[tuple[str, str, Decimal, Decimal]]) -> RawTable:
    return raw_table(L.PROJECTS, [{"项目名称": n, "资金来源": s, "预算数（万元）": b, "实际支出（万元）": a,
                                   "纳入绩效目标管理": YES} for n, s, b, a in rows])


def _indicators(rows: list[tuple]) -> RawTable:
    headers = ("指标对象", "一级指标", "二级指标", "三级指标", "指标方向", "目标值", "计量单位", "实际完成值", "分值")
    return raw_table(L.INDICATORS, [dict(zip(headers, r)) for r in rows])


def _qualitative(answers: dict[str, object]) -> RawTable:
    from .scoring.inputs import rubric_table
    return raw_table(rubric_table(L.QUALITATIVE, load_rubric(DEFAULT_RUBRIC)), answers)


ALL_YES = {**{i.label: YES for i in load_rubric(DEFAULT_RUBRIC).items if i.kind != "count"}, "不配合评价次数": 0}


def hongqi(rubric_id: str = "ebian-2023") -> dict[str, RawTable]:
    """红旗镇人民政府 2023 — self-score 97 (执行进度 2, 预算挂钩 5, every other line full)."""
    info = {  # SEED: name, staffing, organisation, functions, goal; CHOSEN: filler, date
        "单位名称": "红旗镇人民政府", "评价年度": 2023, "所属地区": "峨边彝族自治县", "单位性质": "行政单位",
        "编制总数": 41, "行政编制": 21, "事业编制": 20, "工勤编制": 0, "在职人数": 40,
        "机构组成": "内设六办一所四中心：党政办、党建办公室、社会事务办公室、规划建设管理办公室、乡村振兴办公室、"
                   "综合执法办公室、财政所、便民服务中心、农业综合服务中心、综治中心、文化旅游服务中心。",
        "机构职能": "落实国家政策，严格依法行政，发挥经济管理职能，制定发展规划，提供公共服务，维护社会稳定。",
        "年度主要工作任务": "聚焦凝心聚魂、主题教育、宜居宜业、安全稳定、禁毒工作、耕地保护六个方面开展工作。",
        "部门整体支出绩效目标": "保障镇机关运行，保障村干部缴纳养老保险、村组干部缴纳意外保险，解决全乡5个行政村村民最关心、"
                           "最直接、最现实的问题，改善农村人居环境。",
        "填报人": "张会计", "联系电话": "", "填报日期": "2024-03-15",
        # SEED: the report's 评价结论 cites it (the seed's spaces around "2022" were PDF extraction)
        "评价依据文件": "峨边彝族自治县财政局关于开展2022年部门整体、项目和政策支出绩效评价工作的通知",
    }
    finance = {  # SEED (国有资本经营预算 not printed: CHOSEN 0)
        "财政拨款收入合计": D("1216.75"), "上年结转": D("0"), "一般公共预算拨款收入": D("1178.17"),
        "政府性基金预算拨款收入": D("38.58"), "国有资本经营预算拨款收入": D("0"),
        "财政拨款支出合计": D("1216.75"), "基本支出": D("1073.3"), "项目支出": D("143.45"), "结转结余": D("0"),
    }
    public_expense = [  # CHOSEN: deviation 2.31%, within 10%
        {"科目": "办公费", "年初预算数（万元）": D("12"), "决算数（万元）": D("11.5")},
        {"科目": "印刷费", "年初预算数（万元）": D("1.5"), "决算数（万元）": D("1.4")},
        {"科目": "水费", "年初预算数（万元）": D("0.8"), "决算数（万元）": D("0.85")},
        {"科目": "电费", "年初预算数（万元）": D("3.2"), "决算数（万元）": D("3.3")},
        {"科目": "物业管理费", "年初预算数（万元）": D("2"), "决算数（万元）": D("2")},
    ]
    projects = _projects([  # SEED: names and amounts; 预算执行情况为100% → spent = budget
        ("乡镇农村人居环境整治考核奖补资金", "政府性基金", D("38.58"), D("38.58")),
        ("在职村干部养老保险补助、村组干部意外保险", "一般公共预算", D("15.07"), D("15.07")),
        ("基层组织和农村公共服务运行", "一般公共预算", D("81"), D("81")),
        ("乡镇安全管理相关", "一般公共预算", D("4.8"), D("4.8")),
        ("垃圾车运营维护费", "一般公共预算", D("4"), D("4")),
    ])
    # CHOSEN: cumulative 16% by June, 27% by September, 33% by November → 0.4 + 0.8 + 0.8 = 2 points;
    # the year closes at 100% (SEED: 预算执行情况为100%).
    monthly = _monthly([
        ("基本支出", D("1073.3"), [D("32.45")] * 4 + [D("32.44")] * 2 + [D("44.61"), D("44.61"), D("44.6225"),
                                 D("36.5"), D("36.505"), D("671.7725")]),
        ("项目支出", D("143.45"), [D("0")] * 11 + [D("143.45")]),
    ])
    indicators = _indicators([  # CHOSEN targets; actuals from the seed's narrative where it has them
        ("部门整体", "产出指标", "数量指标", "保障行政村数量", "≥", "5", "个", "5"),
        ("部门整体", "产出指标", "数量指标", "培训党员干部人数", "≥", "275", "人", "275"),   # SEED: 2 期 275 人
        ("部门整体", "产出指标", "数量指标", "开展应急演练次数", "≥", "50", "次", "55"),
        ("部门整体", "满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90%", "%", "95%"),
        # CHOSEN 分值: each project's one indicator carries the national form's 90 绩效指标 points
        ("乡镇农村人居环境整治考核奖补资金", "产出指标", "数量指标", "整治沟渠条数", "", "≥2条", "条", "2", 90),
        ("在职村干部养老保险补助、村组干部意外保险", "产出指标", "数量指标", "参保村组干部人数", "≥", "40", "人", "42", 90),
        ("基层组织和农村公共服务运行", "产出指标", "数量指标", "保障行政村数量", "=", "5", "个", "5", 90),
        ("乡镇安全管理相关", "产出指标", "数量指标", "交通安全检查次数", "≥", "40", "次", "40", 90),
        ("垃圾车运营维护费", "产出指标", "数量指标", "垃圾车运营台数", "=", "1", "台", "1", 90),
    ])
    qualitative = dict(ALL_YES)
    qualitative["建立预算绩效挂钩机制"] = NO   # SEED: 预算挂钩 scored 5 of 10
    return {
        "Info": raw_table(L.INFO, info), "Finance": raw_table(L.FINANCE, finance),
        "PublicExpense": raw_table(L.PUBLIC_EXPENSE, public_expense), "Projects": projects,
        "MonthlySpending": monthly, "Indicators": indicators, "Qualitative": _qualitative(qualitative),
        "MonitoringIssues": raw_table(L.MONITORING, []), "Violations": raw_table(L.VIOLATIONS, []),
        "Parameters": _parameters(rubric_id),
        "ReportText": raw_table(L.REPORT_TEXT, REPORT_TEXTS["hongqi"]),
    }


WUDU_PROJECTS = [  # SEED: the nine projects as printed (万元)
    ("2023年基层组织和农村公共服务运行维护费（上级）－中央", "一般公共预算", D("35")),
    ("社区服务群众专项经费－省级", "一般公共预算", D("2")),
    ("2023年基层组织和农村公共服务运行维护费（上级）－省级", "一般公共预算", D("40")),
    ("农村公共服务运行维护费－县级", "一般公共预算", D("40")),
    ("垃圾车运营维护费", "一般公共预算", D("3.9992")),
    ("乡镇安全管理相关经费", "一般公共预算", D("10.2")),
    ("公务用车购置", "一般公共预算", D("49.96")),
    ("峨边彝族自治县五渡镇双凤村川山堰支渠建设项目岩土工程勘察", "一般公共预算", D("4.5")),
    ("乡镇农村人居环境整治考核奖补资金", "政府性基金", D("49.482728")),
]
# CHOSEN: the seed lists only its 预算内 projects; the rest of the 政府性基金 income (273.67 −
# 49.482728) must also be project spending, so it is one further fund project.
# Named as what it is, so that neither the workbook nor the report presents it as a project of the seed's.
WUDU_FUND_REST = ("政府性基金其他支出（示例推算数）", "政府性基金", D("273.67") - D("49.482728"))


def wudu(rubric_id: str = "ebian-2023-100") -> dict[str, RawTable]:
    """五渡镇人民政府 2023 — every line full: 100 under its seed's ebian-2023-100, 105 under ebian-2023."""
    projects_rows = WUDU_PROJECTS + [WUDU_FUND_REST]
    project_total = sum((b for _, _, b in projects_rows), D(0))           # 459.3292
    basic = D("1282.33") - project_total                                  # CHOSEN: the rest is 基本支出
    info = {
        "单位名称": "五渡镇人民政府", "评价年度": 2023, "所属地区": "峨边彝族自治县", "单位性质": "行政单位",
        "编制总数": 20, "行政编制": 20, "事业编制": 0, "工勤编制": 0,  # SEED: 行政编制20名
        "在职人数": 19,  # CHOSEN: the seed says 编制内在职人员控制率小于100%
        "机构组成": "党政办公室、党建办公室、社会事务办公室、规划建设管理办公室、乡村振兴办公室、综合执法办公室、财政所。",
        "机构职能": "全面领导辖区各项工作，依法行使公共管理、公共服务、公共安全、民生保障等基本职能。",
        "年度主要工作任务": "巩固脱贫成果、推进产业兴镇、守牢安全底线、改善民生福祉、提升政府效能。",
        "部门整体支出绩效目标": "保障村组干部意外伤害保险、养老保险缴纳，解决全镇8个行政村村民最关心、最直接、最现实问题。",
        "评价依据文件": "峨边彝族自治县财政局关于开展2023年财政绩效评价工作的通知",   # SEED (its stray space dropped)
        "填报人": "李会计", "联系电话": "", "填报日期": "2024-03-20",
    }
    finance = {  # SEED: 1282.33 = 1008.65 + 273.67 as printed (0.01 short — reported as a warning)
        "财政拨款收入合计": D("1282.33"), "上年结转": D("0"), "一般公共预算拨款收入": D("1008.65"),
        "政府性基金预算拨款收入": D("273.67"), "国有资本经营预算拨款收入": D("0"),
        "财政拨款支出合计": D("1282.33"), "基本支出": basic, "项目支出": project_total, "结转结余": D("0"),
    }
    public_expense = [  # CHOSEN: deviation within 10%
        {"科目": "办公费", "年初预算数（万元）": D("10"), "决算数（万元）": D("9.6")},
        {"科目": "印刷费", "年初预算数（万元）": D("1"), "决算数（万元）": D("1.05")},
        {"科目": "水费", "年初预算数（万元）": D("0.6"), "决算数（万元）": D("0.6")},
        {"科目": "电费", "年初预算数（万元）": D("2.5"), "决算数（万元）": D("2.62")},
        {"科目": "物业管理费", "年初预算数（万元）": D("0"), "决算数（万元）": D("0")},
    ]
    projects = _projects([(n, s, b, b) for n, s, b in projects_rows])   # CHOSEN: fully spent (结转结余0元)
    b_month, p_month = (basic / 12).quantize(D("0.01")), (project_total / 12).quantize(D("0.01"))
    monthly = _monthly([  # CHOSEN: even spending, 50% by June, 75% by September, 91.7% by November
        ("基本支出", basic, [b_month] * 11 + [basic - b_month * 11]),
        ("项目支出", project_total, [p_month] * 11 + [project_total - p_month * 11]),
    ])
    indicators = _indicators([  # CHOSEN targets; actuals from the seed's narrative
        ("部门整体", "产出指标", "数量指标", "识别纳入监测户数", "≥", "6户", "户", "6"),
        ("部门整体", "产出指标", "数量指标", "开展新时代文明实践志愿活动次数", "", ">=30", "次", "33"),
        ("部门整体", "产出指标", "数量指标", "组织德古彝汉双语讲堂次数", "≥", "20", "次", "25"),
        ("部门整体", "效益指标", "社会效益指标", "群众满意度", "定性", "满意", "", "满意"),
        ("垃圾车运营维护费", "产出指标", "数量指标", "垃圾车运营台数", "=", "1", "台", "1"),
        ("乡镇安全管理相关经费", "产出指标", "数量指标", "安全生产专题会议次数", "≥", "12", "次", "13"),
        ("公务用车购置", "产出指标", "数量指标", "购置公务用车数量", "=", "1", "辆", "1"),
        ("乡镇农村人居环境整治考核奖补资金", "产出指标", "数量指标", "评选洁美星户数", "≥", "200", "户", "240"),
        ("峨边彝族自治县五渡镇双凤村川山堰支渠建设项目岩土工程勘察", "产出指标", "数量指标", "勘察报告数量", "=", "1", "份", "1"),
        ("政府性基金其他支出（示例推算数）", "产出指标", "数量指标", "完成项目个数", "≥", "1", "个", "1"),
    ])
    return {
        "Info": raw_table(L.INFO, info), "Finance": raw_table(L.FINANCE, finance),
        "PublicExpense": raw_table(L.PUBLIC_EXPENSE, public_expense), "Projects": projects,
        "MonthlySpending": monthly, "Indicators": indicators, "Qualitative": _qualitative(dict(ALL_YES)),
        "MonitoringIssues": raw_table(L.MONITORING, []), "Violations": raw_table(L.VIOLATIONS, []),
        "Parameters": _parameters(rubric_id),
        "ReportText": raw_table(L.REPORT_TEXT, REPORT_TEXTS["wudu"]),
    }


SAMPLES = {"红旗镇2023": hongqi, "五渡镇2023": wudu}
