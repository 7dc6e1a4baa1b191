"""ooxml.py — writes the DOCX templates xhgen ships, in the GB/T 9704 layout.

Python 3 standard library only.  Each template has a script beside this module
(templates/src/公示.py, …) that describes its content with the small vocabulary
below and calls Doc.save(); the .docx it writes is committed next to the script, and
that .docx is what staff open in Word or WPS and edit.  The output is deterministic:
fixed zip timestamps, fixed part order, no random ids.

Layout (DOMAIN.md §3, GB/T 9704-2012):
  * A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (text block 156 × 225 mm);
  * body 仿宋_GB2312 三号 (16 pt), exact line pitch 28.95 pt (22 lines a page), 28
    characters a line (character spacing -0.25 pt), first line indented 2 characters,
    justified; Latin text and digits Times New Roman;
  * title 方正小标宋简体 二号 centred; 一、 headings 黑体 三号; （一） headings 楷体_GB2312 三号;
  * tables 仿宋_GB2312 小四, header rows repeated on every page, rows never split;
  * page numbers `— N —` in 宋体 四号, 7 mm below the text block, right on odd pages and
    left on even pages, indented one character;
  * every run names its East Asian font (w:eastAsia) as well as the Latin ones, so that
    Word, WPS and LibreOffice pick the same faces whatever their defaults.

Vocabulary:
    d = Doc(cover=True, header="{name}")   # cover: the first page has no header/number
    d.title("关于…的公示")                   # 方正小标宋简体 二号, centred
    d.p("正文……")                            # body paragraph (2-character indent)
    d.p(R("粗体", bold=True), "普通", Sdt("xh:title", "项目名称", "点击填写项目名称"))
    d.p("落款", style="Plain", align="right")  # styles: Body Plain Title Subtitle H1 H2 H3
    d.h1("一、学会基本情况"); d.h2("（一）党组织")  #          Table Note
    d.table([30, 60, 66], [["序号", "学会名称", "金额"], ["{#rows}{no}", "{name}", "{amount}{/rows}"]],
            header_rows=1)
    d.sdt_block("xh:summary", "项目内容", "点击填写项目内容……")  # a block content control
    d.end_cover()                            # ends the cover section; numbering starts at 1
    d.page_break()
    d.save("templates/公示.docx")

A cell is a string, an R, an Sdt, a list of those (one paragraph), a Para, a Block
(a block-level content control) or a Cell(content, span=2, vmerge="restart"|"continue",
align="left"|"center"|"right", shade="D9D9D9").

Content controls (w:sdt) carry a stable w:tag (the `xh:` names that `xhgen collect`
reads back), an alias shown to the person filling the form, and placeholder text
marked w:showingPlcHdr, which Word and WPS select whole when the control is clicked.
"""
import os
import zipfile
from xml.sax.saxutils import escape as _esc

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# twips: 1 mm = 56.693 tw; 1 pt = 20 tw; w:sz in half-points
PAGE_W, PAGE_H = 11906, 16838
MARGIN = dict(top=2098, bottom=1984, left=1587, right=1474, header=851, footer=1225)
TEXT_W = PAGE_W - MARGIN["left"] - MARGIN["right"]  # 8845 tw = 156 mm
LINE = 579  # 28.95 pt: 22 lines in the 225 mm text block

LATIN = "Times New Roman"
FANGSONG, HEITI, KAITI, XBS, SONG = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"

# style id -> (name, east-asian font, half-points, bold, jc, first-line indent chars, line)
STYLES = {
    "Body": ("Body Text 公文正文", FANGSONG, 32, False, "both", 2, LINE),
    "Plain": ("Plain 无缩进", FANGSONG, 32, False, "left", 0, LINE),
    "Title": ("Title 公文标题", XBS, 44, False, "center", 0, LINE),
    "Subtitle": ("Subtitle 副标题", KAITI, 32, False, "center", 0, LINE),
    "H1": ("heading 1", HEITI, 32, False, "left", 2, LINE),
    "H2": ("heading 2", KAITI, 32, False, "left", 2, LINE),
    "H3": ("heading 3", FANGSONG, 32, True, "left", 2, LINE),
    "Table": ("Table Text 表格文字", FANGSONG, 24, False, "left", 0, 360),
    "TableHead": ("Table Heading 表头", HEITI, 24, False, "center", 0, 360),
    "Note": ("Note 注释", FANGSONG, 24, False, "left", 0, 360),
}
HEADING_LEVEL = {"H1": 0, "H2": 1, "H3": 2}


