"""The floor of a report's cost: the master notebook's code run in this process, with no kernel.

Used by ``bench/batch.py`` (mode (e), and ``--profile``). The notebook's cells are executed with
``exec`` in one namespace, their ``display`` calls captured as the display outputs a kernel would
send, and the notebook exported to HTML and PDF by the kit's own exporters: the same helpers, the
same HTML and the same PDF code as a batch, minus the kernel, the messages and the notebook file.
Stage timers wrap the kit's helpers the notebook calls, the charts, and each step of the exports.
"""
from __future__ import annotations

import contextlib
import re
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterator

import nbformat

Timings = dict[str, float]


class Stopwatch:
    """Seconds summed by stage name."""

    def __init__(self) -> None:
        self.total: defaultdict[str, float] = defaultdict(float)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t = time.perf_counter()
        try:
            yield
        finally:
            self.total[name] += time.perf_counter() - t

    def wrap(self, name: str, fn: Any) -> Any:
        def timed(*a: Any, **kw: Any) -> Any:
            with self.stage(name):
                return fn(*a, **kw)
        timed.__wrapped__ = fn  # type: ignore[attr-defined]
        return timed


# The helpers the notebook calls, and what they are in the breakdown.
HELPERS = {
    "load_report": "store: this report", "previous_report": "store: last year", "peer_reports": "store: peers",
    "check_report": "checks", "review_report": "checks: reviews",
    "title_block": "tables and sections", "section_html": "tables and sections",
    "comparison_html": "comparison with last year", "narrative_section": "narrative",
    "findings_html": "findings table", "history_section": "history (store + 4 charts)",
    "peers_section": "peers (3 charts)", "provenance_html": "provenance", "use_chinese_font": "fonts",
    "validate_parameters": "parameters", "summary_bundle": "summary",
}


NESTED = "  of which "  # a stage inside one of the helpers' (not added to the sum)
CELLS = "notebook cells"


@contextlib.contextmanager
def instrumented(watch: Stopwatch) -> Iterator[None]:
    """The kit's helpers and the chart functions timed into ``watch`` while inside."""
    import kit
    from kit.report import charts, data

    saved: list[tuple[Any, str, Any]] = []

    def patch(owner: Any, name: str, stage: str) -> None:
        fn = getattr(owner, name)
        saved.append((owner, name, fn))
        setattr(owner, name, watch.wrap(stage, fn))

    for name, stage in HELPERS.items():
        patch(kit, name, stage)
    for name in ("applications_chart", "outcomes_chart", "decisions_chart", "cases_chart", "peer_chart"):
        patch(charts, name, NESTED + f"chart {name.removesuffix('_chart')}: figure")
    patch(charts, "figure_png", NESTED + "charts: drawn at 150 dpi, PNG")
    patch(data, "history_frame", NESTED + "store: history")
    try:
        yield
    finally:
        for owner, name, fn in reversed(saved):
            setattr(owner, name, fn)


def run_cells(notebook: Path, parameters: dict[str, Any], watch: Stopwatch | None = None) -> Any:
    """The notebook with papermill's parameter cell, its cells run here; returns the executed node."""
    import IPython.display
    from IPython.core.formatters import DisplayFormatter
    from papermill.parameterize import parameterize_notebook

    nb = nbformat.read(notebook, as_version=4)
    nb.metadata["papermill"] = nbformat.NotebookNode({})  # as papermill's own run prepares it
    nb = parameterize_notebook(nb, parameters)
    formatter = DisplayFormatter()
    outputs: list[Any] = []

    def display(*objs: Any, raw: bool = False, **_: Any) -> None:
        for obj in objs:
            data, meta = (obj, {}) if raw else formatter.format(obj)
            outputs.append(nbformat.v4.new_output("display_data", data=data, metadata=meta))

    real = IPython.display.display
    IPython.display.display = display  # the cells import it from there
    ns: dict[str, Any] = {"__name__": "__main__"}
    try:
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            outputs = []
            with (watch.stage(CELLS) if watch else contextlib.nullcontext()):
                exec(compile(cell.source, f"<cell {i}>", "exec"), ns)
            cell.outputs = outputs
            cell.execution_count = i + 1
    finally:
        IPython.display.display = real
        import matplotlib.pyplot as plt

        plt.close("all")
    return nb


def html_and_pdf(nb: Any, watch: Stopwatch | None = None) -> tuple[str, bytes]:
    """The kit's HTML and PDF of an executed notebook, step by step as ``kit.report.render.export``
    makes them."""
    import weasyprint
    from weasyprint.document import Document

    from kit.report import fonts
    from kit.report.render import _body, _year, page, pdf_of

    w = watch or Stopwatch()
    with w.stage("nbconvert (one pass for both)"):
        body = _body(nb)
    real = fonts.woff2_for
    fonts.woff2_for = w.wrap(NESTED + "HTML: font subset (WOFF2)", real)
    try:
        with w.stage("HTML: page + embedded font"):
            document = page(body)
    finally:
        fonts.woff2_for = real
    render, write = weasyprint.HTML.render, Document.write_pdf
    weasyprint.HTML.render = w.wrap(NESTED + "PDF: WeasyPrint parsing + layout", render)
    Document.write_pdf = w.wrap(NESTED + "PDF: WeasyPrint writing (fonts, images)", write)
    try:
        with w.stage("PDF: WeasyPrint"):
            pdf = pdf_of(page(body, embed_font=False), _year(nb))
    finally:
        weasyprint.HTML.render, Document.write_pdf = render, write
    return document, pdf


def render(notebook: Path, parameters: dict[str, Any], folder: Path, watch: Stopwatch | None = None) -> tuple[str, bytes]:
    """One report rendered with no kernel, HTML and PDF written into ``folder`` as a batch writes them."""
    from kit.report.render import _atomic_write

    w = watch or Stopwatch()
    with instrumented(w):
        nb = run_cells(notebook, parameters, w)
    document, pdf = html_and_pdf(nb, w)
    with w.stage("writing files"):
        _atomic_write(folder / "report.html", document)
        _atomic_write(folder / "report.pdf", pdf)
    return document, pdf


def breakdown(total: dict[str, float], n: int) -> list[tuple[str, float]]:
    """Seconds a report by stage, in the order a report goes; nested stages after their helper,
    the cells' own code (the namespace, imports, glue) as "other cell code"."""
    rows: list[tuple[str, float]] = []
    helpers = [s for s in dict.fromkeys(HELPERS.values()) if s in total]
    for stage in helpers:
        rows.append((stage, total[stage] / n))
    rows += [(k, v / n) for k, v in total.items() if k.startswith(NESTED)]
    rows.append(("other cell code", (total.get(CELLS, 0.0) - sum(total[s] for s in helpers)) / n))
    rows += [(k, v / n) for k, v in total.items() if k not in HELPERS.values() and not k.startswith(NESTED)
             and k != CELLS]
    return rows


def text_of(document: str) -> str:
    """What a reader of the HTML reads: its text, without the embedded font and images."""
    from lxml import html as lh

    tree = lh.fromstring(document.encode("utf-8"))
    for bad in tree.xpath("//style|//script"):
        bad.drop_tree()
    return re.sub(r"\s+", " ", tree.text_content()).strip()
