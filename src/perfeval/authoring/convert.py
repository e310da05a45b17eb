"""A rubric's JSON ⇄ the authoring workbook's rows, both ways, without any file.

``to_rows(data)`` gives each sheet's rows as {field key: cell value} (Chinese names for rule types,
policies and 是/否; lists joined with 、; rules and examples as path rows).  ``from_rows(rows)`` builds
the JSON back and reports every cell it cannot read as a ``Problem`` with its ``Cell``; a blank cell is
an absent key.  ``to_rows`` → ``from_rows`` gives back the same JSON (a test holds this for every
shipped and test rubric).  Standard library only.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from . import declare as D
from .paths import PathError, flatten, leaf, number, parse, place


class Cell(NamedTuple):
    sheet: str
    ref: str                    # "E7"; "" when the place is the whole sheet


class Problem(NamedTuple):
    cell: Cell
    message: str
    path: str = ""              # the rubric path it concerns (for mapping schema problems)


def rule_type_names() -> dict[str, str]:
    from ..scoring.ruletypes import RULE_TYPES
    return {name: RULE_TYPES[name].LABEL for name in RULE_TYPES}


def _shown(field: D.Field, value: object) -> object:
    if value is None:
        return None
    if field.kind == "list":
        return D.LIST_SEPARATOR.join(str(v) for v in value)
    if field.kind == "bool":
        return D.YES_NO[bool(value)]
    if field.kind == "enum":
        names = field.names if field.names is not None else rule_type_names()
        return names.get(value, value)
    return value


def to_rows(data: dict) -> dict[str, list[dict]]:
    """Every sheet's rows for the rubric ``data`` (JSON as read, numbers int/Decimal)."""
    from ..scoring.rubric import parse_data
    rubric, _ = parse_data(data)
    out: dict[str, list[dict]] = {s.table: [] for s in D.SHEETS}
    out[D.HEADER.table] = [{f.key: _shown(f, data.get(f.key))} for f in D.HEADER.fields]
    for group in data.get("groups", ()):
        out[D.GROUPS.table].append({f.key: _shown(f, group.get(f.key)) for f in D.GROUPS.fields})
    for line in data.get("lines", ()):
        rule = line.get("rule", {})
        row = {f.key: _shown(f, rule.get("type") if f.key == "rule.type" else line.get(f.key)) for f in D.LINES.fields}
        out[D.LINES.table].append(row)
        params = {k: v for k, v in rule.items() if k != "type"}
        for path, value in flatten(params) if params else []:
            out[D.PARAMS.table].append({"line": line.get("id"), "path": path, "value": value,
                                        "about": _about(rubric, line, path)})
    for item in data.get("items", ()):
        out[D.ITEMS.table].append({f.key: _shown(f, item.get(f.key)) for f in D.ITEMS.fields})
    for inp in data.get("inputs", ()):
        out[D.INPUTS.table].append({f.key: _shown(f, inp.get(f.key)) for f in D.INPUTS.fields})
    for name, tree in data.get("metrics", {}).items():
        out[D.METRICS.table] += _tree_rows(name, tree, "1")
    for grade in data.get("grades", ()):
        out[D.GRADES.table].append({"name": grade.get("name"), "min": grade.get("min")})
    for example in data.get("examples", ()):
        for part, label in D.EXAMPLE_PARTS.items():
            if part not in example:
                continue
            for path, value in flatten(example[part]):
                out[D.EXAMPLES.table].append({"example": example.get("name"), "part": label, "name": path, "value": value})
    return out


def _about(rubric, line: dict, path: str) -> str:
    """The 说明 of a parameter row: its name in 评分参数, when the rule type gives it one."""
    if path.startswith("labels"):
        return "该参数在“评分参数”中的名称"
    if rubric is None:
        return ""
    from ..scoring.ruletypes import RULE_TYPES
    spec = rubric.line(line["id"])
    try:
        found = RULE_TYPES[spec.kind].param(tuple(str(s) for s in parse(path)), spec.rule, spec, rubric)
    except (KeyError, IndexError, TypeError, ValueError, PathError):
        return ""
    return found[0] if found else ""


