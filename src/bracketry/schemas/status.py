"""The lifecycle statuses of a tournament (the rules that move between them live in
``bracketry.service.lifecycle``)."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Lifecycle status of a tournament."""

    DRAFT = "DRAFT"
    ENROLLMENT_OPEN = "ENROLLMENT_OPEN"
    ENROLLMENT_CLOSED = "ENROLLMENT_CLOSED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
