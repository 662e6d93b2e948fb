"""Reading an import file: UTF-8 CSV with a header row, comma-separated, the columns of its
kind in any order. Every row is validated (pydantic, :mod:`lmp_tui.admin`) and every
problem named as ``FILE:LINE: column: what is wrong``; the service then checks the rows
against each other and the database. Nothing is written unless every row passes."""

from __future__ import annotations

import csv
import difflib
import io
import re
from pathlib import Path
from typing import Callable

from pydantic import ValidationError

from .admin import ROW_MODELS, Numbered
from .errors import MAX_PROBLEMS, ImportProblems, InvalidInput, LmpError

#: files with more rows than this show a progress bar
PROGRESS_FROM = 2000

Progress = Callable[[str, int, int], None]


def _location(err: dict, model_fields: tuple[str, ...]) -> tuple[str, str]:
    loc = [p for p in err.get("loc", ()) if isinstance(p, str)]
    column = loc[0] if loc and loc[0] in model_fields else ""
    msg = str(err.get("msg", "is not valid"))
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    if err.get("type") == "enum":
        msg = f"'{str(err.get('input', ''))[:40]}' is not one of the choices; " + msg[0].lower() + msg[1:]
    return column, msg


STDIN = "-"


def read_bytes(path: str, what: str, limit: int | None = None) -> tuple[str, bytes]:
    """A file's name (for messages) and its bytes; ``-`` is standard input (how a file
    reaches a command run over SSH). A file that cannot be read is one sentence."""
    import sys

    if path == STDIN:
        raw = sys.stdin.buffer.read() if sys.stdin is not None else b""
        name = "standard input"
    else:
        name = path
        try:
            raw = Path(path).read_bytes()
        except FileNotFoundError:
            raise InvalidInput(f"There is no file {name}; check the path.") from None
        except IsADirectoryError:
            raise InvalidInput(f"{name} is a folder, not a file; give the {what}'s path.") from None
        except OSError as err:
            raise InvalidInput(f"Cannot read {name} ({err.strerror or 'refused'}); check the path and its "
                               "permissions.") from None
    if limit is not None and len(raw) > limit:
        raise InvalidInput(f"{name} is too large for a {what} ({len(raw):,} bytes; at most {limit:,}).")
    return name, raw


def read_text(path: str, what: str, limit: int | None = None) -> str:
    name, raw = read_bytes(path, what, limit)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{name} is not UTF-8 text; give the {what} as text.") from None


def read_file(path: Path, kind: str, progress: Progress | None = None) -> tuple[Numbered, ...]:
    """The file's rows, each validated, with the line each starts on; or ImportProblems."""
    rows, problems = read_rows(path, kind, progress)
    if problems:
        raise ImportProblems(problems)
    return rows


def read_rows(path: Path, kind: str, progress: Progress | None = None) -> tuple[tuple[Numbered, ...], list[str]]:
    """The rows that passed, and the problems of those that did not (so that the database's
    checks of the good rows can be listed with them, in one round). A file that cannot be
    read, or whose header is wrong, raises ImportProblems at once."""
    model = ROW_MODELS[kind]
    fields = tuple(model.model_fields)
    required = [f for f in fields if f not in model.OPTIONAL]
    name, raw = read_bytes(str(path), "CSV file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ImportProblems([f"{name}:{line}: the file is not UTF-8 text; save it as CSV UTF-8 and import "
                              "it again."]) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[str] = []
    try:
        header = next(reader, None)
    except csv.Error as err:
        raise ImportProblems([f"{name}:1: the header is not valid CSV ({err})."]) from None
    if header is None or not any(h.strip() for h in header):
        raise ImportProblems([f"{name}:1: the file is empty; its first line must name the columns: "
                              f"{', '.join(fields)}."])
    typed = [h.strip() for h in header]
    names = [h.lower() for h in typed]
    if len(names) == 1 and ";" in names[0]:
        raise ImportProblems([f"{name}:1: the columns are separated by ';', not ','; save the file as "
                              "CSV UTF-8 (comma-separated) and import it again."])
    missing = [f for f in required if f not in names]
    for i, col in enumerate(names):
        if col not in fields:
            guess = difflib.get_close_matches(col.replace(" ", "_"), [f for f in fields if f not in names], n=1,
                                              cutoff=0.6)
            if guess and guess[0] in missing:
                missing.remove(guess[0])
                problems.append(f"{name}:1: {typed[i]}: not a column of a {kind} file; did you mean {guess[0]}? "
                                "Rename it.")
            else:
                problems.append(f"{name}:1: {typed[i] or '(empty)'}: not a column of a {kind} file; remove it "
                                f"(the columns are {', '.join(fields)}).")
        elif col in names[:i]:
            problems.append(f"{name}:1: {typed[i]}: the column appears twice; keep one.")
    if missing:
        problems.append(f"{name}:1: {', '.join(missing)}: missing; a {kind} file needs the columns "
                        f"{', '.join(required)}.")
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
                problems.append(f"{name}:{start}: the row has {len(values)} value(s) but the header names "
                                f"{len(names)} column(s); check its commas and quotes.")
                continue
            try:
                row = model.model_validate(dict(zip(names, values)))
            except ValidationError as err:
                for e in err.errors():
                    column, msg = _location(e, fields)
                    problems.append(f"{name}:{start}: {column + ': ' if column else ''}{msg}")
                continue
            earlier = first_seen.setdefault(row.key, start)
            if earlier != start:
                shown = " / ".join(str(k) for k in row.key)
                problems.append(f"{name}:{start}: {', '.join(model.KEY)}: {shown} appears again (first on line "
                                f"{earlier}); keep one row for it.")
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