def _tree_rows(name: str, tree: object, node: str) -> list[dict]:
    row = {"name": name, "node": node}
    if isinstance(tree, dict) and len(tree) == 1 and next(iter(tree)) in D.TREE_OPS:
        op, args = next(iter(tree.items()))
        row["op"] = D.TREE_OPS[op]
        args = args if isinstance(args, list) else [args]
        rows = [row]
        for i, arg in enumerate(args):
            if isinstance(arg, dict):
                child = f"{node}.{i + 1}"
                row[D.TREE_ARGS[i]] = f"{D.NODE_PREFIX}{child}"
                rows += _tree_rows(name, arg, child)
            else:
                row[D.TREE_ARGS[i]] = arg
        return rows
    row["arg1"] = tree
    return [row]


# ------------------------------------------------------------------ rows → JSON

class Row(NamedTuple):
    values: dict                # field key → cell value (None: blank)
    cells: dict                 # field key → Cell


class Builder:
    def __init__(self):
        self.problems: list[Problem] = []
        self.where: dict[str, Cell] = {}        # rubric path → the cell it came from

    def bad(self, cell: Cell, message: str, path: str = "") -> None:
        self.problems.append(Problem(cell, message, path))

    def value(self, field: D.Field, row: Row, path: str):
        """The cell as JSON (``None``: blank, i.e. absent); problems recorded."""
        from ..scoring.cells import CellError, Uncalculated, Unreadable
        cell = row.cells.get(field.key, Cell("", ""))
        self.where[path] = cell
        raw = row.values.get(field.key)
        if isinstance(raw, (CellError, Uncalculated, Unreadable)):
            self.bad(cell, f"“{field.header}”的内容无法使用（{raw}）：请填写数值或文字", path)
            return None
        from ..scoring.cells import SerialDate
        if isinstance(raw, SerialDate):
            self.bad(cell, f"“{field.header}”是日期格式的单元格：请填写{'数字' if field.kind in ('number', 'integer') else '文字'}"
                           f"（可先把单元格格式设为“常规”）", path)
            return None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if field.required:
                self.bad(cell, f"“{field.header}”不能为空", path)
            return None
        if field.kind in ("number", "integer"):
            value = number(raw) if not isinstance(raw, str) else _number_text(raw)
            if value is None or isinstance(value, str):
                self.bad(cell, f"“{field.header}”应为数字，实为“{raw}”", path)
                return None
            if field.kind == "integer" and not isinstance(value, int):
                self.bad(cell, f"“{field.header}”应为整数，实为“{raw}”", path)
                return None
            return value
        if field.kind == "bool":
            text = str(raw).strip()
            if raw is True or text == "是":
                return True
            if raw is False or text == "否":
                return False
            self.bad(cell, f"“{field.header}”应填“是”或“否”，实为“{raw}”", path)
            return None
        if field.kind == "enum":
            names = field.names if field.names is not None else rule_type_names()
            text = str(raw).strip()
            back = {v: k for k, v in names.items()}
            if text in back:
                return back[text]
            if text in names:
                return text
            self.bad(cell, f"“{field.header}”应为{'、'.join(names.values())}之一，实为“{raw}”", path)
            return None
        if field.kind == "list":
            return [part.strip() for part in str(raw).split(D.LIST_SEPARATOR) if part.strip()]
        if field.kind == "value":
            return leaf(number(raw))
        return str(raw) if not isinstance(raw, str) else raw

    def record(self, sheet: D.Sheet, rows: list[Row], path: str, skip=()) -> list[dict]:
        out = []
        for i, row in enumerate(rows):
            obj = {}
            for f in sheet.fields:
                if f.key in skip:
                    continue
                value = self.value(f, row, f"{path}[{i}].{f.key}")
                if value is not None:
                    obj[f.key] = value
            self.where[f"{path}[{i}]"] = row.cells.get(sheet.fields[0].key, Cell(sheet.sheet, ""))
            out.append(obj)
        return out


