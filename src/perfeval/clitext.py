"""The command line in Chinese: click's own texts (usage, help framework, every error) translated.

click looks its texts up through ``gettext`` (``_`` and ``ngettext`` bound in each of its modules);
``install()`` rebinds those names to this catalog, so "Usage:", "Error: Missing argument 'BOOK'.",
"No such command", "[default: …]" and "Show this message and exit." come out in Chinese.  A text not
in the catalog is shown as click wrote it (a test fails on any English line a command can print).
Only the command line imports this module.
"""
from __future__ import annotations

import importlib

CATALOG = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "No such option {name!r}.": "没有选项“{name}”。",
    "No such command {name!r}.": "没有命令“{name}”。",
    "Invalid value for {param_hint}: {message}": "{param_hint}的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "unknown error": "未知错误",
    "Aborted!": "已取消。",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已停用",
    "Option {name!r} does not take a value.": "选项“{name}”不带值。",
    "Argument {name!r} takes {nargs} values.": "参数“{name}”需要{nargs}个值。",
    "Invalid start character for option ({option})": "选项的开头字符无效（{option}）",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的{number_type}。",
    "integer": "整数",
    "float": "数",
    "{value} is not in the range {range}.": "{value}不在{range}范围内。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是文件（应为文件夹）。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是文件夹（应为文件）。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”无法读取。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”无法写入。",
    "{name} {filename!r} is not executable.": "{name}“{filename}”不能执行。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "Value must be an iterable.": "值应为列表。",
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不再询问，直接执行。",
    "Press any key to continue...": "按任意键继续……",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
}
PLURALS = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): "多余的参数（{args}）",
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): "是否想输入：{possibility}？",
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): "选项“{name}”需要{nargs}个值。",
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): "需要{nargs}个值，实际给出{len}个。",
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): "“{value}”不是可选的值（{choice}{choices}）。",
}
MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils")
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."


class _Text(str):
    """A translated text whose .format() tolerates the {name!r} and missing fields of click's texts."""

    def format(self, *args, **kwargs):                      # noqa: A003 - str.format, forgiving
        class Fields(dict):
            def __missing__(self, key):
                return ""
        shown = {k: CATALOG.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()}
        return str(self).replace("!r}", "}").format_map(Fields(shown))


def translate(message: str) -> str:
    found = CATALOG.get(message)
    return _Text(found) if found is not None else message


def translate_plural(singular: str, plural: str, n: int) -> str:
    found = PLURALS.get((singular, plural))
    if found is None:
        return singular if n == 1 else plural
    return _Text(found)


def install() -> None:
    """Rebind click's ``_``/``ngettext`` to the catalog (idempotent)."""
    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = translate
        if hasattr(module, "ngettext"):
            module.ngettext = translate_plural
