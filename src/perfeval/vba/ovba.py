"""MS-OVBA: the compression of VBA source and the streams of a VBA project.

``compress``/``decompress`` implement [MS-OVBA] 2.4.1 (CompressedContainer of
4096-byte chunks, copy tokens whose bit split depends on the position in the chunk).
``project_streams`` builds the ``PROJECT``, ``PROJECTwm``, ``VBA/dir``,
``VBA/_VBA_PROJECT`` and module streams from module source text, with
``_VBA_PROJECT`` version 0xFFFF so that Office compiles from source (no p-code).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

CHUNK = 4096
CODE_PAGE = 1252


# ------------------------------------------------------------------ compression

def _bit_count(position: int) -> int:
    """Offset bits of a copy token at ``position`` bytes into the decompressed chunk."""
    bits = 4
    while (1 << bits) < position:
        bits += 1
    return min(bits, 12)


def _compress_chunk(data: bytes) -> bytes:
    out = bytearray()
    pos, n = 0, len(data)
    heads: dict[bytes, list[int]] = {}
    while pos < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            best_len, best_off = 0, 0
            if pos > 0 and pos + 3 <= n:
                bits = _bit_count(pos)
                max_len = (0xFFFF >> bits) + 3
                limit = min(max_len, n - pos)
                for cand in reversed(heads.get(data[pos:pos + 3], ())):
                    length = 3
                    while length < limit and data[cand + length] == data[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if length == limit:
                            break
            if best_len >= 3:
                bits = _bit_count(pos)
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                step = best_len
            else:
                out.append(data[pos])
                step = 1
            for p in range(pos, pos + step):
                if p + 3 <= n:
                    heads.setdefault(data[p:p + 3], []).append(p)
            pos += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """[MS-OVBA] 2.4.1.3.6 Compression algorithm."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        chunk = data[start:start + CHUNK]
        body = _compress_chunk(chunk)
        if len(body) <= CHUNK:
            header = 0xB000 | (len(body) + 2 - 3)           # signature 0b011, flag 1
            out += struct.pack("<H", header) + body
        else:                                            # raw chunk: exactly 4096 bytes
            out += struct.pack("<H", 0x3000 | (CHUNK + 2 - 3)) + chunk.ljust(CHUNK, b"\x00")
    return bytes(out)


def decompress(data: bytes) -> bytes:
    """[MS-OVBA] 2.4.1.3.1 Decompression algorithm."""
    if not data or data[0] != 1:
        raise ValueError("not a compressed container")
    out = bytearray()
    pos = 1
    while pos < len(data):
        header = struct.unpack_from("<H", data, pos)[0]
        size = (header & 0x0FFF) + 3
        compressed = header & 0x8000
        end = min(pos + size, len(data))
        pos += 2
        chunk_start = len(out)
        if not compressed:
            out += data[pos:pos + CHUNK]
            pos += CHUNK
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if flags & (1 << bit):
                    token = struct.unpack_from("<H", data, pos)[0]
                    pos += 2
                    bits = _bit_count(len(out) - chunk_start)
                    length = (token & (0xFFFF >> bits)) + 3
                    offset = (token >> (16 - bits)) + 1
                    for _ in range(length):
                        out.append(out[-offset])
                else:
                    out.append(data[pos])
                    pos += 1
    return bytes(out)


# ------------------------------------------------------------------ project streams

@dataclass(frozen=True)
class Module:
    name: str
    source: str                 # VBA text as stored (Attribute lines included), any newline style
    kind: str = "module"        # module | class | document

    def code(self) -> bytes:
        text = self.source.replace("\r\n", "\n").replace("\r", "\n")
        if not text.endswith("\n"):
            text += "\n"
        return text.replace("\n", "\r\n").encode("cp1252")


def _rec(rec_id: int, payload: bytes) -> bytes:
    return struct.pack("<HI", rec_id, len(payload)) + payload


def _text_rec(rec_id: int, text: str) -> bytes:
    return _rec(rec_id, text.encode("cp1252"))


def _unicode_rec(rec_id: int, text: str) -> bytes:
    return _rec(rec_id, text.encode("utf-16-le"))


STDOLE = "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation"


