"""The ``perfeval`` command: each subcommand a few lines over the library.

Exit status: 0 when the workbook was scored (even with findings); 2 when the file cannot
be read or written as a perfeval workbook — any file-system, zip, XML or value error —
with one line of Chinese on stderr saying what to do; 130 on Ctrl-C and 143 on SIGTERM
(the file untouched, no temporary file left); 1 for an unexpected internal error (also
one line, never a traceback).  Output is printed in the console's own encoding with
replacement (JSON always in UTF-8), and only after the file was written; output that cannot
be written (standard output closed or full, a broken pipe) is exit 2 with a line on stderr.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .errors import RubricError, WorkbookError

from . import commands
from .cliguard import EXIT_UNREADABLE, _guarded, _isatty, _say, _say_utf8

from .clitext import OPTIONS_METAVAR, SUBCOMMAND_METAVAR, install as _install_chinese  # noqa: E402

_install_chinese()


def _first_sentence(command) -> str:
    """A command's line in the list of commands: its help's first sentence, whole (never cut with …)."""
    text = (command.short_help or command.help or "").strip().split("\n")[0]
    return text.split("。")[0] + "。" if "。" in text else text


TYPE_METAVARS = {"text": "文字", "integer": "整数", "integer range": "整数", "float": "数", "path": "路径",
                 "choice": "选项", "boolean": "是/否"}


class _Command(click.Command):
    """A command whose usage line is in Chinese ([选项], an option's value named 文字/整数/路径)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)
        for param in self.params:
            if isinstance(param, click.Option) and not param.is_flag and param.metavar is None:
                param.metavar = TYPE_METAVARS.get(param.type.name, param.type.name)

    def get_short_help_str(self, limit: int = 45) -> str:
        return _first_sentence(self)


class _Group(click.Group):
    """A group whose usage line and subcommands are in Chinese."""
    command_class = _Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        kwargs.setdefault("subcommand_metavar", SUBCOMMAND_METAVAR)
        super().__init__(*args, **kwargs)

    def get_short_help_str(self, limit: int = 45) -> str:
        return _first_sentence(self)


_Group.group_class = _Group


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 200})
@click.version_option(package_name="perfeval")
def main():
    """perfeval：部门整体支出绩效自评——生成工作簿、计算打分表。"""


def force_option(help_text: str):
    """--force, with what it does for this command."""
    return click.option("--force", is_flag=True, help=help_text)


@main.command()
@click.argument("out")
@click.option("--rubric", "source", default=None, help="评分标准：随附的编号、.json 文件或编写用 .xlsx（默认 ebian-2023），嵌入工作簿")
@click.option("--project-rubric", "project_source", default=None,
              help="项目评分标准（各项目的项目支出绩效自评表）：随附的编号、.json 文件或编写用 .xlsx（默认 national-project-2020），嵌入工作簿")
@click.option("--from", "last_year", default=None, help="上年的工作簿：带入基本信息、项目、指标、上年问题（上年文件不修改）")
@force_option("OUT 已存在时覆盖它（默认不覆盖，以免丢失已填写的数据）")
@_guarded
def new(out, source, project_source, last_year, force):
    """生成空白模板 OUT（.xlsm）；用 --from 从上年工作簿生成新年度工作簿。已存在的文件不会被覆盖（除非 --force）。"""
    from .xlsx.workbook import new_template
    rubric, project = _usable_rubric(source), _usable_rubric(project_source, "project")
    if last_year:
        from .xlsx.rollforward import roll_forward
        path = roll_forward(last_year, out, rubric, force=force, project_rubric=project)
        _say(f"已生成新年度工作簿：{path}（由 {Path(last_year).name} 带入；报告文字已标注【请按本年度情况修改】）")
        return
    path = new_template(out, force=force, rubric=rubric, project_rubric=project)
    _say(f"已生成模板：{path}" + "".join(f"（{what} {r.id}，校验码 {r.checksum}）"
                                       for what, r in (("评分标准", rubric), ("项目评分标准", project)) if r))


