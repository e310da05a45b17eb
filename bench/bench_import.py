"""Import cost of the button's entry module versus ``import xlwings`` alone.

The 重新计算 button starts a fresh Python on every click and imports
``perfeval.excel``.  This measures, in fresh interpreters, the best of N imports of
each (interpreter start-up subtracted) and prints the ratio measured in this run
(target ≤ 1.3).  Run: ``python bench/bench_import.py``.

Both sides are measured as on a clerk's PC: from byte-compiled modules (pip compiles
xlwings at install; perfeval is compiled here first, since this machine sets
PYTHONDONTWRITEBYTECODE and would otherwise recompile perfeval's source on every run).
"""
import argparse
import compileall
import subprocess
import sys
import time


def cost(statement: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    import perfeval
    from pathlib import Path
    compileall.compile_dir(str(Path(perfeval.__file__).parent), quiet=1)
    base = cost("pass", args.runs)
    xlwings = cost("import xlwings", args.runs) - base
    entry = cost("import xlwings, perfeval.excel", args.runs) - base
    ratio = entry / xlwings
    print(f"interpreter start-up       {base * 1000:7.1f} ms")
    print(f"import xlwings             {xlwings * 1000:7.1f} ms")
    print(f"import perfeval.excel      {entry * 1000:7.1f} ms (including xlwings, which it uses)")
    print(f"ratio {ratio:.2f} (target <= 1.3): {'met' if ratio <= 1.3 else 'NOT met'}")


if __name__ == "__main__":
    main()
