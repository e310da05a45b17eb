"""perfeval.pyz: one file, no install, recalc and score on every supported Python — and one Chinese
line naming the floor on an older one (the bootstrap parses on Python 2.7)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import fake_wheel, oldest_supported, pyenv_python
from perfeval.cli import main
from perfeval.install.pyz import FLOOR, bootstrap, pure_closure, write_pyz

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbook_templates" / "红旗镇2023自评.xlsm"


def python_or_skip(version: str) -> str:
    exe = pyenv_python(version)
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs pyenv's Python {version}")
        pytest.skip(f"pyenv has no Python {version} here")
    return exe


def test_the_floor_is_requires_python():
    assert "%d.%d" % FLOOR == oldest_supported() == "3.7"
    compile(bootstrap(), "__main__.py", "exec")


def test_what_needs_a_compiled_library_is_left_out_and_the_rest_kept(tmp_path):
    own = fake_wheel(tmp_path, "perfeval-0.1.0-py3-none-any.whl", "click>=8.1", "python-docx>=1.1",
                "xlwings>=0.37; platform_system == 'Windows'")
    keep = [fake_wheel(tmp_path, "click-8.1.8-py3-none-any.whl", "importlib-metadata; python_version < '3.8'"),
            fake_wheel(tmp_path, "importlib_metadata-6.7.0-py3-none-any.whl")]
    fake_wheel(tmp_path, "python_docx-1.1.0-py3-none-any.whl", "lxml>=3.1.0")
    fake_wheel(tmp_path, "lxml-5.4.0-cp37-cp37m-manylinux_2_28_x86_64.whl")
    assert pure_closure(tmp_path, own) == [own] + keep


@pytest.mark.parametrize("version", ["2.7", "3.6"])
def test_below_the_floor_it_is_one_chinese_line_naming_the_floor(version, tmp_path):
    exe = pyenv_python(version)
    if exe is None:
        pytest.skip(f"pyenv has no Python {version} here")
    own = fake_wheel(tmp_path, "perfeval-0.1.0-py3-none-any.whl", files={"perfeval/__init__.py": "x := 1\n"})
    pyz = write_pyz(tmp_path / "perfeval.pyz", [own])
    out = subprocess.run([exe, str(pyz), "recalc", "x.xlsm"], capture_output=True, timeout=60,
                         env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    err = out.stderr.decode("utf-8")
    assert out.returncode == 2 and err.count("\n") == 1, err
    assert err.startswith("perfeval 需要 Python 3.7 或更高版本，本机运行的是 Python " + version)


@pytest.fixture(scope="module")
def pyz(tmp_path_factory):
    out = tmp_path_factory.mktemp("pyz") / "perfeval.pyz"
    r = CliRunner().invoke(main, ["pyz", str(out), "--source", str(ROOT)])
    assert r.exit_code == 0, r.output
    return out


@pytest.mark.network
@pytest.mark.parametrize("version", [oldest_supported(), "3.13"])
def test_the_pyz_recalculates_the_sample_to_97_with_no_install(version, pyz, tmp_path):
    exe = python_or_skip(version)
    book = tmp_path / "红旗镇.xlsm"
    shutil.copy(SAMPLE, book)
    env = dict(os.environ, PYTHONIOENCODING="utf-8", XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONNOUSERSITE="1")
    env.pop("PYTHONPATH", None)
    run = subprocess.run([exe, "-I", str(pyz), "recalc", str(book)], capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0 and "计算完成：总分97分（优）" in run.stdout, run.stdout + run.stderr
    score = subprocess.run([exe, "-I", str(pyz), "score", str(book), "--json"], capture_output=True, text=True,
                           timeout=300, env=env)
    assert score.returncode == 0 and json.loads(score.stdout)["total"] in (97, "97", "97.00"), score.stdout[:300]
    report = subprocess.run([exe, "-I", str(pyz), "report", str(book)], capture_output=True, text=True, timeout=300, env=env)
    assert report.returncode == 2 and "生成自评报告需要 python-docx" in report.stderr + report.stdout
    assert "Traceback" not in report.stderr


@pytest.mark.network
def test_the_pyz_holds_no_compiled_code_and_runs_where_the_cache_cannot_be_made(pyz, tmp_path):
    names = zipfile.ZipFile(pyz).namelist()
    assert "__main__.py" in names and "perfeval/scoring/engine.py" in names and "click/__init__.py" in names
    assert not [n for n in names if n.endswith((".so", ".pyd", ".dll"))] and not any(n.startswith("docx/") for n in names)
    cache = tmp_path / "not-a-folder"
    cache.write_text("x")                              # even root cannot make ~/.cache/perfeval here
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = dict(os.environ, XDG_CACHE_HOME=str(cache), TMPDIR=str(tmp), PYTHONIOENCODING="utf-8")
    out = subprocess.run([sys.executable, str(pyz), "--version"], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0 and "0.1.0" in out.stdout, out.stderr
    unpacked = [p for p in tmp.iterdir() if p.name.startswith("perfeval-pyz-")]   # the temporary folder instead
    assert unpacked and list(unpacked[0].glob("pyz-*/.complete"))
