"""CSV import route: players and seeds from a file, every bad row reported, all or nothing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.responses import JSONResponse

from bracketry.api.deps import Owner, ReadDb, WriteDb, allow
from bracketry.api.params import TournamentId
from bracketry.schemas.enrollment import EnrollmentOutcome
from bracketry.schemas.errors import ErrorRead, ValidationErrorRead
from bracketry.schemas.imports import MAX_BYTES, ImportPreview, ImportRejection
from bracketry.service import imports
from bracketry.service.access import Rule
from bracketry.service.errors import ServiceError

CSV_TYPES = frozenset({"text/csv", "application/csv"})
OwnerPreview = allow(Rule.OWNER, audited=False)
"""The owner's rule for a route that writes nothing, so leaves nothing to audit."""

router = APIRouter(prefix="/tournaments", tags=["tournaments"])


class UnsupportedMediaType(ServiceError):
    """The body is not declared as CSV."""

    status_code = 415


async def csv_body(request: Request) -> bytes:
    """The raw body, refused unless it is declared ``text/csv`` (UTF-8) and within the limit."""
    declared = request.headers.get("content-type", "")
    media, *params = (part.strip().lower() for part in declared.split(";"))
    if media not in CSV_TYPES:
        raise UnsupportedMediaType(
            f"send the file as Content-Type: text/csv, not {declared or 'nothing'}",
            field="content-type",
        )
    charset = next((p.split("=", 1)[1].strip('"') for p in params if p.startswith("charset=")), "")
    if charset not in ("", "utf-8", "utf8"):
        raise UnsupportedMediaType(f"the file must be UTF-8, not {charset}", field="content-type")
    if int(request.headers.get("content-length") or 0) > MAX_BYTES:
        raise imports.TooLarge(f"the file is over {MAX_BYTES // 2**20} MB", field="csv")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise imports.TooLarge(f"the file is over {MAX_BYTES // 2**20} MB", field="csv")
        chunks.append(chunk)
    return b"".join(chunks)


CsvBody = Annotated[bytes, Depends(csv_body)]

REQUEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.post(
    "/{tournament_id}/enrollments/import",
    dependencies=[Owner],
    status_code=status.HTTP_201_CREATED,
    response_model=EnrollmentOutcome,
    responses={
        413: {"model": ErrorRead, "description": "The file is over the size limit."},
        415: {"model": ErrorRead, "description": "The body is not declared as UTF-8 CSV."},
        422: {
            "model": ImportRejection | ValidationErrorRead,
            "description": "Bad rows (every one listed, nothing written) or an invalid request.",
        },
    },
    openapi_extra=REQUEST_BODY,
)
def import_enrollments(
    tournament_id: TournamentId, data: CsvBody, db: WriteDb
) -> EnrollmentOutcome | JSONResponse:
    """Enroll new players from a CSV file (header row; columns name, rating, club,
    external_id, seed): every row is checked first and nothing is written if one is bad."""
    try:
        return imports.import_csv(db=db, tournament_id=tournament_id, data=data)
    except imports.RowsRejected as rejected:
        body = ImportRejection(detail=rejected.message, errors=rejected.errors)
        return JSONResponse(body.model_dump(), status_code=422)


@router.post(
    "/{tournament_id}/enrollments/import/preview",
    dependencies=[OwnerPreview],
    responses={
        409: {"model": ErrorRead, "description": "The import would be refused as a whole."},
        413: {"model": ErrorRead, "description": "The file is over the size limit."},
        415: {"model": ErrorRead, "description": "The body is not declared as UTF-8 CSV."},
        422: {"model": ValidationErrorRead, "description": "The file cannot be read as CSV."},
    },
    openapi_extra=REQUEST_BODY,
)
def preview_import(tournament_id: TournamentId, data: CsvBody, db: ReadDb) -> ImportPreview:
    """What importing this CSV file would do, by the same checks, writing nothing: the
    players it would add, the rows it would skip as already enrolled, and every bad row."""
    return imports.preview_csv(db=db, tournament_id=tournament_id, data=data)
