"""Run the master notebook with papermill, then export it to HTML and PDF.

The exporters are registered as nbconvert exporters (``xxgk_html``, ``xxgk_pdf``), so
``jupyter nbconvert --to xxgk_pdf report.ipynb`` gives the same result as ``xxgk render``.
PDF comes from the same HTML through WeasyPrint, with the CJK font from ``pylopdf-fonts-zh-cn``.
"""
from __future__ import annotations

import contextlib
import functools
import html
import os
import re
import subprocess
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import nbformat
from nbconvert.exporters import Exporter, HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import default

from ..errors import BatchStopped, RenderError
from ..processes import kernel_preexec

KERNEL = "python3"
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "report.ipynb"  # the kit's own (package data)


def master_notebook(root: str | Path | None = None) -> Path:
    """The notebook a project runs: its own copy (``notebooks/report.ipynb`` under the project root,
    made by ``xxgk init --notebooks``) when it has one, else the kit's."""
    if root is None:
        from ..config import load

        root = load().root
    own = Path(root) / "notebooks" / "report.ipynb"
    return own if own.is_file() else NOTEBOOK
FORMATS = ("html", "pdf")  # the defaults; "docx" on request (kit.report.wordexport)


def css() -> str:
    return resources.files("kit.report.templates").joinpath("report.css").read_text(encoding="utf-8")


class _KeepDisplays(Preprocessor):
    """Drop stream output (logs, warnings) and the batch's summary: a report shows what its cells display."""

    def preprocess_cell(self, cell, resources, index):  # type: ignore[no-untyped-def]
        from ..region.documents import REGION_MIME
        from .layout import SUMMARY_MIME

        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "stream"
                            and not {SUMMARY_MIME, REGION_MIME} & set(o.get("data", {}))]
        return cell, resources


def _toc(body: str) -> str:
    items = re.findall(r'<(?:section|footer)[^>]*id="([^"]+)"[^>]*>\s*<h2>(.*?)</h2>', body)
    if not items:
        return ""
    lis = "".join(f'<li><a href="#{i}">{t}</a></li>' for i, t in items)
    return f'<nav class="toc"><strong>目录</strong><ol>{lis}</ol></nav>'


def page(body: str, *, embed_font: bool = True) -> str:
    """The whole HTML document around nbconvert's body: lean CSS, a table of contents, and (unless it
    is on its way to a PDF, which has fonts of its own) the glyphs it shows, embedded."""
    m = re.search(r"<h1>(.*?)</h1>", body)
    title = re.sub(r"<[^>]+>", "", m.group(1)) if m else "政府信息公开工作年度报告"
    toc = _toc(body)
    if m and toc:
        end = body.find("</header>")
        body = body[:end + 9] + toc + body[end + 9:] if end >= 0 else toc + body
    document = ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                f"<title>{html.escape(html.unescape(title))}</title><style>{css()}</style></head>"
                f"<body><main class=\"report\">{body}</main></body></html>\n")
    return with_embedded_font(document) if embed_font else document


def with_embedded_font(document: str) -> str:
    """An HTML document with an ``@font-face`` of its own glyphs in its head (see kit.report.fonts)."""
    from .fonts import embedded_font_css

    return document.replace("</head>", f"<style>{embedded_font_css(document)}</style></head>", 1)


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
        self.embed_font = True  # the PDF exporter turns it off: WeasyPrint gets the font file itself

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[no-untyped-def]
        body, res = super().from_notebook_node(nb, resources, **kw)
        return page(body, embed_font=self.embed_font), res

    def body(self, nb: Any) -> str:
        """nbconvert's body alone (the page around it is :func:`page`'s)."""
        return str(super().from_notebook_node(nb)[0])


