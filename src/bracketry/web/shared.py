"""What every page module shares: templates, people's words for formats and statuses, page
ids from URLs and the HTML 404 page."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from bracketry.schemas.catalog import format_label as format_label  # the labels live there
from bracketry.schemas.status import Status

HERE = Path(__file__).parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
MAX_ID = 2**31 - 1
STATUS_WORDS = {
    Status.DRAFT: "Draft",
    Status.ENROLLMENT_OPEN: "Enrollment open",
    Status.ENROLLMENT_CLOSED: "Enrollment closed",
    Status.IN_PROGRESS: "In progress",
    Status.COMPLETED: "Completed",
    Status.CANCELLED: "Cancelled",
}


def status_words(status: str) -> str:
    """A lifecycle status for people."""
    return STATUS_WORDS.get(Status(status), status.replace("_", " ").capitalize())


def page_id(raw: str) -> int | None:
    """A tournament id from a page URL, or None when it cannot be one."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return None
    number = int(raw)
    return number if 1 <= number <= MAX_ID else None


def not_found(request: Request, what: str = "This page does not exist.") -> HTMLResponse:
    """The HTML 404 page, in plain words."""
    return templates.TemplateResponse(request, "not_found.html", {"what": what}, status_code=404)


NOT_ALLOWED = "This address is a page to open, not a form to send."


def page_error(request: Request, status: int) -> HTMLResponse:
    """The HTML answer to a page address that does not exist (404) or to a request it does
    not take (405), in plain words."""
    if status != 405:
        return not_found(request)
    words = {"heading": "Not possible here", "what": NOT_ALLOWED}
    return templates.TemplateResponse(request, "not_found.html", words, status_code=405)


NO_TOURNAMENT = "There is no tournament at this address."
