"""Golden comparison of the parts a recalculation writes (XlsxWriter test-suite style).

The output sheets of the recalculated 红旗镇 sample are unzipped, reduced to one line per
non-empty cell (address, type, value — style indexes and other volatile attributes dropped)
and compared with tests/golden/*.txt.  After an intended change, regenerate with
``PERFEVAL_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and review the diff.
"""
from __future__ import annotations

import os
import re
import zipfile
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from perfeval import sheets as S
from perfeval.xlsx.workbook import recalc
from perfeval.xlsx.package import NS, Package
from wbtools import samples

GOLDEN = Path(__file__).parent / "golden"
M = f"{{{NS}}}"


def cell_lines(xml: bytes, shared: list[str]) -> list[str]:
    lines = []
    for c in ET.fromstring(xml).iter(f"{M}c"):
        f, v, t = c.find(f"{M}f"), c.find(f"{M}v"), c.get("t", "n")
        text = "".join(x.text or "" for x in c.iter(f"{M}t")) if t == "inlineStr" else (v.text if v is not None else None)
        if text is None and f is None:
            continue
        if t == "s":
            t, text = "shared", shared[int(text)]
        line = f"{c.get('r')}\t{t}\t{text!s}".replace("\n", "\\n")
        lines.append(line + (f"\t={f.text}" if f is not None else ""))
    return lines


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    path = samples(tmp_path_factory.mktemp("g"))[0]
    recalc(path, now=datetime(2024, 3, 15, 10, 0, 0))
    return path


@pytest.mark.parametrize("sheet", [S.SCORE_SHEET, S.DETAILS_SHEET, S.FINDINGS_SHEET, S.COVER_SHEET])
def test_output_sheets_match_golden(recalculated, sheet):
    pkg = Package.open(str(recalculated))
    with zipfile.ZipFile(recalculated) as z:
        actual = cell_lines(z.read(pkg.sheets[sheet]), pkg.shared_strings())
    if sheet == S.COVER_SHEET:   # only the status cells are ours
        rows = {s.cell[0] + 1 for s in S.COVER_STATUS}
        actual = [l for l in actual if re.match(r"B(\d+)\t", l) and int(re.match(r"B(\d+)", l).group(1)) in rows]
    golden = GOLDEN / f"hongqi-{sheet}.txt"
    if os.environ.get("PERFEVAL_UPDATE_GOLDEN"):
        golden.write_text("\n".join(actual) + "\n", encoding="utf-8")
    expected = golden.read_text(encoding="utf-8").splitlines()
    assert actual == expected
