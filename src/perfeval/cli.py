"""The ``perfeval`` command: each subcommand a few lines over the library.

Exit status: 0 when the workbook was scored (even with findings), 2 when the file
cannot be used as a perfeval workbook (one line of Chinese on stderr), 1 for an
unexpected internal error (also one line, never a traceback).
"""
from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import click

from .xlsx.package import WorkbookError

EXIT_UNREADABLE, EXIT_INTERNAL = 2, 1


def _guarded(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except WorkbookError as exc:
            click.echo(f"错误：{exc}", err=True)
            sys.exit(EXIT_UNREADABLE)
        except click.exceptions.Exit:
            raise
        except BrokenPipeError:          # output piped into e.g. `head`, which stopped reading
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except Exception as exc:  # noqa: BLE001 - the user gets one line, never a traceback
            click.echo(f"内部错误：{type(exc).__name__}: {exc}（请将工作簿和此信息发给技术支持）", err=True)
            sys.exit(EXIT_INTERNAL)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="perfeval")
def main():
    """perfeval：部门整体支出绩效自评——生成工作簿、计算打分表。"""


@main.command()
@click.argument("out", type=click.Path(dir_okay=False))
@_guarded
def new(out):
    """生成空白模板 OUT（.xlsm）。"""
    from .xlsx.workbook import new_template
    path = new_template(out)
    click.echo(f"已生成模板：{path}")


@main.command()
@click.argument("directory", default="perfeval-demo", type=click.Path(file_okay=False))
@_guarded
def demo(directory):
    """生成并计算示例工作簿（红旗镇、五渡镇 2023）到 DIRECTORY。"""
    from .xlsx.workbook import write_samples, recalc
    for path in write_samples(Path(directory)):
        result = recalc(path)
        click.echo(f"{path}：{result.unit} {result.year}年 总分{_num(result.total)}分（{result.grade}）")


@main.command()
@click.argument("book", type=click.Path(dir_okay=False))
@_guarded
def recalc(book):
    """重新计算 BOOK，结果写回文件（输入单元格不变）。"""
    from . import render
    from .xlsx.workbook import recalc as run
    result = run(book)
    click.echo(f"{Path(book).name}：{render.summary(result)}")


@main.command()
@click.argument("book", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（不修改文件）")
@_guarded
def score(book, as_json):
    """计算 BOOK 并打印结果，不写入任何文件。"""
    from .xlsx.workbook import score_workbook
    result, data = score_workbook(book)
    if as_json:
        click.echo(json.dumps(result.to_json(data.resolve), ensure_ascii=False, indent=1))
        return
    click.echo(f"{result.unit} {result.year}年  总分 {_num(result.total)}/{_num(result.max_total)}  等级 {result.grade}")
    for line in result.lines:
        mark = {"full": " ", "deducted": "-", "error": "!"}[line.status]
        click.echo(f" {mark} {line.name:<12} {_num(line.score):>6}/{_num(line.max)}")
        for r in line.reasons:
            click.echo(f"       {r.text}")
    counts = result.counts()
    click.echo(f"校验：错误{counts['error']}个，警告{counts['warning']}个，提示{counts['info']}个")


@main.command("setup-excel")
def setup_excel():
    """在本机设置 Excel 按钮使用的 Python（Windows）。"""
    from .excel.setup import NotSupported, configure
    try:
        path, key, value = configure()
    except NotSupported as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_UNREADABLE)
    click.echo(f"已设置：{path} 中 {key} = {value}")
    click.echo("现在可以打开工作簿，启用宏，点击“重新计算”。")


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


def _num(value) -> str:
    from .scoring.numbers import fmt_num
    return fmt_num(value)


if __name__ == "__main__":  # pragma: no cover
    main()
