"""Charts with Chinese labels: the font comes from the PyPI package ``pylopdf-fonts-zh-cn``."""
from __future__ import annotations

from functools import lru_cache

import base64
import html
import io

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

FONT_FAMILY = "Noto Sans SC"
PALETTE = ["#8c1c13", "#2f5d8a", "#c49a2c", "#5a7d5a", "#7a6a8a", "#999999"]


@lru_cache(maxsize=None)
def font_path() -> str:
    import pylopdf_fonts_zh_cn

    return str(pylopdf_fonts_zh_cn.sans_path())


def use_chinese_font() -> str:
    """Register the bundled CJK font with matplotlib and make it the default; returns its path."""
    path = font_path()
    if FONT_FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(path)
    plt.rcParams["font.family"] = FONT_FAMILY
    plt.rcParams["font.sans-serif"] = [FONT_FAMILY]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["axes.prop_cycle"] = cycler(color=PALETTE)
    plt.rcParams["axes.spines.top"] = False
    plt.rcParams["axes.spines.right"] = False
    return path


def applications_chart(history: pd.DataFrame, agency: str) -> Figure | None:
    """Applications received and carried over, by year; None when there is one year or none."""
    use_chinese_font()
    if len(history) < 2:
        return None
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=110)
    years = [str(y) for y in history.index]
    new = history["新收申请"].fillna(0).astype(float)
    carried = history["上年结转"].fillna(0).astype(float)
    ax.bar(years, new, label="本年新收", color=PALETTE[0])
    ax.bar(years, carried, bottom=new, label="上年结转", color=PALETTE[1])
    for x, (a, b) in enumerate(zip(new, carried)):
        ax.text(x, a + b, f"{a + b:.0f}", ha="center", va="bottom", fontsize=9)
    _format_marks(ax, list(history["格式"]))
    ax.set_title(f"{agency}：政府信息公开申请数量（件）")
    ax.set_xlabel("年度")
    ax.set_ylabel("申请数量（件）")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return fig


def figure_png(fig: Figure, dpi: int = 150) -> bytes:
    """The figure drawn once at ``dpi`` as an RGB PNG; the figure is closed. Its background is opaque,
    so an alpha channel would only cost time: WeasyPrint splits it off again into a mask of its own."""
    from PIL import Image

    try:
        fig.set_dpi(dpi)
        fig.canvas.draw()
        rgba = np.asarray(fig.canvas.buffer_rgba())  # type: ignore[attr-defined]  # Agg, plain or inline
    finally:
        plt.close(fig)
    buf = io.BytesIO()
    if rgba[..., 3].min() == 255:
        Image.fromarray(np.ascontiguousarray(rgba[..., :3])).save(buf, format="PNG")
    else:  # a transparent figure keeps its transparency
        Image.fromarray(np.ascontiguousarray(rgba)).save(buf, format="PNG")
    return buf.getvalue()


def figure_html(fig: Figure, caption: str) -> str:
    """The figure as an embedded PNG with its one-line caption; the figure is closed."""
    data = base64.b64encode(figure_png(fig)).decode("ascii")
    return (f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
            f'<figcaption><p class="caption">{html.escape(caption)}</p></figcaption></figure>')


OUTCOME_COLORS = {"予以公开": "#8c1c13", "部分公开": "#c46a4a", "不予公开": "#2f5d8a", "无法提供": "#7fa3c8",
                  "不予处理": "#c49a2c", "其他处理": "#999999"}


def _format_marks(ax: Any, formats: list[str]) -> None:
    """A dashed line where the format version changes (2020 -> 2021): the columns are not comparable."""
    for i in range(1, len(formats)):
        if formats[i] != formats[i - 1]:
            ax.axvline(i - 0.5, color="#666", linestyle="--", linewidth=1)
            ax.text(i - 0.5, ax.get_ylim()[1], " 格式变更", fontsize=8, color="#666", va="top")


