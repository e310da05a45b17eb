"""The VBA project built from text: read back by independent readers."""
from __future__ import annotations

import io
import zipfile

import olefile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oletools.olevba import VBA_Parser, decompress_stream

from perfeval.vba.cfb import write_cfb
from perfeval.vba.ovba import _encrypt, compress, decompress
from perfeval.vba.project import BUTTON_MACRO, build_vba_project, modules
from wbtools import libreoffice_job, needs_libreoffice, samples


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=20000),
                 st.text(alphabet="ab \r\nSubEnd()'\"=", max_size=20000).map(lambda s: s.encode("cp1252"))))
def test_compression_round_trip(data):
    packed = compress(data)
    assert decompress(packed) == data
    assert bytes(decompress_stream(bytearray(packed))) == data      # oletools' independent decompressor


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 4097, 8192, 50000])
def test_compression_chunk_boundaries(size):
    data = (b"Attribute VB_Name = \"x\"\r\nSub A()\r\nEnd Sub\r\n" * 2000)[:size]
    assert bytes(decompress_stream(bytearray(compress(data)))) == data


def test_incompressible_data_uses_raw_chunks():
    import random
    data = bytes(random.Random(1).randrange(256) for _ in range(8192))
    assert bytes(decompress_stream(bytearray(compress(data)))) == data


def _decrypt(hex_text: str) -> tuple[int, bytes]:
    """[MS-OVBA] 2.4.3.3, written from the spec: → (project key, data)."""
    b = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = b[0], b[1], b[2]
    key = seed ^ key_enc
    unenc1, enc1, enc2 = key, key_enc, version_enc
    plain = []
    for byte_enc in b[3:]:
        byte = byte_enc ^ ((enc2 + unenc1) & 0xFF)
        plain.append(byte)
        enc2, enc1, unenc1 = enc1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = int.from_bytes(bytes(plain[ignored:ignored + 4]), "little")
    return key, bytes(plain[ignored + 4:ignored + 4 + length])


def test_project_protection_records_decrypt_like_excel():
    project_id = "{5CF9CDAB-B77B-4FE4-BD7E-D29900070E1B}"     # xlwings' quickstart_standalone.xlsm, saved by Excel
    key, data = _decrypt("8D8FA61394EA98EA98EA98EA98")            # its CMG: "not protected"
    ours = _encrypt(bytes(4), project_id, 0x8D)
    assert _decrypt(ours) == (key, data) == (sum(project_id.encode()) & 0xFF, bytes(4))
    assert ours[:6] == "8D8FA6"                                  # seed, version and key bytes as Excel wrote them
    assert _decrypt(_encrypt(b"\xff", project_id, 0x17))[1] == b"\xff"


def test_olevba_extracts_every_module_with_its_text():
    expected = {m.name: m.code().decode("cp1252") for m in modules(13)}
    parser = VBA_Parser("vbaProject.bin", data=build_vba_project.__wrapped__(13))
    found = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    assert set(found) == set(expected)
    for name, code in expected.items():
        assert found[name].replace("\r\n", "\n") == code.replace("\r\n", "\n"), name
    macros = open(__import__("pathlib").Path(__file__).parents[1] / "macros" / "perfeval.bas", encoding="ascii").read()
    assert found["perfeval"].replace("\r\n", "\n").rstrip("\n") == macros.rstrip("\n")
    assert "Copyright (C) 2014-present, Zoomer Analytics LLC" in found["xlwings"]     # BSD notice kept


def test_macro_sources_are_ascii():
    for m in modules(1):
        m.code().decode("ascii")


def test_vba_project_is_reproducible():
    build = build_vba_project.__wrapped__            # perfeval's own, not the tests' once-a-session copy (conftest)
    assert build(13) == build(13)


def test_cfb_container_read_by_olefile():
    streams = {"A": b"x" * 10, "S/B": b"y" * 5000, "S/C": b"", "S/T/D": bytes(range(256)) * 40}
    ole = olefile.OleFileIO(io.BytesIO(write_cfb(streams)))
    for path, data in streams.items():
        assert ole.openstream(path).read() == data


def test_button_calls_a_macro_that_exists(tmp_path):
    path = samples(tmp_path, blank=True)[0]
    with zipfile.ZipFile(path) as z:
        vml = [z.read(n).decode() for n in z.namelist() if n.endswith(".vml")]
        ct = z.read("[Content_Types].xml").decode()
    assert len(vml) == 2 and all(f"<x:FmlaMacro>[0]!{BUTTON_MACRO}</x:FmlaMacro>" in v for v in vml)
    assert "macroEnabled" in ct
    code = {name: c for _, _, name, c in VBA_Parser(str(path)).extract_macros()}
    assert f"Public Sub {BUTTON_MACRO}()" in code["perfeval.bas"]
    assert 'RunPython "import perfeval.excel; perfeval.excel.main()"' in code["perfeval.bas"]


@libreoffice_job("ods")
def blank_template(folder):
    return [samples(folder, blank=True)[0]]


@needs_libreoffice
def test_libreoffice_imports_the_macro_modules(libreoffice, tmp_path):
    """LibreOffice's own VBA importer reads every module, of the right kind, line for line."""
    import html
    import re
    ods = libreoffice(blank_template, tmp_path / "lo").outputs[0]
    kinds = {"module": "VBAModule", "class": "VBAClassModule", "document": "VBADocumentModule"}
    with zipfile.ZipFile(ods) as z:
        for m in modules(13):
            xml = z.read(f"Basic/VBAProject/{m.name}.xml").decode()
            body = html.unescape(re.search(r"<script:module[^>]*>(.*)</script:module>", xml, re.S).group(1))
            lines = body.splitlines()
            assert lines[0] == f"Rem Attribute VBA_ModuleType={kinds[m.kind]}", m.name
            imported = [l for l in lines[1:] if l not in ("Option VBASupport 1", "Option ClassModule")]
            source = [l for l in m.code().decode("cp1252").splitlines() if not l.startswith("Attribute ")]
            assert imported[:len(source)] == source and not any(imported[len(source):]), m.name
