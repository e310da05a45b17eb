"""The engine runs on the Excel click path: it must import nothing beyond the standard library."""
import json
import subprocess
import sys

THIRD_PARTY = {"openpyxl", "xlsxwriter", "xlwings", "click", "pandas", "numpy", "lxml", "hypothesis"}


def test_engine_imports_only_the_standard_library():
    baseline = set(json.loads(subprocess.run(
        [sys.executable, "-c", "import sys, json; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"],
        capture_output=True, text=True, check=True).stdout))
    code = ("import sys; import perfeval.scoring.engine, perfeval.scoring.inputs, perfeval.samples;"
            "import json; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(json.loads(out)) - baseline
    assert not loaded & THIRD_PARTY
    if hasattr(sys, "stdlib_module_names"):                 # Python 3.10+
        stdlib = set(sys.stdlib_module_names) | {"perfeval", "builtins", "sys"}
        assert loaded <= stdlib | {m for m in loaded if m.startswith("_")}, loaded - stdlib
    code = ("import sys, sysconfig; before = set(sys.modules);"
            "import perfeval.scoring.engine, perfeval.scoring.inputs, perfeval.samples;"
            "site = (sysconfig.get_paths()['purelib'], sysconfig.get_paths()['platlib']);"
            "print(sorted({n.split('.')[0] for n, m in list(sys.modules.items())"
            " if n not in before and (getattr(m, '__file__', None) or '').startswith(site)} - {'perfeval'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out                         # every Python: nothing from site-packages


def test_button_entry_module_loads_no_writer_or_cli_libraries():
    code = "import sys, perfeval.excel, json; print(json.dumps(sorted(sys.modules)))"
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                           check=True).stdout))
    assert not {m for m in loaded if m.split(".")[0] in {"openpyxl", "xlsxwriter", "click", "perfeval.xlsx.template"}}
    assert not {"perfeval.xlsx.template", "perfeval.xlsx.workbook", "perfeval.xlsx.parts", "perfeval.cli"} & loaded
    assert "xlwings" not in loaded          # imported only when main() runs
