"""Which wheels a target needs, evaluated as on the target (not on the machine building the kit).

pip evaluates environment markers for the machine it runs on, even with ``--platform``: run on
Linux it skips ``pywin32; platform_system == "Windows"``.  Here a :class:`Target` carries the
marker environment and the wheel tags of the clerk's PC, and :func:`missing` walks the
requirements from perfeval's own wheel through every wheel's METADATA, as an installer on that
PC would, and names what the folder lacks.
"""
from __future__ import annotations

import email.parser
import zipfile
from pathlib import Path
from typing import NamedTuple

from packaging import tags
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename


class Target(NamedTuple):
    """A clerk's PC: operating system, Python version ("3.11") and machine."""
    system: str          # "Windows" or "Linux"
    python: str
    machine: str         # "AMD64" (Windows) or "x86_64" / "aarch64" / "loongarch64"

    @property
    def platforms(self) -> list[str]:
        """pip's --platform values, most specific first."""
        if self.system == "Windows":
            return ["win_amd64"]
        # Oldest first, so pip takes a manylinux2014 wheel where one exists (older pips know only
        # that name); up to glibc 2.28 (UOS 20, Kylin V10).  loongarch64 wheels start at 2.36.
        if self.machine == "loongarch64":
            return [f"manylinux_2_{g}_{self.machine}" for g in range(36, 39)]
        return [f"manylinux2014_{self.machine}"] + [f"manylinux_2_{g}_{self.machine}" for g in range(17, 29)]

    def environment(self) -> dict[str, str]:
        env = dict(default_environment())
        windows = self.system == "Windows"
        env.update(python_version=self.python, python_full_version=self.python + ".0",
                   implementation_name="cpython", implementation_version=self.python + ".0",
                   platform_python_implementation="CPython", platform_system=self.system,
                   sys_platform="win32" if windows else "linux", os_name="nt" if windows else "posix",
                   platform_machine=self.machine, platform_release="10" if windows else "",
                   platform_version="10.0.19045" if windows else "")
        return env

    def wheel_tags(self) -> set[tags.Tag]:
        version = tuple(int(p) for p in self.python.split("."))
        interpreter = "cp" + "".join(map(str, version))
        return set(tags.cpython_tags(version, platforms=self.platforms)) | set(
            tags.compatible_tags(version, interpreter, platforms=self.platforms))

    def __str__(self) -> str:
        return f"Python {self.python}（{self.system} {self.machine}）"


def _metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        return email.parser.Parser().parsestr(zf.read(meta).decode("utf-8"))


def requires(wheel: Path) -> tuple[str, list[Requirement]]:
    """A wheel's name and Requires-Dist, read from its METADATA."""
    message = _metadata(wheel)
    return canonicalize_name(message["Name"]), [Requirement(r) for r in message.get_all("Requires-Dist") or []]


def runs_on(wheel: Path, python: str) -> bool:
    """Whether the wheel's Requires-Python admits the target's Python (click 8.2+ needs 3.10)."""
    from packaging.specifiers import SpecifierSet
    spec = _metadata(wheel).get("Requires-Python")
    return not spec or SpecifierSet(spec).contains(python + ".0", prereleases=True)


def wanted(reqs: list[Requirement], target: Target, extras: tuple[str, ...] = ("",)) -> list[Requirement]:
    """The requirements whose markers hold on the target."""
    env = target.environment()
    return [r for r in reqs if r.marker is None or any(r.marker.evaluate({**env, "extra": e}) for e in extras)]


def _installable(folder: Path, target: Target) -> dict[str, list[tuple[object, Path]]]:
    ok = target.wheel_tags()
    found: dict[str, list] = {}
    for wheel in sorted(folder.glob("*.whl")):
        name, version, _, wheel_tags = parse_wheel_filename(wheel.name)
        if wheel_tags & ok and runs_on(wheel, target.python):
            found.setdefault(name, []).append((version, wheel))
    return found


class Missing(NamedTuple):
    """A requirement no wheel in the folder satisfies on the target, and who asked for it."""
    requirement: Requirement
    asker: str

    def plain(self) -> str:
        """The requirement without its marker (already evaluated for the target), for pip."""
        return self.requirement.name + "".join(f"[{e}]" for e in sorted(self.requirement.extras)) \
            + str(self.requirement.specifier)

    def __str__(self) -> str:
        return f"{self.plain()}（{self.asker}需要）"


def missing(folder: Path, target: Target, root: str = "perfeval") -> list[Missing]:
    """What an offline install of ``root`` from ``folder`` on ``target`` would not find: each
    requirement (with who asked for it) that no wheel there satisfies.  Empty when it installs."""
    found = _installable(folder, target)
    problems, seen = [], set()
    todo = [(Requirement(root), "安装包")]
    while todo:
        req, asker = todo.pop()
        name = canonicalize_name(req.name)
        candidates = [(v, w) for v, w in found.get(name, []) if req.specifier.contains(v, prereleases=True)]
        if not candidates:
            problems.append(Missing(req, asker))
            continue
        _, wheel = max(candidates)
        key = (name, wheel, frozenset(req.extras))          # foo[x] after foo still walks x's needs
        if key in seen:
            continue
        seen.add(key)
        todo += [(r, name) for r in wanted(requires(wheel)[1], target, ("",) + tuple(req.extras))]
    return problems
