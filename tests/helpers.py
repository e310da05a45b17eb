"""Test helpers: build departments from the sample tables with targeted changes."""
from __future__ import annotations

from decimal import Decimal

from perfeval import layout as L
from perfeval.scoring.engine import score
from perfeval.scoring.inputs import RawTable, department_from_tables, raw_table
from perfeval.samples import hongqi

D = Decimal


def set_value(tables: dict[str, RawTable], table: str, label: str, value) -> None:
    """Set the value cell of a key-value table row by its label."""
    raw = tables[table]
    declared = L.TABLES_BY_NAME[table]
    col = next(i for i, c in enumerate(declared.columns) if i > 0 and not c.is_output)   # 本县取值 in 评分参数
    for row in raw.rows:
        if row[0] == label:
            row[col] = value
            return
    raise KeyError(label)


def set_rows(tables: dict[str, RawTable], table: str, records: list[dict]) -> None:
    tables[table] = raw_table(L.TABLES_BY_NAME[table], records)


def monthly(budget, months) -> list[dict]:
    rec = {"支出项目": "合计", "全年预算数（万元）": budget}
    rec.update(dict(zip(L.MONTH_HEADERS, months)))
    return [rec]


def indicator(obj="部门整体", level2="数量指标", name="指标", direction="≥", target="10", actual="10", unit="") -> dict:
    return {"指标对象": obj, "一级指标": "产出指标", "二级指标": level2, "三级指标": name,
            "指标方向": direction, "目标值": target, "计量单位": unit, "实际完成值": actual}


def run(tables):
    return score(department_from_tables(tables))


def base():
    """红旗镇 with every line full (its two deductions removed)."""
    t = hongqi()
    set_value(t, "Qualitative", "建立预算绩效挂钩机制", "是")
    set_rows(t, "MonthlySpending", monthly(D(100), [D(10)] * 10))
    return t


def pyproject() -> dict:
    """pyproject.toml, parsed (tomllib from Python 3.11, tomli before it)."""
    from pathlib import Path
    try:
        import tomllib
    except ImportError:                       # Python < 3.11
        import tomli as tomllib
    return tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))


def pyenv_python(version: str):
    """pyenv's newest Python ``version`` (e.g. "3.7") on this machine, or None."""
    import os
    import shutil
    import subprocess
    from pathlib import Path
    roots = [os.environ.get("PYENV_ROOT"), str(Path.home() / ".pyenv")]
    if shutil.which("pyenv"):
        out = subprocess.run(["pyenv", "root"], capture_output=True, text=True)
        roots.insert(0, out.stdout.strip() if out.returncode == 0 else None)
    for root in filter(None, roots):
        found = sorted(Path(root, "versions").glob(version + ".*"),
                       key=lambda p: [int(x) for x in p.name.split(".")[2:3] if x.isdigit()])
        found = [p / "bin" / "python" for p in found if (p / "bin" / "python").exists()]
        if found:
            return str(found[-1])
    return None


def oldest_supported() -> str:
    """The floor of requires-python ("3.7")."""
    import re
    return re.search(r">=\s*(\d+\.\d+)", pyproject()["project"]["requires-python"]).group(1)


def fake_wheel(folder, filename: str, *requires: str, python: str = "", files: dict | None = None):
    """A minimal real wheel: name and version (from the file name), Requires-Python, Requires-Dist and
    any files, for the kit resolver and the .pyz builder."""
    import zipfile
    name, version = filename.split("-")[:2]
    path = folder / filename
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n" + (f"Requires-Python: {python}\n" if python else "") \
        + "".join(f"Requires-Dist: {r}\n" for r in requires)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{name}-{version}.dist-info/METADATA", meta)
        for inner, text in (files or {}).items():
            zf.writestr(inner, text)
    return path
