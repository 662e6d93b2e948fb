"""Reading an import file: UTF-8 CSV with a header row, comma-separated, the columns of its
kind in any order. Every row is validated (pydantic, :mod:`lmp_tui.commands.admin`) and every
problem named as ``FILE:LINE: column: what is wrong``; the service then checks the rows
against each other and the database. Nothing is written unless every row passes."""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from lmp_tui.commands.admin import ROW_MODELS, Numbered
from lmp_tui.errors import ImportProblems, InvalidInput
from lmp_tui.settings import DEFAULT_MAX_INPUT_MB

#: files with more rows than this show a progress bar
PROGRESS_FROM = 2000

Progress = Callable[[str, int, int], None]


def _location(err: ErrorDetails, model_fields: tuple[str, ...]) -> tuple[str, str]:
    loc = [p for p in err.get("loc", ()) if isinstance(p, str)]
    column = loc[0] if loc and loc[0] in model_fields else ""
    msg = str(err.get("msg", "is not valid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    if err.get("type") == "enum":
        msg = f"'{str(err.get('input', ''))[:40]}' is not one of the choices; " + msg[0].lower() + msg[1:]
    return column, msg


STDIN = "-"
_CHUNK = 65536


@dataclass(frozen=True)
class InputLimit:
    """The most a command reads of its file or standard input, and what the refusal says
    to do instead (e.g. the setting that raises it)."""

    size: int
    advice: str

    def refusal(self, name: str, what: str) -> str:
        return f"{name} is larger than {_size_text(self.size)}, the most a {what} may be; {self.advice}"


def _size_text(size: int) -> str:
    return f"{size // 2**20:,} MB" if size >= 2**20 else f"{size // 1024:,} KB" if size >= 1024 else f"{size} bytes"


def import_limit(megabytes: int = DEFAULT_MAX_INPUT_MB) -> InputLimit:
    """The most an import reads (``LMP_MAX_INPUT_MB``, :mod:`lmp_tui.settings`)."""
    return InputLimit(
        megabytes * 2**20,
        f"split it into smaller files, or raise LMP_MAX_INPUT_MB (now {megabytes}; "
        "over SSH, on the server). Nothing was imported.",
    )


def read_bytes(path: str, what: str, limit: InputLimit) -> tuple[str, bytes]:
    """A file's name (for messages) and its bytes; ``-`` is standard input (how a file
    reaches a command run over SSH). Read a piece at a time, never more than the limit
    (and one piece): a larger one is refused before the rest is read. A file that cannot
    be read is one sentence."""
    import sys

    if path == STDIN:
        name = "standard input"
        stream = sys.stdin.buffer if sys.stdin is not None else None
        return name, _read_capped(stream, name, what, limit) if stream is not None else b""
    name = path
    try:
        with open(path, "rb") as stream:
            return name, _read_capped(stream, name, what, limit)
    except FileNotFoundError:
        raise InvalidInput(f"There is no file {name}; check the path.") from None
    except IsADirectoryError:
        raise InvalidInput(f"{name} is a folder, not a file; give the {what}'s path.") from None
    except OSError as err:
        raise InvalidInput(
            f"Cannot read {name} ({err.strerror or 'refused'}); check the path and its permissions."
        ) from None


def _read_capped(stream: BinaryIO, name: str, what: str, limit: InputLimit) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(min(_CHUNK, limit.size + 1 - size)):
        size += len(chunk)
        if size > limit.size:
            raise InvalidInput(limit.refusal(name, what))
        chunks.append(chunk)
    return b"".join(chunks)


def read_text(path: str, what: str, limit: InputLimit) -> str:
    name, raw = read_bytes(path, what, limit)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{name} is not UTF-8 text; give the {what} as text.") from None


def read_file(
    path: Path, kind: str, progress: Progress | None = None, limit: InputLimit | None = None
) -> tuple[Numbered, ...]:
    """The file's rows, each validated, with the line each starts on; or ImportProblems."""
    rows, problems = read_rows(path, kind, progress, limit)
    if problems:
        raise ImportProblems(problems)
    return rows


def read_rows(
    path: Path, kind: str, progress: Progress | None = None, limit: InputLimit | None = None
) -> tuple[tuple[Numbered, ...], list[str]]:
    """The rows that passed, and the problems of those that did not (so that the database's
    checks of the good rows can be listed with them, in one round). A file that cannot be
    read, or whose header is wrong, raises ImportProblems at once; a file over ``limit``
    (default :func:`import_limit`) is refused before the rest of it is read."""
    model = ROW_MODELS[kind]
    fields = tuple(model.model_fields)
    required = [f for f in fields if f not in model.OPTIONAL]
    name, raw = read_bytes(str(path), "CSV file", limit or import_limit())
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ImportProblems(
            [f"{name}:{line}: the file is not UTF-8 text; save it as CSV UTF-8 and import it again."]
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[str] = []
    try:
        header = next(reader, None)
    except csv.Error as err:
        raise ImportProblems([f"{name}:1: the header is not valid CSV ({err})."]) from None
    if header is None or not any(h.strip() for h in header):
        raise ImportProblems(
            [f"{name}:1: the file is empty; its first line must name the columns: {', '.join(fields)}."]
        )
    typed = [h.strip() for h in header]
    names = [h.lower() for h in typed]
    if len(names) == 1 and ";" in names[0]:
        raise ImportProblems(
            [
                f"{name}:1: the columns are separated by ';', not ','; save the file as "
                "CSV UTF-8 (comma-separated) and import it again."
            ]
        )
    missing = [f for f in required if f not in names]
    for i, col in enumerate(names):
        if col not in fields:
            guess = difflib.get_close_matches(
                col.replace(" ", "_"), [f for f in fields if f not in names], n=1, cutoff=0.6
            )
            if guess and guess[0] in missing:
                missing.remove(guess[0])
                problems.append(
                    f"{name}:1: {typed[i]}: not a column of a {kind} file; did you mean {guess[0]}? Rename it."
                )
            else:
                problems.append(
                    f"{name}:1: {typed[i] or '(empty)'}: not a column of a {kind} file; remove it "
                    f"(the columns are {', '.join(fields)})."
                )
        elif col in names[:i]:
            problems.append(f"{name}:1: {typed[i]}: the column appears twice; keep one.")
    if missing:
        problems.append(
            f"{name}:1: {', '.join(missing)}: missing; a {kind} file needs the columns {', '.join(required)}."
        )
    if problems:
        raise ImportProblems(problems)

    rows: list[Numbered] = []
    first_seen: dict[tuple, int] = {}
    line = 2
    total = text.count("\n")
    try:
        for values in reader:
            start, line = line, reader.line_num + 1
            if not any(v.strip() for v in values):
                continue  # a blank line
            if len(values) != len(names):
                problems.append(
                    f"{name}:{start}: the row has {len(values)} value(s) but the header names "
                    f"{len(names)} column(s); check its commas and quotes."
                )
                continue
            try:
                row = model.model_validate(dict(zip(names, values, strict=True)))
            except ValidationError as err:
                for e in err.errors():
                    column, msg = _location(e, fields)
                    problems.append(f"{name}:{start}: {column + ': ' if column else ''}{msg}")
                continue
            earlier = first_seen.setdefault(row.key, start)
            if earlier != start:
                shown = " / ".join(str(k) for k in row.key)
                problems.append(
                    f"{name}:{start}: {', '.join(model.KEY)}: {shown} appears again (first on line "
                    f"{earlier}); keep one row for it."
                )
                continue
            rows.append(Numbered.model_construct(line=start, row=row))
            if progress is not None and total > PROGRESS_FROM and len(rows) % 1000 == 0:
                progress("checking", reader.line_num, total)
    except csv.Error as err:
        problems.append(f"{name}:{line}: not valid CSV ({err}); check the quotes.")
    if not rows and not problems:
        raise ImportProblems([f"{name}:2: the file has a header but no rows; nothing to import."])
    return tuple(rows), problems


def by_line(problems: list[str]) -> list[str]:
    """Problems in the order of the file's lines (``FILE:LINE: …``)."""

    def line(problem: str) -> int:
        match = re.search(r":([0-9]+): ", problem)
        return int(match[1]) if match else 0

    return sorted(problems, key=line)
