"""The form is data: no .py file under src/ names a line id of a shipped rubric (county-rubrics.md).

Ids that are also names of the contract's metric library or of a table key (``violations``,
``balance_rate``) name those, not the line, and are allowed as such."""
import re
from pathlib import Path

from perfeval import layout as L
from perfeval.scoring.metrics import LIBRARY, PROJECT_METRICS
from perfeval.scoring.rubric import load_rubric, shipped_ids

SRC = Path(__file__).resolve().parents[1] / "src" / "perfeval"


def test_no_python_module_names_a_line_id():
    other_names = set(LIBRARY) | set(PROJECT_METRICS) | {t.key for t in L.INPUT_TABLES}
    ids = {s.id for rid in shipped_ids() for s in load_rubric(rid).lines} - other_names
    assert len(ids) >= 12
    pattern = re.compile(r"""["'](%s)["']""" % "|".join(sorted(ids)))
    found = [f"{p.relative_to(SRC)}:{n}" for p in SRC.rglob("*.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert found == []
