"""Scanned reports: PDFs without a text layer, and page images, read offline with rapidocr.

Pages are rendered at 200 dpi. A cheap look for ruling lines finds the pages that hold tables;
only those are read at full cost, the others at half resolution for the headings and prose. On a
table page the skew is measured from the ruling lines, the page is read once, and the text boxes
are rotated into the straightened frame; each band between two horizontal rules is cut into cells
by the vertical rules that cross it, so merged cells and stacked tables need no template. Cells
become ``|`` rows handed to the same table logic as every other reader.

Uncertain cells (a confidence under 0.9, or ink the recogniser cannot read) are written as
``⟦text score⟧``: the table logic keeps them blank and :func:`flag_uncertain` names each one in an
``extract.ocr_uncertain`` finding. A table with more than a tenth of its cells flagged is refused.
Needs the ``ocr`` extra (``pip install 'xxgk-kit[ocr]'``); without it a scan is refused saying so.
"""
from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import InputError
from ..model import Finding, Report
from .deadline import check
from .grid import clean_cell

DPI = 200
THRESHOLD = 0.9          # cell confidence below this is uncertain (research/ocr.md)
REFUSE_SHARE = 0.10      # a table with more flagged cells than this is refused
EXTRA_HINT = "pip install 'xxgk-kit[ocr]'"
UNCERTAIN = re.compile(r"⟦(.*?) ([0-9.]+)⟧")


def available() -> bool:
    try:
        import cv2  # noqa: F401
        import onnxruntime  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


def require(path: str, what: str) -> None:
    if not available():
        raise InputError(path, f"{what}: reading it needs OCR, which is not installed ({EXTRA_HINT})")


@lru_cache(maxsize=1)
def engine() -> Any:
    from rapidocr import RapidOCR

    # Defaults only: the bundled PP-OCRv6 small models. Any other model would be downloaded.
    # The angle classifier can swap 6 and 9 at high confidence: off.
    return RapidOCR(params={"Global.use_cls": False, "Global.log_level": "critical", "Global.text_score": 0.0,
                            "Global.max_side_len": 5000, "Det.box_thresh": 0.3})


