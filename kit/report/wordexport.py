"""The agency report as Word (``report.docx``), as an nbconvert exporter (``xxgk_docx``).

The document is built from the stored report (:func:`kit.report.docx.write_report_docx`: the table
model and the agency's narrative), never converted from the HTML: the executed notebook only says
which report (its papermill parameters) and, when its ``docx_analysis`` parameter is true, lends
the kit's own sections (their text and tables, charts as images) to append after it.
"""
from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any

from nbconvert.exporters import Exporter
from traitlets import Unicode, default

__all__ = ["KitDOCXExporter", "analysis_blocks", "ANALYSIS_TAGS"]

ANALYSIS_TAGS = ("compare", "narrative", "findings", "history", "peers")  # the kit's sections, in report order
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def analysis_blocks(nb: Any) -> list[Any]:
    """The kit's sections of an executed notebook as DOCX blocks: each ``<h2>`` starts a block; its
    paragraphs, tables (header row and body rows as text) and embedded PNG charts follow."""
    import lxml.html

    from .docx import Block

    blocks: list[Block] = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.cell_type != "code" or not any(t in ANALYSIS_TAGS for t in tags):
            continue
        for out in cell.get("outputs", []):
            markup = out.get("data", {}).get("text/html")
            if not markup:
                continue
            root = lxml.html.fromstring("".join(markup) if isinstance(markup, list) else markup)
            for mark, label in (("del", "删除"), ("ins", "新增")):  # a draft's marks, kept in words
                for el in root.iter(mark):
                    text = el.text_content()
                    for child in list(el):
                        el.remove(child)
                    el.text = f"〔{label}：{text}〕"
            for el in root.iter():
                if not isinstance(el.tag, str):
                    continue
                if el.tag == "h2":
                    blocks.append(Block(el.text_content().strip(), [], [], []))
                elif not blocks:
                    continue
                elif el.tag in ("p", "h3", "li") and el.getparent() is not None and not _inside(el, "table"):
                    # a heading's parts (title, similarity) are separate words; a paragraph's runs are one text
                    text = " ".join(el.itertext() if el.tag == "h3" else el.text_content().split())
                    text = " ".join(text.split())
                    if text:
                        blocks[-1].paragraphs.append(text)
                elif el.tag == "table":
                    head = [" ".join(th.text_content().split()) for th in el.xpath(".//thead//th")]
                    rows = [[" ".join(td.text_content().split()) for td in tr.xpath("./td|./th")]
                            for tr in el.xpath(".//tbody/tr")]
                    blocks[-1].tables.append((head, rows))
                elif el.tag == "img" and str(el.get("src", "")).startswith("data:image/png;base64,"):
                    blocks[-1].images.append(base64.b64decode(el.get("src").split(",", 1)[1]))
    return blocks


def _inside(el: Any, tag: str) -> bool:
    return any(a.tag == tag for a in el.iterancestors())


class KitDOCXExporter(Exporter):
    """The report the notebook ran for, as an editable Word document in the official layout."""

    export_from_notebook = "xxgk Word"
    output_mimetype = DOCX_MIME
    root = Unicode("", help="the folder the notebook's relative paths (its store) are relative to: the project "
                            "root the kit ran it in; empty: the current folder").tag(config=True)

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".docx"

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[no-untyped-def]
        from ..errors import ParameterError
        from .data import load_report
        from .docx import write_report_docx

        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        params = nb.metadata.get("papermill", {}).get("parameters", {})
        if not params.get("agency") or not params.get("year"):
            raise ParameterError(["not an executed report notebook: its papermill parameters name no agency and year"])
        store = params.get("store")
        if store and self.root:
            store = str(Path(self.root) / store)  # a relative store is the project's; an absolute one stays
        report = load_report(params["agency"], int(params["year"]), store, params.get("revision"))
        extra = analysis_blocks(nb) if params.get("docx_analysis") else None
        with tempfile.TemporaryDirectory() as tmp:
            path = write_report_docx(report, Path(tmp) / "report.docx", extra=extra)
            data = path.read_bytes()
        resources["output_extension"] = self.file_extension
        return data, resources
