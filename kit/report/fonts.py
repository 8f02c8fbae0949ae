"""The CJK font: cut down once for PDFs, and cut to each HTML page's own characters for embedding.

WeasyPrint subsets the font into every PDF, and subsetting the 65,000-glyph CFF font costs about
4 s a report. A TrueType copy holding GB2312's 7,000 characters (plus ASCII, Latin-1 and
punctuation) subsets in a tenth of that. It is built once into a cache folder; a document using
a character outside it is printed with the full font instead, so nothing ever renders as a box.
Every HTML the kit writes embeds, as a WOFF2 data URI, the glyphs it shows (:func:`embedded_font_css`),
so a report reads on a machine without any Chinese font.
"""
from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import io
import os
import re
import tempfile
import types
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from ..errors import RenderError

RECIPE = "gb2312-ttf-2"  # change when the subset recipe changes


def full_font() -> Path:
    import pylopdf_fonts_zh_cn

    return Path(pylopdf_fonts_zh_cn.sans_path())


def cache_dir() -> Path:
    base = os.environ.get("XXGK_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME") or
                                                        os.path.expanduser("~/.cache"), "xxgk-kit")
    return Path(base)


def _codepoints() -> set[int]:
    # ASCII, Latin-1, all general punctuation (GB2312 lacks the em dash U+2014), numbers in circles,
    # arrows and CJK punctuation, then every GB2312 character
    cps = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180)) | set(range(0x2010, 0x2070)) | \
        set(range(0x2150, 0x2200)) | set(range(0x2460, 0x2500)) | set(range(0x3000, 0x3040))
    for cp in [*range(0x2000, 0x3100), *range(0x4E00, 0xA000), *range(0xFF00, 0xFFF0)]:
        try:
            chr(cp).encode("gb2312")
        except UnicodeEncodeError:
            continue
        cps.add(cp)
    return cps


def _build(src: Path, dst: Path) -> None:
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(src))
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=_codepoints())
    sub.subset(font)
    # CFF outlines -> TrueType quadratic outlines (fontTools subsets glyf far faster than CFF)
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for k in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
              "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, k, 0)
    maxp.maxZones = 1
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dst.parent, suffix=".part")
    os.close(fd)
    try:
        font.save(tmp)
        os.replace(tmp, dst)  # several workers may build it at once: the last rename wins, all equal
    finally:
        Path(tmp).unlink(missing_ok=True)


@lru_cache(maxsize=None)
def pdf_font() -> Path:
    """The cut-down TrueType font (built on first use)."""
    src = full_font()
    key = hashlib.sha256(f"{src.stat().st_size}:{src.name}:{RECIPE}".encode()).hexdigest()[:12]
    dst = cache_dir() / f"NotoSansSC-{key}.ttf"
    if not dst.exists():
        _build(src, dst)
    return dst


@lru_cache(maxsize=None)
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(pdf_font()), lazy=True).getBestCmap())


def font_for(text: str) -> Path:
    """The cut-down font when it has every character of ``text``, else the full font."""
    covered = _covered()
    if all(ord(ch) in covered or ord(ch) < 0x20 or ch.isspace() for ch in text):
        return pdf_font()
    return full_font()


EMBEDDED_FAMILY = "XXGK Sans"
# The OpenType features kept: vertical forms (三、本年度办理结果 is set vertically) and kerning.
EMBEDDED_FEATURES = ["vert", "vrt2", "vkrn", "kern"]


@contextlib.contextmanager
def _brotli_quality(quality: int) -> Iterator[None]:
    """fontTools compresses WOFF2 at brotli's slowest setting (11); 5 takes a fifth of the time for a
    few percent more bytes, which matters once per report."""
    import brotli
    import fontTools.ttLib.woff2 as woff2

    real = woff2.brotli
    woff2.brotli = types.SimpleNamespace(  # type: ignore[assignment]
        MODE_FONT=brotli.MODE_FONT, compress=lambda data, mode=brotli.MODE_FONT: brotli.compress(
            data, mode=mode, quality=quality))
    try:
        yield
    finally:
        woff2.brotli = real


@lru_cache(maxsize=4)
def _hb_face(path: Path) -> object:
    """The font parsed once by HarfBuzz (kept: every page subsets the same one or two fonts)."""
    import uharfbuzz as hb

    return hb.Face(hb.Blob.from_file_path(str(path)))


def _tags(*names: str) -> list[int]:
    return [int.from_bytes(n.encode("ascii"), "big") for n in names]


def woff2_for(text: str) -> bytes:
    """The kit's font cut down to the characters of ``text``, as WOFF2.

    HarfBuzz cuts it (a fiftieth of fontTools' time: about 15 ms against 0.7 s a report); fontTools
    wraps it as WOFF2 without the glyf transform, which would cost another 0.25 s for 15 % fewer bytes."""
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.woff2 import WOFF2FlavorData

    inp = hb.SubsetInput()
    inp.unicode_set.update(sorted({ord(ch) for ch in text}))
    features = inp.layout_feature_tag_set
    features.clear()
    features.update(_tags(*EMBEDDED_FEATURES))
    inp.name_id_set.clear()
    inp.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE  # and no glyph names
    cut = hb.subset(_hb_face(font_for(text)), inp)
    if cut is None:
        raise RenderError(f"HarfBuzz could not subset {font_for(text).name}")
    font = TTFont(io.BytesIO(cut.blob.data), recalcTimestamp=False)  # saving would stamp the clock into head
    font.flavor = "woff2"
    font.flavorData = WOFF2FlavorData(transformedTables=())
    buf = io.BytesIO()
    with _brotli_quality(5):
        font.save(buf)
    return buf.getvalue()


def embedded_font_css(document: str) -> str:
    """An ``@font-face`` rule embedding every glyph an HTML document shows (its text with tags and data
    URIs removed, CSS included), so that it reads on a machine without any Chinese font."""
    text = html.unescape(re.sub(r"<[^>]+>|data:[^\"')]*", "", document))
    data = base64.b64encode(woff2_for(text)).decode("ascii")
    return (f'@font-face {{ font-family: "{EMBEDDED_FAMILY}"; font-display: block; '
            f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}')
