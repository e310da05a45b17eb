"""The county roll-up at scale: in-process `summary` against one `perfeval score` process per file,
`--jobs 2` against `--jobs 1`, and peak memory as the number of workbooks grows.

Run: ``python bench/bench_summary.py [--counts 200 2000] [--processes 200]``.  Workbooks are copies of
the 红旗镇 sample with their 单位名称 changed (so none is a duplicate); the installed perfeval is used.
Peak memory is the maximum resident set of the child process that ran the summary (``ru_maxrss``).
"""
from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbook_templates" / "红旗镇2023自评.xlsm"


def make_folder(folder: Path, count: int) -> None:
    from perfeval.samples import hongqi
    from perfeval.xlsx.workbook import fill_workbook
    folder.mkdir(parents=True, exist_ok=True)
    first = folder / "单位0000.xlsm"
    t = hongqi()
    t["Info"].rows[0][1] = "单位0000"
    fill_workbook(SAMPLE, {"Info": t["Info"]}, out=first)
    for i in range(1, count):
        t["Info"].rows[0][1] = f"单位{i:04d}"
        fill_workbook(first, {"Info": t["Info"]}, out=folder / f"单位{i:04d}.xlsm")


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def summary_cmd(folder: Path, jobs: int, out: Path) -> list[str]:
    return [sys.executable, "-m", "perfeval", "summary", str(folder), "-o", str(out), "--jobs", str(jobs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--processes", type=int, default=200, help="files scored one process each")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        results = {}
        for count in args.counts:
            folder = tmp / f"n{count}"
            make_folder(folder, count)
            one, mem1 = timed(summary_cmd(folder, 1, tmp / "one.xlsx"))
            two, mem2 = timed(summary_cmd(folder, 2, tmp / "two.xlsx"))
            results[count] = (one, two, mem1)
            print(f"{count:5d} workbooks: summary --jobs 1 {one:6.2f} s ({one / count * 1000:5.1f} ms each, "
                  f"peak {mem1:5.0f} MiB); --jobs 2 {two:6.2f} s = {two / one:.2f} x --jobs 1")
        n = min(args.processes, min(args.counts))
        folder = tmp / f"n{min(args.counts)}"
        files = sorted(folder.glob("*.xlsm"))[:n]
        start = time.perf_counter()
        for f in files:
            subprocess.run([sys.executable, "-m", "perfeval", "score", str(f)], check=True, stdout=subprocess.DEVNULL)
        separate = time.perf_counter() - start
        one = results[min(args.counts)][0] * n / min(args.counts)
        print(f"{n} separate `perfeval score` processes: {separate:6.2f} s = {separate / one:.1f} x in-process summary")
        big = max(args.counts)
        per_file = results[big][0] / big
        print(f"projection: 10,000 workbooks ≈ {per_file * 10_000 / 60:.1f} min with --jobs 1, "
              f"≈ {results[big][1] / big * 10_000 / 60:.1f} min with --jobs 2 on this machine")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
