"""``xxgk verify``: show that published reports were produced from the stored data by this kit.

Every report the batch renders is recorded in the manifest with the sha256 of each output beside
the fingerprint of its inputs and the versions of the libraries that shape its bytes. Verifying
re-renders the chosen reports into a temporary folder (the batch's own warm-kernel pool, every
job forced) and compares: the published files with the manifest's hashes (a file edited by hand
after rendering), and the fresh outputs with them (the data, the code or the parameters changed).
When the machine's library versions differ from those recorded, nothing is re-rendered and the
report is said to differ in environment, naming the versions: a changed machine is not an edited
report.
"""
from __future__ import annotations

import difflib
import hashlib
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .batch import Manifest, plan, run
from .fingerprint import environment_versions, output_hashes

__all__ = ["Verdict", "verify"]


@dataclass
class Verdict:
    """One report: ``status`` identical | content | environment; ``details`` says what differs."""

    key: str
    status: str
    details: list[str] = field(default_factory=list)

    def line(self) -> str:
        head = {"identical": "identical", "content": "content differs", "environment": "environment differs"}
        return f"{head[self.status]:19} {self.key}" + (f": {'; '.join(self.details)}" if self.details else "")


def verify(store: str | Path, outputs: str | Path, *, agencies: tuple[str, ...] = (), years: tuple[int, ...] = (),
           sample: int | None = None, registry: str | Path | None = None, workers: int | None = None,
           root: Path | None = None, timeout: int | None = None) -> list[Verdict]:
    """A verdict for every published report chosen (all that the manifest holds as done, filtered by
    agency and year; ``sample``: that many of them, the same ones each time)."""
    outputs = Path(outputs).resolve()
    published = Manifest(outputs)
    env = environment_versions()
    out: list[Verdict] = []
    with tempfile.TemporaryDirectory(prefix="xxgk-verify-") as tmp:
        fresh_dir = Path(tmp)
        jobs = [j for j in plan(store, fresh_dir, agencies=agencies, years=years, registry=registry)
                if published.entries.get(j.key, {}).get("status") == "done"]
        if sample is not None:
            jobs = sorted(jobs, key=lambda j: hashlib.sha256(j.key.encode("utf-8")).hexdigest())[:sample]
        todo = []
        for job in jobs:
            recorded = published.entries[job.key].get("environment") or env  # none: an earlier kit's (said below)
            changed = sorted(k for k in set(recorded) | set(env) if recorded.get(k) != env.get(k))
            if changed:
                out.append(Verdict(job.key, "environment", [f"{k} {recorded.get(k, '?')} → {env.get(k, '?')}"
                                                            for k in changed]))
            else:
                todo.append(job)
        formats = tuple(f for f in ("html", "pdf", "docx")
                        if any(f in published.entries[j.key].get("outputs", {}) for j in todo if j.kind != "region"))
        if todo:
            run(todo, fresh_dir, workers=workers, to=formats or ("html",), force=True, progress=False, root=root,
                timeout=timeout)
        fresh = Manifest(fresh_dir)
        for job in todo:
            out.append(_compare(job.key, published.entries[job.key], fresh.entries.get(job.key), outputs, fresh_dir))
    return sorted(out, key=lambda v: v.key)


def _compare(key: str, was: dict[str, Any], now: dict[str, Any] | None, outputs: Path, fresh_dir: Path) -> Verdict:
    recorded = was.get("hashes")
    if not recorded:
        return Verdict(key, "content", ["no hashes in the manifest (rendered by an earlier kit): run `xxgk batch "
                                        "--force` once"])
    if now is None or now.get("status") != "done":
        return Verdict(key, "content", [f"re-rendering failed: {(now or {}).get('error', 'not run')}"])
    details = []
    on_disk = output_hashes({k: outputs / p for k, p in was.get("outputs", {}).items() if k in recorded})
    for kind, sha in sorted(recorded.items()):
        name = Path(was["outputs"].get(kind, kind)).name
        if on_disk.get(kind) != sha:
            details.append(f"{name} was changed after it was rendered (its sha256 is not the manifest's)"
                           + _first_lines(outputs / was["outputs"][kind], fresh_dir / now["outputs"].get(kind, "-"),
                                          kind))
        elif now.get("hashes", {}).get(kind) != sha:
            details.append(f"{name} renders differently now" + _first_lines(
                outputs / was["outputs"][kind], fresh_dir / now["outputs"].get(kind, "-"), kind))
    return Verdict(key, "content" if details else "identical", details)


def _first_lines(published: Path, fresh: Path, kind: str) -> str:
    """For HTML, the first lines where the published file and the fresh one differ."""
    if kind != "html" or not published.is_file() or not fresh.is_file():
        return ""

    def lines(p: Path) -> list[str]:  # one element a line; the embedded font follows the text: left out
        text = p.read_text(encoding="utf-8", errors="replace")
        return [x.strip()[:160] for x in re.split(r"(?<=>)|\n", text) if x.strip() and "font/woff2" not in x]

    diff = [d for d in difflib.unified_diff(lines(published), lines(fresh), "published", "rendered now", n=0,
                                            lineterm="") if d[:1] in "+-" and d[:3] not in ("+++", "---")]
    return (" — first differing lines: " + " | ".join(diff[:4])) if diff else ""