def dir_stream(modules: list[Module], project: str = "VBAProject") -> bytes:
    """The decompressed ``dir`` stream ([MS-OVBA] 2.3.4.2)."""
    d = bytearray()
    d += _rec(0x0001, struct.pack("<I", 1))                  # SysKind: Win32
    d += _rec(0x0002, struct.pack("<I", 0x0409))             # LCID
    d += _rec(0x0014, struct.pack("<I", 0x0409))             # LCIDInvoke
    d += _rec(0x0003, struct.pack("<H", CODE_PAGE))          # CodePage
    d += _text_rec(0x0004, project)                          # Name
    d += _text_rec(0x0005, "") + _unicode_rec(0x0040, "")    # DocString
    d += _text_rec(0x0006, "") + _text_rec(0x003D, "")       # HelpFile 1, 2
    d += _rec(0x0007, struct.pack("<I", 0))                  # HelpContext
    d += _rec(0x0008, struct.pack("<I", 0))                  # LibFlags
    d += struct.pack("<HIIH", 0x0009, 4, 1, 0)               # Version (reserved size 4, major, minor)
    d += _text_rec(0x000C, "") + _unicode_rec(0x003C, "")    # Constants
    # reference to OLE Automation (as a new Excel project has)
    d += _text_rec(0x0016, "stdole") + _unicode_rec(0x003E, "stdole")
    libid = STDOLE.encode("cp1252")
    d += _rec(0x000D, struct.pack("<I", len(libid)) + libid + struct.pack("<IH", 0, 0))
    d += _rec(0x000F, struct.pack("<H", len(modules)))       # Modules count
    d += _rec(0x0013, struct.pack("<H", 0xFFFF))             # ProjectCookie
    for m in modules:
        d += _text_rec(0x0019, m.name) + _unicode_rec(0x0047, m.name)
        d += _text_rec(0x001A, m.name) + _unicode_rec(0x0032, m.name)
        d += _text_rec(0x001C, "") + _unicode_rec(0x0048, "")
        d += _rec(0x0031, struct.pack("<I", 0))              # offset of source in the module stream
        d += _rec(0x001E, struct.pack("<I", 0))              # HelpContext
        d += _rec(0x002C, struct.pack("<H", 0xFFFF))         # Cookie
        d += _rec(0x0021 if m.kind == "module" else 0x0022, b"")
        d += _rec(0x002B, b"")                               # module terminator
    d += _rec(0x0010, b"")                                   # dir terminator
    return bytes(d)


def _encrypt(data: bytes, project_id: str, seed: int) -> str:
    """[MS-OVBA] 2.4.3.2 Data Encryption (used for CMG/DPB/GC), deterministic seed."""
    key = sum(project_id.encode("cp1252")) & 0xFF
    version = 2
    out = [seed, seed ^ version, seed ^ key]
    unenc1, enc1, enc2 = key, seed ^ key, seed ^ version
    for byte in [0] * ((seed & 6) // 2) + list(struct.pack("<I", len(data))) + list(data):
        enc = byte ^ ((enc2 + unenc1) & 0xFF)
        out.append(enc)
        enc2, enc1, unenc1 = enc1, enc, byte
    return bytes(out).hex().upper()


def project_stream(modules: list[Module], project_id: str) -> bytes:
    lines = [f'ID="{project_id}"']
    for m in modules:
        lines.append({"document": f"Document={m.name}/&H00000000", "class": f"Class={m.name}"}.get(m.kind, f"Module={m.name}"))
    lines += ['Name="VBAProject"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              f'CMG="{_encrypt(bytes(4), project_id, 0x8D)}"',
              f'DPB="{_encrypt(bytes(1), project_id, 0x8D)}"',
              f'GC="{_encrypt(bytes([0xFF]), project_id, 0x8D)}"',
              "", "[Host Extender Info]", "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
              "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def projectwm_stream(modules: list[Module]) -> bytes:
    out = bytearray()
    for m in modules:
        out += m.name.encode("cp1252") + b"\x00" + m.name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def project_streams(modules: list[Module], project_id: str = "{5D1F2A6B-7E3C-4B8A-9F10-2C3D4E5F6A7B}") -> dict[str, bytes]:
    streams = {
        "PROJECT": project_stream(modules, project_id),
        "PROJECTwm": projectwm_stream(modules),
        "VBA/_VBA_PROJECT": b"\xCC\x61\xFF\xFF\x00\x00\x00",
        "VBA/dir": compress(dir_stream(modules)),
    }
    for m in modules:
        streams[f"VBA/{m.name}"] = compress(m.code())
    return streams
