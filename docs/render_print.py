"""Render every printed page of the workbook to docs/print/: the recalculated samples (红旗镇, 五渡镇,
as ``perfeval demo`` writes them) and the blank template (``perfeval new``).

Each visible sheet is printed on its own (a copy of the workbook with every other sheet hidden, so the
pages of a sheet are known), by LibreOffice headless → PDF → ``pdftoppm -r 50``:
``docs/print/<book>-<sheet>-<page>.png`` with ``<book>`` one of hongqi, wudu, template and ``<sheet>`` the
slug in ``SLUGS``.  Kept are the first page of every sheet and the second of the sheets whose groups are
kept whole by manual page breaks (``SECOND_PAGES``); ``--all`` keeps every page.  The page counts of
every sheet are printed as a Markdown table (docs/workbook.md quotes it).

Needs LibreOffice, poppler-utils and fonts-wqy-microhei (see .ci/run).  Run from the repository root:
``python docs/render_print.py`` (``--out DIR`` writes elsewhere, ``--dpi N`` at another resolution).
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

from _render import DOCS, soffice

from perfeval.xlsx.package import Package
from perfeval.xlsx.workbook import SAMPLE_FILES, new_template, recalc, write_samples

SLUGS = {
    "使用说明": "cover", "基本信息": "info", "收支情况": "finance", "公用经费": "public-expense",
    "三公经费": "three-expenses", "项目支出": "projects", "项目目标": "project-goals", "月度支出": "monthly",
    "绩效指标": "indicators", "定性评价": "qualitative", "其他数据": "extra-inputs", "问题清单": "issues",
    "上年问题整改": "prior-issues", "评分参数": "parameters", "评分标准数据": "rubric-data", "打分表": "score",
    "计算明细": "details", "校验结果": "findings", "项目自评": "project-forms", "评分标准": "rubric",
}
SECOND_PAGES = ("基本信息", "打分表", "计算明细")     # where a manual page break starts page 2
BOOKS = {"hongqi": SAMPLE_FILES["红旗镇2023"], "wudu": SAMPLE_FILES["五渡镇2023"], "template": "部门整体绩效自评模板.xlsm"}


def workbooks(folder: Path) -> dict[str, Path]:
    """The recalculated samples and the blank template, by book key."""
    for path in write_samples(folder):
        recalc(path, now=datetime(2024, 3, 15, 10, 0))
    new_template(folder / BOOKS["template"])
    return {key: folder / name for key, name in BOOKS.items()}


def visible_sheets(path: Path) -> list[str]:
    """The sheets a print of the workbook shows, in order."""
    xml = Package.open(str(path)).read("xl/workbook.xml").decode("utf-8")
    return [m.group(1) for m in re.finditer(r'<sheet name="([^"]+)"([^>]*)/>', xml) if "state=" not in m.group(2)]


def only_sheet(path: Path, sheet: str, out: Path) -> Path:
    """A copy of the workbook in which ``sheet`` is the only visible (and the active) sheet."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                xml = data.decode("utf-8")
                names = re.findall(r'<sheet name="([^"]+)"', xml)
                xml = re.sub(r'<sheet name="([^"]+)"(?![^>]*state=)',
                             lambda m: m.group(0) if m.group(1) == sheet else m.group(0) + ' state="hidden"', xml)
                index = names.index(sheet)           # LibreOffice prints a hidden sheet's print area: dropped
                xml = re.sub(r'<definedName name="_xlnm.Print_Area" localSheetId="(\d+)">[^<]*</definedName>',
                             lambda m: m.group(0) if int(m.group(1)) == index else "", xml)
                xml = re.sub(r'\s(?:activeTab|firstSheet)="\d+"', "", xml)
                xml = xml.replace("<workbookView ", f'<workbookView activeTab="{index}" ', 1)
                data = xml.encode("utf-8")
            dst.writestr(info, data)
    return out


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def render(out: Path, dpi: int = 50, every: bool = False) -> dict[str, dict[str, int]]:
    """Write the PNGs into ``out`` (its old PNGs removed): the pages ``keep`` chooses, or ``every`` page;
    return the page count of each book's sheets."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    counts: dict[str, dict[str, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        books = workbooks(tmp / "books")
        copies, names = [], []
        for key, path in books.items():
            for sheet in visible_sheets(path):
                copies.append(only_sheet(path, sheet, tmp / f"{key}-{SLUGS.get(sheet, sheet)}.xlsm"))
                names.append((key, sheet))
        subprocess.run([soffice(), f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf",
                        "--outdir", str(tmp / "pdf"), *map(str, copies)], check=True, capture_output=True)
        for copy, (key, sheet) in zip(copies, names):
            pdf = tmp / "pdf" / (copy.stem + ".pdf")
            subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(tmp / "page")], check=True)
            pages = sorted(tmp.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
            for n, page in enumerate(pages, 1):
                if every or n == 1 or (n == 2 and sheet in SECOND_PAGES):
                    shutil.move(str(page), out / f"{copy.stem}-{n:02d}.png")
                else:
                    page.unlink()
            counts.setdefault(key, {})[sheet] = len(pages)
    return counts


def table(counts: dict[str, dict[str, int]]) -> str:
    """The page counts as a Markdown table: one row per sheet, one column per book."""
    sheets = list(dict.fromkeys(s for book in counts.values() for s in book))
    head = "| 工作表 | 文件名 | " + " | ".join(counts) + " |"
    lines = [head, "|" + "---|" * (len(counts) + 2)]
    for sheet in sheets:
        lines.append(f"| {sheet} | `{SLUGS.get(sheet, sheet)}` | "
                     + " | ".join(str(counts[b].get(sheet, "—")) for b in counts) + " |")
    lines.append("| 合计 | | " + " | ".join(str(sum(c.values())) for c in counts.values()) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DOCS / "print")
    parser.add_argument("--dpi", type=int, default=50)
    parser.add_argument("--all", action="store_true", help="keep every page")
    args = parser.parse_args()
    print(table(render(args.out, args.dpi, args.all)))


if __name__ == "__main__":
    main()
