"""The rubric file format (perfeval-rubric/2): schema, structural problems with JSON paths,
the lint of defects, the CLI's rubric commands and their exit codes, the worked examples."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfeval.cli import main
from perfeval.scoring.examples import check
from perfeval.scoring.lint import defects
from perfeval.scoring.rubric import SHIPPED_DIR, parse_rubric, shipped_ids
from perfeval.scoring.rubric.schema import schema

HERE = Path(__file__).parent
TEST_RUBRICS = sorted((HERE / "rubrics").glob("*.json"))
ALL_FILES = sorted(SHIPPED_DIR.glob("*.json")) + TEST_RUBRICS


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def validator():
    """The published schema, itself checked against JSON Schema 2020-12 (once: it is one schema); None
    without jsonschema (the tests skip where they need it)."""
    try:
        import jsonschema
    except ImportError:
        return None
    jsonschema.Draft202012Validator.check_schema(schema())
    return jsonschema.Draft202012Validator(schema())


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_every_shipped_and_test_rubric_validates_against_the_published_schema(path, validator):
    pytest.importorskip("jsonschema", reason="jsonschema 4.18 needs Python 3.8+")
    validator.validate(load(path))
    rubric, problems = parse_rubric(path.read_bytes(), path.name)
    assert rubric is not None and not problems
    assert rubric.id == path.stem                     # shipped rubrics are found by listing their folder


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_rubric_check_passes_and_runs_every_example(path):
    rubric, _ = parse_rubric(path.read_bytes(), path.name)
    issues, outcomes = check(rubric)
    assert not [i for i in issues if i.severity == "error"]
    assert len(outcomes) == len(rubric.examples) >= 2 and not [f for o in outcomes for f in o.failures]
    r = run("rubric", "check", path)
    assert r.exit_code == 0, r.output


def base() -> dict:
    return load(TEST_RUBRICS[0])


BROKEN = [
    # (change, path the problem names)
    (lambda d: d["lines"][3]["rule"]["bands"][1].update(value="abc"), "lines[3].rule.bands[1].value"),
    (lambda d: d["lines"][0]["rule"].update(type="nonsense"), "lines[0].rule.type"),
    (lambda d: d["lines"][0].update(colour="red"), "lines[0].colour"),
    (lambda d: d.update(total="100"), "total"),
    (lambda d: d["lines"][2].pop("points"), "lines[2]"),
    (lambda d: d["items"][0].update(kind="maybe"), "items[0].kind"),
    (lambda d: d["lines"][0]["rule"].update(direction="sideways"), "lines[0].rule.direction"),
]


@pytest.mark.parametrize("change,where", BROKEN)
def test_structural_problems_name_their_json_path_and_agree_with_jsonschema(change, where, tmp_path, validator):
    data = base()
    change(data)
    _, problems = parse_rubric(json.dumps(data, ensure_ascii=False))
    assert problems and any(p.path == where for p in problems), problems
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema 4.18 needs Python 3.8+")
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = run("rubric", "check", path)
    assert r.exit_code == 2 and where in r.output and "Traceback" not in r.output
    assert all(re.search(r"[\u4e00-\u9fff]", line) for line in r.output.strip().splitlines())


def test_all_structural_problems_at_once():
    data = base()
    data["lines"][0].update(colour="red")
    data["lines"][1]["points"] = -1
    data["items"][1]["kind"] = "maybe"
    _, problems = parse_rubric(json.dumps(data, ensure_ascii=False))
    assert {p.path for p in problems} >= {"lines[0].colour", "lines[1].points", "items[1].kind"}


@pytest.mark.parametrize("text,message", [("{not json", "不是有效的 JSON"), ('{"format": "perfeval-rubric/1"}', "格式版本"),
                                          ("[]", "应为对象"), (b"\xff\xfe{", "UTF-8")])
def test_unreadable_files_exit_2_with_one_chinese_line(text, message, tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    r = run("rubric", "check", path)
    assert r.exit_code == 2 and message in r.output and len(r.output.strip().splitlines()) == 1


DEFECTS = [
    (lambda d: d["lines"][4]["rule"].update(item="nobody"), "lines[4].rule.item", "未知的定性项目"),
    (lambda d: d["lines"][0]["rule"].update(metric="input:nothing"), "lines[0].rule.metric", "未知的其他数据"),
    (lambda d: d["lines"][0]["rule"].update(metric="no_such_metric"), "lines[0].rule.metric", "未知的指标"),
    (lambda d: d["lines"][3]["rule"]["bands"].reverse(), "lines[3].rule.bands[1].value", "分档顺序"),
    (lambda d: d["lines"][0]["rule"].update(step=0), "lines[0].rule.step", "应大于0"),
    (lambda d: d.update(metrics={"a": {"ratio": ["metric:b", 1]}, "b": {"sum": ["metric:a", 1]}}), "metrics.a", "循环引用"),
    (lambda d: d["examples"][0]["expected"].update(ghost=1), "examples[0].expected.ghost", "不存在"),
    (lambda d: d["lines"][1].update(group="Z"), "lines[1].group", "未知的分组"),
]


@pytest.mark.parametrize("change,where,message", DEFECTS)
def test_defects_are_lint_errors_with_paths_and_check_exits_1(change, where, message, tmp_path):
    data = base()
    change(data)
    rubric, problems = parse_rubric(json.dumps(data, ensure_ascii=False))
    assert rubric is not None and not problems                 # well-formed
    found = [d for d in defects(rubric) if d.severity == "error"]
    assert any(d.path == where and message in d.message for d in found), found
    path = tmp_path / "defect.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = run("rubric", "check", path)
    assert r.exit_code == 1 and where in r.output


def test_a_failed_example_exits_1_and_says_expected_and_actual(tmp_path):
    data = base()
    data["examples"][0]["expected"]["staff"] = 2.4
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = run("rubric", "check", path)
    assert r.exit_code == 1
    assert "examples[0].expected.staff" in r.output and "应为2.4，实为2.5分" in r.output and "算例2/3通过" in r.output


def test_rubric_list_and_show():
    r = run("rubric", "list")
    assert r.exit_code == 0 and [line.split("\t")[0] for line in r.output.splitlines()] == list(shipped_ids())
    assert "满分105分" in r.output and "满分100分" in r.output
    r = run("rubric", "show", TEST_RUBRICS[0])
    assert r.exit_code == 0
    assert "在职人员控制率不超过100%得5分；每超过1个百分点扣0.5分，扣完为止" in r.output
    r = run("rubric", "show", "no-such-rubric")
    assert r.exit_code == 2 and "找不到评分标准" in r.output


def test_the_checksum_is_of_the_canonical_json():
    import hashlib
    rubric, _ = parse_rubric(TEST_RUBRICS[0].read_bytes())
    reordered = json.dumps(dict(reversed(list(load(TEST_RUBRICS[0]).items()))), ensure_ascii=False, indent=4)
    again, _ = parse_rubric(reordered)
    assert rubric.checksum == again.checksum == hashlib.sha256(rubric.canonical.encode()).hexdigest()[:8]
    changed = base()
    changed["lines"][0]["points"] = 6
    assert parse_rubric(json.dumps(changed, ensure_ascii=False))[0].checksum != rubric.checksum


REGENERATE_INDEX = ("python -c \"import json; from perfeval.scoring.rubric import *; INDEX_FILE.write_text("
                    "json.dumps({r: index_entry(read_rubric(SHIPPED_DIR / (r + '.json'))) for r in shipped_ids()}, "
                    "ensure_ascii=False, indent=1) + chr(10), encoding='utf-8')\"")


def test_the_shipped_index_is_up_to_date():
    """scoring/rubric/shipped-index.json saves the click re-serialising a shipped rubric (its 校验码) and
    reading the others (the lint's other readings).  After changing a shipped rubric, run REGENERATE_INDEX."""
    from perfeval.scoring.rubric import INDEX_FILE, index_entry, read_rubric
    computed = {rid: index_entry(read_rubric(SHIPPED_DIR / f"{rid}.json")) for rid in shipped_ids()}
    assert json.loads(INDEX_FILE.read_text(encoding="utf-8")) == computed, REGENERATE_INDEX


def test_an_embedded_copy_of_a_shipped_rubric_is_not_validated_again_and_any_other_is(monkeypatch):
    """The click skips the schema check only for a shipped rubric's very text (its SHA-256 in the index)."""
    from perfeval.scoring import rubric as R
    from perfeval.scoring.rubric import schema
    checked = []
    monkeypatch.setattr(schema, "validate", lambda data: checked.append(data) or [])
    shipped = R.load_rubric("ebian-2023")
    rows = R.embed_rows(shipped)
    rubric, problem = R.from_embedded(rows)
    assert rubric is not None and not problem and not checked
    edited = json.loads(shipped.canonical)
    edited["title"] += "（改）"
    other = R.Rubric(edited, "")
    rubric, problem = R.from_embedded(R.embed_rows(other))
    assert rubric is not None and not problem and len(checked) == 1
