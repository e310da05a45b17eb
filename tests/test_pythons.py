"""The core tests (tests/conftest.py CORE: engine, recalc, score, new, report, the .pyz, the Linux
entry) on the oldest supported Python — UOS 20's system Python 3.7 — and on 3.13, each in a fresh
virtual environment with perfeval installed from this checkout (not editable: the package data is
what a clerk's install gets) with the ``core-test`` extra only.  Needs the package index and pyenv's
Pythons; CI has both."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import CORE
from helpers import oldest_supported, pyenv_python

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.network
def test_core_tests_pass_on_the_oldest_supported_python_and_on_3_13(tmp_path):
    from perfeval.install.kits import own_wheel
    wheel = own_wheel(ROOT, tmp_path)                     # as a clerk's install gets it (built from a copy)
    ran = []
    for version in (oldest_supported(), "3.13"):
        exe = pyenv_python(version)
        if exe is None:
            if os.environ.get("CI"):
                pytest.fail(f"CI needs pyenv's Python {version}")
            continue
        venv = tmp_path / f"py{version}"
        subprocess.run([exe, "-m", "venv", str(venv)], check=True, timeout=300)
        python = str(venv / "bin" / "python")
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        # the pip a venv starts with (22.0 on 3.7) backtracks for many minutes over the test extras: a current one
        subprocess.run([python, "-m", "pip", "install", "-q", "-U", "pip"], check=True, timeout=600, env=env, cwd=tmp_path)
        install = subprocess.run([python, "-m", "pip", "install", "-q", f"perfeval[core-test] @ {wheel.as_uri()}"], capture_output=True,
                                 text=True, timeout=1200, env=env, cwd=tmp_path)
        assert install.returncode == 0, install.stderr[-3000:]
        files = [str(ROOT / "tests" / f"{name}.py") for name in sorted(CORE)]     # only these are collected
        run = subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
                              "-m", "core and not network", *files],
                             capture_output=True, text=True, timeout=1800, env=env, cwd=tmp_path)
        tail = run.stdout[-3000:]
        assert run.returncode == 0, f"Python {version}:\n{tail}\n{run.stderr[-2000:]}"
        version_line = subprocess.run([python, "-c", "import sys, perfeval; print(sys.version.split()[0], perfeval.__file__)"],
                                      capture_output=True, text=True, env=env, cwd=tmp_path).stdout
        assert version_line.startswith(version) and str(venv) in version_line, version_line
        ran.append((version, tail.strip().splitlines()[-1]))
    if not ran:
        pytest.skip("pyenv has neither the oldest supported Python nor 3.13 here")
    print(ran)