def _usable_rubric(source, scope: str = "department"):
    """The rubric a --rubric (``scope`` department) or --project-rubric (project) option names (None:
    not given); one with lint errors, or of the other scope, is refused (exit 2, each problem one
    line) — no workbook is made for it."""
    if not source:
        return None
    from .scoring.lint import defects
    from .scoring.rubric import Problem, find
    if _is_authoring(source):
        from . import authoring
        rubric, _, findings, _ = authoring.load(source)
        if rubric is None:
            raise RubricError(Path(source).name, [Problem(f.where, f.message) for f in findings if f.severity == "error"])
    else:
        rubric = find(source)
    errors = [d for d in defects(rubric) if d.severity == "error"]
    if errors:
        raise RubricError(rubric.origin or rubric.id, [Problem(e.path, e.message) for e in errors])
    if rubric.scope == "project" and scope != "project":     # a project form scores each project, not the 打分表
        raise RubricError(rubric.origin or rubric.id, [Problem("scope", "是项目评分标准（scope project），不能作为部门整体的"
                                                                "评分标准；请用 --project-rubric 指定它")])
    if rubric.scope != "project" and scope == "project":
        raise RubricError(rubric.origin or rubric.id, [Problem("scope", "不是项目评分标准（应为 \"scope\": \"project\"），"
                                                                "不能用作项目支出绩效自评表；部门整体的评分标准请用 --rubric 指定")])
    return rubric


@main.command()
@click.argument("book")
@click.option("--rubric", "source", default=None, help="换用的评分标准：随附的编号、.json 文件或编写用 .xlsx（默认：原工作簿的评分标准）")
@click.option("--project-rubric", "project_source", default=None,
              help="换用的项目评分标准：随附的编号、.json 文件或编写用 .xlsx（默认：原工作簿的项目评分标准）")
@click.option("-o", "--output", default=None, help="新工作簿（默认：原文件旁的“<名称>（升级）.xlsm”）")
@force_option("升级结果的文件已存在时覆盖它（原工作簿在任何情况下都不修改）")
@_guarded
def upgrade(book, source, project_source, output, force):
    """把 BOOK 重建为当前版本的工作簿（可换用评分标准），所有输入按表格、列名和行名复制；原文件不修改。"""
    from .xlsx.upgrade import upgrade as run
    rubric, project = _usable_rubric(source), _usable_rubric(project_source, "project")
    path, lost = run(book, output, rubric, force=force, project_rubric=project)
    _say(f"已生成：{path}")
    for text in lost:
        _say(f"未能放入新工作簿：{text}")


@main.command()
@click.argument("directory", default="perfeval-demo")
@force_option("DIRECTORY 中已有同名示例工作簿时覆盖它们")
@_guarded
def demo(directory, force):
    """生成并计算示例工作簿（红旗镇、五渡镇 2023）到 DIRECTORY。"""
    from .xlsx.workbook import write_samples, recalc
    for path in write_samples(Path(directory), force=force):
        result = recalc(path)
        _say(f"{path}：{result.unit} {result.year}年 " + (f"总分{_num(result.total)}分（{result.grade}）" if result.complete
             else f"{result.completion}，已计分部分{_num(result.total)}分"))


@main.command()
@click.argument("book")
@force_option("BOOK 为只读文件时也写入结果（默认拒绝）")
def recalc(book, force):
    """重新计算 BOOK，结果写回文件（输入单元格不变）。只读文件不会被修改（除非 --force）。"""
    commands.recalc(book, force)


