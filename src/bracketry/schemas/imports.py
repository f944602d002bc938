"""CSV import shapes: the accepted columns, the limits and the per-row error report."""

from __future__ import annotations

from pydantic import BaseModel, Field

from bracketry.schemas.enrollment import MAX_BATCH, MAX_LISTED_SKIPS, SkippedRow

COLUMNS = ("name", "rating", "club", "external_id", "seed")
"""Accepted header names (case-insensitive, any order); only ``name`` is required."""

MAX_ROWS = MAX_BATCH
MAX_BYTES = 20 * 1024 * 1024
MAX_LISTED_ERRORS = 100
NAME_LENGTH = 200
CLUB_LENGTH = 200
EXTERNAL_ID_LENGTH = 100
MAX_RATING = 10_000
MAX_SEED = 2**31 - 1


class RowError(BaseModel):
    """One problem in one row; ``row`` is the line in the file (the header is line 1)."""

    row: int
    field: str
    message: str


class ImportRejection(BaseModel):
    """Why a file was refused: every bad row (the first 100), and nothing written."""

    detail: str
    field: str = "csv"
    errors: list[RowError] = Field(default_factory=list)


class ImportPreview(BaseModel):
    """What importing a file would do, written nowhere: the players it would add, the rows
    it would skip as already enrolled, and every bad row (the import refuses the file while
    there is one)."""

    rows: int = Field(description="Rows in the file, header not counted.")
    new_players: int = Field(
        description="Players the import would add (bad and skipped rows not counted)."
    )
    skipped_count: int = Field(0, description="Rows that would be left out as already enrolled.")
    skipped: list[SkippedRow] = Field(
        default_factory=list, description=f"The first {MAX_LISTED_SKIPS} of them."
    )
    bad_rows: int = Field(0, description="Rows with at least one error.")
    error_count: int = Field(0, description="Errors in all, every bad row's counted.")
    errors: list[RowError] = Field(
        default_factory=list, description=f"The first {MAX_LISTED_ERRORS} errors."
    )