def mm(v):
    return int(round(v * 56.693))


class R:
    """A run of text: bold, underline, its own font or size (half-points)."""

    def __init__(self, text, bold=False, underline=False, font=None, size=None, color=None):
        self.text, self.bold, self.underline = text, bold, underline
        self.font, self.size, self.color = font, size, color


class Tab:
    pass


class Br:
    def __init__(self, page=False):
        self.page = page


class Sdt:
    """An inline content control.  kind: "text" (plain text, several lines allowed),
    "dropdown" (items), "date" (yyyy年M月d日).  text: pre-filled content instead of a
    placeholder; lock: the content cannot be edited (a row's fixed category)."""

    def __init__(self, tag, alias, placeholder="", kind="text", items=None, text=None,
                 lock=False):
        self.tag, self.alias, self.placeholder = tag, alias, placeholder
        self.kind, self.items, self.text, self.lock = kind, items or [], text, lock


class Para:
    def __init__(self, *runs, style="Body", align=None, indent=None, keep_next=False,
                 page_break=False, space_before=0, space_after=0):
        self.runs, self.style, self.align, self.indent = runs, style, align, indent
        self.keep_next, self.page_break = keep_next, page_break
        self.space_before, self.space_after = space_before, space_after


class Block:
    """A block-level content control holding one or more paragraphs the person writes
    (rich text: line breaks and paragraphs are theirs)."""

    def __init__(self, tag, alias, placeholder, style="Body", lines=1):
        self.tag, self.alias, self.placeholder = tag, alias, placeholder
        self.style, self.lines = style, lines


class Cell:
    def __init__(self, content, span=1, vmerge=None, align=None, shade=None, valign="center"):
        self.content, self.span, self.vmerge = content, span, vmerge
        self.align, self.shade, self.valign = align, shade, valign


def _rfonts(ea):
    return ('<w:rFonts w:ascii="%s" w:hAnsi="%s" w:eastAsia="%s" w:cs="%s" w:hint="eastAsia"/>'
            % (LATIN, LATIN, ea, LATIN))


def _rpr(style, run=None, placeholder=False):
    _, ea, sz, bold, _, _, _ = STYLES[style]
    if run is not None and run.font:
        ea = run.font
    if run is not None and run.size:
        sz = run.size
    x = _rfonts(ea)
    if bold or (run is not None and run.bold):
        x += "<w:b/><w:bCs/>"
    if placeholder:
        x += '<w:color w:val="808080"/>'
    elif run is not None and run.color:
        x += '<w:color w:val="%s"/>' % run.color
    x += '<w:sz w:val="%d"/><w:szCs w:val="%d"/>' % (sz, sz)
    if run is not None and run.underline:
        x += '<w:u w:val="single"/>'
    return "<w:rPr>" + x + "</w:rPr>"


def _t(text):
    return '<w:t xml:space="preserve">%s</w:t>' % _esc(text)


def _run(style, item):
    if isinstance(item, str):
        item = R(item)
    if isinstance(item, Tab):
        return "<w:r>%s<w:tab/></w:r>" % _rpr(style)
    if isinstance(item, Br):
        return '<w:r>%s<w:br%s/></w:r>' % (_rpr(style), ' w:type="page"' if item.page else "")
    if isinstance(item, Sdt):
        return _sdt_inline(style, item)
    return "<w:r>%s%s</w:r>" % (_rpr(style, item), _t(item.text))


def _sdt_pr(tag, alias, kind, items, lock, showing):
    x = '<w:alias w:val="%s"/><w:tag w:val="%s"/>' % (_esc(alias, {'"': "&quot;"}),
                                                      _esc(tag, {'"': "&quot;"}))
    if lock:
        x += '<w:lock w:val="sdtContentLocked"/>'
    if showing:
        x += "<w:showingPlcHdr/>"
    if kind == "text":
        x += '<w:text w:multiLine="1"/>'
    elif kind == "dropdown":
        x += "<w:dropDownList>" + "".join(
            '<w:listItem w:displayText="%s" w:value="%s"/>' % (_esc(i, {'"': "&quot;"}),
                                                               _esc(i, {'"': "&quot;"}))
            for i in items) + "</w:dropDownList>"
    elif kind == "date":
        x += ('<w:date><w:dateFormat w:val="yyyy年M月d日"/><w:lid w:val="zh-CN"/>'
              '<w:storeMappedDataAs w:val="dateTime"/><w:calendar w:val="gregorian"/></w:date>')
    return "<w:sdtPr>" + x + "</w:sdtPr>"


