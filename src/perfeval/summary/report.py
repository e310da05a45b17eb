"""汇总.xlsx: the county's roll-up workbook (XlsxWriter), built from pandas frames.

Sheets: 排名 (ranked, grade coloured, printable), 等级分布 (with a native chart), 失分分析
(which lines cost the county most), 校验问题 (findings per unit), 无法读取 (every file that
could not be used, with its reason), 重复 (the same 单位 and 年度 more than once) and, with a
history database, 同比 (this year against last year).  Plain values only: no links, no macros.
"""
from __future__ import annotations

from pathlib import Path

from ..scoring.results import WITHHELD
from .collect import SUMMARY_MARK
from .frame import Summary, _pandas, records_frame

GRADES = ("优", "良", "中", "差")
COLOURS = ("#C6EFCE", "#DDEBF7", "#FFEB9C", "#FFC7CE", "#E7E6E6", "#FCE4D6")
GRADE_COLOURS = dict(zip(GRADES, COLOURS))
RANK_COLUMNS = ["名次", "单位", "年度", "总分", "满分", "等级", "完成情况", "错误", "警告", "评分标准", "校验码", "文件"]


def ranking(summary: Summary):
    """Ranked within each form (rubric id + 校验码): units scored under different forms never share a
    ranking; the largest group first."""
    pd = _pandas()
    parts = []
    for records in summary.groups().values():
        df = records_frame(records)
        df = df.sort_values(["总分", "单位"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
        df.insert(0, "名次", df["总分"].rank(method="min", ascending=False).astype(int))
        parts.append(df[RANK_COLUMNS])
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=RANK_COLUMNS)


def grade_names(summary: Summary) -> list[str]:
    """The grades of the ranked forms, best first (峨边's 优/良/中/差 when there is none)."""
    names = [g for r in summary.ranked for g in r.grade_names]
    return list(dict.fromkeys(names)) or list(GRADES)


def grade_distribution(summary: Summary):
    """Units per grade, one column per form when several forms were ranked; units whose evaluation is
    not complete (a line 错误 or 未填写) counted under 未完成, not under a grade."""
    pd = _pandas()
    groups = summary.groups()
    names = grade_names(summary) + [WITHHELD] * any(not r.complete for r in summary.ranked)
    if len(groups) <= 1:
        counts = pd.Series([r.shown_grade for r in summary.ranked]).value_counts()
        return pd.DataFrame({"等级": names, "单位数": [int(counts.get(g, 0)) for g in names]})
    data = {"等级": names}
    for key, records in groups.items():
        counts = pd.Series([r.shown_grade for r in records]).value_counts()
        data[key] = [int(counts.get(g, 0)) for g in names]
    return pd.DataFrame(data)


def conformity(summary: Summary):
    """评分标准核对: with the official rubric, every workbook not scored under it and why; without,
    the forms the workbooks were scored under."""
    pd = _pandas()
    if summary.official is not None:
        rows = [{"单位": r.unit, "文件": Path(r.file).name, "评分标准": r.rubric, "校验码": r.checksum, "问题": why}
                for r, why in sorted(summary.apart, key=lambda rw: rw[0].unit)]
        return pd.DataFrame(rows, columns=["单位", "文件", "评分标准", "校验码", "问题"])
    rows = [{"评分标准": records[0].rubric, "校验码": records[0].checksum, "单位数": len(records),
             "说明": "各组分别排名，不同评分标准之间不比较"} for records in summary.groups().values()]
    return pd.DataFrame(rows, columns=["评分标准", "校验码", "单位数", "说明"])


def losses(summary: Summary):
    """Per line of each rubric (by its id: lines of different forms are never added up): how many
    units lost points, the average loss among them, total points lost."""
    pd = _pandas()
    rows = {}
    for r in summary.ranked:
        for name, score in r.lines.items():
            lost = float(r.maxima[name]) - float(score)
            line_id = r.line_ids.get(name, name)
            entry = rows.setdefault((r.rubric, r.checksum, line_id), {
                "评分项": name, "扣分单位数": 0, "合计失分": 0.0, "未填写单位数": 0, "输入错误单位数": 0,
                "评分标准": r.rubric, "校验码": r.checksum, "编号": line_id})
            if r.statuses[name] == "deducted":
                entry["扣分单位数"] += 1
                entry["合计失分"] += lost
            elif r.statuses[name] == "incomplete":
                entry["未填写单位数"] += 1
            elif r.statuses[name] == "error":
                entry["输入错误单位数"] += 1
    columns = ["评分项", "扣分单位数", "平均扣分", "合计失分", "未填写单位数", "输入错误单位数", "评分标准", "校验码", "编号"]
    if not rows:
        return pd.DataFrame(columns=columns)
    df = pd.DataFrame(list(rows.values()))
    df["平均扣分"] = [round(t / n, 2) if n else 0.0 for t, n in zip(df["合计失分"], df["扣分单位数"])]
    df["合计失分"] = df["合计失分"].round(2)
    df = df.sort_values(["合计失分", "扣分单位数"], ascending=False, kind="mergesort")
    return df[columns]


def findings(summary: Summary):
    pd = _pandas()
    level = {"error": "错误", "warning": "警告"}
    rows = [{"单位": r.unit, "文件": Path(r.file).name, "级别": level[s], "工作表": sheet, "单元格": cell, "说明": msg}
            for r in sorted(summary.scored, key=lambda r: r.unit) for s, sheet, cell, msg in r.findings]
    return pd.DataFrame(rows, columns=["单位", "文件", "级别", "工作表", "单元格", "说明"])


def unreadable(summary: Summary):
    pd = _pandas()
    return pd.DataFrame([{"文件": f, "原因": why} for f, why in summary.unreadable], columns=["文件", "原因"])


def duplicates(summary: Summary):
    pd = _pandas()
    groups: dict[tuple, list[str]] = {}
    for r in summary.scored:
        groups.setdefault((r.unit, r.year), []).append(Path(r.file).name)
    rows = [{"单位": u, "年度": y, "份数": len(files), "文件": "；".join(files)}
            for (u, y), files in sorted(groups.items(), key=lambda kv: str(kv[0])) if len(files) > 1]
    return pd.DataFrame(rows, columns=["单位", "年度", "份数", "文件"])


def year_on_year(summary: Summary):
    pd = _pandas()
    rows = []
    for r in sorted(summary.scored, key=lambda r: r.unit):
        last = (summary.previous or {}).get(r.unit)
        row = {"单位": r.unit, f"{summary.year}年总分": float(r.total),
               f"{(summary.year or 0) - 1}年总分": float(last["total"]) if last else None}
        row["变化"] = round(row[f"{summary.year}年总分"] - row[f"{(summary.year or 0) - 1}年总分"], 2) if last else None
        for name, score in r.lines.items():
            before = last["lines"].get(name) if last else None
            row[f"{name}变化"] = round(float(score) - float(before), 2) if before is not None else None
        rows.append(row)
    return pd.DataFrame(rows)


def projects(summary: Summary):
    """项目自评: every unit's per-project 项目支出绩效自评表 with its total and grade, best first per unit."""
    pd = _pandas()
    rows = [{"单位": r.unit, "年度": r.year, "项目名称": name, "总分": float(total), "满分": float(top), "等级": grade,
             "完成情况": "已完成" if complete else "未完成", "文件": Path(r.file).name}
            for r in sorted(summary.scored, key=lambda r: r.unit)
            for name, total, top, grade, complete in sorted(r.projects, key=lambda p: -float(p[1]))]
    return pd.DataFrame(rows, columns=["单位", "年度", "项目名称", "总分", "满分", "等级", "完成情况", "文件"])


def write_summary(summary: Summary, output: Path) -> None:
    from ..xlsx.parts import write_atomically
    sheets = [("排名", ranking(summary)), ("等级分布", grade_distribution(summary)), ("失分分析", losses(summary)),
              ("评分标准核对", conformity(summary)), ("校验问题", findings(summary)), ("无法读取", unreadable(summary)),
              ("重复", duplicates(summary))]
    if summary.previous is not None:
        sheets.append(("同比", year_on_year(summary)))
    if any(r.projects for r in summary.scored):
        sheets.append(("项目自评", projects(summary)))
    write_atomically(output, lambda tmp: _write(tmp, summary, sheets))


def _write(path: str, summary: Summary, sheets) -> None:
    import xlsxwriter
    wb = xlsxwriter.Workbook(path, {"nan_inf_to_errors": True, "in_memory": True})   # no temp files (a full TMPDIR)
    wb.set_properties({"title": SUMMARY_MARK, "author": "perfeval"})     # a later run skips it in the inbox
    base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1, "border_color": "#A6A6A6"}
    head = wb.add_format(dict(base, bold=True, bg_color="#D9E1F2", text_wrap=True, align="center"))
    cell = wb.add_format(dict(base, text_wrap=True))
    title = wb.add_format({"font_name": "宋体", "bold": True, "font_size": 14})
    made: dict = {}

    def grade_formats(names):
        for g, c in zip(names, COLOURS):
            made.setdefault(g, wb.add_format({"bg_color": c}))
        return {g: made[g] for g in names if g in made}
    for name, df in sheets:
        ws = wb.add_worksheet(name)
        year = f"{summary.year}年" if summary.year else ""
        heading = f"{year}部门整体支出绩效自评汇总 — {name}"
        if summary.official is not None:
            heading += f"（本县评分标准 {summary.official.id}，校验码 {summary.official.checksum}）"
        ws.write_string(0, 0, heading, title)
        columns = list(df.columns)
        for j, col in enumerate(columns):
            ws.write_string(2, j, str(col), head)
            width = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)]) if len(df) else len(str(col))
            ws.set_column(j, j, min(60, max(8, width * 1.6)))
        for i, row in enumerate(df.itertuples(index=False), start=3):
            for j, value in enumerate(row):
                if value is None or (isinstance(value, float) and value != value):
                    ws.write_blank(i, j, None, cell)
                elif isinstance(value, bool):
                    ws.write_string(i, j, "是" if value else "否", cell)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(i, j, float(value), cell)
                else:
                    ws.write_string(i, j, str(value), cell)      # plain text: never a formula
        if not len(df):
            ws.write_string(3, 0, "无", cell)
        ws.freeze_panes(3, 0)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(2)
        if name in ("排名", "项目自评") and len(df):
            g = columns.index("等级")
            for grade, fmt in grade_formats(grade_names(summary)).items():
                ws.conditional_format(3, g, 2 + len(df), g, {"type": "cell", "criteria": "==",
                                                             "value": f'"{grade}"', "format": fmt})
        if name == "等级分布":
            names = list(df["等级"])
            chart = wb.add_chart({"type": "column"})
            for j, column in enumerate(columns[1:], start=1):
                series = {"name": [name, 2, j], "categories": [name, 3, 0, 2 + len(names), 0],
                          "values": [name, 3, j, 2 + len(names), j], "data_labels": {"value": True}}
                if len(columns) == 2:
                    series["points"] = [{"fill": {"color": c}, "border": {"color": "#595959"}} for c in COLOURS[:len(names)]]
                chart.add_series(series)
            chart.set_title({"name": "等级分布", "name_font": {"name": "宋体"}})
            chart.set_legend({"none": True} if len(columns) == 2 else {"position": "bottom"})
            top = int(df[columns[1:]].to_numpy().max()) if len(df) else 0
            chart.set_y_axis({"name": "单位数", "min": 0, "major_gridlines": {"visible": True},
                              **({"major_unit": 1} if top <= 10 else {})})
            ws.insert_chart(2, len(columns) + 1, chart, {"x_scale": 1.2, "y_scale": 1.2})
    wb.close()