def _pdf_css(font: Path) -> str:
    uri = font.as_uri()
    # A family of its own for each font file: WeasyPrint's font configuration is kept for the process
    # (render._font_config), and two files under one name would let an earlier report's font answer
    # for a later one's text (other glyph ids: the bytes of a PDF would depend on what ran before it).
    family = f"XXGK PDF {font.stem}"
    # One weight only: a bold face would be a second font to subset into every PDF.
    return (f'@font-face {{ font-family: "{family}"; src: url("{uri}"); }}'
            "@page { size: A4; margin: 18mm 16mm 20mm 16mm;"
            " @bottom-center { content: \"第 \" counter(page) \" 页 / 共 \" counter(pages) \" 页\";"
            f" font-family: \"{family}\"; font-size: 9pt; color: #666; }} }}"
            f"html, .mono {{ font-family: \"{family}\"; }} body {{ font-size: 10.5pt; }}"
            "* { font-weight: normal !important; } h1, h2 { letter-spacing: .04em; }"
            "nav.toc { display: none; } main.report { max-width: none; padding: 0; }"
            "thead { display: table-header-group; } tr, figure, img { break-inside: avoid; }"
            "h2 { break-after: avoid; } table { font-size: 8.5pt; } .table-wrap { overflow: visible; }"
            # a table never leaves one row alone on a page: its first two and last two rows stay together
            "tbody tr:nth-child(2), tbody tr:last-child { break-before: avoid; }"
            "caption, thead { break-after: avoid; }"
            # the findings name their cells in words on paper; the ids are the HTML's and the JSON's
            "table.findings details.ids, table.findings small.key { display: none; }")


class KitPDFExporter(Exporter):
    """The kit's HTML printed to PDF by WeasyPrint (A4, page numbers, embedded CJK font)."""

    export_from_notebook = "xxgk PDF"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[no-untyped-def]
        html_exp = KitHTMLExporter(config=self.config)
        html_exp.embed_font = False
        body, res = html_exp.from_notebook_node(nb, resources, **kw)
        res["output_extension"] = self.file_extension
        return pdf_of(body, _year(nb)), res


def _year(nb: Any) -> int | None:
    year = nb.metadata.get("papermill", {}).get("parameters", {}).get("year")
    return year if isinstance(year, int) else None


_DATA_IMAGE = re.compile(r'src="data:(image/(?:png|jpeg));base64,([A-Za-z0-9+/=]+)"')


def pdf_of(document: str, year: int | None = None) -> bytes:
    """The PDF of the kit's HTML page (made with ``embed_font=False``): the font that covers its text,
    the page rules. Its images go to WeasyPrint by reference, not as data URIs its HTML parser would
    read character by character (a report's charts are most of its HTML)."""
    from .fonts import font_for

    images: dict[str, tuple[str, bytes]] = {}

    def by_reference(m: re.Match[str]) -> str:
        import base64
        import hashlib

        data = base64.b64decode(m.group(2))
        name = f"{IMAGE_SCHEME}:{hashlib.sha256(data).hexdigest()[:24]}"
        images[name] = (m.group(1), data)
        return f'src="{name}"'

    document = _DATA_IMAGE.sub(by_reference, document)
    font = font_for(html.unescape(re.sub(r"<[^>]*>", "", document)))
    document = document.replace("</style>", _pdf_css(font) + "</style>", 1)
    return html_to_pdf(document, year, images)


IMAGE_SCHEME = "kit-image"  # an image of the document itself, handed over in memory (pdf_of)


def _fetcher(images: dict[str, tuple[str, bytes]] | None = None) -> Any:
    """WeasyPrint may load embedded data, the document's own images and the kit's font files, nothing
    else (no network)."""
    from urllib.parse import unquote, urlparse

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    from .fonts import cache_dir, full_font

    allowed = {cache_dir().resolve(), full_font().resolve().parent}
    own = images or {}

    class KitFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith(f"{IMAGE_SCHEME}:"):
                if url not in own:
                    raise ValueError(f"refused to fetch {url[:80]} (not an image of this document)")
                mime, data = own[url]
                return URLFetcherResponse(url, data, {"Content-Type": mime})
            if url.startswith("file://") and Path(unquote(urlparse(url).path)).resolve().parent not in allowed:
                raise ValueError(f"refused to fetch {url[:80]} (only embedded data and the kit's fonts)")
            return super().fetch(url, headers)

    return KitFetcher(allowed_protocols={"data", "file", IMAGE_SCHEME})


def _idat(png: Any) -> bytes:
    """The image data chunks of a PNG file object, concatenated (what a PDF's FlateDecode stream holds)."""
    import struct

    png.seek(8)
    chunks = []
    while head := png.read(8):
        length, kind = struct.unpack("!I4s", head)
        data = png.read(length)
        if kind == b"IDAT":
            chunks.append(data)
        png.seek(4, os.SEEK_CUR)  # the CRC
    return b"".join(chunks)


