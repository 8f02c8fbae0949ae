"""Real papermill + nbconvert + WeasyPrint runs of the master notebook (slow)."""
from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
import warnings
from pathlib import Path

import pytest

from kit.demo import write_demo
from kit.errors import RenderError
from kit.readers import read_file
from kit.report.render import render
from kit.schema import get_format
from kit.store import Store

BIN = Path(sys.executable).parent
SECTION_TITLES = [f"{s.key}、{s.title}" for s in get_format("gov2021").sections] + [
    "数据解读", "核查发现", "历年比较", "同级比较", "数据来源"]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    store = root / "store.sqlite"
    with Store(store) as s:
        for p in write_demo(root / "data", departments=13, years=(2020, 2021, 2022, 2023, 2024)):
            s.put(read_file(p))
        # one agency with a single year and nothing to compare with
        single = write_demo(root / "single", seed=7, departments=1, years=(2024,))[0]
        r = read_file(single, agency="单年度测试局", year=2024)
        s.put(r)
    return store


@pytest.fixture(scope="module")
def rendered(demo_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    registry = demo_store.parent / "data" / "registry.csv"
    paths = render({"agency": "青禾县自然资源局", "year": 2024, "store": str(demo_store), "registry": str(registry)}, out)
    return paths


@pytest.mark.slow
def test_render_writes_ipynb_html_pdf(rendered):
    assert set(rendered) == {"ipynb", "html", "pdf"}
    assert rendered["html"].parent.name == "青禾县自然资源局" and rendered["html"].parent.parent.name == "2024"
    for p in rendered.values():
        assert p.stat().st_size > 1000
    assert not list(rendered["html"].parent.glob(".*part*")), "temporary files left behind"


@pytest.mark.slow
def test_html_has_sections_tables_chart_and_no_code(rendered, demo_store):
    html = rendered["html"].read_text(encoding="utf-8")
    for title in SECTION_TITLES:
        assert title in html
    assert html.count('<table class="official') == 3
    assert 'rowspan="3"' in html and "勾稽关系" in html  # 表三's merged header with its note
    # five years and twelve peers: four history charts and three peer charts, each with its caption
    assert html.count("<figure>") == 7 and html.count('<p class="caption">') == 7
    assert "同级比较（13个机关）" in html and "历年比较（2020—2024年）" in html
    assert "暂无可比较" not in html
    assert "import kit" not in html and "display(" not in html and "In&nbsp;[" not in html
    assert '<nav class="toc">' in html and 'name="viewport"' in html
    assert "xxgk-kit 0.1.0" in html and "2024-01." in html
    assert "store=…/store.sqlite" in html and "/tmp/" not in html  # no path of this machine in a report


@pytest.mark.slow
def test_pdf_text_has_chinese_section_titles(rendered):
    import pdfplumber

    with pdfplumber.open(rendered["pdf"]) as pdf:
        text = unicodedata.normalize("NFKC", "\n".join(p.extract_text() or "" for p in pdf.pages))
        assert pdf.pages[0].width == pytest.approx(595, abs=2)  # A4
    for title in SECTION_TITLES:
        assert unicodedata.normalize("NFKC", title) in text.replace("\n", "")
    assert "第 1 页" in text
    assert "import kit" not in text


@pytest.mark.slow
def test_executed_notebook_has_no_missing_glyphs(rendered):
    nb = json.loads(rendered["ipynb"].read_text(encoding="utf-8"))
    streams = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", [])
                      if o.get("output_type") == "stream")
    assert "missing from font" not in streams and "Glyph" not in streams


@pytest.mark.slow
def test_single_year_renders_without_chart(demo_store, tmp_path):
    paths = render({"agency": "单年度测试局", "year": 2024, "store": str(demo_store)}, tmp_path, to=("html",))
    html = paths["html"].read_text(encoding="utf-8")
    assert "暂无可比较的历史数据" in html and "data:image/png" not in html and "<figure>" not in html
    assert "同级比较" in html and "无法确定同级机关" in html


@pytest.mark.slow
def test_failed_run_keeps_executed_notebook(demo_store, tmp_path):
    with pytest.raises(RenderError) as e:
        render({"agency": "不存在的局", "year": 2024, "store": str(demo_store)}, tmp_path)
    assert "NotFound" in str(e.value) and e.value.notebook
    assert Path(e.value.notebook).exists()
    assert not Path(e.value.notebook).with_suffix(".html").exists()


