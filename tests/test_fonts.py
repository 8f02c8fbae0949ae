from kit.report.fonts import font_for, full_font, pdf_font


def test_cut_down_font_for_common_text_full_font_otherwise():
    assert font_for("青禾县人民政府2024年政府信息公开工作年度报告（一）“三安全一稳定”％") == pdf_font()
    assert pdf_font().suffix == ".ttf" and pdf_font().stat().st_size < full_font().stat().st_size / 2
    assert font_for("龑") == full_font()  # outside GB2312: never a missing glyph


def test_punctuation_the_reports_use_is_in_the_cut_down_font():
    # the em dash (U+2014) is not in GB2312: without it every report fell back to the full font
    assert font_for("历年比较（2020—2024年）…·①→「」《》") == pdf_font()
