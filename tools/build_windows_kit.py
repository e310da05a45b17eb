"""Build the offline Windows install kit from this checkout, without installing perfeval first.

    python tools/build_windows_kit.py 离线安装包 [--python 3.12 ...] [--dry-run]

Needs only Python (3.9+) with pip and an internet connection: perfeval's own wheel is built from
this folder, the win_amd64 wheels of its dependencies are downloaded for each Python version, and
安装.cmd / 说明.txt are written (the same kit as ``perfeval bundle-windows``).  ``--dry-run`` prints
the pip commands instead of running them.  The folder is then copied to the office PC as it is.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))            # this checkout's perfeval, standard library only here

from perfeval.excel.windows import PYTHON_VERSIONS, bundle  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成 perfeval 的 Windows 离线安装包（无需先安装 perfeval）")
    parser.add_argument("directory", help="安装包文件夹")
    parser.add_argument("--python", dest="versions", action="append", help="目标 Python 版本（可多次给出）")
    parser.add_argument("--dry-run", action="store_true", help="只列出将要运行的 pip 命令")
    args = parser.parse_args(argv)

    def run(command, check=True):
        if args.dry_run:
            print(" ".join(command))
            return None
        import subprocess
        return subprocess.run(command, check=check)
    wheels = bundle(Path(args.directory), ROOT, versions=tuple(args.versions or PYTHON_VERSIONS), run=run)
    print(f"已生成离线安装包：{args.directory}（{len(wheels)}个安装文件）。把整个文件夹复制到办公电脑，双击“安装.cmd”。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
