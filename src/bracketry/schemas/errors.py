"""Error answers: every refusal is ``{detail, field}``; an invalid request lists its problems."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorRead(BaseModel):
    """Why a request was refused."""

    detail: str = Field(description="What is wrong, in a sentence.")
    field: str | None = Field(description="The input at fault (dotted path), if there is one.")


class ProblemRead(BaseModel):
    """One problem of an invalid request."""

    field: str
    message: str
    type: str


class ValidationErrorRead(ErrorRead):
    """An invalid request: the first problem in ``detail`` and ``field``, then all of them
    (empty when a use case refused a well-formed request)."""

    errors: list[ProblemRead] = Field(default_factory=list)
