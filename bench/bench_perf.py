"""The four performance figures, as a clerk's PC would see them — whole processes, installed code.

1. ``perfeval recalc`` ÷ ``openpyxl.load_workbook(keep_vba=True)`` + ``save`` of the same file, on the
   红旗镇 sample and on a large book written the way a script writes one (2,000 projects, 20,000
   indicators, 2,000 monthly rows: perfeval's template filled, then loaded and saved by openpyxl, which
   leaves inline strings of ``&#NNNNN;`` character references): goal < 0.4.
2. The click's import, ``import xlwings, perfeval.excel`` ÷ ``import xlwings`` (interpreter start-up
   subtracted), on a clerk's install (no pandas: xlwings then imports little, which shows perfeval's own
   cost) and on the development install (with pandas, which xlwings imports too): goal ≤ 1.10 on the clerk's.
3. Peak RSS of ``perfeval recalc`` ÷ openpyxl's round trip at 10,000 and 100,000 indicator rows: goal ≤ 0.5
   at 100,000; time and memory per row roughly constant (linear).
4. ``perfeval report`` ÷ ``perfeval score`` on the 红旗镇 sample: goal ≤ 2.

A "clerk's install" is a virtual environment with ``pip install <this checkout> openpyxl xlwings`` and no
pandas — what ``pip install perfeval`` leaves on a PC (openpyxl only as the yardstick; xlwings pinned as in
pyproject.toml).  The script builds one in a temporary folder unless ``--clerk PYTHON`` names one; the
development install is the interpreter running this script (``pip install -e '.[test]'``: pandas present).
Both are byte-compiled first, because this machine sets PYTHONDONTWRITEBYTECODE and a clerk's ``pip
install`` compiles.  Each pair runs alternately in fresh processes (``--runs`` times); the figure is the
median of the pair-by-pair ratios, with their range.  Peak memory is the child's ``ru_maxrss``; Linux carries
that high-water mark across fork and exec, so the benchmark's own process stays small (workbooks are built
in separate processes) and its size is printed as the floor of every figure.

Run: ``python bench/bench_perf.py`` (``--runs 21`` for the closing figures; ``--only 1 4`` for some).
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

ROOT = Path(__file__).resolve().parents[1]
OPENPYXL = "import sys, openpyxl; wb = openpyxl.load_workbook(sys.argv[1], keep_vba=True); wb.save(sys.argv[1])"
XLWINGS_PIN = "xlwings>=0.37.8,<0.38"


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


def make_book(path: Path, projects: int, indicators: int, monthly: int, via_openpyxl: bool) -> None:
    """(In a child process.)  The sample (``projects`` 0) or a large book; ``via_openpyxl``: then loaded and
    saved by openpyxl, as a script that fills the template would leave it."""
    from perfeval.samples import hongqi
    from perfeval.xlsx.workbook import new_template
    new_template(path, hongqi() if projects == 0 else big_tables(projects, indicators, monthly))
    if via_openpyxl:
        import openpyxl
        openpyxl.load_workbook(path, keep_vba=True).save(path)


def make(python: str, path: Path, projects: int, indicators: int, monthly: int, via_openpyxl: bool) -> Path:
    """Build a workbook in a separate process, so that this process stays small (see above)."""
    subprocess.run([python, __file__, "--make", str(path), str(projects), str(indicators), str(monthly),
                    str(int(via_openpyxl))], check=True)
    return path


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read()
    proc.wait()
    if status != 0:
        raise SystemExit(f"failed ({status}): {' '.join(cmd)}\n{err.decode('utf-8', 'replace')}")
    return wall, usage.ru_maxrss / 1024


class Pairs:
    """A and B run alternately; the ratio is taken pair by pair."""

    def __init__(self, cmd_a, cmd_b, runs: int, reset=None):
        self.a, self.b, self.ma, self.mb = [], [], [], []
        for _ in range(runs):
            for cmd, times, peaks in ((cmd_a, self.a, self.ma), (cmd_b, self.b, self.mb)):
                if reset:
                    reset()
                t, m = run(cmd)
                times.append(t)
                peaks.append(m)

    def ratios(self, base: float = 0.0) -> list[float]:
        return [(a - base) / (b - base) for a, b in zip(self.a, self.b)]


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def verdict(value: float, goal: float, below: bool = False) -> str:
    ok = value < goal if below else value <= goal
    return f"{'met' if ok else 'NOT met'} ({'<' if below else '≤'} {goal})"


def recalc_vs_openpyxl(python: str, name: str, source: Path, tmp: Path, runs: int) -> None:
    work = tmp / f"w-{source.name}"

    def reset():
        shutil.copy(source, work)
    p = Pairs([python, "-m", "perfeval", "recalc", str(work)], [python, "-c", OPENPYXL, str(work)], runs, reset)
    ratios = p.ratios()
    print(f"  {name:<52} recalc {statistics.median(p.a) * 1000:7.0f} ms  openpyxl {statistics.median(p.b) * 1000:7.0f} ms"
          f"  ratio {spread(ratios)}  {verdict(statistics.median(ratios), 0.4, below=True)}")


def click_import(python: str, label: str, runs: int) -> None:
    base = statistics.median(Pairs([python, "-c", "pass"], [python, "-c", "pass"], runs).a)
    p = Pairs([python, "-c", "import xlwings, perfeval.excel"], [python, "-c", "import xlwings"], runs)
    ratios = p.ratios(base)
    pandas = subprocess.run([python, "-c", "import xlwings, sys; print('pandas' in sys.modules)"],
                            capture_output=True, text=True).stdout.strip() == "True"
    print(f"  {label:<28} (xlwings imports pandas: {'yes' if pandas else 'no'})  perfeval.excel + xlwings "
          f"{1000 * (statistics.median(p.a) - base):6.1f} ms, xlwings {1000 * (statistics.median(p.b) - base):6.1f} ms,"
          f" ratio {spread(ratios)}")
    return statistics.median(ratios)


def memory(python: str, rows: int, source: Path, tmp: Path) -> tuple[float, float, float]:
    work = tmp / f"m{rows}.xlsm"
    shutil.copy(source, work)
    t_a, m_a = run([python, "-m", "perfeval", "recalc", str(work)])
    shutil.copy(source, work)
    t_b, m_b = run([python, "-c", OPENPYXL, str(work)])
    print(f"  {rows:>7,} indicator rows: recalc peak {m_a:6.0f} MiB, openpyxl {m_b:6.0f} MiB, ratio {m_a / m_b:.2f};"
          f" recalc {t_a:6.2f} s = {t_a / rows * 1e6:6.1f} µs and {m_a / rows * 1024:5.1f} KiB per row")
    return m_a / m_b, t_a, m_a


def report_vs_score(python: str, sample: Path, tmp: Path, runs: int) -> None:
    out = tmp / "report.docx"
    p = Pairs([python, "-m", "perfeval", "report", str(sample), "-o", str(out)],
              [python, "-m", "perfeval", "score", str(sample)], runs)
    ratios = p.ratios()
    print(f"  report {statistics.median(p.a) * 1000:5.0f} ms, score {statistics.median(p.b) * 1000:5.0f} ms,"
          f" ratio {spread(ratios)}  {verdict(statistics.median(ratios), 2)}")


def compile_install(python: str) -> str:
    """Byte-compile perfeval and its site-packages (as pip does); return where perfeval is."""
    code = ("import compileall, os, sys, sysconfig, perfeval; d = os.path.dirname(perfeval.__file__); "
            "compileall.compile_dir(d, quiet=1); compileall.compile_dir(sysconfig.get_paths()['purelib'], quiet=2); print(d)")
    return subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def clerk_install(tmp: Path) -> str:
    """A fresh virtual environment with this checkout installed as a clerk's pip would (no pandas)."""
    env = tmp / "clerk"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    python = str(env / ("Scripts" if os.name == "nt" else "bin") / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", str(ROOT), "openpyxl", XLWINGS_PIN], check=True)
    return python


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--clerk", help="the clerk's install: its python (default: built in a temporary folder)")
    parser.add_argument("--memory-rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--only", type=int, nargs="+", default=[1, 2, 3, 4], help="which figures (1–4)")
    parser.add_argument("--make", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        path, projects, indicators, monthly, via = args.make
        make_book(Path(path), int(projects), int(indicators), int(monthly), via == "1")
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        clerk = args.clerk or clerk_install(tmp)
        dev = sys.executable
        where = {label: compile_install(py) for label, py in (("clerk", clerk), ("dev", dev))}
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}, {platform.system()}; clerk's install {clerk} (perfeval from {where['clerk']}),"
              f" development install {dev} (perfeval from {where['dev']}); this process "
              f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB (memory floor)")
        sample = make(clerk, tmp / "hongqi.xlsm", 0, 0, 0, False)
        if 1 in args.only:
            print("1. recalc ÷ openpyxl load+save, clerk's install (median of pair-by-pair ratios, range)")
            big = make(clerk, tmp / "large.xlsm", 2000, 20000, 2000, True)
            recalc_vs_openpyxl(clerk, "红旗镇 2023 sample", sample, tmp, args.runs)
            recalc_vs_openpyxl(clerk, "large, written by openpyxl (2,000 projects, 20,000 indicators)", big, tmp,
                               max(3, args.runs // 2))
        if 2 in args.only:
            print("2. click import ÷ import xlwings (start-up subtracted; median of pair-by-pair ratios, range)")
            ratio = click_import(clerk, "clerk's install", args.runs * 3)
            click_import(dev, "development install", args.runs * 3)
            print(f"  clerk's install: {verdict(ratio, 1.10)}")
        if 3 in args.only:
            print("3. peak memory and linearity, clerk's install")
            figures = [memory(clerk, rows, make(clerk, tmp / f"rows{rows}.xlsm", 200, rows, 12, False), tmp)
                       for rows in args.memory_rows]
            print(f"  at {args.memory_rows[-1]:,} rows: {verdict(figures[-1][0], 0.5)}")
        if 4 in args.only:
            print("4. report ÷ score, 红旗镇 sample, clerk's install")
            report_vs_score(clerk, sample, tmp, args.runs)


if __name__ == "__main__":
    main()
