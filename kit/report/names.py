"""Names and paths in outputs: agency names as folders (never leaving the outputs folder), and the
project's files as a report may print them (never the machine's absolute paths)."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from ..errors import OutputError

_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
MAX_LEN = 80


def safe_name(name: str) -> str:
    """A file-system-safe folder name for an agency; altered names get a hash so two never collide."""
    cleaned = unicodedata.normalize("NFC", name)
    cleaned = "".join(ch for ch in cleaned if unicodedata.category(ch)[0] != "C")
    cleaned = re.sub(r'[\\/:*?"<>|\s]+', "_", cleaned).strip("._ ")
    if cleaned.split(".")[0].lower() in _RESERVED:
        cleaned = "_" + cleaned
    if len(cleaned.encode("utf-8")) > MAX_LEN * 3 or len(cleaned) > MAX_LEN:
        cleaned = cleaned[:MAX_LEN]
    if cleaned != name or not cleaned:
        cleaned = f"{cleaned or 'agency'}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}"
    return cleaned


def output_dir(outputs: str | Path, agency: str, year: int, *, resolved: bool = False) -> Path:
    """``<outputs>/<year>/<safe agency>``, checked to lie inside ``outputs``. ``resolved``: ``outputs``
    is resolved already (a batch plans thousands of folders in it): the folder is joined to it, not
    resolved again; a safe name has no separator and no leading dot, so it cannot climb out."""
    root = Path(outputs) if resolved else Path(outputs).resolve()
    path = root / str(int(year)) / safe_name(agency)
    path = path if resolved else path.resolve()
    if root not in path.parents:
        raise OutputError(f"output path for {agency!r} escapes {root}")
    return path


def shown_path(path: str | Path, project: str | Path | None = None) -> str:
    """A file as a report prints it: relative to the project (by default the current folder, where
    commands and kernels run), else only its name; never an absolute path of this machine."""
    p = Path(path)
    root = Path(project) if project else Path.cwd()
    try:
        return p.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return f"…/{p.name}"

