"""The kit's one exception tree.

Every error the library raises on purpose derives from :class:`KitError` and carries its context,
so that the CLI (the one place that prints for people) can turn it into a one-line message and an
exit code without a traceback::

    KitError
    ├── ConfigError       a setting (an XXGK_* variable) holds a bad value; names it (CLI: exit 2)
    ├── InputError        a file could not be read as a report (names the file, and the
    │   │                 table and cell where it knows them)
    │   ├── UnsupportedInput  the file's form is not one the kit reads
    │   └── NoTextLayer       a PDF without a text layer (a scan: the OCR reader takes it over)
    ├── FormatError       a format-version definition is missing or inconsistent
    ├── StoreError        the SQLite store cannot be opened or written
    │   └── NotFound      no report for the asked agency and year
    ├── ParameterError    parameters that fail validation (a notebook's, an export's; names each)
    ├── ReviewError       review decisions refused (an unknown key, a bad status, a dismissal
    │                     without a reason, another region's sheet; names each key or row)
    ├── OutputError       an output path that cannot be made safely (names the agency)
    ├── RenderError       papermill or nbconvert failed (names the notebook left behind)
    ├── BatchLocked       another batch is running on the same outputs folder
    └── BatchStopped      a batch stopped by SIGTERM or SIGINT (names the signal; CLI: exit 128 + it)

Outside the tree, only what a protocol prescribes: ``AttributeError`` from the lazy ``kit``
module, ``ValueError`` from the PDF renderer's URL fetcher (WeasyPrint reports it as a failed
fetch) and ``SystemExit`` in the CLI.
"""
from __future__ import annotations

from pathlib import Path


class KitError(Exception):
    """Base of every error the kit raises on purpose."""


class ConfigError(KitError):
    """A setting with a bad value; the message names the setting and what it expects."""


class InputError(KitError):
    """A file that cannot be read as a report."""

    def __init__(self, path: str | Path, reason: str, *, table: str | None = None,
                 cell: str | None = None) -> None:
        self.path = str(path)
        self.reason = " ".join(reason.split())  # one line, whatever a library's message looked like
        self.table = table
        self.cell = cell
        where = "".join(f", {k} {v}" for k, v in (("table", table), ("cell", cell)) if v)
        super().__init__(f"{self.path}{where}: {self.reason}")


class UnsupportedInput(InputError):
    """The file's form is not one the kit reads."""


class NoTextLayer(InputError):
    """A PDF whose pages have no text: a scan, for the OCR reader."""


class ReviewError(KitError):
    """Decisions on findings that cannot be recorded; the message names every key or sheet row refused."""


class FormatError(KitError):
    """A format-version definition is missing or inconsistent."""


class StoreError(KitError):
    """The store cannot be opened or written."""


class NotFound(StoreError):
    """No report stored for the asked agency and year."""


class ParameterError(KitError):
    """Parameters that fail validation (a notebook's, an export's): ``problems`` names each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid parameters: " + "; ".join(problems))


class OutputError(KitError):
    """An output path that cannot be made safely."""


class RenderError(KitError):
    """A notebook run or export failed; ``notebook`` is the executed notebook kept; ``in_cell`` when a
    cell raised an exception of its own (the kernel is fine), rather than a timeout or a lost kernel."""

    def __init__(self, message: str, *, notebook: str | Path | None = None, in_cell: bool = False) -> None:
        self.notebook = str(notebook) if notebook else None
        self.in_cell = in_cell
        super().__init__(message + (f" (executed notebook kept at {self.notebook})" if notebook else ""))


class BatchLocked(KitError):
    """Another batch holds the outputs folder."""


class BatchStopped(KitError):
    """A batch stopped by a signal; its finished reports are kept, the rest recorded as not done."""

    def __init__(self, signal_name: str, signum: int) -> None:
        self.signal_name = signal_name
        self.signum = signum
        self.done = 0
        self.not_done = 0
        super().__init__(f"stopped by {signal_name}")

