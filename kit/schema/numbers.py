"""Numbers as text: the one formatter every message, table, sentence and writer uses."""
from __future__ import annotations

from typing import Iterable

Number = int | float


def number_text(v: Number | None, blank: str = "") -> str:
    """A number as printed, exactly: 12, 4068.208, 498363.41 (never rounded to a few digits).

    Only the noise of adding printed decimals in floating point (0.30000000000000004) is dropped;
    ``blank`` stands for a cell without a number.
    """
    if v is None:
        return blank
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(round(v, 9))
    return str(v)


def printed(value: Number | None, raw: str | None) -> str:
    """A cell as a writer prints it back: its printed text when that says more than the number
    (a placeholder, a blank, an annotation, a unit), else the number."""
    number = number_text(value)
    if raw is not None and (value is None or raw.strip() not in ("", number)):
        return raw
    return number


def total(values: Iterable[Number | None]) -> Number | None:
    """The sum of some cells' numbers; None when one of them has none (unknown, or blank where it counts)."""
    out: Number = 0
    for v in values:
        if v is None:
            return None
        out += v
    return out