@main.command()
@click.argument("books", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（不修改文件）；多个文件时每行一个")
@_guarded
def score(books, as_json):
    """计算一个或多个工作簿 BOOKS 并打印结果，不写入任何文件（多个文件在同一进程内计算）。"""
    if len(books) == 1:
        return commands.score_one.__wrapped__(books[0], as_json)     # already guarded, as this command is
    from .summary.collect import score_one
    scored = 0
    for book in books:
        record = score_one(Path(book))
        scored += record.ok
        if as_json:
            _say_utf8(json.dumps({"file": book, **_record_json(record)}, ensure_ascii=False))
        elif record.ok:
            year = f"{record.year}年" if record.year else "（未填写评价年度）"
            state = f"总分{record.total}/{record.max_total}（{record.grade}）" if record.complete \
                else f"{record.completion}：已计分部分{record.total}/{record.max_total}，不评定等级"
            _say(f"{book}：{record.unit} {year} {state}")
        else:
            _say(f"{book}：错误：{record.error}", err=True)
    if not scored:
        sys.exit(EXIT_UNREADABLE)


def _record_json(record) -> dict:
    if not record.ok:
        return {"error": record.error}
    return {"unit": record.unit, "year": record.year, "rubric": record.rubric, "total": float(record.total),
            "max_total": float(record.max_total), "grade": record.shown_grade, "complete": record.complete,
            "lines": {k: float(v) for k, v in record.lines.items()}, "errors": record.errors, "warnings": record.warnings}


@main.command()
@click.argument("book")
@click.option("-o", "--output", default=None, help="报告文件（默认：工作簿旁的 <名称>_自评报告.docx）")
def report(book, output):
    """根据工作簿 BOOK 起草部门整体支出绩效自评报告（Word）。"""
    commands.report(book, output)


@main.command()
@click.argument("book")
@click.option("-o", "--output", "directory", default=None, help="放置提交文件夹的目录（默认：工作簿所在目录）")
@force_option("自评未完成（有输入错误或未填写）时也生成，文件夹和文件名标为草稿（默认拒绝）")
@_guarded
def submit(book, directory, force):
    """生成报送文件夹：无宏的 .xlsx 副本、自评报告 .docx，以及（装有 LibreOffice 时）两者的 PDF。原工作簿不被修改。"""
    from .report.submit import submit as build
    folder, files, notes = build(book, directory, draft=force)
    _say(f"已生成报送文件夹：{folder}")
    for path in files:
        _say(f"  {path.name}")
    for note in notes:
        _say(f"注意：{note}")


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", default="汇总.xlsx", show_default=True, help="汇总工作簿")
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="并行进程数（默认：CPU 核数）")
@click.option("--db", type=str, default=None, help="历史数据库（SQLite），用于同比")
@click.option("--year", type=int, default=None, help="汇总的评价年度（默认：多数工作簿的年度）")
@click.option("--rubric", "source", default=None,
              help="本县发布的评分标准（编号、.json 或编写用 .xlsx）：只对按它计算的工作簿排名，其余列入“评分标准核对”")
@_guarded
def summary(paths, output, jobs, db, year, source):
    """汇总 PATHS（工作簿或文件夹）下所有单位的自评结果，写入 汇总.xlsx。"""
    from .summary import run
    official = _usable_rubric(source)
    bar = None
    if _isatty(sys.stdout):
        from .summary.collect import find_workbooks
        bar = click.progressbar(length=len(find_workbooks(paths)[0]), label="计算中")
        bar.__enter__()
    try:
        result = run(paths, output, jobs=jobs, db=db, year=year,
                     progress=(lambda r: bar.update(1)) if bar else None, official=official)
    finally:
        if bar:
            bar.__exit__(None, None, None)
    if not result.scored:
        _say(f"错误：没有可以计算的工作簿（{len(result.unreadable)}个文件无法读取）", err=True)
        sys.exit(EXIT_UNREADABLE)
    for note in result.notes:
        _say(f"警告：{note}", err=True)
    _say(f"已汇总{len(result.scored)}个单位（{result.year}年），{len(result.unreadable)}个文件无法使用：{output}")
    if official is not None:
        _say(f"按本县评分标准 {official.id}（校验码 {official.checksum}）排名{len(result.ranked)}个单位；"
             f"{len(result.apart)}个单位未按它计算，列在“评分标准核对”中")
        for record, why in result.apart:
            _say(f"  {record.unit}（{Path(record.file).name}）：{why}")
    elif len(result.groups()) > 1:
        _say(f"工作簿按{len(result.groups())}种评分标准计算，已分组排名（不同评分标准之间不比较）：" +
             "；".join(f"{key} {len(rs)}个" for key, rs in result.groups().items()))


