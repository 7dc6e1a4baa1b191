"""Build small DOCX packages in Python (zipfile) for the CLI tests.

A paragraph is given as a string (one run), or a list of pieces, each a string (a run) or a
(text, rPr-xml) pair, so tests can split a tag over several runs with different formatting:

    para(["{na", ("me}", "<w:b/>")])
"""
import zipfile
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT_W = "application/vnd.openxmlformats-officedocument.wordprocessingml."
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def run_xml(piece):
    if isinstance(piece, tuple):
        text, rpr = piece
    else:
        text, rpr = piece, ""
    rpr = "<w:rPr>%s</w:rPr>" % rpr if rpr else ""
    return '<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r>' % (rpr, escape(text))


def para(p):
    """One w:p from a string, a list of pieces, or raw XML starting with '<w:'."""
    if isinstance(p, str) and p.startswith("<w:"):
        return p
    pieces = [p] if isinstance(p, (str, tuple)) else p
    return "<w:p>%s</w:p>" % "".join(run_xml(x) for x in pieces)


def table(rows):
    """rows: list of rows, each a list of cells, each cell a paragraph spec."""
    out = ['<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>']
    out += ['<w:gridCol w:w="2000"/>'] * max(len(r) for r in rows)
    out.append("</w:tblGrid>")
    for r in rows:
        out.append("<w:tr>")
        for c in r:
            out.append('<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>%s</w:tc>' % para(c))
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def part_xml(root, paras, extra_ns=""):
    body = "".join(para(p) for p in paras)
    return '%s<w:%s xmlns:w="%s" xmlns:r="%s"%s>%s</w:%s>' % (
        XML_DECL, root, W_NS, R_NS, extra_ns, body, root)


def document_xml(paras, headers=0, footers=0, prolog=""):
    refs = "".join('<w:headerReference w:type="default" r:id="rIdH%d"/>' % (i + 1)
                   for i in range(headers))
    refs += "".join('<w:footerReference w:type="default" r:id="rIdF%d"/>' % (i + 1)
                    for i in range(footers))
    body = "".join(para(p) for p in paras)
    return ('%s%s<w:document xmlns:w="%s" xmlns:r="%s"><w:body>%s<w:sectPr>%s'
            '<w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
            % (XML_DECL, prolog, W_NS, R_NS, body, refs))


def notes_xml(kind, notes):
    """kind 'footnote' or 'endnote'; notes: list of paragraph specs, ids 1.."""
    items = ['<w:%s w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:%s>'
             % (kind, kind)]
    for i, n in enumerate(notes):
        items.append('<w:%s w:id="%d">%s</w:%s>' % (kind, i + 1, para(n), kind))
    return '%s<w:%ss xmlns:w="%s" xmlns:r="%s">%s</w:%ss>' % (
        XML_DECL, kind, W_NS, R_NS, "".join(items), kind)


def make_docx(path, paras=None, headers=(), footers=(), footnotes=None, endnotes=None,
              document=None, extra=None, skip=(), compression=zipfile.ZIP_DEFLATED):
    """Write a DOCX.  headers/footers: lists of paragraph lists.  document: raw XML for
    word/document.xml (instead of paras).  extra: {entry name: bytes or str} added verbatim.
    skip: entry names to leave out."""
    entries = []
    ct = ['<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
          '<Default Extension="xml" ContentType="application/xml"/>',
          '<Default Extension="png" ContentType="image/png"/>',
          '<Override PartName="/word/document.xml" ContentType="%sdocument.main+xml"/>' % CT_W]
    rels = []
    for i, h in enumerate(headers):
        n = "header%d.xml" % (i + 1)
        entries.append(("word/" + n, part_xml("hdr", h)))
        ct.append('<Override PartName="/word/%s" ContentType="%sheader+xml"/>' % (n, CT_W))
        rels.append('<Relationship Id="rIdH%d" Type="%sheader" Target="%s"/>' % (i + 1, OD, n))
    for i, f in enumerate(footers):
        n = "footer%d.xml" % (i + 1)
        entries.append(("word/" + n, part_xml("ftr", f)))
        ct.append('<Override PartName="/word/%s" ContentType="%sfooter+xml"/>' % (n, CT_W))
        rels.append('<Relationship Id="rIdF%d" Type="%sfooter" Target="%s"/>' % (i + 1, OD, n))
    for kind, notes in (("footnote", footnotes), ("endnote", endnotes)):
        if notes is None:
            continue
        n = "%ss.xml" % kind
        entries.append(("word/" + n, notes_xml(kind, notes)))
        ct.append('<Override PartName="/word/%s" ContentType="%s%ss+xml"/>' % (n, CT_W, kind))
        rels.append('<Relationship Id="rId%s" Type="%s%ss" Target="%s"/>' % (kind, OD, kind, n))
    if document is None:
        document = document_xml(paras or [], len(headers), len(footers))
    base = [
        ("[Content_Types].xml", '%s<Types xmlns="%s">%s</Types>' % (XML_DECL, CT_NS, "".join(ct))),
        ("_rels/.rels", '%s<Relationships xmlns="%s"><Relationship Id="rId1" Type="%sofficeDocument" '
                        'Target="word/document.xml"/></Relationships>' % (XML_DECL, PKG_REL, OD)),
        ("word/document.xml", document),
        ("word/_rels/document.xml.rels", '%s<Relationships xmlns="%s">%s</Relationships>'
         % (XML_DECL, PKG_REL, "".join(rels))),
    ]
    with zipfile.ZipFile(path, "w", compression) as z:
        for name, data in base + entries + list((extra or {}).items()):
            if name in skip:
                continue
            z.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path
