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
from ..xlsx.parts import LEFTOVER_PREFIX

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


# Files a county's inbox holds that are not workbooks perfeval reads: each listed in 无法读取 with what to do.
OTHER_FORMATS = {
    ".xls": "Excel 97-2003 格式（.xls）：请在 Excel 中打开，另存为 .xlsm 后重新报送",
    ".xlsb": "Excel 二进制格式（.xlsb）：请在 Excel 中另存为 .xlsm 后重新报送",
    ".et": "WPS 表格格式（.et）：请在 WPS 中另存为 .xlsx 或 .xlsm 后重新报送",
    ".ods": "OpenDocument 格式（.ods）：请另存为 .xlsx 或 .xlsm 后重新报送",
    ".csv": "CSV 文本，不是工作簿",
    ".zip": "压缩文件：请先解压，再汇总解压出的文件夹",
    ".rar": "压缩文件：请先解压，再汇总解压出的文件夹",
    ".7z": "压缩文件：请先解压，再汇总解压出的文件夹",
}
# Lock files of Excel/WPS (~$…) and LibreOffice (.~lock.…#), perfeval's own locks and temporary files.
_NOT_INPUTS = ("~$", ".~lock.", LEFTOVER_PREFIX)
SUMMARY_MARK = "perfeval 汇总"                    # the roll-up's own title (its document properties)


def shown_name(path: Path | str) -> str:
    """A path as text that can be printed and written anywhere: a name that was not UTF-8 on disk (a zip
    unpacked from Chinese Windows keeps GBK bytes) is decoded as GB18030, each part on its own, else
    shown with replacement characters."""
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.sep.join(_shown_part(part) for part in text.split(os.sep))


def writable(text: str) -> str:
    """Text any writer takes: undecodable bytes of a file name (lone surrogates) become U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _shown_part(part: str) -> str:
    try:
        part.encode("utf-8")
        return part
    except UnicodeEncodeError:
        raw = os.fsencode(part)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def is_summary(path: Path) -> bool:
    """A roll-up perfeval wrote (its title property): skipped when a later run finds it in the inbox."""
    import zipfile
    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("docProps/core.xml")
            if info.file_size > 1 << 16:
                return False
            return SUMMARY_MARK.encode("utf-8") in zf.read(info)
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, RuntimeError, EOFError):
        return False


def find_workbooks(paths: Iterable[str | Path], output: str | Path | None = None
                   ) -> tuple[list[Path], list[tuple[str, str]]]:
    """Workbooks under the given files and folders (recursively), in a stable order, and what is not
    one (with a Chinese reason): a missing path, a folder that cannot be read, a file of another format
    (.xls, .et, .ods, .xlsb, archives).  Excel/LibreOffice lock files, our own temporary files and the
    roll-up being written (``output``) are skipped."""
    found, missing = [], []
    skip = Path(output).resolve() if output else None

    def unreadable(error: OSError) -> None:
        missing.append((shown_name(error.filename or ""), f"无法读取文件夹（{error.strerror or error}）"))

    def consider(f: Path) -> None:
        if f.name.startswith(_NOT_INPUTS) or (skip is not None and f.resolve() == skip
                                                                  and is_summary(f)):
            return                                 # the roll-up being rewritten (a workbook there is refused by run)
        suffix = f.suffix.lower()
        if suffix in EXTENSIONS:
            if not (suffix == ".xlsx" and is_summary(f)):
                found.append(f)
        elif suffix in OTHER_FORMATS:
            missing.append((shown_name(f), OTHER_FORMATS[suffix]))

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for folder, dirs, files in os.walk(p, onerror=unreadable):
                dirs.sort()
                for name in sorted(files):
                    f = Path(folder) / name
                    if f.is_file():
                        consider(f)
        elif p.is_file():
            found.append(p)
        else:
            missing.append((shown_name(p), "找不到文件或文件夹"))
    unique = list(dict.fromkeys(f.resolve() for f in found))
    return unique, missing


def score_one(path: Path) -> Record:
    """Read and score one workbook; any failure becomes the record's reason (never raises)."""
    from ..scoring.numbers import fmt_num
    from ..errors import WorkbookError
    from ..xlsx.package import MAX_FILE_BYTES
    from ..xlsx.workbook import score_workbook
    record = Record(shown_name(path), "", ok=False)
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
        record.error = writable(str(exc).replace(str(path), record.file).replace(path.name, Path(record.file).name))
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
