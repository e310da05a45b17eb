"""The xlwings range in pyproject.toml matches the VBA module embedded in the bundled workbooks."""
import re
import sys
import tomllib
from pathlib import Path

from oletools.olevba import VBA_Parser
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]


def pinned() -> Requirement:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return next(Requirement(r) for r in project["dependencies"] if r.startswith("xlwings"))


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


def test_requires_python_admits_no_version_xlwings_rejects():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    ours = SpecifierSet(project["requires-python"])
    assert not ours.contains("3.10") and ours.contains(f"{sys.version_info.major}.{sys.version_info.minor}")


def test_the_installed_xlwings_is_the_embedded_one():
    import xlwings
    assert pinned().specifier.contains(xlwings.__version__)
