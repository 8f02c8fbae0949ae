"""Run the master notebook with papermill, then export it to HTML and PDF.

The exporters are registered as nbconvert exporters (``xxgk_html``, ``xxgk_pdf``), so
``jupyter nbconvert --to xxgk_pdf report.ipynb`` gives the same result as ``xxgk render``.
PDF comes from the same HTML through WeasyPrint, with the CJK font from ``pylopdf-fonts-zh-cn``.
"""
from __future__ import annotations

import html
import os
import re
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.exporters import Exporter, HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import default

from .errors import RenderError

KERNEL = "python3"
NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "report.ipynb"
FORMATS = ("html", "pdf")


def css() -> str:
    return resources.files("kit.templates").joinpath("report.css").read_text(encoding="utf-8")


class _KeepDisplays(Preprocessor):
    """Drop stream output (logs, warnings): a report shows only what its cells display."""

    def preprocess_cell(self, cell, resources, index):  # type: ignore[no-untyped-def]
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "stream"]
        return cell, resources


def _toc(body: str) -> str:
    items = re.findall(r'<(?:section|footer)[^>]*id="([^"]+)"[^>]*>\s*<h2>(.*?)</h2>', body)
    if not items:
        return ""
    lis = "".join(f'<li><a href="#{i}">{t}</a></li>' for i, t in items)
    return f'<nav class="toc"><strong>目录</strong><ol>{lis}</ol></nav>'


def page(body: str, *, extra_css: str = "") -> str:
    """The whole HTML document around nbconvert's body: lean CSS, a table of contents."""
    m = re.search(r"<h1>(.*?)</h1>", body)
    title = re.sub(r"<[^>]+>", "", m.group(1)) if m else "政府信息公开工作年度报告"
    toc = _toc(body)
    if m and toc:
        end = body.find("</header>")
        body = body[:end + 9] + toc + body[end + 9:] if end >= 0 else toc + body
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(html.unescape(title))}</title><style>{css()}{extra_css}</style></head>"
            f"<body><main class=\"report\">{body}</main></body></html>\n")


class KitHTMLExporter(HTMLExporter):
    """nbconvert HTML without code or prompts, in the kit's page and stylesheet."""

    export_from_notebook = "xxgk HTML"

    @default("template_name")
    def _template_name_default(self) -> str:
        return "basic"  # body only: the page around it is ours (lean CSS, no JupyterLab styles)

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self) -> bool:
        return True

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.register_preprocessor(_KeepDisplays(), enabled=True)

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[no-untyped-def]
        body, res = super().from_notebook_node(nb, resources, **kw)
        return page(body, extra_css=self.extra_css()), res

    def extra_css(self) -> str:
        return ""


def _pdf_css() -> str:
    from .charts import font_path

    font = Path(font_path()).as_uri()
    return (f'@font-face {{ font-family: "Noto Sans SC"; src: url("{font}"); }}'
            "@page { size: A4; margin: 18mm 16mm 20mm 16mm;"
            " @bottom-center { content: \"第 \" counter(page) \" 页 / 共 \" counter(pages) \" 页\";"
            " font-family: \"Noto Sans SC\"; font-size: 9pt; color: #666; } }"
            "html { font-family: \"Noto Sans SC\"; } body { font-size: 10.5pt; }"
            "nav.toc { display: none; } main.report { max-width: none; padding: 0; }"
            "thead { display: table-header-group; } tr, figure, img { break-inside: avoid; }"
            "h2 { break-after: avoid; } table { font-size: 8.5pt; } .table-wrap { overflow: visible; }")


class KitPDFExporter(Exporter):
    """The kit's HTML printed to PDF by WeasyPrint (A4, page numbers, embedded CJK font)."""

    export_from_notebook = "xxgk PDF"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[no-untyped-def]
        html_exp = KitHTMLExporter(config=self.config)
        html_exp.extra_css = _pdf_css  # type: ignore[method-assign]
        body, res = html_exp.from_notebook_node(nb, resources, **kw)
        res["output_extension"] = self.file_extension
        return html_to_pdf(body), res


def html_to_pdf(document: str) -> bytes:
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=document, base_url=".").write_pdf()


def _atomic_write(path: Path, data: bytes | str) -> None:
    """Write beside the target, then rename: no half-written file at the final path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export(nb_path: Path, to: tuple[str, ...] = FORMATS) -> dict[str, Path]:
    """Export an executed notebook beside itself; returns {format: path}."""
    nb = nbformat.read(nb_path, as_version=4)
    out: dict[str, Path] = {}
    for fmt in to:
        exporter = {"html": KitHTMLExporter, "pdf": KitPDFExporter}[fmt]()
        try:
            data, _ = exporter.from_notebook_node(nb)
        except Exception as e:  # a broken export must name the notebook it came from
            raise RenderError(f"{fmt.upper()} export of {nb_path} failed: {e}", notebook=nb_path) from e
        target = nb_path.with_suffix(f".{fmt}")
        _atomic_write(target, data)
        out[fmt] = target
    return out


def execute(parameters: dict[str, Any], out_nb: Path, *, notebook: Path = NOTEBOOK, cwd: Path | None = None) -> Path:
    """Run the master notebook with papermill; a failed run keeps its executed notebook."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    out_nb.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_nb.with_name(f".{out_nb.stem}.part.ipynb")
    try:
        pm.execute_notebook(str(notebook), str(tmp), parameters=parameters, kernel_name=KERNEL,
                            progress_bar=False, log_output=False, cwd=str(cwd) if cwd else None)
    except PapermillExecutionError as e:
        os.replace(tmp, out_nb)
        raise RenderError(f"notebook failed in cell {e.exec_count}: {e.ename}: {e.evalue}", notebook=out_nb) from None
    except Exception as e:
        if tmp.exists():
            os.replace(tmp, out_nb)
        raise RenderError(f"notebook run failed: {e}", notebook=out_nb if out_nb.exists() else None) from None
    os.replace(tmp, out_nb)
    return out_nb


def render(parameters: dict[str, Any], outputs: Path, *, to: tuple[str, ...] = FORMATS,
           notebook: Path = NOTEBOOK) -> dict[str, Path]:
    """papermill then nbconvert into ``<outputs>/<year>/<agency>/report.{ipynb,html,pdf}``."""
    from .names import output_dir

    folder = output_dir(outputs, str(parameters["agency"]), int(parameters["year"]))
    nb_path = execute(parameters, folder / "report.ipynb", notebook=notebook)
    paths = {"ipynb": nb_path}
    paths.update(export(nb_path, to))
    return paths
