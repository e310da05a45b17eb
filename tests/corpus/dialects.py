"""Legal XML forms other tools write, as transforms of our own parts: cells and rows without ``r``,
single-quoted attributes, spaces around ``=``, a namespace prefix on every element, an end tag with
whitespace (and no calcPr, so that recalc must insert one).  Used by the corpus and
tests/test_xml_dialects.py."""
from __future__ import annotations

import re

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _without_r(xml: str) -> str:
    """Drop r from every cell that follows the previous one, and from rows that follow theirs (as a
    streaming writer omits them)."""
    out, last_row = [], 0

    def cells(row: str, number: int) -> str:
        col = [-1]

        def one(m):
            ref = m.group(1)
            letters = re.match(r"[A-Z]+", ref).group(0)
            index = 0
            for ch in letters:
                index = index * 26 + ord(ch) - 64
            index -= 1
            follows = index == col[0] + 1
            col[0] = index
            return "<c" if follows else m.group(0)
        return re.sub(r'<c r="([A-Z]+\d+)"', one, row)

    for m in re.finditer(r'(<row r="(\d+)")|(.+?)(?=<row r="|$)', xml, re.S):
        if m.group(1):
            number = int(m.group(2))
            out.append("<row" if number == last_row + 1 else m.group(1))
            last_row = number
        else:
            out.append(cells(m.group(3), last_row))
    return "".join(out)


def _single_quoted(xml: str) -> str:
    body = xml[xml.index("?>") + 2:]
    return xml[:xml.index("?>") + 2] + re.sub(r'="([^"]*)"', r"='\1'", body)


def _spaced(xml: str) -> str:
    body = xml[xml.index("?>") + 2:]
    return xml[:xml.index("?>") + 2] + re.sub(r'(\s[\w:]+)="', r'\1 = "', body)


def _prefixed(xml: str) -> str:
    """The main namespace bound to x: and every element of it written x:tag."""
    head, body = xml[:xml.index("?>") + 2], xml[xml.index("?>") + 2:]
    body = re.sub(rf"""xmlns\s*=\s*["']{re.escape(MAIN)}["']""", f'xmlns:x="{MAIN}"', body, count=1)
    return head + re.sub(r"<(/?)([A-Za-z]\w*)(?=[\s/>])", r"<\1x:\2", body)


def _end_tag_spaced(xml: str) -> str:
    """The root's end tag as ``</workbook >``, and no calcPr (so that recalc must insert one)."""
    return re.sub(r"</(\w+)>$", r"</\1 >", re.sub(r"<calcPr\b[^>]*/>", "", xml).rstrip())


SHEET_FORMS = {"cells_and_rows_without_r": _without_r, "single_quoted": _single_quoted, "spaces_around_equals": _spaced,
               "namespace_prefix": _prefixed, "all_of_them": lambda x: _prefixed(_spaced(_single_quoted(_without_r(x))))}
WORKBOOK_FORMS = {"workbook_prefix": _prefixed, "workbook_end_tag_spaced": _end_tag_spaced,
                  "workbook_single_quoted": _single_quoted, "workbook_prefix_spaced": lambda x: _end_tag_spaced(_prefixed(x))}