def _png_as_is() -> None:
    """WeasyPrint decodes every PNG and encodes it again with Pillow to take its image data, a tenth of
    a second a report for the charts. Those are PNGs Pillow wrote with the same defaults, so their own
    image data is the same bytes: taken as it is when the PNG is unchanged (8-bit RGB or grey, not
    interlaced), else WeasyPrint's way. The PDF is the same, byte for byte (tests/test_render.py)."""
    from weasyprint.images import RasterImage

    real = RasterImage.__dict__.get("_get_png_data")
    if real is None or getattr(getattr(real, "__func__", None), "kit", False):
        return  # another WeasyPrint, or done already (a staticmethod does not show its function's attributes)

    def get_png_data(pillow_image: Any) -> bytes:
        fp = getattr(pillow_image, "fp", None)
        if (pillow_image.format == "PNG" and pillow_image.mode in ("RGB", "L") and fp is not None
                and not pillow_image.info.get("interlace") and pillow_image.info.get("bits", 8) == 8
                and getattr(fp, "seek", None) and not getattr(pillow_image, "_im", None)):
            return _idat(fp)
        return real.__func__(pillow_image)  # type: ignore[no-any-return]

    get_png_data.kit = True  # type: ignore[attr-defined]
    RasterImage._get_png_data = staticmethod(get_png_data)


@functools.lru_cache(maxsize=1)
def _font_config() -> Any:
    """One WeasyPrint font configuration for the process. A new one a PDF (WeasyPrint's default) loads
    the system's font configuration again and leaks 0.4 MB of it each time (bench/batch.py --memory);
    the @font-face fonts it registers are kept by their rule, so the kit's one or two fonts load once."""
    import atexit

    from weasyprint.text.fonts import FontConfiguration

    # let go before the interpreter tears WeasyPrint's module down: its __del__ needs it (else a worker
    # prints "Exception ignored in FontConfiguration.__del__" as it exits)
    atexit.register(_font_config.cache_clear)
    return FontConfiguration()


def html_to_pdf(document: str, year: int | None = None, images: dict[str, tuple[str, bytes]] | None = None) -> bytes:
    """The kit's HTML as PDF bytes, the same for the same document. Without HarfBuzz's subsetter
    WeasyPrint subsets the font with fontTools, which stamps the clock into the font's head table
    unless SOURCE_DATE_EPOCH is set: set for the call (to the last day of ``year`` as the Word files
    are dated) when the environment does not set it. ``images``: ``{kit-image:name: (mime, bytes)}``
    the document refers to."""
    import logging
    from datetime import date

    from weasyprint import HTML

    from .word import document_date

    _png_as_is()
    logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if not (given or "").strip():
        os.environ["SOURCE_DATE_EPOCH"] = str(int(document_date(date(year or 2000, 12, 31)).timestamp()))
    try:
        return HTML(string=document, base_url=".", url_fetcher=_fetcher(images)).write_pdf(  # type: ignore[no-any-return]
            font_config=_font_config())
    finally:
        if given is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        elif not given.strip():
            os.environ["SOURCE_DATE_EPOCH"] = given


def _atomic_write(path: Path, data: bytes | str) -> None:
    """Write beside the target, then rename: no half-written file at the final path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600: published reports are readable like any file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_CONVERTER: list[Any] = []


def _body(nb: Any) -> str:
    """nbconvert's HTML body of a notebook, by one exporter kept for the process (its templates load once)."""
    if not _CONVERTER:
        _CONVERTER.append(KitHTMLExporter())
    return _CONVERTER[0].body(nb)


def export(nb_path: Path, to: tuple[str, ...] = FORMATS, root: Path | None = None) -> dict[str, Path]:
    """Export an executed notebook beside itself; returns {format: path}. ``root``: the project root the
    notebook ran in (its relative paths are relative to it). HTML and PDF come from one nbconvert pass,
    as the ``xxgk_html`` and ``xxgk_pdf`` exporters make them."""
    nb = nbformat.read(nb_path, as_version=4)
    out: dict[str, Path] = {}
    body: str | None = None
    for fmt in to:
        try:
            if fmt == "docx":
                from .wordexport import KitDOCXExporter

                data, _ = KitDOCXExporter(root=str(root or "")).from_notebook_node(nb)
            else:
                body = body if body is not None else _body(nb)
                data = page(body) if fmt == "html" else pdf_of(page(body, embed_font=False), _year(nb))
        except BatchStopped:
            raise
        except Exception as e:  # a broken export must name the notebook it came from
            raise RenderError(f"{fmt.upper()} export of {nb_path} failed: {e}", notebook=nb_path) from e
        target = nb_path.with_suffix(f".{fmt}")
        _atomic_write(target, data)
        out[fmt] = target
    return out