def outcomes_chart(history: pd.DataFrame, agency: str) -> Figure | None:
    """Outcomes as shares of （七）总计, by year (100 % stacked bars)."""
    use_chinese_font()
    h = history[history["办理总计"].fillna(0) > 0]
    if len(h) < 2:
        return None
    fig, ax = plt.subplots(figsize=(7, 3.4), dpi=110)
    years = [str(y) for y in h.index]
    bottom = np.zeros(len(h))
    for name, color in OUTCOME_COLORS.items():
        share = (h[name].fillna(0) / h["办理总计"]).to_numpy(dtype=float) * 100
        ax.bar(years, share, bottom=bottom, label=name, color=color)
        bottom += share
    _format_marks(ax, list(h["格式"]))
    ax.set_ylim(0, 100)
    ax.set_title(f"{agency}：办理结果占（七）总计的比例（%）")
    ax.set_xlabel("年度")
    ax.set_ylabel("占比（%）")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    fig.tight_layout()
    return fig


def decisions_chart(history: pd.DataFrame, agency: str) -> Figure | None:
    """表二 行政许可、处罚、强制 decisions by year; gov2019 and gov2021 never joined in one line."""
    use_chinese_font()
    if len(history) < 2:
        return None
    fig, axes = plt.subplots(1, 3, figsize=(8.5, 2.8), dpi=110, sharex=True)
    years = [str(y) for y in history.index]
    x = np.arange(len(years))
    for ax, (name, color) in zip(axes, (("行政许可", PALETTE[0]), ("行政处罚", PALETTE[1]), ("行政强制", PALETTE[2]))):
        for fmt, marker in (("gov2019", "s"), ("gov2021", "o")):
            mask = (history["格式"] == fmt).to_numpy()
            if mask.any():
                ax.plot(x[mask], history[name].to_numpy(dtype=float)[mask], marker=marker, color=color,
                        label="2019年格式" if fmt == "gov2019" else "2021年格式")
        ax.set_xticks(x, years, rotation=45, fontsize=8)
        ax.set_title(f"{name}决定（件）", fontsize=10)
        _format_marks(ax, list(history["格式"]))
    axes[0].legend(frameon=False, fontsize=7)
    fig.suptitle(f"{agency}：表二行政决定数量（两种格式分开画，不连线）", fontsize=11)
    fig.tight_layout()
    return fig


def cases_chart(history: pd.DataFrame, agency: str) -> Figure | None:
    """复议 and 诉讼 cases by year and outcome; None when there were none."""
    use_chinese_font()
    if len(history) < 2 or not (history[["行政复议", "行政诉讼"]].fillna(0).to_numpy().sum()):
        return None
    fig, axes = plt.subplots(1, 2, figsize=(8.5, 3), dpi=110, sharey=True)
    years = [str(y) for y in history.index]
    for ax, kind in zip(axes, ("行政复议", "行政诉讼")):
        bottom = np.zeros(len(history))
        for part, color in (("维持", PALETTE[1]), ("纠正", PALETTE[0]), ("其他", PALETTE[5]), ("尚未审结", PALETTE[2])):
            vals = history[f"{kind}{part}"].fillna(0).to_numpy(dtype=float)
            ax.bar(years, vals, bottom=bottom, label=f"结果{part}" if part != "尚未审结" else part, color=color)
            bottom += vals
        ax.set_title(f"{kind}（件）", fontsize=10)
        ax.tick_params(axis="x", labelsize=8, rotation=45)
        _format_marks(ax, list(history["格式"]))
    axes[1].legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.suptitle(f"{agency}：因政府信息公开引起的复议和诉讼", fontsize=11)
    fig.tight_layout()
    return fig


def peer_chart(peers: pd.DataFrame, agency: str, column: str, title: str, *, percent: bool = False) -> Figure | None:
    """The agency among its peers on one measure, sorted, with the peer median marked."""
    use_chinese_font()
    data = peers[column].dropna()
    if agency not in data.index or len(data) < 2:
        return None
    data = data.sort_values()
    fig, ax = plt.subplots(figsize=(7, max(2.6, 0.22 * len(data) + 0.8)), dpi=110)
    vals = data.to_numpy(dtype=float) * (100 if percent else 1)
    labels = [str(a).replace(agency, agency) for a in data.index]
    colors = [PALETTE[0] if a == agency else "#b8b8b8" for a in data.index]
    ax.barh(labels, vals, color=colors)
    med = float(np.median(vals))
    ax.axvline(med, color=PALETTE[1], linestyle="--", linewidth=1.2)
    ax.text(med, len(data) - 0.5, f" 中位数 {med:.1f}{'%' if percent else ''}", color=PALETTE[1], fontsize=8, va="bottom")
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title(title, fontsize=11)
    ax.set_xlabel("%" if percent else "件")
    fig.tight_layout()
    return fig
