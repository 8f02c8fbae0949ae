"""The region-year's documents beside its report: the problem list (问题清单.xlsx, always) and the
notice (通报.docx, when asked for)."""
from __future__ import annotations

from pathlib import Path

from .notice import write_notice
from .problems import write_problems
from .view import RegionView, problem_rows
from .view import notice as make_notice

__all__ = ["REGION_MIME", "NOTICE", "PROBLEMS", "write_documents"]

REGION_MIME = "application/vnd.xxgk.region+json"  # the counts the batch's index reads (hidden in the report)
NOTICE = "通报.docx"
PROBLEMS = "问题清单.xlsx"


def write_documents(view: RegionView, folder: str | Path, *, notice: bool = True, issuer: str | None = None,
                    date: str | None = None, correct_by: str | None = None) -> dict[str, Path]:
    """Write the problem list and (``notice``) the notice into ``folder``; returns {kind: path}."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"xlsx": write_problems(problem_rows(view), out / PROBLEMS,
                                    title=f"{view.region}{view.year}年度政府信息公开工作年度报告问题清单")}
    if notice:
        paths["docx"] = write_notice(make_notice(view, issuer=issuer, date=date, correct_by=correct_by),
                                     out / NOTICE)
    return paths