def _number_text(text: str):
    try:
        return number(Decimal(text.strip().replace(",", "")))
    except (InvalidOperation, ValueError):
        return None


def from_rows(rows: dict[str, list[Row]]) -> tuple[dict, Builder]:
    """The rubric JSON from the sheets' rows, and the builder (problems, cell of every path)."""
    b = Builder()
    data: dict = {}
    header = rows.get(D.HEADER.table, [])
    for f in D.HEADER.fields:
        row = next((r for r in header if f.key in r.values), None)
        if row is None:
            b.bad(Cell(D.HEADER.sheet, ""), f"“{D.HEADER.sheet}”缺少“{f.header}”一行（被删除或改名？）", f.key)
            continue
        value = b.value(f, row, f.key)
        if value is not None:
            data[f.key] = value
    data["groups"] = b.record(D.GROUPS, rows.get(D.GROUPS.table, []), "groups")
    lines = b.record(D.LINES, rows.get(D.LINES.table, []), "lines", skip=("rule.type",))
    line_rows = rows.get(D.LINES.table, [])
    index = {}
    for i, (line, row) in enumerate(zip(lines, line_rows)):
        kind = b.value(D.LINES.field("rule.type"), row, f"lines[{i}].rule")
        b.where[f"lines[{i}].rule.type"] = b.where[f"lines[{i}].rule"]
        line["rule"] = {"type": kind} if kind else {}
        if "id" in line and line["id"] in index:
            b.bad(row.cells["id"], f"编号“{line['id']}”与{D.LINES.sheet}表中前面的一行重复（规则参数按编号对应，编号不能重复）",
                  f"lines[{i}].id")
        elif "id" in line:
            index[line["id"]] = i
    for row in rows.get(D.PARAMS.table, []):
        line_id = b.value(D.PARAMS.field("line"), row, "")
        path_text = b.value(D.PARAMS.field("path"), row, "")
        if line_id is None or path_text is None:
            continue
        if line_id not in index:
            b.bad(row.cells["line"], f"指标编号“{line_id}”不在“指标”表中")
            continue
        i = index[line_id]
        try:
            steps = parse(str(path_text))
        except PathError as exc:
            b.bad(row.cells["path"], str(exc))
            continue
        if steps[0] == "type":
            b.bad(row.cells["path"], "计分方法在“指标”表的“计分方法”列中选择，不在此填写")
            continue
        value = leaf(number(row.values.get("value")))
        if value is None and row.values.get("value") is None:
            b.bad(row.cells["value"], f"参数“{path_text}”的值为空", f"lines[{i}].rule")
            continue
        problem = place(lines[i]["rule"], steps, value)
        full = _path(f"lines[{i}].rule", steps)
        b.where[full] = row.cells["value"]
        if problem:
            b.bad(row.cells["path"], f"参数“{path_text}”：{problem}")
    data["lines"] = lines
    for key, sheet in (("groups", D.GROUPS), ("lines", D.LINES), ("items", D.ITEMS), ("inputs", D.INPUTS),
                       ("metrics", D.METRICS), ("grades", D.GRADES), ("examples", D.EXAMPLES)):
        b.where.setdefault(key, Cell(sheet.sheet, ""))      # "至少应有1项" and the like: the sheet itself
    optional = {"items": lambda r: b.record(D.ITEMS, r, "items"), "inputs": lambda r: b.record(D.INPUTS, r, "inputs"),
                "metrics": lambda r: _metrics(b, r), "grades": lambda r: b.record(D.GRADES, r, "grades"),
                "examples": lambda r: _examples(b, r)}
    tables = {"items": D.ITEMS, "inputs": D.INPUTS, "metrics": D.METRICS, "grades": D.GRADES, "examples": D.EXAMPLES}
    for key, build in optional.items():
        value = build(rows.get(tables[key].table, []))
        if value:                                   # an empty sheet: the key is absent, as in the file
            data[key] = value
    return _ordered(data), b


