"""``perfeval.pyz``: one file that runs recalc and score on any supported Python, no install.

The archive holds perfeval as its wheel installs it and the pure-Python wheels of its
dependencies chosen for the oldest supported Python (so they run on every newer one); a
dependency that needs a compiled library (python-docx needs lxml) is left out, so ``report``
says it needs the full install.  The bootstrap ``__main__.py`` is written in syntax every
Python parses (2.7 included): below the floor it prints one Chinese line naming the floor and
exits 2; otherwise it unpacks the archive once into a cache folder named by the archive's hash
(files read with ``Path(__file__)`` then work as installed) and runs perfeval's entry point.
"""
from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

FLOOR = (3, 7)

BOOTSTRAP = r'''# -*- coding: utf-8 -*-
# perfeval.pyz bootstrap: parsed by every Python (2.7 included), so that an old one is told why.
import sys

FLOOR = (%(major)d, %(minor)d)


def _say(text):
    stream = sys.stderr
    try:
        stream.write(text + u"\n")
    except Exception:
        out = getattr(stream, "buffer", stream)
        out.write((text + u"\n").encode(getattr(stream, "encoding", None) or "utf-8", "replace"))


if sys.version_info[:2] < FLOOR:
    _say(u"perfeval 需要 Python %%d.%%d 或更高版本，本机运行的是 Python %%d.%%d：请改用 python3 或安装较新的 Python"
         %% (FLOOR[0], FLOOR[1], sys.version_info[0], sys.version_info[1]))
    sys.exit(2)

import hashlib
import os
import shutil
import shutil
import tempfile
import zipfile


def _archive():
    here = os.path.dirname(os.path.abspath(__file__))
    return here if zipfile.is_zipfile(here) else None


def _private(home):
    """The folder is ours alone (made 0700 if new): a shared /tmp folder planted by another user
    would otherwise run their code."""
    try:
        if not os.path.isdir(home):
            os.makedirs(home, 0o700)
        info = os.lstat(home)
    except (OSError, IOError):
        return False
    if not hasattr(os, "getuid"):
        return True
    import stat
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def _unpacked(archive):
    with open(archive, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()[:16]
    homes = []
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    homes.append(os.path.join(cache, "perfeval"))
    homes.append(os.path.join(tempfile.gettempdir(), "perfeval-pyz-%%s" %% getattr(os, "getuid", lambda: 0)()))
    for home in homes:
        if not _private(home):
            continue
        target = os.path.join(home, "pyz-" + digest)
        if os.path.isfile(os.path.join(target, ".complete")):
            return target
        try:
            work = tempfile.mkdtemp(prefix=".unpack-", dir=home)
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(work)
            open(os.path.join(work, ".complete"), "w").close()
            try:
                os.rename(work, target)
            except OSError:                      # another run unpacked it first
                shutil.rmtree(work, ignore_errors=True)
            if os.path.isfile(os.path.join(target, ".complete")):
                return target
        except (OSError, IOError):
            continue
    return None


def _main():
    archive = _archive()
    if archive is not None:
        folder = _unpacked(archive)
        if folder is None:
            _say(u"perfeval.pyz 无法解压到缓存文件夹（%%s 或临时文件夹）：请检查磁盘空间和权限" %% "~/.cache/perfeval")
            sys.exit(2)
        sys.path[:] = [folder] + [p for p in sys.path if os.path.abspath(p) != archive]
        sys.argv[0] = archive
    from perfeval.entry import run
    run()


_main()
'''


def bootstrap() -> str:
    return BOOTSTRAP % {"major": FLOOR[0], "minor": FLOOR[1]}


def pure_closure(wheels: Path, own: Path) -> list[Path]:
    """perfeval's own wheel and the ``none-any`` wheels (in ``wheels``) of its dependencies for the
    floor Python on Linux, leaving out any whose own needs are not all pure (python-docx → lxml)."""
    from packaging.utils import canonicalize_name, parse_wheel_filename
    from .resolve import Target, requires, runs_on, wanted
    target = Target("Linux", "%d.%d" % FLOOR, "x86_64")
    pure, compiled = {}, set()
    for wheel in sorted(wheels.glob("*.whl")):
        name, version, _, tags = parse_wheel_filename(wheel.name)
        if name != "perfeval" and not runs_on(wheel, target.python):
            continue                                   # click 8.2+ (Python 3.10+) cannot be the .pyz's
        if any(t.abi == "none" and t.platform == "any" for t in tags) and name != "perfeval":
            pure.setdefault(name, []).append((version, wheel))
        else:
            compiled.add(name)
    chosen, todo, refused = {}, [r for r in wanted(requires(own)[1], target)], set()
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in chosen or name in refused:
            continue
        fits = [(v, w) for v, w in pure.get(name, []) if req.specifier.contains(v, prereleases=True)]
        if not fits:
            if name not in compiled:
                from ..errors import KitError
                raise KitError(f"生成 perfeval.pyz 缺少 {req.name}{req.specifier} 的安装文件（{wheels}）")
            refused.add(name)                        # compiled: left out, with what needs it
            continue
        chosen[name] = max(fits)[1]
        todo += wanted(requires(chosen[name])[1], target)
    changed = True
    while changed:                                   # drop what needs a refused (compiled) package
        changed = False
        for name, wheel in list(chosen.items()):
            needs = {canonicalize_name(r.name) for r in wanted(requires(wheel)[1], target)}
            if needs & refused:
                refused.add(name)
                del chosen[name]
                changed = True
    return [own] + sorted(chosen.values())


def write_pyz(out: Path, wheels: list[Path]) -> Path:
    """The archive: every wheel's files (their .dist-info kept, for version lookups) and the
    bootstrap, written to a temporary name and moved into place."""
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    seen = set()
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("__main__.py", bootstrap())
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as src:
                for info in src.infolist():
                    if info.is_dir() or info.filename in seen or info.filename.endswith(".pyc"):
                        continue
                    seen.add(info.filename)
                    zf.writestr(info.filename, src.read(info))
    tmp.replace(out)
    return out


def build_pyz(out: Path, *, source: Path | None = None, wheels: Path | None = None, run=None) -> Path:
    """Build ``out`` from a folder of wheels (``wheels``, holding perfeval's own and its pure
    dependencies) or, with ``source``, by building perfeval's wheel and downloading those
    dependencies for the floor Python (needs the package index)."""
    from .kits import fill, newest_own, own_wheel
    from .resolve import Target
    if wheels is not None:
        return write_pyz(out, pure_closure(Path(wheels), newest_own(Path(wheels))))
    folder = Path(tempfile.mkdtemp(prefix="perfeval-pyz-"))
    try:
        own_wheel(Path(source), folder, run)
        fill(folder, Target("Linux", "%d.%d" % FLOOR, "x86_64"), run)   # markers as on the floor Python
        return write_pyz(out, pure_closure(folder, newest_own(folder)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