def _sdt_inline(style, s):
    showing = s.text is None
    text = s.placeholder if showing else s.text
    run = "<w:r>%s%s</w:r>" % (_rpr(style, None, placeholder=showing), _t(text))
    return ("<w:sdt>%s<w:sdtContent>%s</w:sdtContent></w:sdt>"
            % (_sdt_pr(s.tag, s.alias, s.kind, s.items, s.lock, showing), run))


def _ppr(style, align=None, indent=None, keep_next=False, page_break=False, sect=None,
         space_before=0, space_after=0, cant_break=False):
    _, _, _, _, jc, chars, line = STYLES[style]
    x = '<w:pStyle w:val="%s"/>' % style
    if keep_next:
        x += "<w:keepNext/>"
    if page_break:
        x += "<w:pageBreakBefore/>"
    if style in HEADING_LEVEL:
        x += '<w:outlineLvl w:val="%d"/>' % HEADING_LEVEL[style]
    x += '<w:spacing w:before="%d" w:after="%d" w:line="%d" w:lineRule="exact"/>' % (
        space_before, space_after, line)
    if indent is not None:
        chars = indent
    if chars:
        x += '<w:ind w:firstLineChars="%d" w:firstLine="%d"/>' % (chars * 100, chars * 320)
    else:
        x += '<w:ind w:firstLine="0"/>'
    if align:
        x += '<w:jc w:val="%s"/>' % {"left": "left", "right": "right", "center": "center",
                                    "both": "both"}[align]
    x += _rpr(style)
    if sect:
        x += sect
    return "<w:pPr>" + x + "</w:pPr>"


def _para(p, sect=None):
    if isinstance(p, Block):
        return _block(p)
    return "<w:p>%s%s</w:p>" % (
        _ppr(p.style, p.align, p.indent, p.keep_next, p.page_break, sect, p.space_before,
             p.space_after),
        "".join(_run(p.style, r) for r in p.runs))


def _block(b):
    paras = "".join(
        "<w:p>%s<w:r>%s%s</w:r></w:p>" % (_ppr(b.style), _rpr(b.style, None, True),
                                          _t(b.placeholder if i == 0 else ""))
        for i in range(max(1, b.lines)))
    return ("<w:sdt>%s<w:sdtContent>%s</w:sdtContent></w:sdt>"
            % (_sdt_pr(b.tag, b.alias, "rich", None, False, True), paras))


def _cell_paras(content, style, align):
    """The paragraphs of a cell."""
    if isinstance(content, Para):
        return _para(content)
    if isinstance(content, Block):
        return _block(content)
    if isinstance(content, (str, R, Sdt, Tab, Br)):
        content = [content]
    if content and all(isinstance(c, (list, tuple, Para, Block)) for c in content):
        return "".join(_cell_paras(c, style, align) for c in content)
    return "<w:p>%s%s</w:p>" % (_ppr(style, align),
                                "".join(_run(style, r) for r in content))