def _path(base: str, steps: list) -> str:
    from .paths import join
    path = base
    for step in steps:
        path = join(path, step)
    return path


def _metrics(b: Builder, rows: list[Row]) -> dict:
    nodes: dict[str, dict[str, Row]] = {}
    for row in rows:
        name = b.value(D.METRICS.field("name"), row, "")
        node = row.values.get("node")
        if name is None:
            continue
        node = str(number(node)) if node is not None else ""
        if not node.strip():
            b.bad(row.cells["node"], "“节点”不能为空（指标本身为1）")
            continue
        if node in nodes.setdefault(name, {}):
            b.bad(row.cells["node"], f"指标“{name}”的节点{node}重复")
            continue
        nodes[name][node] = row
    out = {}
    for name, by_node in nodes.items():
        b.where[f"metrics.{name}"] = next(iter(by_node.values())).cells["name"]
        if "1" not in by_node:
            b.bad(next(iter(by_node.values())).cells["node"], f"指标“{name}”缺少节点1（指标本身）")
            continue
        tree = _tree(b, name, by_node, "1", set())
        if tree is not None:
            out[name] = tree
    return out


def _tree(b: Builder, name: str, by_node: dict, node: str, used: set):
    row = by_node[node]
    used.add(node)
    op = b.value(D.METRICS.field("op"), row, f"metrics.{name}")
    args = []
    for key in D.TREE_ARGS:
        raw = row.values.get(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        if isinstance(raw, str) and raw.strip().startswith(D.NODE_PREFIX):
            child = raw.strip()[len(D.NODE_PREFIX):]
            if child not in by_node or child in used:
                b.bad(row.cells[key], f"指标“{name}”引用的{raw.strip()}不存在或重复引用")
                return None
            sub = _tree(b, name, by_node, child, used)
            if sub is None:
                return None
            args.append(sub)
        else:
            args.append(leaf(number(raw)))
    if op is None:
        if len(args) != 1:
            b.bad(row.cells["op"], f"指标“{name}”节点{node}：有{len(args)}个运算对象时应选择运算")
            return None
        return args[0]
    if op == "abs":
        if len(args) != 1:
            b.bad(row.cells["arg1"], f"指标“{name}”节点{node}：绝对值只取一个运算对象")
            return None
        return {"abs": args[0]}
    return {op: args}


def _examples(b: Builder, rows: list[Row]) -> list[dict]:
    out: dict[str, dict] = {}
    for row in rows:
        name = b.value(D.EXAMPLES.field("example"), row, "")
        part = b.value(D.EXAMPLES.field("part"), row, "")
        key = b.value(D.EXAMPLES.field("name"), row, "")
        if name is None or part is None or key is None:
            continue
        example = out.setdefault(name, {"name": name})
        i = list(out).index(name)
        b.where.setdefault(f"examples[{i}]", row.cells["example"])
        target = example.setdefault(part, {})
        value = leaf(number(row.values.get("value")))
        if part == "tables":
            try:
                steps = parse(str(key))
            except PathError as exc:
                b.bad(row.cells["name"], str(exc))
                continue
        else:
            steps = [str(key)]
        problem = place(target, steps, value)
        b.where[_path(f"examples[{i}].{part}", steps)] = row.cells["value"]
        if problem:
            b.bad(row.cells["name"], f"算例“{name}”的“{key}”：{problem}")
    return list(out.values())


TOP_ORDER = ("format", "id", "title", "region", "source", "version", "year", "scope", "total", "locked", "grades",
             "groups", "items", "inputs", "metrics", "lines", "examples")


def _ordered(data: dict) -> dict:
    return {**{k: data[k] for k in TOP_ORDER if k in data}, **{k: v for k, v in data.items() if k not in TOP_ORDER}}