def execute(parameters: dict[str, Any], out_nb: Path, *, notebook: Path = NOTEBOOK, cwd: Path | None = None,
            timeout: int | None = None) -> Path:
    """Run the master notebook with papermill; a failed run keeps its executed notebook.

    ``cwd`` (the project root): the kernel runs there and is given the paths inside it relative to it,
    so the executed notebook names no folder of this machine. ``timeout`` (seconds, 0 or None: none)
    stops a cell that runs longer, and the run fails.
    """
    return _papermill(notebook, out_nb, parameters, timeout, root=cwd)


def _papermill(notebook: Path, out_nb: Path, parameters: dict[str, Any], timeout: int | None,
               root: Path | None = None, **engine: Any) -> Path:
    """One papermill run written beside ``out_nb`` and renamed; on failure the executed notebook is kept
    at ``out_nb`` and a RenderError names it. With ``root``, the parameters and the notebook's own
    record of its paths are relative to it (the kernel must run there)."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from papermill.engines import papermill_engines

    from .params import portable

    notebook, out_nb = Path(notebook).resolve(), Path(out_nb).resolve()
    if "engine_name" not in engine:
        papermill_engines.register("xxgk", _kit_engine())
        engine["engine_name"] = "xxgk"
        if root is not None:
            engine["cwd"] = str(root)  # papermill starts the kernel there
    if root is not None:
        parameters = portable(parameters, root)
        engine["kit_paths"] = {"input_path": _shown(notebook, root), "output_path": _shown(out_nb, root)}
    out_nb.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_nb.with_name(f".{out_nb.stem}.part.ipynb")
    try:
        pm.execute_notebook(str(notebook), str(tmp), parameters=parameters, kernel_name=KERNEL, progress_bar=False,
                            log_output=False, execution_timeout=timeout or None, **engine)
    except PapermillExecutionError as e:
        os.replace(tmp, out_nb)
        raise RenderError(f"notebook failed in cell {e.exec_count}: {e.ename}: {e.evalue}", notebook=out_nb,
                          in_cell=True) from None
    except BatchStopped:
        raise  # a signal stopped the batch: not this notebook's failure
    except TimeoutError:  # nbclient's CellTimeoutError
        if tmp.exists():
            os.replace(tmp, out_nb)
        raise RenderError(f"a cell ran longer than the time limit of {timeout} s for a report (timeout)",
                          notebook=out_nb if out_nb.exists() else None) from None
    except Exception as e:
        if tmp.exists():
            os.replace(tmp, out_nb)
        raise RenderError(f"notebook run failed: {e}", notebook=out_nb if out_nb.exists() else None) from None
    os.replace(tmp, out_nb)
    return out_nb


def _shown(path: Path, root: Path) -> str:
    """A path as the executed notebook records it: relative to the project, else the kit's own notebook
    relative to the kit, else its name."""
    for base in (Path(root).resolve(), NOTEBOOK.parent.parent.parent):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return path.name


def _portable_notebook(nb: Any, paths: dict[str, str] | None) -> None:
    """papermill gives the cell it injects a random id, which the HTML then carries (and the subset of
    the font embedded for its characters), and records the absolute paths it read and wrote: name the
    cell for what it is and the paths as the project does, so that equal runs give equal files in any
    folder. Done by the kit's engines before the first save, not by rewriting the notebook afterwards."""
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"
    if paths:
        nb.metadata.setdefault("papermill", {}).update(paths)


@contextlib.contextmanager
def _saved_at_the_end(nb_man: Any) -> Iterator[None]:
    """papermill writes the whole notebook before and after every cell, two dozen writes of a growing
    file a report; the kit's runs write it when it starts and when it ends (papermill's
    ``notebook_complete``, which runs after a failure or a timeout too, so a failed run keeps its cells)."""
    nb_man.save = lambda **kw: None  # the instance's attribute hides the method while the cells run
    try:
        yield
    finally:
        del nb_man.save


def _kit_engine():  # type: ignore[no-untyped-def]
    """papermill's nbclient engine, the injected cell named (:func:`_portable_notebook`)."""
    from papermill.engines import NBClientEngine

    class KitEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, kit_paths=None, **kwargs):  # type: ignore[no-untyped-def]
            _portable_notebook(nb_man.nb, kit_paths)
            with _saved_at_the_end(nb_man):
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    return KitEngine


