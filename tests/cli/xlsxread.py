"""Reading .xlsx parts in tests, shared by test_review.py and test_ledger.py (standard library
only): the SpreadsheetML namespaces, the text of shared and inline strings, column letters."""
import re

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
R_ID = R_NS + "id"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _text(el):
    """The text of a shared or inline string: its <t>s, without phonetic runs (<rPh>)."""
    if el is None:
        return ""
    out = []
    for child in el:
        if child.tag == M + "t":
            out.append(child.text or "")
        elif child.tag == M + "r":
            t = child.find(M + "t")
            out.append(t.text or "" if t is not None else "")
    return "".join(out)


def _col(ref):
    """'C5', '$C$5' or 'C' -> 2 (zero-based column)."""
    n = 0
    for ch in re.match(r"\$?([A-Z]+)", ref).group(1):
        n = n * 26 + ord(ch) - 64
    return n - 1