@dataclass
class Box:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    score: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def pages_of(data: bytes, path: str, kind: str) -> list[Any]:
    """Grey page images (numpy arrays) of a scanned PDF or an image file."""
    import numpy as np

    if kind == "pdf":
        import pypdfium2 as pdfium

        from ..config import limit

        doc = pdfium.PdfDocument(data)
        if len(doc) > limit("XXGK_PDF_PAGES"):
            raise InputError(path, f"PDF has {len(doc)} pages, over the limit of {limit('XXGK_PDF_PAGES')} "
                                   "(XXGK_PDF_PAGES)")
        return [np.array(doc[i].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")) for i in range(len(doc))]
    from PIL import Image, ImageSequence

    Image.MAX_IMAGE_PIXELS = 60_000_000  # a decompression bomb is refused by Pillow
    try:
        img = Image.open(io.BytesIO(data))
        return [np.array(frame.convert("L")) for frame in ImageSequence.Iterator(img)]
    except (OSError, Image.DecompressionBombError) as e:
        raise InputError(path, f"not a readable image: {e}") from None


def _binary(gray: Any) -> Any:
    import cv2

    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)


def rules(gray: Any) -> tuple[Any, Any]:
    """Masks of the horizontal and vertical ruling lines."""
    import cv2

    b = _binary(gray)
    h, w = b.shape
    horiz = cv2.morphologyEx(b, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 25), 1)))
    vert = cv2.morphologyEx(b, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(15, h // 60))))
    return horiz, vert


def has_table(gray: Any) -> bool:
    """Cheap: at a quarter of the size, are there several long horizontal and vertical rules?"""
    import cv2

    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    angle = skew(small)
    if abs(angle) >= 0.05:  # a turned page breaks long rules into steps: straighten first
        h, w = small.shape
        small = cv2.warpAffine(small, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h), borderValue=255)
    horiz, vert = rules(small)
    return len(_positions(horiz.sum(axis=1) / 255, 0.25 * small.shape[1])) >= 4 and \
        len(_positions(vert.sum(axis=0) / 255, 0.05 * small.shape[0])) >= 3


def skew(gray: Any) -> float:
    """The page's skew in degrees, from its long near-horizontal rules (0 when there are none)."""
    import cv2
    import numpy as np

    horiz, _ = rules(gray)
    lines = cv2.HoughLinesP(horiz, 1, np.pi / 1800, threshold=max(50, gray.shape[1] // 8),
                            minLineLength=gray.shape[1] // 4, maxLineGap=20)
    if lines is None:
        return 0.0
    angles = [math.degrees(math.atan2(y2 - y1, x2 - x1)) for x1, y1, x2, y2 in lines.reshape(-1, 4)]
    angles = [a for a in angles if abs(a) < 5]
    return float(np.median(angles)) if angles else 0.0


def _positions(profile: Any, minimum: float) -> list[int]:
    """Centres of the runs of ``profile`` above ``minimum``."""
    out: list[int] = []
    start = None
    for i, v in enumerate(list(profile) + [0]):
        if v >= minimum and start is None:
            start = i
        elif v < minimum and start is not None:
            out.append((start + i - 1) // 2)
            start = None
    return out


def read_boxes(gray: Any, eng: Any) -> list[Box]:
    res = eng(gray, use_det=True, use_cls=False, use_rec=True)  # explicit: a call sets them for the next
    out: list[Box] = []
    if res.boxes is None:
        return out
    for box, text, score in zip(res.boxes, res.txts, res.scores):
        xs, ys = [p[0] for p in box], [p[1] for p in box]
        out.append(Box(min(xs), min(ys), max(xs), max(ys), text, float(score)))
    return out


def _rotate_boxes(boxes: list[Box], angle: float, shape: tuple[int, int]) -> list[Box]:
    """Box coordinates in the straightened frame (the page itself is not resampled: small digits blur)."""
    if abs(angle) < 0.05:
        return boxes
    h, w = shape
    cx, cy = w / 2, h / 2
    a = math.radians(-angle)
    out = []
    for b in boxes:
        pts = [(b.x0, b.y0), (b.x1, b.y0), (b.x1, b.y1), (b.x0, b.y1)]
        rot = [(cx + (x - cx) * math.cos(a) - (y - cy) * math.sin(a), cy + (x - cx) * math.sin(a) + (y - cy) * math.cos(a))
               for x, y in pts]
        xs, ys = [p[0] for p in rot], [p[1] for p in rot]
        out.append(Box(min(xs), min(ys), max(xs), max(ys), b.text, b.score))
    return out


def _cell_text(boxes: list[Box], crop: Any, eng: Any) -> str:
    """A cell's text; ``⟦text score⟧`` when it is not certain."""
    import numpy as np

    inside = sorted(boxes, key=lambda b: (round(b.cy / 12), b.x0))
    ink = crop.size and (np.asarray(crop) < 128).mean() > 0.004
    if not inside:
        if not ink:
            return ""
        res = eng(crop, use_det=False, use_cls=False, use_rec=True)
        text = "".join(t for t in (res.txts or ()) if t).strip()
        score = float(min(res.scores)) if res.scores else 0.0
        inside = [Box(0, 0, 0, 0, text, score)]
    text = clean_cell("".join(b.text for b in inside))
    score = min(b.score for b in inside)
    numeric = re.fullmatch(r"[\d.,\-—/]*\d[\d.,]*", text.replace(" ", "")) is not None
    looks_numeric = re.fullmatch(r"[\dOoIl|,.\s一]{1,12}", text) is not None and not numeric
    if numeric and score < THRESHOLD or looks_numeric or (not text and ink):
        return f"⟦{text or '?'} {score:.2f}⟧"
    return text


def table_page_lines(gray: Any, eng: Any) -> list[str]:
    """A table page as text: prose lines and ``|`` rows, top to bottom."""
    import cv2

    angle = skew(gray)
    boxes = _rotate_boxes(read_boxes(gray, eng), angle, gray.shape)
    h, w = gray.shape
    if abs(angle) >= 0.05:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        straight = cv2.warpAffine(gray, m, (w, h), borderValue=255)
    else:
        straight = gray
    horiz, vert = rules(straight)
    ys = _positions(horiz.sum(axis=1) / 255, 0.2 * w)
    used: set[int] = set()
    items: list[tuple[float, str]] = []
    for top, bottom in zip(ys, ys[1:]):
        check()
        if bottom - top < 12:
            continue
        band = vert[top + 3:bottom - 2]
        xs = _positions(band.sum(axis=0) / 255, 0.6 * band.shape[0])
        if len(xs) < 2:
            continue
        cells = []
        for left, right in zip(xs, xs[1:]):
            idx = [i for i, b in enumerate(boxes) if left <= b.cx <= right and top <= b.cy <= bottom]
            used.update(idx)
            crop = straight[top + 3:bottom - 2, left + 3:right - 2]
            cells.append(_cell_text([boxes[i] for i in idx], crop, eng))
        items.append(((top + bottom) / 2, "| " + " | ".join(cells) + " |"))
    # text outside the grid, grouped into lines
    rest = sorted((b for i, b in enumerate(boxes) if i not in used), key=lambda b: (b.cy, b.x0))
    line: list[Box] = []
    for b in rest + [None]:  # type: ignore[list-item]
        if b is not None and line and abs(b.cy - line[0].cy) < 15:
            line.append(b)
            continue
        if line:
            items.append((line[0].cy, " ".join(x.text for x in sorted(line, key=lambda x: x.x0))))
        line = [b] if b is not None else []
    return [t for _, t in sorted(items, key=lambda it: it[0])]


def prose_page_lines(gray: Any, eng: Any) -> list[str]:
    """A page without tables, read at half resolution: enough for headings and prose."""
    import cv2

    small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    boxes = sorted(read_boxes(small, eng), key=lambda b: (b.cy, b.x0))
    lines: list[list[Box]] = []
    for b in boxes:
        if lines and abs(b.cy - lines[-1][0].cy) < 8:
            lines[-1].append(b)
        else:
            lines.append([b])
    out = []
    for ln in lines:
        words = [x.text for x in sorted(ln, key=lambda x: x.x0)]
        numbers = [w for w in words if re.fullmatch(r"[\d.,]+", w)]
        if len(numbers) >= 3:
            # a row of figures on a page not read as a table: never trusted as values
            label = " ".join(w for w in words if w not in numbers)
            out.append("| " + label + " | " + " | ".join(f"⟦{w} 0.00⟧" for w in numbers) + " |")
        else:
            out.append(" ".join(words))
    return out


def scan_to_text(data: bytes, path: str, kind: str) -> str:
    require(path, "a scanned document (no text layer)" if kind == "pdf" else "an image")
    check()
    eng = engine()
    out: list[str] = []
    for gray in pages_of(data, path, kind):
        check()  # the OCR time limit, page by page (it works in worker threads too)
        out.extend(table_page_lines(gray, eng) if has_table(gray) else prose_page_lines(gray, eng))
    return "\n".join(out)


def flag_uncertain(report: Report) -> None:
    """Name every uncertain OCR cell, flag identity breaks, and refuse a table with too many flags."""
    from ..schema import get_format

    fmt = get_format(report.format)
    for cid, raw in list(report.raw.items()):
        m = UNCERTAIN.search(raw or "")
        if m:
            report.raw[cid] = m.group(1)
            report.cells[cid] = None
            report.findings.append(Finding(
                "extract.ocr_uncertain", "warning",
                f"{cid} 识别为“{m.group(1)}”，置信度 {float(m.group(2)):.2f}，请对照原件核对后补录。",
                cells=[cid], actual={"text": m.group(1), "confidence": float(m.group(2))}))
    unknown = report.unknown_cells()
    # a row or group that breaks its own identity (S1, S4) while the rest of the table holds: its
    # cells are suspect (a blank counts as unknown here: nothing to compare)
    for identity in fmt.identities():
        if identity.each != "row" or unknown.intersection(identity.cells):
            continue
        if identity.holds(report.cells.get) is False:
            row = fmt.table(identity.table).row(identity.key)
            report.findings.append(Finding(
                "extract.ocr_identity", "warning",
                f"“{row.label}”一行识别出的数字相加不等于总计，可能有数字识别错误，请对照原件核对。",
                cells=list(identity.cells)))
    # refusal counts what recognition could not read; identity breaks alone may be the agency's own
    unreadable = ("extract.ocr_uncertain", "extract.unreadable", "extract.no_values", "extract.ambiguous")
    for table in fmt.tables:
        ids = table.cell_ids()
        flagged = {c for f in report.findings if f.rule in unreadable for c in f.cells} & set(ids)
        # rows missing between rows that were found were lost by recognition; rows missing at the
        # ends may simply be on a page that was not given (a single page image)
        missing = [f for f in report.findings if f.rule == "extract.missing_row" and set(f.cells) <= set(ids)]
        found_rows = [i for i, r in enumerate(table.rows)
                      if not any(r.cell_id(table.id, r.columns[0]) in f.cells for f in missing)]
        if found_rows:
            first, last = found_rows[0], found_rows[-1]
            for f in missing:
                pos = next(i for i, r in enumerate(table.rows) if r.cell_id(table.id, r.columns[0]) in f.cells)
                if first < pos < last:
                    flagged |= set(f.cells)
        if len(flagged) > REFUSE_SHARE * len(ids):
            for cid in ids:
                report.cells[cid] = None
            report.findings.append(Finding(
                "extract.ocr_refused", "error",
                f"{table.title}：{len(flagged)}/{len(ids)} 个单元格识别不确定，超过 {REFUSE_SHARE:.0%}，整表不予采用，请人工录入。",
                cells=ids))
