"""Tables as grids of cell texts (HTML, PDF, DOCX, XLSX) turned into the text form.

Every reader of a structured form lays its tables out as ``| a | b | c |`` lines between its
paragraphs, so one piece of table logic (``text``, ``tables``) serves every form. Merged cells
arrive as ``None`` (covered) and are dropped; empty cells stay empty (a blank value). Local
templates add 小计/合计 columns and rows that the official format does not have: they are left
out here, so the remaining cells map onto the official ones.
"""
from __future__ import annotations

import re
from typing import Sequence

Cell = str | None
SUBTOTAL = re.compile(r"^\s*(小\s*计|合\s*计)\s*$")
SUBTOTAL_ROW = re.compile(r"(小\s*计|合\s*计)")


def clean_cell(text: str) -> str:
    # Cells wrap inside the box: "商业\n企业", "三\n、\n本\n年": join CJK lines, keep a space between digits.
    text = text.replace("\u00a0", " ").replace("\u3000", " ")
    text = re.sub(r"(?<=\d)\s*\n\s*(?=\d)", " ", text)
    text = re.sub(r"\s*\n\s*", "", text)
    text = re.sub(r"[ \t]+", " ", text).strip()
    return text.replace("|", "｜")


def _is_prose(grid: Sequence[Sequence[Cell]]) -> bool:
    """A layout box around body text: one filled cell per row and long sentences."""
    filled = [[c for c in row if c and c.strip()] for row in grid]
    return all(len(r) <= 1 for r in filled) and sum(len(r[0]) for r in filled if r) > 40


def grid_lines(grid: Sequence[Sequence[Cell]]) -> list[str]:
    """The grid as text lines: pipe rows for a table, plain lines for a box of prose."""
    if not grid:
        return []
    if _is_prose(grid):
        return [clean_cell(r[0] or "") for r in ([c for c in row if c and c.strip()] for row in grid) if r]
    width = max(len(r) for r in grid)
    rows = [[(clean_cell(c) if c is not None else None) for c in r] + [None] * (width - len(r)) for r in grid]
    drop = {j for r in rows for j, c in enumerate(r) if c and SUBTOTAL.match(c)}
    lines: list[str] = []
    for r in rows:
        label = " ".join(c for c in r if c and not re.fullmatch(r"[\d.,\-\s/—]*", c))
        if SUBTOTAL_ROW.search(label) and not re.search(r"总\s*计", label):
            continue
        cells = [c for j, c in enumerate(r) if j not in drop and c is not None]
        if any(c for c in cells):
            lines.append("| " + " | ".join(cells) + " |")
    return lines
