"""The reliability corpus: damaged, malicious and unusual workbooks, generated (never stored).

``python tests/corpus/generate.py DIR`` writes every case into DIR; ``tests/test_corpus.py``
generates them into a temporary folder and runs ``perfeval recalc`` on each in its own
process, bounded in time and memory.  One case per class of problem found in review:
entity declarations and expansion, DTDs, malformed table definitions, zip bombs in an input
sheet / sharedStrings / an output sheet / a foreign part, a huge non-workbook, truncations,
bit flips, shuffled and duplicated members, a sheet name that tries to inject a formula; the legal XML
forms of the parts recalc edits (no r, single quotes, spaces around "=", a namespace prefix, a spaced end
tag), Strict Open XML, the 1904 date system, Excel's _x000D_ escapes.
"""
from __future__ import annotations

import random
import re
import sys
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "workbook_templates" / "红旗镇2023自评.xlsm"
BOMB_MB = 300            # inflated size of the bombs (perfeval's per-part limit is 256 MB)
FOREIGN_BOMB_MB = 1024   # a bomb in a part perfeval never reads: it must cost nothing


@dataclass
class Case:
    name: str
    path: Path
    expect: tuple[int, ...] = (0, 2)      # acceptable exit codes
    untouched_member: str | None = None   # a foreign member that must be copied unchanged


def _members(src: Path = SAMPLE) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(src) as zf:
        return [(i, zf.read(i.filename)) for i in zf.infolist()]


def _write(path: Path, members: list[tuple[str, bytes]], *, stored: set[str] = frozenset()) -> Path:
    with warnings.catch_warnings(), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        warnings.simplefilter("ignore")           # a duplicate member is the point of one case
        for name, data in members:
            zf.writestr(name, data, compress_type=zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED)
    return path


def _replace(path: Path, changes: dict[str, bytes]) -> Path:
    members = [(i.filename, changes.get(i.filename, data)) for i, data in _members()]
    members += [(n, d) for n, d in changes.items() if n not in {m for m, _ in members}]
    return _write(path, members)


_SPACES = b" " * (1024 * 1024)


class _SpacesDeflater:
    """zlib's raw deflate (level 1) of what zipfile writes, where each MiB of spaces is deflated once: a
    full flush before and after it leaves zlib as it was, so its deflated bytes are the same every time
    (the member inflates to the same bytes, the CRC and sizes zipfile records; 1.9 GB of bombs in 0.6 s)."""

    def __init__(self):
        self._z = zlib.compressobj(1, zlib.DEFLATED, -15)
        self._spaces = None

    def compress(self, data: bytes) -> bytes:
        if data is not _SPACES:
            return self._z.compress(data)
        if self._spaces is None:
            before = self._z.flush(zlib.Z_FULL_FLUSH)
            self._spaces = self._z.compress(data) + self._z.flush(zlib.Z_FULL_FLUSH)
            return before + self._spaces
        return self._spaces

    def flush(self, mode: int = zlib.Z_FINISH) -> bytes:
        return self._z.flush(mode)


def _bomb_member(zf: zipfile.ZipFile, name: str, head: bytes, megabytes: int, tail: bytes = b"") -> None:
    """Write ``name`` as head + megabytes of spaces + tail, streamed (never held in memory)."""
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w", force_zip64=True) as out:
        out._compressor = _SpacesDeflater()      # zipfile's own deflater, each MiB of spaces deflated once
        out.write(head)
        for _ in range(megabytes):
            out.write(_SPACES)
        out.write(tail)


def _with_bomb(path: Path, name: str, megabytes: int, head: bytes = b"", tail: bytes = b"") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in _members():
            if info.filename == name:
                _bomb_member(zf, name, head or data[:200], megabytes, tail)
            else:
                zf.writestr(info.filename, data)
        if name not in {i.filename for i, _ in _members()}:
            _bomb_member(zf, name, head, megabytes, tail)
    return path


