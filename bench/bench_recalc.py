"""perfeval recalc versus a plain openpyxl load-and-save of the same workbook.

Run: ``python bench/bench_recalc.py``.  Prints, for the 红旗镇 sample and for a large
generated workbook (2,000 projects, 20,000 indicators), the best of N runs of each and
their ratio measured in this one run (target: recalc faster, ratio < 1).
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import openpyxl

from perfeval import layout as L
from perfeval.scoring.inputs import raw_table
from perfeval.samples import hongqi
from perfeval.xlsx.workbook import new_template, recalc


def large_tables(projects: int = 2000, indicators: int = 20000) -> dict:
    t = hongqi()
    t["Projects"] = raw_table(L.PROJECTS, [
        {"项目名称": f"项目{i:04d}", "资金来源": "一般公共预算", "预算数（万元）": Decimal(i % 97 + 1),
         "实际支出（万元）": Decimal(i % 97 + 1) * Decimal("0.95"), "纳入绩效目标管理": "是"} for i in range(projects)])
    t["Indicators"] = raw_table(L.INDICATORS, [
        {"指标对象": f"项目{i % projects:04d}", "一级指标": "产出指标", "二级指标": "数量指标",
         "三级指标": f"指标{i}", "指标方向": "≥", "目标值": str(10 + i % 50), "计量单位": "个",
         "实际完成值": str(10 + i % 50 + i % 7)} for i in range(indicators)])
    return t


def best(fn, copies: list[Path]) -> float:
    times = []
    for path in copies:
        start = time.perf_counter()
        fn(path)
        times.append(time.perf_counter() - start)
    return min(times)


def openpyxl_round_trip(path: Path) -> None:
    wb = openpyxl.load_workbook(path, keep_vba=True)
    wb.save(path)


def compare(name: str, source: Path, runs: int, tmp: Path) -> float:
    def copies(tag):
        out = []
        for i in range(runs):
            p = tmp / f"{tag}{i}.xlsm"
            shutil.copy(source, p)
            out.append(p)
        return out
    t_recalc = best(recalc, copies("r"))
    t_openpyxl = best(openpyxl_round_trip, copies("o"))
    ratio = t_recalc / t_openpyxl
    print(f"{name:<32} perfeval recalc {t_recalc * 1000:9.1f} ms   openpyxl load+save {t_openpyxl * 1000:9.1f} ms"
          f"   ratio {ratio:.2f}")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--indicators", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sample = new_template(tmp / "hongqi.xlsm", hongqi())
        big = new_template(tmp / "large.xlsm", large_tables(args.projects, args.indicators))
        print(f"large workbook: {big.stat().st_size / 1e6:.1f} MB")
        ratios = [compare("红旗镇 2023 sample", sample, args.runs, tmp),
                  compare(f"large ({args.projects} projects, {args.indicators} indicators)", big, args.runs, tmp)]
    print("target met" if all(r < 1 for r in ratios) else "target NOT met")


if __name__ == "__main__":
    main()
