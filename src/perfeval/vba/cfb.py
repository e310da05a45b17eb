"""A minimal writer of Compound File Binary files ([MS-CFB] version 3), for vbaProject.bin.

Streams are given by path ("VBA/dir"); storages are created from the paths.  Streams
under 4096 bytes go to the mini stream.  Output is deterministic (no timestamps).
"""
from __future__ import annotations

import struct

SECTOR, MINI, CUTOFF = 512, 64, 4096
FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b""):
        self.name, self.kind, self.data = name, kind, data      # kind: 1 storage, 2 stream, 5 root
        self.children: dict[str, _Entry] = {}
        self.left = self.right = self.child = NOSTREAM
        self.start, self.size, self.sid = END, 0, 0


def _key(name: str) -> tuple[int, str]:
    return len(name), name.upper()


def _tree(entries: list[_Entry]) -> int:
    """Balanced binary tree of siblings (all black); returns the root id."""
    if not entries:
        return NOSTREAM
    mid = len(entries) // 2
    node = entries[mid]
    node.left = _tree(entries[:mid])
    node.right = _tree(entries[mid + 1:])
    return node.sid


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else END


def write_cfb(streams: dict[str, bytes]) -> bytes:
    root = _Entry("Root Entry", 5)
    for path, data in sorted(streams.items()):
        node = root
        *folders, name = path.split("/")
        for f in folders:
            node = node.children.setdefault(f, _Entry(f, 1))
        node.children[name] = _Entry(name, 2, data)
    order: list[_Entry] = []

    def visit(e: _Entry) -> None:
        e.sid = len(order)
        order.append(e)
        for child in sorted(e.children.values(), key=lambda c: _key(c.name)):
            visit(child)
    visit(root)
    for e in order:
        e.child = _tree(sorted(e.children.values(), key=lambda c: _key(c.name)))

    # mini stream
    mini = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for e in order:
        if e.kind != 2:
            continue
        e.size = len(e.data)
        if e.size == 0:
            e.start = END
        elif e.size < CUTOFF:
            n = -(-e.size // MINI)
            e.start = len(minifat)
            minifat += [0] * n
            _chain(minifat, e.start, n)
            mini += e.data.ljust(n * MINI, b"\x00")
        else:
            big.append(e)
    dir_sectors = -(-len(order) // 4)
    minifat_sectors = -(-len(minifat) * 4 // SECTOR)
    mini_sectors = -(-len(mini) // SECTOR)
    big_sectors = sum(-(-e.size // SECTOR) for e in big)
    content = dir_sectors + minifat_sectors + mini_sectors + big_sectors
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < content + fat_sectors:
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("vbaProject too large for a header-only DIFAT")
    fat = [FREE] * (fat_sectors * SECTOR // 4)
    for i in range(fat_sectors):
        fat[i] = FATSECT
    at = fat_sectors
    dir_start = at
    _chain(fat, at, dir_sectors)
    at += dir_sectors
    minifat_start = at if minifat_sectors else END
    _chain(fat, at, minifat_sectors)
    at += minifat_sectors
    root.start = at if mini_sectors else END
    root.size = len(mini)
    _chain(fat, at, mini_sectors)
    at += mini_sectors
    body = bytearray()
    for e in big:
        n = -(-e.size // SECTOR)
        e.start = at
        _chain(fat, at, n)
        body += e.data.ljust(n * SECTOR, b"\x00")
        at += n

    header = bytearray(SECTOR)
    struct.pack_into("<8s16sHHHHH6sIIIIIIIII", header, 0, bytes.fromhex("D0CF11E0A1B11AE1"), bytes(16),
                     0x003E, 0x0003, 0xFFFE, 9, 6, bytes(6), 0, fat_sectors, dir_start, 0, CUTOFF,
                     minifat_start, minifat_sectors, END, 0)
    difat = list(range(fat_sectors)) + [FREE] * (109 - fat_sectors)
    struct.pack_into("<109I", header, 76, *difat)

    directory = bytearray()
    for e in order:
        name = e.name.encode("utf-16-le") + b"\x00\x00"
        directory += struct.pack("<64sHBBIII16sIQQIQ", name, len(name), e.kind, 1, e.left, e.right, e.child,
                                 bytes(16), 0, 0, 0, e.start if (e.kind == 2 or e.kind == 5) else 0,
                                 e.size)
    while len(directory) % SECTOR:
        directory += struct.pack("<64sHBBIII16sIQQIQ", bytes(64), 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                                 bytes(16), 0, 0, 0, 0, 0)
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat) if minifat else b""
    minifat_bytes += struct.pack("<I", FREE) * ((minifat_sectors * SECTOR - len(minifat_bytes)) // 4)
    return bytes(header + struct.pack(f"<{len(fat)}I", *fat) + directory + minifat_bytes
                 + mini.ljust(mini_sectors * SECTOR, b"\x00") + body)
