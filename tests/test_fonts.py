from kit.report.fonts import font_for, full_font, pdf_font


def test_cut_down_font_for_common_text_full_font_otherwise():
    assert font_for("青禾县人民政府2024年政府信息公开工作年度报告（一）“三安全一稳定”％") == pdf_font()
    assert pdf_font().suffix == ".ttf" and pdf_font().stat().st_size < full_font().stat().st_size / 2
    assert font_for("龑") == full_font()  # outside GB2312: never a missing glyph


def test_punctuation_the_reports_use_is_in_the_cut_down_font():
    # the em dash (U+2014) is not in GB2312: without it every report fell back to the full font
    assert font_for("历年比较（2020—2024年）…·①→「」《》") == pdf_font()


def test_an_html_page_embeds_exactly_the_glyphs_it_shows():
    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    from kit.report.render import with_embedded_font

    doc = ('<!DOCTYPE html><html><head><style>th:after { content: " ⇅"; }</style></head><body>'
           '<h1>青禾县财政局2024年政府信息公开工作年度报告</h1><p>龑 &amp; 办结 12 件</p>'
           '<img src="data:image/png;base64,QUJD"></body></html>')
    out = with_embedded_font(doc)
    m = re.search(r'font-family: "XXGK Sans".*?base64,([A-Za-z0-9+/=]+)\) format\("woff2"\)', out)
    assert m and out.index(m.group(0)) < out.index("</head>")
    font = TTFont(io.BytesIO(base64.b64decode(m.group(1))))
    assert font.flavor == "woff2"
    cmap = set(font.getBestCmap())
    shown = set("青禾县财政局年政府信息公开工作度报告龑办结件12&⇅")
    assert {ord(c) for c in shown} <= cmap  # 龑 is outside GB2312: taken from the full font
    assert ord("Q") not in cmap  # a data URI's letters are not text
    assert len(cmap) < 120  # only what the page shows, not the font's 7,000 characters