def render(parameters: dict[str, Any], outputs: Path, *, to: tuple[str, ...] = FORMATS,
           notebook: Path | None = None, timeout: int | None = None, root: Path | None = None) -> dict[str, Path]:
    """papermill then nbconvert into ``<outputs>/<year>/<agency>/report.{ipynb,html,pdf}`` (an earlier
    revision into ``revision-N/`` there).

    The parameters are validated before any kernel starts. ``root``: the project root, where the kernel
    runs (see :func:`execute`).
    """
    from .names import output_dir
    from .params import validate

    parameters = validate(parameters)
    folder = output_dir(outputs, str(parameters["agency"]), int(parameters["year"]))
    if parameters.get("revision"):  # an earlier revision: beside the current report, never over it
        folder = folder / f"revision-{int(parameters['revision'])}"
        folder.mkdir(parents=True, exist_ok=True)
    nb_path = execute(parameters, folder / "report.ipynb", notebook=notebook or master_notebook(), timeout=timeout,
                      cwd=root)
    paths = {"ipynb": nb_path}
    paths.update(export(nb_path, to, root))
    return paths


REGION_NOTEBOOK = NOTEBOOK.with_name("region.ipynb")


def region_notebook(root: str | Path | None = None) -> Path:
    """The region notebook a project runs: its own ``notebooks/region.ipynb`` when it has one, else the kit's."""
    if root is None:
        from ..config import load

        root = load().root
    own = Path(root) / "notebooks" / "region.ipynb"
    return own if own.is_file() else REGION_NOTEBOOK


def region_folder(outputs: str | Path, region: str, year: int) -> Path:
    """``<outputs>/regions/<year>/<safe region>``, checked to lie inside ``outputs``."""
    from .names import output_dir

    return output_dir(Path(outputs) / "regions", region, year)


def render_region(parameters: dict[str, Any], outputs: Path, *, to: tuple[str, ...] = FORMATS,
                  notebook: Path | None = None, timeout: int | None = None,
                  root: Path | None = None) -> dict[str, Path]:
    """papermill then nbconvert into ``<outputs>/regions/<year>/<region>/region.{ipynb,html,pdf}``, with
    问题清单.xlsx always and 通报.docx when ``to`` has docx (the notebook writes them)."""
    from ..region.documents import NOTICE, PROBLEMS
    from ..region.params import validate

    parameters = validate(parameters)
    folder = region_folder(outputs, str(parameters["region"]), int(parameters["year"]))
    parameters = {**parameters, "outputs": str(folder), "notice": "docx" in to}
    nb_path = execute(parameters, folder / "region.ipynb", notebook=notebook or region_notebook(), timeout=timeout,
                      cwd=root)
    paths = {"ipynb": nb_path, "xlsx": folder / PROBLEMS}
    if "docx" in to:
        paths["docx"] = folder / NOTICE
    paths.update(export(nb_path, tuple(t for t in to if t != "docx")))
    return paths


# -- warm kernels: many notebooks, one kernel start -----------------------------------------------
# The namespace emptied between runs. %reset collects garbage twice, a full collection each (a quarter
# of a second with pandas, matplotlib and the kit loaded): it runs without, and every
# COLLECT_EVERY-th run collects once, which keeps a worker's memory flat (bench/batch.py --memory).
COLLECT_EVERY = 20
_RESET = """def _kit_reset(run):
    import gc
    import matplotlib.pyplot as plt
    plt.close("all")
    collect, gc.collect = gc.collect, lambda *a, **k: 0
    try:
        get_ipython().run_line_magic("reset", "-f")
    finally:
        gc.collect = collect
    if run % {every} == 0:
        gc.collect()
_kit_reset({run})"""


