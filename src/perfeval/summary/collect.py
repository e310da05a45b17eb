"""Score many workbooks in one process (or a pool of them) into small picklable records.

A county receives one workbook per department or township; each is read and scored by the
file adapter, never written.  A file that cannot be used becomes a record with its Chinese
reason — the run never stops for one bad file.
"""
from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..scoring.results import WITHHELD, completion

EXTENSIONS = (".xlsm", ".xlsx")


@dataclass
class Record:
    """One workbook's outcome: scores as exact decimal strings, or the reason it was not scored."""
    file: str
    sha256: str
    ok: bool
    error: str = ""
    unit: str = ""
    year: int | None = None
    rubric: str = ""
    checksum: str = ""                 # the 校验码 of the rubric it was scored under
    embedded: bool = False             # that rubric was embedded in the workbook (else: named in 评分参数)
    overrides: list[str] = field(default_factory=list)   # parameters whose 本县取值 it used (or a locked rubric refused)
    locked: bool = False
    grade_names: list[str] = field(default_factory=list)  # the rubric's grades, best first
    total: str = ""
    max_total: str = ""
    grade: str = ""
    complete: bool = True
    incomplete: int = 0
    input_errors: int = 0              # 错误 to correct (with 未填写 lines: not complete, grade withheld)
    lines: dict[str, str] = field(default_factory=dict)          # line name → score
    maxima: dict[str, str] = field(default_factory=dict)         # line name → max
    statuses: dict[str, str] = field(default_factory=dict)       # line name → status
    line_ids: dict[str, str] = field(default_factory=dict)       # line name → the rubric's line id
    errors: int = 0
    warnings: int = 0
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)   # severity, sheet, cell, message
    projects: list[tuple[str, str, str, str, bool]] = field(default_factory=list)  # 项目自评: name, total, max, grade, complete

    @property
    def completion(self) -> str:
        return completion(self.input_errors, self.incomplete)

    @property
    def shown_grade(self) -> str:
        return self.grade if self.complete else WITHHELD


def find_workbooks(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Workbooks under the given files and folders (recursively), in a stable order, and the
    arguments that are neither (with a Chinese reason).  Excel lock files (``~$…``) and our own
    temporary files are skipped."""
    found, missing = [], []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found += [f for f in sorted(p.rglob("*")) if f.is_file() and f.suffix.lower() in EXTENSIONS
                      and not f.name.startswith(("~$", ".~perfeval"))]
        elif p.is_file():
            found.append(p)
        else:
            missing.append((str(p), "找不到文件或文件夹"))
    unique = list(dict.fromkeys(f.resolve() for f in found))
    return unique, missing


def score_one(path: Path) -> Record:
    """Read and score one workbook; any failure becomes the record's reason (never raises)."""
    from ..scoring.numbers import fmt_num
    from ..errors import WorkbookError
    from ..xlsx.package import MAX_FILE_BYTES
    from ..xlsx.workbook import score_workbook
    record = Record(str(path), "", ok=False)
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            raise WorkbookError(f"文件“{path.name}”超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，不是部门整体绩效自评工作簿")
        content = path.read_bytes()                  # read once: hashed and parsed from memory
        record.sha256 = hashlib.sha256(content).hexdigest()
        result, data = score_workbook(path, content)
    except OSError as exc:
        record.error = f"无法读取文件（{exc.strerror or exc}）"
        return record
    except WorkbookError as exc:
        record.error = str(exc)
        return record
    except Exception as exc:  # noqa: BLE001 - one bad file never stops the county's run
        record.error = f"内部错误：{type(exc).__name__}: {exc}"
        return record
    counts = result.counts()
    record.ok = True
    record.unit, record.year, record.rubric = result.unit or "（未填写单位名称）", result.year, result.rubric_id
    record.checksum, record.locked = result.rubric.checksum, bool(result.rubric.locked)
    record.grade_names = [name for name, _ in result.rubric.grades]
    record.embedded = bool(result.department is not None and result.department.rubric_embedded)
    if result.params is not None:
        used = [p.label for p in result.params.parameters if p.key in result.params.overridden]
        record.overrides = list(dict.fromkeys(used + list(result.params.refused)))
    record.total, record.max_total, record.grade = fmt_num(result.total), fmt_num(result.max_total), result.grade
    record.complete, record.incomplete, record.input_errors = result.complete, result.incomplete, result.input_errors
    for line in result.lines:
        record.lines[line.name] = fmt_num(line.score)
        record.maxima[line.name] = fmt_num(line.max)
        record.statuses[line.name] = line.status
        record.line_ids[line.name] = line.id
    record.errors, record.warnings = counts["error"], counts["warning"]
    record.projects = [(p.name, fmt_num(p.total), fmt_num(p.max_total), p.shown_grade, p.complete) for p in result.projects]
    js = result.to_json(data.cell_of)
    record.findings = [(f["severity"], f["sheet"], f["cell"], f["message"]) for f in js["findings"]
                       if f["severity"] in ("error", "warning")]
    return record


def score_many(paths: list[Path], jobs: int | None = None,
               progress: Callable[[Record], None] | None = None) -> Iterator[Record]:
    """Records in the order of ``paths``; ``jobs`` > 1 scores in a process pool."""
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(paths) <= 1:
        for path in paths:
            record = score_one(path)
            if progress:
                progress(record)
            yield record
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for record in pool.map(score_one, paths, chunksize=max(1, min(16, len(paths) // (jobs * 4) or 1))):
            if progress:
                progress(record)
            yield record
