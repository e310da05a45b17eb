"""The three performance ratios, as a clerk's PC would see them — whole processes, installed code.

1. ``perfeval recalc`` ÷ ``openpyxl.load_workbook(keep_vba=True)`` + ``save`` of the same file, for the
   红旗镇 sample and a large book (2,000 projects, 20,000 indicators, 2,000 monthly rows): goal < 0.5.
2. ``import perfeval.excel`` (+ xlwings, which the click needs) ÷ ``import xlwings``: goal ≤ 1.15.
3. Peak RSS of ``perfeval recalc`` ÷ openpyxl's round trip at 10,000 and 100,000 indicator rows: goal ≤ 1,
   and recalc time per row roughly constant (linear).

Each pair runs alternately in fresh processes (``--runs`` times) and the medians are compared.  Peak
memory is the child's ``ru_maxrss``; Linux carries that high-water mark across fork and exec, so the
benchmark's own process stays small (workbooks are built in separate processes) and its size is printed
as the floor of every figure.  The package is byte-compiled first, because this machine sets PYTHONDONTWRITEBYTECODE and a clerk's
``pip install`` compiles.  Run: ``python bench/bench_perf.py`` (use a non-editable install).
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

OPENPYXL = "import sys, openpyxl; wb = openpyxl.load_workbook(sys.argv[1], keep_vba=True); wb.save(sys.argv[1])"


def big_tables(projects: int, indicators: int, monthly: int) -> dict:
    from perfeval import layout as L
    from perfeval.samples import hongqi
    from perfeval.scoring.inputs import raw_table
    t = hongqi()
    t["Projects"] = raw_table(L.PROJECTS, [
        {"项目名称": f"项目{i:04d}", "资金来源": "一般公共预算", "预算数（万元）": Decimal(i % 97 + 1),
         "实际支出（万元）": Decimal(i % 97 + 1) * Decimal("0.95"), "纳入绩效目标管理": "是"} for i in range(projects)])
    t["Indicators"] = raw_table(L.INDICATORS, [
        {"指标对象": f"项目{i % max(projects, 1):04d}", "一级指标": "产出指标", "二级指标": "数量指标",
         "三级指标": f"指标{i}", "指标方向": "≥", "目标值": str(10 + i % 50), "计量单位": "个",
         "实际完成值": str(10 + i % 50 + i % 7)} for i in range(indicators)])
    months = {h: Decimal("0.5") for h in L.MONTH_HEADERS}
    t["MonthlySpending"] = raw_table(L.MONTHLY, [
        {"支出项目": f"支出{i}", "全年预算数（万元）": Decimal(6), **months} for i in range(monthly)])
    return t


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, _, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.wait()
    return wall, usage.ru_maxrss / 1024


def paired(cmd_a: list[str], cmd_b: list[str], runs: int, reset=None) -> tuple[float, float, float, float]:
    a, b, ma, mb = [], [], [], []
    for _ in range(runs):
        if reset:
            reset()
        t, m = run(cmd_a)
        a.append(t)
        ma.append(m)
        if reset:
            reset()
        t, m = run(cmd_b)
        b.append(t)
        mb.append(m)
    return statistics.median(a), statistics.median(b), max(ma), max(mb)


def recalc_vs_openpyxl(name: str, source: Path, tmp: Path, runs: int) -> float:
    work = tmp / f"w-{source.name}"

    def reset():
        shutil.copy(source, work)
    ta, tb, ma, mb = paired([sys.executable, "-m", "perfeval", "recalc", str(work)],
                            [sys.executable, "-c", OPENPYXL, str(work)], runs, reset)
    ratio = ta / tb
    print(f"  {name:<46} recalc {ta * 1000:8.0f} ms  openpyxl {tb * 1000:8.0f} ms  ratio {ratio:.2f}"
          f"  {'met' if ratio < 0.5 else 'NOT met'} (< 0.5)")
    return ratio


def memory(rows: int, source: Path, tmp: Path) -> tuple[float, float, float]:
    work = tmp / f"m{rows}.xlsm"
    shutil.copy(source, work)
    t_a, m_a = run([sys.executable, "-m", "perfeval", "recalc", str(work)])
    shutil.copy(source, work)
    _, m_b = run([sys.executable, "-c", OPENPYXL, str(work)])
    print(f"  {rows:>7,} indicator rows: recalc peak {m_a:6.0f} MiB, openpyxl {m_b:6.0f} MiB, ratio {m_a / m_b:.2f}"
          f"  {'met' if m_a <= m_b else 'NOT met'} (<= 1); recalc {t_a:6.2f} s = {t_a / rows * 1e6:6.1f} µs per row")
    return m_a / m_b, t_a, m_a


def make(path: Path, projects: int, indicators: int, monthly: int) -> Path:
    """Build a workbook in a separate process, so that this process stays small (see above)."""
    subprocess.run([sys.executable, __file__, "--make", str(path), str(projects), str(indicators), str(monthly)],
                   check=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--memory-rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--make", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        from perfeval.samples import hongqi
        from perfeval.xlsx.workbook import new_template
        path, projects, indicators, monthly = args.make
        tables = hongqi() if int(projects) == 0 else big_tables(int(projects), int(indicators), int(monthly))
        new_template(Path(path), tables)
        return
    subprocess.run([sys.executable, "-c", "import compileall, perfeval, os; "
                    "compileall.compile_dir(os.path.dirname(perfeval.__file__), quiet=1)"], check=True)
    perfeval_dir = subprocess.run([sys.executable, "-c", "import perfeval, os; print(os.path.dirname(perfeval.__file__))"],
                                  capture_output=True, text=True).stdout.strip()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.system()}; perfeval from {perfeval_dir}; "
          f"this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (memory floor)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        print("1. recalc ÷ openpyxl load+save (medians of paired whole-process runs)")
        sample = make(tmp / "hongqi.xlsm", 0, 0, 0)
        big = make(tmp / "large.xlsm", 2000, 20000, 2000)
        recalc_vs_openpyxl("红旗镇 2023 sample", sample, tmp, args.runs)
        recalc_vs_openpyxl("large (2,000 projects, 20,000 indicators)", big, tmp, max(3, args.runs // 2))
        print("2. click-path import ÷ import xlwings (medians, interpreter start-up subtracted)")
        base = paired([sys.executable, "-c", "pass"], [sys.executable, "-c", "pass"], args.runs * 3)[0]
        entry, xlw, _, _ = paired([sys.executable, "-c", "import xlwings, perfeval.excel"],
                                  [sys.executable, "-c", "import xlwings"], args.runs * 3)
        ratio = (entry - base) / (xlw - base)
        print(f"  import perfeval.excel + xlwings {1000 * (entry - base):6.1f} ms, xlwings {1000 * (xlw - base):6.1f} ms,"
              f" ratio {ratio:.2f}  {'met' if ratio <= 1.15 else 'NOT met'} (<= 1.15)")
        print("3. peak memory and linearity")
        for rows in args.memory_rows:
            book = make(tmp / f"rows{rows}.xlsm", 200, rows, 12)
            memory(rows, book, tmp)


if __name__ == "__main__":
    main()
