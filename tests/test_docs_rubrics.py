"""docs/rubrics.md is held to the code: its example rubric checks clean and has a line of every rule
type, every line's read-back is printed there verbatim, and every library metric is listed."""
import json
from pathlib import Path

from perfeval.scoring.examples import check
from perfeval.scoring.metrics import LIBRARY, PROJECT_METRICS
from perfeval.scoring.readback import readback
from perfeval.scoring.rubric import read_rubric
from perfeval.scoring.ruletypes import RULE_TYPES

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_the_example_rubric_and_every_read_back_are_in_the_docs():
    page = (DOCS / "rubrics.md").read_text(encoding="utf-8")
    rubric = read_rubric(DOCS / "rubric-example.json")
    issues, outcomes = check(rubric)
    assert not [i for i in issues if i.severity == "error"] and outcomes and not outcomes[0].failures
    assert {s.kind for s in rubric.lines} == set(RULE_TYPES)
    data = json.loads((DOCS / "rubric-example.json").read_text(encoding="utf-8"))
    for line, spec in zip(data["lines"], rubric.lines):
        assert json.dumps(line, ensure_ascii=False) in page, spec.id
        assert f"读作：{readback(rubric, spec)}" in page, spec.id
    for name in RULE_TYPES:
        assert f"### `{name}` — {RULE_TYPES[name].LABEL}" in page
    for m in LIBRARY.values():
        assert f"| `{m.name}` | {m.label} |" in page
    for m in PROJECT_METRICS.values():
        assert f"| `{m.name}` (per project) | {m.label} |" in page