class Doc:
    def __init__(self, cover=False, header=None, title_for_props="", landscape=False):
        self.body = []
        self.cover = cover
        self.cover_ended = not cover
        self.header = header
        self.title_prop = title_for_props
        self.landscape = landscape
        self._cover_sect = None

    # -- content ----------------------------------------------------------------------
    def p(self, *runs, style="Body", **kw):
        self.body.append(_para(Para(*runs, style=style, **kw)))

    def title(self, text, **kw):
        self.p(text, style="Title", **kw)

    def subtitle(self, text, **kw):
        self.p(text, style="Subtitle", **kw)

    def h1(self, text, **kw):
        kw.setdefault("keep_next", True)
        self.p(text, style="H1", **kw)

    def h2(self, text, **kw):
        kw.setdefault("keep_next", True)
        self.p(text, style="H2", **kw)

    def h3(self, text, **kw):
        kw.setdefault("keep_next", True)
        self.p(text, style="H3", **kw)

    def blank(self, n=1, style="Plain"):
        for _ in range(n):
            self.p(style=style)

    def page_break(self):
        self.body.append('<w:p>%s<w:r><w:br w:type="page"/></w:r></w:p>' % _ppr("Plain"))

    def sdt_block(self, tag, alias, placeholder, style="Body", lines=1):
        self.body.append(_block(Block(tag, alias, placeholder, style, lines)))

    def raw(self, xml):
        self.body.append(xml)

    def table(self, widths_mm, rows, header_rows=1, style="Table", head_style="TableHead",
              borders=True, align_cols=None):
        widths = [mm(w) for w in widths_mm]
        total = sum(widths)
        b = ("<w:tblBorders>" + "".join(
            '<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>' % e
            for e in ("top", "left", "bottom", "right", "insideH", "insideV"))
            + "</w:tblBorders>") if borders else ""
        x = ['<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:jc w:val="center"/>%s'
             '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="85" w:type="dxa"/>'
             '<w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
             '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
             'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>' % (total, b)]
        x += ['<w:gridCol w:w="%d"/>' % w for w in widths]
        x.append("</w:tblGrid>")
        for ri, row in enumerate(rows):
            head = ri < header_rows
            x.append("<w:tr><w:trPr><w:cantSplit/>%s</w:trPr>" % ("<w:tblHeader/>" if head else ""))
            col = 0
            for ci, cell in enumerate(row):
                if not isinstance(cell, Cell):
                    cell = Cell(cell)
                w = sum(widths[col:col + cell.span])
                tcpr = '<w:tcW w:w="%d" w:type="dxa"/>' % w
                if cell.span > 1:
                    tcpr += '<w:gridSpan w:val="%d"/>' % cell.span
                if cell.vmerge:
                    tcpr += ('<w:vMerge w:val="restart"/>' if cell.vmerge == "restart"
                             else "<w:vMerge/>")
                if cell.shade:
                    tcpr += '<w:shd w:val="clear" w:color="auto" w:fill="%s"/>' % cell.shade
                tcpr += '<w:vAlign w:val="%s"/>' % cell.valign
                align = cell.align or ("center" if head else
                                       (align_cols[col] if align_cols else None))
                x.append("<w:tc><w:tcPr>%s</w:tcPr>%s</w:tc>" % (
                    tcpr, _cell_paras(cell.content, head_style if head else style, align)))
                col += cell.span
            x.append("</w:tr>")
        x.append("</w:tbl>")
        self.body.append("".join(x))
        # a table must be followed by a paragraph; a small one keeps the layout tight
        self.body.append('<w:p>%s</w:p>' % _ppr("Note"))

    def end_cover(self):
        """Ends the cover section: the cover has no header or page number; the next
        section numbers its pages from 1."""
        assert self.cover and not self.cover_ended
        last = self.body.pop()
        assert last.startswith("<w:p>") and "<w:pPr>" in last, "end_cover after a paragraph"
        sect = self._sectpr(cover=True)
        self.body.append(last.replace("</w:pPr>", sect + "</w:pPr>", 1))
        self.cover_ended = True

    # -- package ------------------------------------------------------------------------
    def _sectpr(self, cover=False):
        w, h = (PAGE_H, PAGE_W) if self.landscape else (PAGE_W, PAGE_H)
        refs = ""
        if not cover:
            if self.header is not None:
                refs += ('<w:headerReference w:type="default" r:id="rIdH1"/>'
                         '<w:headerReference w:type="even" r:id="rIdH1"/>')
            refs += ('<w:footerReference w:type="default" r:id="rIdF1"/>'
                     '<w:footerReference w:type="even" r:id="rIdF2"/>')
        else:
            refs += ('<w:headerReference w:type="default" r:id="rIdH0"/>'
                     '<w:headerReference w:type="even" r:id="rIdH0"/>'
                     '<w:footerReference w:type="default" r:id="rIdF0"/>'
                     '<w:footerReference w:type="even" r:id="rIdF0"/>')
        x = ('<w:sectPr>%s<w:pgSz w:w="%d" w:h="%d"%s/>'
             '<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="%d" '
             'w:footer="%d" w:gutter="0"/>' % (
                 refs, w, h, ' w:orient="landscape"' if self.landscape else "",
                 MARGIN["top"], MARGIN["right"], MARGIN["bottom"], MARGIN["left"],
                 MARGIN["header"], MARGIN["footer"]))
        if cover:
            x += '<w:pgNumType w:start="1"/>'
        elif self.cover:
            x += '<w:pgNumType w:start="1"/>'
        x += '<w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="%d"/></w:sectPr>' % LINE
        return x

    def _document(self):
        body = "".join(self.body)
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<w:document xmlns:w="%s" xmlns:r="%s"><w:body>%s%s</w:body></w:document>'
                % (W_NS, R_NS, body, self._sectpr()))

    @staticmethod
    def _footer(odd):
        ind = '<w:ind w:right="320"/>' if odd else '<w:ind w:left="320"/>'
        rpr = "<w:rPr>%s<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/></w:rPr>" % _rfonts(SONG).replace(
            'w:ascii="%s" w:hAnsi="%s"' % (LATIN, LATIN), 'w:ascii="%s" w:hAnsi="%s"' % (SONG, SONG))
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<w:ftr xmlns:w="%s" xmlns:r="%s"><w:p><w:pPr><w:pStyle w:val="Footer"/>'
                '<w:jc w:val="%s"/>%s%s</w:pPr>'
                '<w:r>%s<w:t xml:space="preserve">— </w:t></w:r>'
                '<w:r>%s<w:fldChar w:fldCharType="begin"/></w:r>'
                '<w:r>%s<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
                '<w:r>%s<w:fldChar w:fldCharType="separate"/></w:r>'
                '<w:r>%s<w:t>1</w:t></w:r>'
                '<w:r>%s<w:fldChar w:fldCharType="end"/></w:r>'
                '<w:r>%s<w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>'
                % (W_NS, R_NS, "right" if odd else "left", ind, rpr,
                   rpr, rpr, rpr, rpr, rpr, rpr, rpr))

    @staticmethod
    def _empty(kind):
        tag = "w:hdr" if kind == "header" else "w:ftr"
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<%s xmlns:w="%s" xmlns:r="%s"><w:p><w:pPr><w:pStyle w:val="%s"/></w:pPr></w:p></%s>'
                % (tag, W_NS, R_NS, "Header" if kind == "header" else "Footer", tag))

    def _header(self):
        rpr = "<w:rPr>%s<w:sz w:val=\"21\"/><w:szCs w:val=\"21\"/></w:rPr>" % _rfonts(SONG)
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<w:hdr xmlns:w="%s" xmlns:r="%s"><w:p><w:pPr><w:pStyle w:val="Header"/>'
                '<w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="000000"/></w:pBdr>'
                '<w:jc w:val="center"/>%s</w:pPr><w:r>%s%s</w:r></w:p></w:hdr>'
                % (W_NS, R_NS, rpr, rpr, _t(self.header)))

    @staticmethod
    def _styles():
        x = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="%s">'
             '<w:docDefaults><w:rPrDefault><w:rPr>%s<w:sz w:val="32"/><w:szCs w:val="32"/>'
             '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
             '<w:pPrDefault><w:pPr><w:spacing w:line="%d" w:lineRule="exact"/></w:pPr>'
             '</w:pPrDefault></w:docDefaults>' % (W_NS, _rfonts(FANGSONG), LINE)]
        x.append('<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
                 '<w:qFormat/><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/>'
                 '<w:spacing w:line="%d" w:lineRule="exact"/></w:pPr><w:rPr>%s<w:kern w:val="2"/>'
                 '<w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style>' % (LINE, _rfonts(FANGSONG)))
        for sid, (name, ea, sz, bold, jc, chars, line) in STYLES.items():
            ind = ('<w:ind w:firstLineChars="%d" w:firstLine="%d"/>' % (chars * 100, chars * 320)
                   if chars else "")
            outline = ('<w:outlineLvl w:val="%d"/>' % HEADING_LEVEL[sid]
                       if sid in HEADING_LEVEL else "")
            # 三号 text: 0.25 pt less per character puts 28 characters on the
            # 156 mm line (GB/T 9704: 22 lines of 28 characters); at 16 pt
            # only 27 fit.  A w:docGrid of linesAndChars would say the same
            # to Word, but LibreOffice 7.4 then sets one character a line.
            spacing = '<w:spacing w:val="-5"/>' if sz == 32 else ""
            x.append('<w:style w:type="paragraph" w:customStyle="1" w:styleId="%s"><w:name w:val="%s"/>'
                     '<w:basedOn w:val="Normal"/><w:qFormat/><w:pPr>%s<w:spacing w:line="%d" '
                     'w:lineRule="exact"/>%s<w:jc w:val="%s"/>%s</w:pPr><w:rPr>%s%s%s<w:sz w:val="%d"/>'
                     '<w:szCs w:val="%d"/></w:rPr></w:style>'
                     % (sid, name, "<w:keepNext/>" if sid in HEADING_LEVEL else "", line, ind, jc,
                        outline, _rfonts(ea), "<w:b/><w:bCs/>" if bold else "", spacing, sz, sz))
        for sid, name in (("Header", "header"), ("Footer", "footer")):
            x.append('<w:style w:type="paragraph" w:styleId="%s"><w:name w:val="%s"/>'
                     '<w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="240" w:lineRule="auto"/>'
                     '</w:pPr><w:rPr>%s<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>'
                     % (sid, name, _rfonts(SONG)))
        x.append('<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
                 '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
                 '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
                 '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>')
        x.append("</w:styles>")
        return "".join(x)

    def save(self, path):
        assert self.cover_ended, "a cover document must call end_cover()"
        ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
              '<Default Extension="xml" ContentType="application/xml"/>'
              '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
              '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
              '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
              '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
              '<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
              '%s'
              '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
              '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
              '</Types>')
        extra_ct = ""
        rels = ['<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>',
                '<Relationship Id="rIdT" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>',
                '<Relationship Id="rIdF1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>',
                '<Relationship Id="rIdF2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>']
        parts = []
        if self.header is not None:
            extra_ct += '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
            rels.append('<Relationship Id="rIdH1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>')
            parts.append(("word/header1.xml", self._header()))
        if self.cover:
            extra_ct += ('<Override PartName="/word/header0.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
                         '<Override PartName="/word/footer0.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>')
            rels.append('<Relationship Id="rIdH0" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header0.xml"/>')
            rels.append('<Relationship Id="rIdF0" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer0.xml"/>')
            parts.append(("word/header0.xml", self._empty("header")))
            parts.append(("word/footer0.xml", self._empty("footer")))
        settings = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<w:settings xmlns:w="%s"><w:zoom w:percent="100"/><w:evenAndOddHeaders/>'
                    '<w:defaultTabStop w:val="420"/><w:drawingGridVerticalSpacing w:val="%d"/>'
                    '<w:characterSpacingControl w:val="compressPunctuation"/>'
                    '<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/>'
                    '<w:doNotLeaveBackslashAlone/><w:ulTrailSpace/><w:doNotExpandShiftReturn/>'
                    '<w:adjustLineHeightInTable/><w:useFELayout/>'
                    '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
                    '</w:compat><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>'
                    % (W_NS, LINE))
        core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
                'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
                '<dc:title>%s</dc:title><dc:creator>威海市科学技术协会</dc:creator>'
                '<dcterms:created xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:created>'
                '<dcterms:modified xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:modified>'
                '</cp:coreProperties>' % _esc(self.title_prop))
        app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
               '<Application>xhgen templates/src/ooxml.py</Application></Properties>')
        files = [("[Content_Types].xml", ct % extra_ct),
                 ("_rels/.rels",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
                  '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
                  '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
                  '</Relationships>'),
                 ("docProps/core.xml", core),
                 ("docProps/app.xml", app),
                 ("word/document.xml", self._document()),
                 ("word/_rels/document.xml.rels",
                  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  + "".join(rels) + "</Relationships>"),
                 ("word/styles.xml", self._styles()),
                 ("word/settings.xml", settings),
                 ("word/footer1.xml", self._footer(True)),
                 ("word/footer2.xml", self._footer(False))] + parts
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, text in files:
                zi = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                zi.compress_type = zipfile.ZIP_DEFLATED
                zi.external_attr = 0o100644 << 16
                z.writestr(zi, text.encode("utf-8"))


def out_path(script):
    """Where a template script writes its .docx: templates/<the script's name>.docx."""
    here = os.path.dirname(os.path.abspath(script))
    name = os.path.splitext(os.path.basename(script))[0]
    return os.path.join(os.path.dirname(here), name + ".docx")


def right_indented(d, chars):
    """The last paragraph indented `chars` characters from the right (GB/T 9704 §7.3.5.2)."""
    last = d.body.pop()
    d.body.append(last.replace('<w:ind w:firstLine="0"/>',
                               '<w:ind w:right="%d" w:firstLine="0"/>' % (chars * 320), 1))


def no_hanging_punctuation(d):
    """Punctuation stays inside the text block (w:overflowPunct off): LibreOffice and Word
    otherwise hang a line-final "。" or "，" in the right margin, outside the GB/T 9704 block."""
    d.body = [x.replace("<w:spacing ", '<w:overflowPunct w:val="0"/><w:spacing ') for x in d.body]