@main.group()
def rubric():
    """评分标准（县级打分表）：列出、查看、检查。"""


@rubric.command("list")
@_guarded
def rubric_list():
    """列出随附的评分标准。"""
    from .scoring.params import default_params, max_total
    from .scoring.rubric import load_rubric, shipped_ids
    for rid in shipped_ids():
        r = load_rubric(rid)
        _say(f"{rid}\t{r.title}\t满分{_num(max_total(default_params(r)))}分\t校验码 {r.checksum}")


@rubric.command("show")
@click.argument("source")
@_guarded
def rubric_show(source):
    """逐项显示评分标准 SOURCE（编号或 .json 文件）的计分规则（中文）和检查结果。"""
    from .scoring.examples import check
    from .scoring.readback import readback
    from .scoring.rubric import find
    r = find(source)
    issues, _ = check(r)
    broken = {i.path.split(".")[0] for i in issues if i.severity == "error" and i.path.startswith("lines[")}
    broken |= {"*"} if any(i.severity == "error" and not i.path.startswith(("lines[", "examples[")) for i in issues) else set()
    _say(f"{r.id}：{r.title}（{r.year}年，满分{_num(r.total)}分，校验码 {r.checksum}）")
    for n, spec in enumerate(r.lines):
        text = "（有错误，无法解读，见下）" if broken & {f"lines[{n}]", "*"} else readback(r, spec)
        _say(f"  {spec.id}  {spec.label}（{_num(spec.points)}分）：{text}")
    for issue in issues:
        _say(f"{_SEVERITY[issue.severity]}：{issue.text()}")


_SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}


@rubric.command("check")
@click.argument("source")
@_guarded
def rubric_check(source):
    """检查评分标准 SOURCE（编号、.json 或编写用的 .xlsx）：结构、引用、口径，逐项解读，并运行其中的算例。
    全部通过退出码为0，有错误或算例不符为1，无法读取为2。"""
    from .scoring.examples import check
    from .scoring.readback import readback
    if _is_authoring(source):
        from . import authoring
        checked = authoring.check(source)
        for f in checked.findings:
            _say(f"{_SEVERITY[f.severity]}：{f.text()}")
        errors = sum(1 for f in checked.findings if f.severity == "error")
        r = checked.rubric
        if r is None:
            _say(f"{Path(source).name}：错误{errors}个，未能读出评分标准（请按上面各行逐项更正）")
            sys.exit(EXIT_UNREADABLE if checked.unreadable else 1)
        _readbacks(r, readback)
        failed = sum(1 for o in checked.outcomes if o.failures)
        _say(f"{r.id}：{len(r.lines)}项，错误{errors}个，算例{len(checked.outcomes) - failed}/{len(r.examples)}通过")
        if not checked.passed:
            sys.exit(1)
        return
    from .scoring.rubric import find
    r = find(source)
    issues, outcomes = check(r)
    failures = [f for o in outcomes for f in o.failures]
    for issue in issues + failures:
        _say(f"{_SEVERITY[issue.severity]}：{issue.text()}")
    passed = sum(1 for o in outcomes if not o.failures)
    errors = sum(1 for i in issues if i.severity == "error")
    if not errors:
        _readbacks(r, readback)
    _say(f"{r.id}：{len(r.lines)}项，错误{errors}个，算例{passed}/{len(r.examples)}通过")
    if errors or failures:
        sys.exit(1)


