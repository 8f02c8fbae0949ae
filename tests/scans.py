"""Scans made here from the corpus PDFs: rendered, turned, blurred, noised and JPEG-compressed."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np

LEVELS = {  # rotation (degrees), blur sigma, contrast, noise sigma, JPEG quality, scale
    "clean": (0.0, 0.0, 1.0, 0.0, 95, 1.0),
    "mild": (0.6, 0.8, 0.92, 8.0, 50, 1.0),
    "harsh": (1.5, 1.2, 0.85, 15.0, 30, 1.0),
    "coarse": (1.5, 1.2, 0.85, 15.0, 30, 0.5),  # the harsh scan at 100 dpi
}


def degrade(gray: np.ndarray, level: str, seed: int = 0) -> np.ndarray:
    import cv2

    angle, sigma, contrast, noise, quality, scale = LEVELS[level]
    rng = np.random.default_rng(seed)
    h, w = gray.shape
    img = gray
    if angle:
        img = cv2.warpAffine(img, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h), borderValue=255)
    if sigma:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    img = np.clip(img.astype(np.float32) * contrast + (1 - contrast) * 120 + rng.normal(0, noise or 1e-9, img.shape),
                  0, 255).astype(np.uint8)
    if scale != 1.0:
        img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)


def scanned_pdf(src: Path, out: Path, level: str, pages: list[int] | None = None, dpi: int = 200) -> Path:
    """An image-only PDF of ``src`` (optionally only some pages) at ``level``."""
    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument(str(src))
    images = []
    for i in pages if pages is not None else range(len(doc)):
        gray = np.array(doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
        images.append(Image.fromarray(degrade(gray, level, seed=i)))
    effective = dpi * LEVELS[level][5]
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=effective)
    return out


def scanned_png(src: Path, out: Path, level: str, page: int, dpi: int = 200) -> Path:
    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument(str(src))
    gray = np.array(doc[page].render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
    buf = io.BytesIO()
    Image.fromarray(degrade(gray, level, seed=page)).save(buf, "PNG")
    out.write_bytes(buf.getvalue())
    return out
