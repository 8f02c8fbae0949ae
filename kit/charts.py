"""Charts with Chinese labels: the font comes from the PyPI package ``pylopdf-fonts-zh-cn``."""
from __future__ import annotations

from functools import lru_cache

import base64
import html
import io

import matplotlib.pyplot as plt
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
    formats = list(history["格式"])
    for i in range(1, len(formats)):
        if formats[i] != formats[i - 1]:
            ax.axvline(i - 0.5, color="#666", linestyle="--", linewidth=1)
            ax.text(i - 0.5, ax.get_ylim()[1] * 0.95, " 格式变更", fontsize=8, color="#666")
    ax.set_title(f"{agency}：政府信息公开申请数量（件）")
    ax.set_xlabel("年度")
    ax.set_ylabel("申请数量（件）")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return fig


def figure_html(fig: Figure, caption: str) -> str:
    """The figure as an embedded PNG with its one-line caption; the figure is closed."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
            f'<figcaption><p class="caption">{html.escape(caption)}</p></figcaption></figure>')