@pytest.mark.slow
def test_papermill_and_nbconvert_by_hand(demo_store, tmp_path):
    root = Path(__file__).resolve().parents[1]
    params = tmp_path / "p.yaml"
    params.write_text(f'agency: "青禾县财政局"\nyear: 2023\nstore: "{demo_store}"\n', encoding="utf-8")
    out = tmp_path / "out.ipynb"
    subprocess.run([str(BIN / "papermill"), str(root / "notebooks" / "report.ipynb"), str(out), "-f", str(params),
                    "-k", "python3", "--no-progress-bar"], check=True, capture_output=True)
    subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "xxgk_pdf", str(out)], check=True, capture_output=True)
    assert out.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "xxgk_docx", str(out)], check=True, capture_output=True)
    from kit.readers import read_file

    back = read_file(out.with_suffix(".docx"))  # the Word exporter reads the store the notebook ran on
    assert (back.agency, back.year) == ("青禾县财政局", 2023) and sum(v is not None for v in back.cells.values()) > 150


def test_chart_has_every_glyph():
    import matplotlib as mpl
    import matplotlib.pyplot as plt
    import pandas as pd

    from kit.report.charts import applications_chart, figure_html

    before = dict(mpl.rcParams)
    hist = pd.DataFrame({"格式": ["gov2019", "gov2021"], "新收申请": [3, 5], "上年结转": [0, 1]}, index=[2020, 2021])
    with plt.rc_context(), warnings.catch_warnings():  # whatever the chart or this test sets is undone after
        warnings.filterwarnings("error", message=".*Glyph.*")
        fig = applications_chart(hist, "青禾县某局")
        assert fig is not None
        assert "data:image/png" in figure_html(fig, "说明")
        # the check is real: without the CJK font the same chart warns about missing glyphs
        plt.rcParams["font.family"] = "DejaVu Sans"
        plt.rcParams["font.sans-serif"] = ["DejaVu Sans"]
        fig2, ax = plt.subplots()
        ax.set_title("申请数量")
        with pytest.raises(UserWarning, match="Glyph"):
            fig2.canvas.draw()
        plt.close(fig2)
        assert applications_chart(hist.iloc[:1], "青禾县某局") is None
    assert dict(mpl.rcParams) == before, "the test left matplotlib's settings changed"


@pytest.mark.slow
def test_checked_cells_marked_and_strict_fails(demo_store, tmp_path):
    paths = render({"agency": "青禾县财政局", "year": 2024, "store": str(demo_store)}, tmp_path, to=("html",))
    html = paths["html"].read_text(encoding="utf-8")
    assert 'class="num flag" data-cell="t3.carried_out.natural"' in html
    assert "O1" in html and "核查发现" in html
    with pytest.raises(RenderError, match="strict"):
        render({"agency": "青禾县财政局", "year": 2024, "store": str(demo_store), "strict": True}, tmp_path / "s")


@pytest.mark.slow
def test_explore_notebook_executes(demo_store, tmp_path):
    import papermill as pm

    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "explore.ipynb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pm.execute_notebook(str(root / "notebooks" / "explore.ipynb"), str(out), parameters={"store": str(demo_store)},
                            kernel_name="python3", progress_bar=False)
    nb = json.loads(out.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    text = json.dumps(outputs, ensure_ascii=False)
    assert "个机关" in text and "O1" in text  # the printed summary and the findings table
    assert "missing from font" not in text and "Traceback" not in text


@pytest.mark.slow
def test_master_notebook_runs_with_its_defaults(tmp_path, monkeypatch):
    # the defaults point at the demo's store: give it one with the default agency and year
    import papermill as pm

    root = Path(__file__).resolve().parents[1]
    store = tmp_path / "s.sqlite"
    with Store(store) as s:
        for p in write_demo(tmp_path / "d", departments=1, years=(2023, 2024)):
            s.put(read_file(p))
    monkeypatch.setenv("XXGK_STORE", str(store))
    nb = json.loads((root / "notebooks" / "report.ipynb").read_text(encoding="utf-8"))
    src = "".join(nb["cells"][0]["source"])
    assert 'agency = "青禾县自然资源局"' in src and "year = 2024" in src
    pm.execute_notebook(str(root / "notebooks" / "report.ipynb"), str(tmp_path / "o.ipynb"), kernel_name="python3",
                        progress_bar=False)