def _readbacks(r, readback) -> None:
    for spec in r.lines:
        _say(f"  {spec.id}  {spec.label}（{_num(spec.points)}分）：{readback(r, spec)}")


def _is_authoring(source) -> bool:
    return str(source).lower().endswith((".xlsx", ".xlsm")) and Path(str(source)).is_file()


@rubric.command("new")
@click.argument("out")
@click.option("--from", "source", default="ebian-2023", show_default=True, help="从哪个评分标准开始：随附的编号或 .json 文件")
@force_option("OUT 已存在时覆盖它")
@_guarded
def rubric_new(out, source, force):
    """生成编写评分标准用的工作簿 OUT（.xlsx）：表头、分组、指标、规则参数、定性项目、其他数据、自定义指标、等级、算例和使用说明。"""
    _write_authoring(source, out, force)


@rubric.command("export")
@click.argument("source")
@click.option("-o", "--output", required=True, help="编写用工作簿（.xlsx）")
@force_option("-o 指定的文件已存在时覆盖它")
@_guarded
def rubric_export(source, output, force):
    """把评分标准 SOURCE（编号或 .json）导出为编写用工作簿。"""
    _write_authoring(source, output, force)


def _write_authoring(source, out, force) -> None:
    from . import authoring
    from .scoring.rubric import find
    if not str(out).lower().endswith(".xlsx"):
        raise WorkbookError(f"编写用工作簿应保存为 .xlsx：{Path(out).name}")
    from .xlsx.parts import refuse_existing
    refuse_existing(out, force)
    r = find(source)
    authoring.export(r.data, out)
    _say(f"已生成：{out}（评分标准 {r.id}，{len(r.lines)}项）。填写后运行 perfeval rubric check {Path(out).name} 检查")


