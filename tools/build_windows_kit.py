"""Build the offline Windows install kit from this checkout, without installing perfeval first.

    python tools/build_windows_kit.py 离线安装包 [--python 3.12 ...]

Needs Python (3.7+) with pip and an internet connection — nothing else: this checkout's code is
imported from src/, and the ``packaging`` library comes from pip's own copy when it is not
installed.  The kit is the same as ``perfeval bundle-windows`` makes (perfeval.install.kits):
perfeval's wheel built from this folder, every win_amd64 wheel an install needs for each Python
version with markers evaluated as on Windows, 安装.cmd and 说明.txt.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))            # this checkout's perfeval


def _packaging() -> None:
    """``packaging``, or pip's vendored copy of it (the same library) under its own name."""
    import importlib
    try:
        importlib.import_module("packaging.tags")
    except ImportError:
        for name in ("", ".version", ".specifiers", ".markers", ".requirements", ".tags", ".utils"):
            sys.modules["packaging" + name] = importlib.import_module("pip._vendor.packaging" + name)


_packaging()

from perfeval.errors import PerfevalError  # noqa: E402
from perfeval.install.kits import WINDOWS_PYTHONS, bundle_windows  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成 perfeval 的 Windows 离线安装包（无需先安装 perfeval）")
    parser.add_argument("directory", help="安装包文件夹")
    parser.add_argument("--python", dest="versions", action="append", help="目标 Python 版本（可多次给出）")
    args = parser.parse_args(argv)
    try:
        wheels = bundle_windows(Path(args.directory), ROOT, versions=tuple(args.versions or WINDOWS_PYTHONS))
    except PerfevalError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(f"已生成离线安装包：{args.directory}（{len(wheels)}个安装文件）。把整个文件夹复制到办公电脑，双击“安装.cmd”。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
