"""The xlwings range in pyproject.toml matches the VBA module embedded in the bundled workbooks."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from oletools.olevba import VBA_Parser
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from helpers import pyproject

ROOT = Path(__file__).resolve().parents[1]
VENDORED = ROOT / "macros" / "xlwings"


def pinned() -> Requirement:
    return next(Requirement(r) for r in pyproject()["project"]["dependencies"] if r.startswith("xlwings"))


def embedded_versions() -> set[str]:
    found = set()
    for book in sorted((ROOT / "workbook_templates").glob("*.xlsm")):
        for _, _, name, code in VBA_Parser(str(book)).extract_macros():
            m = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', code)
            if m:
                found.add(m.group(1))
    return found


def test_embedded_xlwings_module_is_inside_the_pinned_range():
    versions = embedded_versions()
    assert versions == {"0.37.8"}, versions
    spec = pinned().specifier
    assert all(spec.contains(v) for v in versions), (spec, versions)
    assert not spec.contains("0.38.0") and not spec.contains("0.36.0")     # a range, not "anything newer"


def _env(system: str, python: str) -> dict:
    return {"platform_system": system, "python_version": python, "python_full_version": python + ".0",
            "sys_platform": {"Windows": "win32", "Darwin": "darwin"}.get(system, "linux"), "os_name": "nt" if system == "Windows" else "posix",
            "platform_machine": "AMD64", "platform_python_implementation": "CPython", "implementation_name": "cpython"}


def test_xlwings_is_asked_for_only_where_excel_can_exist_and_xlwings_installs():
    req = pinned()
    ours = SpecifierSet(pyproject()["project"]["requires-python"])
    assert ours.contains("3.7") and ours.contains(f"{sys.version_info.major}.{sys.version_info.minor}")
    for python in ("3.11", "3.12", "3.13"):
        assert req.marker.evaluate(_env("Windows", python)) and req.marker.evaluate(_env("Darwin", python))
    for python in ("3.7", "3.8", "3.10"):             # xlwings 0.37 needs 3.11: recalc and the icon still work
        assert not req.marker.evaluate(_env("Windows", python))
    for python in ("3.7", "3.8", "3.13"):             # 信创 desktops (UOS, Kylin): no Excel
        assert not req.marker.evaluate(_env("Linux", python))


def test_the_vendored_vba_is_the_pinned_xlwings_release():
    text = (VENDORED / "xlwings.bas").read_bytes().decode("cp1252")
    version = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', text).group(1)
    assert pinned().specifier.contains(version), version
    assert (VENDORED / "LICENSE.txt").read_bytes().startswith(b"xlwings (Open Source)")


def test_the_installed_xlwings_is_the_vendored_one():
    xlwings = pytest.importorskip("xlwings", reason="xlwings installs on Python 3.11+ only")
    assert pinned().specifier.contains(xlwings.__version__)
    root = Path(xlwings.__file__).parent
    assert (root / "xlwings.bas").read_bytes() == (VENDORED / "xlwings.bas").read_bytes()
    assert (root / "addin" / "Dictionary.cls").read_bytes() == (VENDORED / "Dictionary.cls").read_bytes()
