"""Rewrite a zip package: the replaced parts deflated anew, every other member copied as
its compressed bytes.

Members perfeval does not own are never inflated or deflated again: their local data is
copied as it is (with their CRC and sizes from the central directory), so a zip bomb in a
picture or a pivot cache costs nothing, and re-zipping costs only the copy.  Encrypted
members are refused when the package is opened; packages that would need ZIP64 (over
4 GiB or 65,535 members) are refused here — no workbook is that large.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from typing import BinaryIO, Iterable

from ..errors import WorkbookError

_LOCAL, _CENTRAL, _END = 0x04034B50, 0x02014B50, 0x06054B50
_UTF8 = 0x800
_LIMIT = 0xFFFFFFFF


def source_bytes(zf: zipfile.ZipFile) -> bytes:
    """The bytes a ZipFile was opened on."""
    fp = zf.fp
    if isinstance(fp, io.BytesIO):
        return fp.getvalue()
    pos = fp.tell()
    fp.seek(0)
    data = fp.read()
    fp.seek(pos)
    return data


def _raw_member(src: bytes, info: zipfile.ZipInfo) -> bytes:
    off = info.header_offset
    if src[off:off + 4] != b"PK\x03\x04":
        raise WorkbookError(f"工作簿部件 {info.filename} 的位置信息不正确，文件已损坏（请在 Excel 中打开后另存）")
    name_len, extra_len = struct.unpack("<HH", src[off + 26:off + 30])
    start = off + 30 + name_len + extra_len
    data = src[start:start + info.compress_size]
    if len(data) != info.compress_size:
        raise WorkbookError(f"工作簿部件 {info.filename} 不完整，文件已损坏（请在 Excel 中打开后另存）")
    return data


def _dos_time(info: zipfile.ZipInfo) -> tuple[int, int]:
    y, mo, d, h, mi, s = info.date_time
    return (h << 11) | (mi << 5) | (s // 2), ((max(y, 1980) - 1980) << 9) | (mo << 5) | d


def _records(info: zipfile.ZipInfo, flags: int, method: int, crc: int, packed: int, size: int,
             offset: int) -> tuple[bytes, bytes]:
    """The local file header (name included) and the central-directory entry of one member."""
    name = info.filename.encode("utf-8")
    time, date = _dos_time(info)
    local = struct.pack("<IHHHHHIIIHH", _LOCAL, 20, flags, method, time, date,
                        0 if flags & 0x08 else crc, 0 if flags & 0x08 else packed, 0 if flags & 0x08 else size,
                        len(name), 0) + name
    entry = struct.pack("<IHHHHHHIIIHHHHHII", _CENTRAL, 20, 20, flags, method, time, date, crc, packed, size,
                        len(name), 0, 0, 0, 0, info.external_attr & _LIMIT, offset) + name
    return local, entry


def _name_flags(info: zipfile.ZipInfo) -> int:
    return _UTF8 if not info.filename.isascii() else 0


def _stream(out: BinaryIO, info: zipfile.ZipInfo, chunks: Iterable[bytes], offset: int) -> tuple[bytes, int]:
    """A member from an iterable of chunks, deflated as it comes; sizes and CRC follow the data
    in a data descriptor (general-purpose flag bit 3).  Returns its central-directory entry and
    the bytes written."""
    flags = 0x08 | _name_flags(info)
    local, _ = _records(info, flags, zipfile.ZIP_DEFLATED, 0, 0, 0, offset)
    out.write(local)
    packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    crc = size = packed = 0
    for chunk in chunks:
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
        body = packer.compress(chunk)
        out.write(body)
        packed += len(body)
    body = packer.flush()
    out.write(body)
    packed += len(body)
    if max(size, packed, offset) > _LIMIT:
        raise WorkbookError("工作簿过大（超过 4 GB），不是部门整体绩效自评工作簿")
    out.write(struct.pack("<IIII", 0x08074B50, crc, packed, size))
    _, entry = _records(info, flags, zipfile.ZIP_DEFLATED, crc, packed, size, offset)
    return entry, len(local) + packed + 16


def write_zip(out: BinaryIO, src: bytes, infos: list[zipfile.ZipInfo],
              replaced: dict[str, bytes | Iterable[bytes] | None]) -> None:
    """Write the members of ``infos`` in order to ``out``: ``replaced`` ones with their new
    bytes (or an iterable of chunks, streamed; None: left out), all others copied raw from ``src``."""
    central, offset = [], 0
    for info in infos:
        if info.filename in replaced:
            data = replaced[info.filename]
            if data is None:
                continue
            if not isinstance(data, (bytes, bytearray)):
                entry, written = _stream(out, info, data, offset)
                central.append(entry)
                offset += written
                continue
            crc, size = zlib.crc32(data), len(data)
            if info.compress_type == zipfile.ZIP_STORED:
                method, body = zipfile.ZIP_STORED, data
            else:
                packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
                method, body = zipfile.ZIP_DEFLATED, packer.compress(data) + packer.flush()
            flags = _name_flags(info)
        else:
            crc, size, method, body = info.CRC, info.file_size, info.compress_type, _raw_member(src, info)
            flags = _name_flags(info) | (info.flag_bits & 0x6 if method == zipfile.ZIP_DEFLATED else 0)  # deflate level bits
        if max(size, len(body), offset) > _LIMIT or len(central) >= 0xFFFF:
            raise WorkbookError("工作簿过大（超过 4 GB 或 65535 个部件），不是部门整体绩效自评工作簿")
        local, entry = _records(info, flags, method, crc, len(body), size, offset)
        out.write(local)
        out.write(body)
        central.append(entry)
        offset += len(local) + len(body)
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", _END, 0, 0, len(central), len(central), len(directory), offset, 0))