def _part_of_sheet(title: str) -> str:
    members = dict((i.filename, d) for i, d in _members())
    wb = members["xl/workbook.xml"].decode()
    rels = members["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(rf'<sheet name="{title}" sheetId="\d+" r:id="(rId\d+)"', wb).group(1)
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
    name = (target.group(1) or target.group(2)).lstrip("/")
    return "xl/" + (name[3:] if name.startswith("xl/") else name)


def generate(folder: Path) -> list[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    members = dict((i.filename, d) for i, d in _members())
    shared = members["xl/sharedStrings.xml"]
    cases: list[Case] = []

    def add(name: str, path: Path, expect=(0, 2), untouched=None):
        cases.append(Case(name, path, expect, untouched))

    entities = '<!ENTITY lol0 "lol">' + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    laughs = f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]>'.encode()
    add("entity_expansion_shared_strings", _replace(folder / "entities.xlsm", {
        "xl/sharedStrings.xml": laughs + shared[shared.index(b"<sst"):].replace(b"<t>", b"<t>&lol9;", 1)}), (2,))
    utf16 = (laughs + shared[shared.index(b"<sst"):].replace(b"<t>", b"<t>&lol9;", 1)).decode("utf-8")
    utf16 = utf16.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    add("entity_expansion_utf16", _replace(folder / "entities_utf16.xlsm", {
        "xl/sharedStrings.xml": utf16.encode("utf-16")}), (2,))
    plain16 = shared.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
    add("utf16_shared_strings", _replace(folder / "utf16.xlsm", {"xl/sharedStrings.xml": plain16.encode("utf-16")}), (0,))
    add("undefined_entity", _replace(folder / "undefined_entity.xlsm", {
        "xl/sharedStrings.xml": shared.replace(b"<t>", b"<t>&nope;", 1)}), (2,))
    input_sheet = _part_of_sheet("收支情况")
    add("external_entity_in_input_sheet", _replace(folder / "xxe.xlsm", {
        input_sheet: b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        + members[input_sheet][members[input_sheet].index(b"<worksheet"):].replace(b"<v>", b"<v>&e;", 1)}), (2,))
    table = "xl/tables/table2.xml"
    add("malformed_table_ref", _replace(folder / "bad_ref.xlsm", {
        table: re.sub(rb'ref="[^"]*"', b'ref="A1:ZZZZ99999999"', members[table], count=1)}), (2,))
    add("table_ref_not_an_address", _replace(folder / "bad_ref2.xlsm", {
        table: re.sub(rb'ref="[^"]*"', b'ref="hello"', members[table], count=1)}), (2,))
    add("header_row_count_text", _replace(folder / "header_count.xlsm", {
        table: members[table].replace(b"<table ", b'<table headerRowCount="x" ', 1)}))
    add("bomb_in_input_sheet", _with_bomb(folder / "bomb_input.xlsm", input_sheet, BOMB_MB), (2,))
    add("bomb_in_shared_strings", _with_bomb(folder / "bomb_sst.xlsm", "xl/sharedStrings.xml", BOMB_MB), (2,))
    add("bomb_in_output_sheet", _with_bomb(folder / "bomb_output.xlsm", _part_of_sheet("打分表"), BOMB_MB), (2,))
    add("bomb_in_foreign_part", _with_bomb(folder / "bomb_foreign.xlsm", "xl/media/huge.bin", FOREIGN_BOMB_MB,
                                           head=b"\x89PNG"), (0,), "xl/media/huge.bin")
    huge = folder / "huge_not_a_workbook.xlsm"
    with open(huge, "wb") as fh:                     # sparse: 2.5 GB on paper, nothing on disk
        fh.write(b"PK\x03\x04")
        fh.truncate(2_500 * 1024 * 1024)
    add("huge_non_workbook", huge, (2,))
    names = list(members)
    add("duplicate_member", _write(folder / "duplicate.xlsm", list(members.items()) + [
        (input_sheet, members[input_sheet].replace(b"1216.75", b"9999"))]), (2,))
    shuffled = list(members.items())
    random.Random(7).shuffle(shuffled)
    add("shuffled_members", _write(folder / "shuffled.xlsm", shuffled), (0,))
    wb = members["xl/workbook.xml"].replace('name="项目支出"'.encode(), 'name="项目&quot;),1+1,(&quot;"'.encode())
    add("formula_in_sheet_name", _replace(folder / "evil_name.xlsm", {"xl/workbook.xml": wb}), (0,))
    raw = SAMPLE.read_bytes()
    for frac in (0.05, 0.3, 0.6, 0.9, 0.999):
        p = folder / f"truncated_{int(frac * 1000)}.xlsm"
        p.write_bytes(raw[: int(len(raw) * frac)])
        add(f"truncated_{frac}", p)
    rng = random.Random(2024)
    for i in range(12):
        data = bytearray(raw)
        for _ in range(1 + i % 3):
            pos = rng.randrange(len(data))
            data[pos] ^= 1 << rng.randrange(8)
        p = folder / f"bitflip_{i}.xlsm"
        p.write_bytes(bytes(data))
        add(f"bitflip_{i}", p)
    # Legal XML forms other writers use, of the parts recalc edits (评分参数's sheet, workbook.xml): recalc
    # must keep every input (the test compares them) or refuse.
    from dialects import SHEET_FORMS, WORKBOOK_FORMS
    params = _part_of_sheet("评分参数")
    for form, change in SHEET_FORMS.items():
        add(f"params_{form}", _replace(folder / f"params_{form}.xlsm", {
            params: change(members[params].decode("utf-8")).encode("utf-8")}), (0,))
    for form, change in WORKBOOK_FORMS.items():
        add(form, _replace(folder / f"{form}.xlsm", {
            "xl/workbook.xml": change(members["xl/workbook.xml"].decode("utf-8")).encode("utf-8")}), (0,))
    strict = members["xl/workbook.xml"].replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                                                b"http://purl.oclc.org/ooxml/spreadsheetml/main", 1)
    add("strict_open_xml", _replace(folder / "strict.xlsm", {"xl/workbook.xml": strict}), (2,))
    add("date1904", _replace(folder / "date1904.xlsm", {"xl/workbook.xml": re.sub(
        rb"<workbookPr\b", b'<workbookPr date1904="1"', members["xl/workbook.xml"], count=1)}), (0,))
    add("escaped_cr_in_strings", _replace(folder / "escaped_cr.xlsm", {
        "xl/sharedStrings.xml": shared.replace(b"</t>", b"_x000D_</t>", 3)}), (0,))
    assert len(names) > 10
    return cases


if __name__ == "__main__":   # pragma: no cover
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus-out")
    for case in generate(out):
        print(case.name, case.path)