def _warm_engine():  # type: ignore[no-untyped-def]
    """A papermill engine that runs in a kernel it does not own and closes its client afterwards."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, logger
    from papermill.utils import merge_kwargs, remove_args

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,  # type: ignore[no-untyped-def]
                                     stderr_file=None, start_timeout=60, execution_timeout=None, kit_paths=None,
                                     kc=None, **kwargs):
            import atexit

            _portable_notebook(nb_man.nb, kit_paths)
            kwargs = remove_args(["input_path"], **kwargs)
            safe = remove_args(["timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(safe, timeout=execution_timeout or kwargs.get("timeout"),
                                 startup_timeout=start_timeout, kernel_name=kernel_name, log=logger,
                                 log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            client = PapermillNotebookClient(nb_man, **final)
            client.kc = kc  # the kernel's own client, connected once: no new sockets and readiness wait a run
            try:
                with _saved_at_the_end(nb_man):
                    return client.execute()
            finally:
                # nbclient registers every client to clean up at exit: it would keep each executed
                # notebook in memory for the life of the worker
                atexit.unregister(client._cleanup_kernel)

    return WarmEngine


class WarmKernel:
    """One kernel kept running across notebook runs: pandas, matplotlib and the kit import once.

    Each run starts from an emptied namespace (``%reset -f``, figures closed), so a notebook sees
    nothing of the one before it; the executed notebook is still a real papermill run.
    """

    def __init__(self, retries: int = 3) -> None:
        self.km: Any = None
        self.kc: Any = None
        self.retries = retries
        self.runs = 0

    def start(self) -> None:
        from jupyter_client import KernelManager
        from jupyter_core.utils import run_sync
        from papermill.engines import papermill_engines

        papermill_engines.register("xxgk-warm", _warm_engine())
        last: Exception | None = None
        for _ in range(self.retries):
            try:
                # nbclient gets an asynchronous client: with a blocking one, its wait for a cell's output
                # blocks the event loop and a cell's time limit never fires
                km = KernelManager(kernel_name=KERNEL, client_class="jupyter_client.asynchronous.AsyncKernelClient")
                # the kernel's own log noise to /dev/null; it dies with the process that started it
                km.start_kernel(stderr=subprocess.DEVNULL, preexec_fn=kernel_preexec(os.getpid()))
                self.km = km
                # one client for the kernel's life: every run's cells go through it (a client a run
                # cost a readiness round trip and a 0.2 s drain of its output channel)
                self.kc = km.client()
                self.kc.allow_stdin = False
                self.kc.start_channels()
                run_sync(self.kc.wait_for_ready)(timeout=60)
                return
            except Exception as e:  # kernel start can race under load: retry (toolchain.md)
                last = e
                self.stop()
        raise RenderError(f"kernel failed to start {self.retries} times: {last}")

    def alive(self) -> bool:
        return self.km is not None and self.km.is_alive()

    def stop(self) -> None:
        try:
            if self.kc is not None:
                self.kc.stop_channels()
        finally:
            self.kc = None
            if self.km is not None:
                try:
                    self.km.shutdown_kernel(now=True)
                finally:
                    self.km = None

    def _prepare(self, code: str) -> None:
        """Run ``code`` (the reset, the move to the project) through the kernel's client, its outputs
        drained before the notebook's first cell."""
        from jupyter_core.utils import run_sync

        reply = run_sync(self.kc.execute_interactive)(code, store_history=False, timeout=60,
                                                      output_hook=lambda msg: None)
        if reply["content"].get("status") != "ok":
            raise RenderError(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")

    def execute(self, parameters: dict[str, Any], out_nb: Path, *, notebook: Path = NOTEBOOK,
                timeout: int | None = None, cwd: Path | None = None) -> Path:
        """Like :func:`execute`, in this kernel (moved to ``cwd`` first); a dead kernel is restarted and
        the run retried once.

        A kernel stuck past ``timeout``, or lost, is never used again: the next run starts a new one.
        """
        try:
            return self._run_once(parameters, out_nb, notebook, timeout, cwd)
        except RenderError as e:
            died = not self.alive()
            if not e.in_cell:
                self.stop()
            if not died:
                raise  # the notebook failed (or ran out of time), not the kernel
        return self._run_once(parameters, out_nb, notebook, timeout, cwd)  # it died under us: once more, in a new one

    def _run_once(self, parameters: dict[str, Any], out_nb: Path, notebook: Path, timeout: int | None,
                  cwd: Path | None) -> Path:
        if not self.alive():
            self.stop()
            self.start()
        code = [_RESET.format(every=COLLECT_EVERY, run=self.runs)] if self.runs else []
        if cwd is not None:  # the project root: the paths the notebook is given are relative to it
            code.append(f"import os as _os\n_os.chdir({str(Path(cwd).resolve())!r})\ndel _os")
        if code:
            try:
                self._prepare("\n".join(code))
            except Exception as e:  # it died before answering (under load): execute retries in a new kernel
                raise RenderError(f"kernel not ready: {type(e).__name__}: {e}") from None
        self.runs += 1
        return _papermill(notebook, out_nb, parameters, timeout, root=cwd, engine_name="xxgk-warm", km=self.km,
                          kc=self.kc)
