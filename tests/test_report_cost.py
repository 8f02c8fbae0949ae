"""What the cost cuts of issue 18 must not change: the pictures, the PDF, the exporters' output."""
from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from kit.report import charts, render  # noqa: E402


def _figure() -> plt.Figure:
    charts.use_chinese_font()
    fig, ax = plt.subplots(figsize=(4, 2), dpi=110)
    ax.bar(["2023", "2024"], [3, 5], color=charts.PALETTE[0])
    ax.set_title("新收申请（件）")
    fig.tight_layout()
    return fig


def test_a_chart_is_an_rgb_png_with_the_pixels_matplotlib_saves():
    png = charts.figure_png(_figure())
    ours = Image.open(io.BytesIO(png))
    buf = io.BytesIO()
    plain = _figure()
    plain.savefig(buf, format="png", dpi=150)
    plt.close(plain)
    theirs = Image.open(io.BytesIO(buf.getvalue()))
    assert ours.mode == "RGB" and theirs.mode == "RGBA" and ours.size == theirs.size == (600, 300)
    assert np.array_equal(np.asarray(ours), np.asarray(theirs)[..., :3])  # the same picture, no alpha
    assert not plt.get_fignums()  # closed


def test_a_transparent_figure_keeps_its_alpha():
    fig = _figure()
    fig.patch.set_alpha(0)
    assert Image.open(io.BytesIO(charts.figure_png(fig))).mode == "RGBA"


def _notebook() -> nbformat.NotebookNode:
    img = base64.b64encode(charts.figure_png(_figure())).decode("ascii")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("display(...)")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "text/html": f'<header><h1>甲县乙局2024年政府信息公开工作年度报告</h1></header><section id="a"><h2>一、总体情况</h2>'
                     f'<p>本年度新收申请5件。</p><figure><img alt="图" src="data:image/png;base64,{img}"></figure></section>',
        "text/plain": "<HTML>"})]
    nb.cells = [cell]
    nb.metadata["papermill"] = {"parameters": {"year": 2024}}
    return nb


@pytest.fixture
def notebook(tmp_path):
    path = tmp_path / "report.ipynb"
    nbformat.write(_notebook(), path)
    return path


def test_export_writes_what_the_nbconvert_exporters_write(notebook):
    """One nbconvert pass for HTML and PDF gives the bytes ``jupyter nbconvert --to xxgk_html/xxgk_pdf`` gives."""
    out = render.export(notebook, ("html", "pdf"))
    nb = nbformat.read(notebook, as_version=4)
    html, _ = render.KitHTMLExporter().from_notebook_node(nb)
    pdf, _ = render.KitPDFExporter().from_notebook_node(nb)
    assert out["html"].read_text(encoding="utf-8") == html
    assert out["pdf"].read_bytes() == pdf and pdf.startswith(b"%PDF")
    assert "data:image/png;base64," in html  # the HTML keeps its pictures inline


def test_the_pdf_takes_the_png_data_as_it_is_and_is_the_same_bytes(notebook, monkeypatch):
    from weasyprint.images import RasterImage

    document = render.page(render._body(nbformat.read(notebook, as_version=4)), embed_font=False)
    render._png_as_is()
    fast = RasterImage.__dict__["_get_png_data"].__func__
    assert getattr(fast, "kit", False)
    taken: list[bytes] = []
    monkeypatch.setattr(render, "_idat", lambda fp: taken.append(b"") or _real_idat(fp))
    with_ours = render.pdf_of(document, 2024)
    assert len(taken) == 1  # the chart's data went through as it is
    monkeypatch.setattr(render, "_png_as_is", lambda: None)
    monkeypatch.setattr(RasterImage, "_get_png_data", staticmethod(_weasyprint_own(fast)))
    assert render.pdf_of(document, 2024) == with_ours


_real_idat = render._idat


def _weasyprint_own(fast):  # the original WeasyPrint function the kit's falls back to
    for cell in fast.__closure__ or ():
        if isinstance(cell.cell_contents, staticmethod):
            return cell.cell_contents.__func__
    raise AssertionError("no original _get_png_data")


def test_the_pdf_fetches_only_images_of_its_own_document():
    f = render._fetcher({"kit-image:abc": ("image/png", b"\x89PNG")})
    assert f.fetch("kit-image:abc").read() == b"\x89PNG"
    with pytest.raises(ValueError):
        f.fetch("kit-image:other")


def test_a_pdf_is_the_same_bytes_whatever_the_process_printed_before_it():
    """The font configuration is kept for the process: a report needing the full font (a character
    outside the cut-down one) must not change the next report's PDF (seen: other glyph ids)."""
    from kit.report.fonts import font_for, full_font, pdf_font

    plain = "<main class='report'><h1>青禾县 2024 年报告</h1><p>收到申请 12 件，办结 10 件。</p></main>"
    rare = plain.replace("青禾县", "䶮禾县")
    assert font_for("青禾县 2024") == pdf_font() and font_for("䶮") == full_font()
    render._font_config.cache_clear()
    alone = render.pdf_of(render.page(plain, embed_font=False), 2024)
    render._font_config.cache_clear()
    render.pdf_of(render.page(rare, embed_font=False), 2024)
    assert render.pdf_of(render.page(plain, embed_font=False), 2024) == alone


def test_the_png_patch_is_made_once_however_many_pdfs():
    from weasyprint.images import RasterImage

    render._png_as_is()
    first = RasterImage.__dict__["_get_png_data"]
    for _ in range(3):
        render._png_as_is()
    assert RasterImage.__dict__["_get_png_data"] is first  # not a wrapper around a wrapper a PDF
