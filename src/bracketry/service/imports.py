"""CSV import: every row checked first, then one set-based enrollment (or nothing written).

Importing a file twice enrolls nobody twice: a row whose external id (or, without one, whose
name, trimmed and in any case) is already enrolled is skipped and reported. Two rows of one
file with the same external id, or the same name and no external id, are a bad row.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

import numpy as np
from sqlalchemy.orm import Session

from bracketry.engine.seeding import NO_SEED
from bracketry.schemas.enrollment import MAX_LISTED_SKIPS, EnrollmentOutcome
from bracketry.schemas.imports import (
    CLUB_LENGTH,
    COLUMNS,
    EXTERNAL_ID_LENGTH,
    MAX_BYTES,
    MAX_LISTED_ERRORS,
    MAX_RATING,
    MAX_ROWS,
    MAX_SEED,
    NAME_LENGTH,
    ImportPreview,
    RowError,
)
from bracketry.schemas.names import plain_text
from bracketry.service.enrollments import (
    check_columns,
    enroll_columns,
    match_enrolled,
    name_key,
    with_skipped,
)
from bracketry.service.errors import Invalid, ServiceError
from bracketry.service.lifecycle import Status, require_status
from bracketry.service.tournaments import get_or_raise, lock_or_raise

WHOLE_NUMBER = re.compile(r"\+?[0-9]+")
T = TypeVar("T")


class TooLarge(ServiceError):
    """The file is over the size limit."""

    status_code = 413


class RowsRejected(Invalid):
    """Some rows are bad: ``errors`` lists the first 100, ``total`` counts them all."""

    def __init__(self, errors: list[RowError], rows: int) -> None:
        total = len(errors)
        bad_rows = len({e.row for e in errors})
        message = f"{bad_rows} of {rows} rows have errors; nothing was imported"
        if total > MAX_LISTED_ERRORS:
            message += (
                f" (first {MAX_LISTED_ERRORS} errors listed, {total - MAX_LISTED_ERRORS} more)"
            )
        super().__init__(message, field="csv")
        self.errors = errors[:MAX_LISTED_ERRORS]
        self.total = total


@dataclass
class Rows:
    """The file's rows as aligned columns."""

    names: list[str] = field(default_factory=list)
    ratings: list[float] = field(default_factory=list)
    clubs: list[str | None] = field(default_factory=list)
    external_ids: list[str | None] = field(default_factory=list)
    seeds: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise TooLarge(f"the file is over {MAX_BYTES // 2**20} MB", field="csv")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise Invalid(f"the file is not UTF-8 (line {line})", field="csv") from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise Invalid(f"the file contains a NUL character (line {line})", field="csv")
    return text


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells) of each record that is not blank."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                yield start, record
            start = reader.line_num + 1
    except csv.Error as error:
        raise Invalid(f"line {start}: {error}", field="csv") from None


def _header(record: list[str]) -> list[str]:
    names = [cell.strip().lower() for cell in record]
    unknown = [name or "(empty)" for name in names if name not in COLUMNS]
    if unknown:
        raise Invalid(
            f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            f"the columns are {', '.join(COLUMNS)}",
            field="csv",
        )
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise Invalid(f"column {', '.join(repeated)} appears twice", field="csv")
    if "name" not in names:
        raise Invalid("the required column name is missing", field="csv")
    return names


def _name(raw: str) -> str:
    value = _text(raw, limit=NAME_LENGTH)
    if value is None:
        raise ValueError("name is required")
    return value


def _text(raw: str, limit: int) -> str | None:
    value = raw.strip()
    if len(value) > limit:
        raise ValueError(f"longer than {limit} characters ({len(value)})")
    return plain_text(value) or None


def _rating(raw: str) -> float:
    if not raw.strip():
        return math.nan
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{raw.strip()!r} is not a number") from None
    if not math.isfinite(value) or not 0 <= value <= MAX_RATING:
        raise ValueError(f"{raw.strip()} is not between 0 and {MAX_RATING}")
    return value


def _seed(raw: str) -> int:
    value = raw.strip()
    if not value:
        return NO_SEED
    if not WHOLE_NUMBER.fullmatch(value):
        raise ValueError(f"{value!r} is not a whole number")
    seed = int(value)
    if not 1 <= seed <= MAX_SEED:
        raise ValueError(f"{seed} is not between 1 and {MAX_SEED}")
    return seed