@rubric.command("build")
@click.argument("source")
@click.option("-o", "--output", required=True, help="生成的评分标准文件（.json）")
@force_option("-o 指定的文件已存在时覆盖它")
@_guarded
def rubric_build(source, output, force):
    """由编写用工作簿 SOURCE 生成评分标准文件（.json）；检查不通过时不写入任何文件（退出码1）。"""
    from . import authoring
    from .xlsx.parts import refuse_existing, write_atomically
    checked = authoring.check(source)
    for f in checked.findings:
        _say(f"{_SEVERITY[f.severity]}：{f.text()}")
    if not checked.passed:
        _say(f"检查未通过，未生成 {Path(output).name}", err=True)
        sys.exit(EXIT_UNREADABLE if checked.unreadable else 1)
    r = checked.rubric
    refuse_existing(output, force)
    text = authoring.pretty_json(r.data) + "\n"
    write_atomically(Path(output), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    _say(f"已生成：{output}（评分标准 {r.id}，{len(r.lines)}项，校验码 {r.checksum}）")


@main.command("setup-excel")
@_guarded
def setup_excel():
    """在本机设置 Excel 按钮使用的 Python（Windows）。"""
    from .excel.setup import configure
    path, key, value = configure()
    click.echo(f"已设置：{path} 中 {key} = {value}")
    click.echo("现在可以打开工作簿，启用宏，点击“重新计算”。")


@main.command("setup-windows")
@_guarded
def setup_windows():
    """Windows：在“发送到”菜单和桌面放置“perfeval 重新计算”（拖放工作簿即可计算，适用于 WPS、宏被阻止的电脑）。"""
    from .excel.windows import install_drop_targets
    written = install_drop_targets()
    for path in written:
        _say(f"已放置：{path}")
    _say("把工作簿拖到桌面上的“perfeval 重新计算”图标上，或右键工作簿 → 发送到 → perfeval 重新计算。")


_source_option = click.option("--source", default=".", show_default=True, help="perfeval 项目源码目录（含 pyproject.toml）")


@main.command("bundle-windows")
@click.argument("directory")
@_source_option
@click.option("--python", "versions", multiple=True, help="目标 Python 版本（可多次给出；默认 3.11、3.12、3.13）")
@_guarded
def bundle_windows(directory, source, versions):
    """生成离线安装包 DIRECTORY（在有网络的电脑上运行）：Windows 64 位的全部安装文件和“安装.cmd”。"""
    from .install.kits import WINDOWS_PYTHONS, bundle_windows
    wheels = bundle_windows(Path(directory), Path(source), versions=tuple(versions) or WINDOWS_PYTHONS)
    _say(f"已生成离线安装包：{directory}（{len(wheels)}个安装文件）。把整个文件夹复制到办公电脑，双击“安装.cmd”。")


@main.command("setup-linux")
@_guarded
def setup_linux():
    """Linux（统信UOS、银河麒麟）：右键工作簿 → 打开方式 → perfeval 重新计算，并在桌面放置同名图标。"""
    from .install.desktop import install
    for path in install():
        _say(f"已放置：{path}")
    _say("在工作簿上点右键 → 打开方式 → perfeval 重新计算，或把工作簿拖到桌面上的“perfeval 重新计算”图标上。")


@main.command("bundle-linux")
@click.argument("directory")
@_source_option
@click.option("--python", "versions", multiple=True, help="目标 Python 版本（可多次给出；默认 3.7 至 3.13）")
@click.option("--machine", "machines", multiple=True, type=click.Choice(["x86_64", "aarch64", "loongarch64"]),
              help="目标 CPU（可多次给出；默认 x86_64、aarch64、loongarch64）")
@_guarded
def bundle_linux(directory, source, versions, machines):
    """生成 Linux 离线安装包 DIRECTORY：perfeval.pyz、安装文件和“安装.sh”。

    在有网络的电脑上运行；复制到统信UOS、银河麒麟等电脑后运行 sh 安装.sh。"""
    from .install.kits import LINUX_MACHINES, LINUX_PYTHONS, bundle_linux
    notes = bundle_linux(Path(directory), Path(source), versions=tuple(versions) or LINUX_PYTHONS,
                         machines=tuple(machines) or LINUX_MACHINES)
    for note in notes:
        _say(f"注意：{note}")
    _say(f"已生成离线安装包：{directory}。复制到办公电脑，运行 sh 安装.sh；不安装也可直接运行 python3 perfeval.pyz recalc 工作簿。")


@main.command("pyz")
@click.argument("output", default="perfeval.pyz")
@_source_option
@click.option("--wheels", type=click.Path(file_okay=False, exists=True),
              help="已下载好安装文件的文件夹（不联网；须含 perfeval 自身和纯 Python 依赖的安装文件）")
@_guarded
def pyz(output, source, wheels):
    """生成单文件 perfeval.pyz：Python 3.7 及以上不安装即可运行 recalc、score。

    开发者用；bundle-linux 已包含它。"""
    from .install.pyz import build_pyz
    out = build_pyz(Path(output), source=Path(source), wheels=Path(wheels) if wheels else None)
    _say(f"已生成：{out}")


@main.command("templates")
@click.argument("directory", default="workbook_templates", type=click.Path(file_okay=False))
@click.option("--check", is_flag=True, help="只检查 DIRECTORY 中的文件是否与当前代码生成的一致")
@_guarded
def templates(directory, check):
    """重新生成随附的模板和示例工作簿（开发者用）。"""
    from .xlsx.workbook import write_samples
    import filecmp
    import tempfile
    if not check:
        for path in write_samples(Path(directory), blank=True):
            click.echo(f"已生成：{path}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        stale = [p.name for p in write_samples(Path(tmp), blank=True)
                 if not (Path(directory) / p.name).exists() or not filecmp.cmp(p, Path(directory) / p.name, shallow=False)]
    if stale:
        click.echo(f"以下文件不是最新的，请运行 perfeval templates {directory}：{'、'.join(stale)}", err=True)
        sys.exit(1)
    click.echo("随附工作簿均为最新")


_num = commands.num


if __name__ == "__main__":  # pragma: no cover
    main()
