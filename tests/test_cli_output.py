"""The command line's own output and start-up, in real processes: output that cannot be written is
exit 2 with a line on stderr (a full disk, a closed stdout), JSON is UTF-8 on any console, Ctrl-C while
starting exits 130 without a traceback, a file name starting with "-" gets a hint about "--"."""
from __future__ import annotations

import json
import importlib.util
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "workbook_templates" / "红旗镇2023自评.xlsm"
POSIX = pytest.mark.skipif(os.name == "nt", reason="POSIX devices and signals")


def perfeval(*args, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING=kwargs.pop("encoding", "utf-8"))
    return subprocess.run([sys.executable, "-m", "perfeval", *map(str, args)], capture_output=kwargs.pop("capture", True),
                          env=env, timeout=120, **kwargs)


@POSIX
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="Linux's /dev/full")
@pytest.mark.parametrize("args", [("score", SAMPLE, "--json"), ("score", SAMPLE)], ids=["json", "text"])
def test_output_to_a_full_disk_is_exit_2_with_a_line(args):
    with open("/dev/full", "wb") as full:
        run = subprocess.run([sys.executable, "-m", "perfeval", *map(str, args)], stdout=full, stderr=subprocess.PIPE,
                             env=dict(os.environ, PYTHONIOENCODING="utf-8"), timeout=120)
    err = run.stderr.decode("utf-8")
    assert run.returncode == 2 and "结果无法输出（磁盘已满）" in err and "Traceback" not in err and err.count("\n") == 1


@POSIX
def test_a_closed_stdout_is_exit_2_for_score_and_summary(tmp_path):
    cases = [("score", SAMPLE, "--json")]
    if importlib.util.find_spec("pandas"):               # the roll-up needs pandas (Python 3.8+)
        cases.append(("summary", SAMPLE, "-o", tmp_path / "汇总.xlsx"))
    for args in cases:
        run = subprocess.run([sys.executable, "-m", "perfeval", *map(str, args)], stdin=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1),
                             env=dict(os.environ, PYTHONIOENCODING="utf-8"), timeout=120)
        err = run.stderr.decode("utf-8")
        assert run.returncode == 2 and "标准输出已关闭" in err and "Traceback" not in err, err


def test_json_is_utf8_under_a_gbk_console(tmp_path):
    """A unit name with a character GBK lacks (many names use CJK extension characters) comes out whole."""
    from wbtools import write_values
    book = tmp_path / "b.xlsm"
    shutil.copy(SAMPLE, book)
    write_values(book, "基本信息", {(3, 1): "𬍛溪镇人民政府"})
    run = perfeval("score", book, "--json", encoding="gbk")
    data = json.loads(run.stdout.decode("utf-8"))
    assert run.returncode == 0 and data["unit"] == "𬍛溪镇人民政府"


def test_a_file_name_starting_with_a_dash_gets_a_hint(tmp_path):
    shutil.copy(SAMPLE, tmp_path / "-红旗镇.xlsm")
    run = perfeval("score", "-红旗镇.xlsm", cwd=tmp_path)
    err = run.stderr.decode("utf-8")
    assert run.returncode == 2 and "请写成 perfeval 命令 -- -红旗镇.xlsm" in err
    assert perfeval("score", "--", "-红旗镇.xlsm", cwd=tmp_path).returncode == 0


@POSIX
def test_ctrl_c_while_starting_exits_130_without_a_traceback():
    rng = random.Random(5)
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-m", "perfeval", "score", str(SAMPLE)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=dict(os.environ, PYTHONIOENCODING="utf-8"))
        time.sleep(rng.uniform(0.25, 0.6))          # after the interpreter installs its handler
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        text = err.decode("utf-8", "replace")
        assert proc.returncode in (0, 130), (proc.returncode, text)
        assert "Traceback" not in text and "KeyboardInterrupt" not in text
        if proc.returncode == 130:
            assert text.strip().endswith("已中断：文件未修改。")