class _Checker:
    """Checks rows one by one, collecting every problem and the good values."""

    def __init__(self, columns: list[str], capacity: int | None) -> None:
        self.columns = columns
        self.capacity = capacity
        self.rows = Rows()
        self.errors: list[RowError] = []
        self.first_line: dict[tuple[str, object], int] = {}

    def _fail(self, line: int, name: str, message: str) -> None:
        self.errors.append(RowError(row=line, field=name, message=message))

    def _cell(
        self, line: int, cells: dict[str, str], name: str, parse: Callable[[str], T], empty: T
    ) -> T:
        """``parse`` of the cell (``empty`` when the column is absent or the cell is bad)."""
        if name not in cells:
            return empty
        try:
            return parse(cells[name])
        except ValueError as error:
            self._fail(line, name, str(error))
            return empty

    def _unique(self, line: int, name: str, value: object) -> None:
        first = self.first_line.setdefault((name, value), line)
        if first != line:
            self._fail(line, name, f"{name} {value} is also on row {first}")

    def check(self, line: int, record: list[str]) -> None:
        """Check one record and keep its values (placeholders where a cell is bad)."""
        if len(record) != len(self.columns):
            message = f"has {len(record)} values, the header has {len(self.columns)}"
            self._fail(line, "csv", message)
            return
        cells = dict(zip(self.columns, record, strict=True))
        name = self._cell(line, cells, "name", _name, "")
        rating = self._cell(line, cells, "rating", _rating, math.nan)
        club = self._cell(line, cells, "club", partial(_text, limit=CLUB_LENGTH), None)
        external = self._cell(
            line, cells, "external_id", partial(_text, limit=EXTERNAL_ID_LENGTH), None
        )
        seed = self._cell(line, cells, "seed", _seed, NO_SEED)
        if external is not None:
            self._unique(line, "external_id", external)
        elif name:
            first = self.first_line.setdefault(("name", name_key(name)), line)
            if first != line:
                self._fail(line, "name", f"name {name} is also on row {first}")
        if seed != NO_SEED:
            if self.capacity is not None and seed > self.capacity:
                self._fail(line, "seed", f"seed {seed} is above max_players {self.capacity}")
            self._unique(line, "seed", seed)
        rows = self.rows
        rows.names.append(name)
        rows.ratings.append(rating)
        rows.clubs.append(club)
        rows.external_ids.append(external)
        rows.seeds.append(seed)
        rows.lines.append(line)


def _checked(data: bytes, *, capacity: int | None) -> tuple[_Checker, int]:
    """Every row of the file checked: the checker (values and errors) and the row count.

    The file is UTF-8 (a BOM is fine) with a header row; blank lines are skipped. A file that
    cannot be read row by row at all raises :class:`Invalid`.
    """
    records = _records(_decode(data))
    first = next(records, None)
    if first is None:
        message = f"the file is empty; it needs a header row ({', '.join(COLUMNS)})"
        raise Invalid(message, field="csv")
    checker = _Checker(_header(first[1]), capacity)
    count = 0
    for line, record in records:
        count += 1
        if count > MAX_ROWS:
            raise Invalid(f"the file has more than {MAX_ROWS:,} rows", field="csv")
        checker.check(line, record)
    if count == 0:
        raise Invalid("the file has a header but no rows", field="csv")
    return checker, count


def read_rows(data: bytes, *, capacity: int | None) -> Rows:
    """The file's rows, or :class:`RowsRejected` listing every bad one."""
    checker, count = _checked(data, capacity=capacity)
    if checker.errors:
        raise RowsRejected(checker.errors, count)
    return checker.rows


def import_csv(*, db: Session, tournament_id: int, data: bytes) -> EnrollmentOutcome:
    """Enroll every row of the CSV ``data`` as a new player, skipping (and reporting) rows
    whose player is already enrolled; or refuse and write nothing."""
    tournament = lock_or_raise(db=db, tournament_id=tournament_id)
    require_status(tournament, Status.ENROLLMENT_OPEN, action="import players")
    rows = read_rows(data, capacity=(tournament.config or {}).get("max_players"))
    keep, skipped = match_enrolled(db, tournament, rows.names, rows.external_ids, rows=rows.lines)
    kept = keep.tolist()

    def new(column: list[T]) -> list[T]:
        return [value for value, keeping in zip(column, kept, strict=True) if keeping]

    outcome = enroll_columns(
        db=db,
        tournament_id=tournament_id,
        player_ids=np.zeros(int(keep.sum()), dtype=np.int64),
        names=new(rows.names),
        ratings=np.array(new(rows.ratings), dtype=np.float64),
        seeds=np.array(new(rows.seeds), dtype=np.int64),
        clubs=new(rows.clubs),
        external_ids=new(rows.external_ids),
    )
    return with_skipped(outcome, skipped)


def preview_csv(*, db: Session, tournament_id: int, data: bytes) -> ImportPreview:
    """What :func:`import_csv` would do with ``data``, by the same checks, writing nothing:
    the players it would add, the rows it would skip, and every bad row. While a row is bad
    the rules about the whole file (room left, seeds taken) wait until it is fixed, as the
    import refuses the file first for its bad rows."""
    tournament = get_or_raise(db=db, tournament_id=tournament_id)
    require_status(tournament, Status.ENROLLMENT_OPEN, action="import players")
    checker, count = _checked(data, capacity=(tournament.config or {}).get("max_players"))
    rows, errors = checker.rows, checker.errors
    bad = {error.row for error in errors}
    good = [i for i, line in enumerate(rows.lines) if line not in bad]
    keep, skipped = match_enrolled(
        db,
        tournament,
        [rows.names[i] for i in good],
        [rows.external_ids[i] for i in good],
        rows=[rows.lines[i] for i in good],
    )
    if not errors:
        check_columns(
            db=db,
            tournament=tournament,
            player_ids=np.zeros(int(keep.sum()), dtype=np.int64),
            seeds=np.array(rows.seeds, dtype=np.int64)[keep],
        )
    return ImportPreview(
        rows=count,
        new_players=int(keep.sum()),
        skipped_count=len(skipped),
        skipped=skipped[:MAX_LISTED_SKIPS],
        bad_rows=len(bad),
        error_count=len(errors),
        errors=errors[:MAX_LISTED_ERRORS],
    )
