"""The credential a request came with, as its holder may see it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from bracketry.schemas.account import KeyScope, Role


class CredentialRead(BaseModel):
    """Who a bearer token stands for and what it may do: a page shows only the controls
    that can succeed (a ``read`` key only reads, a ``results`` key records results)."""

    role: Role
    user_id: int | None = Field(description="The account; null for the admin token.")
    via: Literal["admin-token", "jwt", "api-key"] = Field(
        description="How it came: the admin token, a password sign-in, or an API key."
    )
    scope: KeyScope = Field(description="An API key's scope; full for any other credential.")


class TournamentRights(BaseModel):
    """What the token sent may do to one tournament, by the checks its routes apply."""

    role: Role
    scope: KeyScope = Field(description="An API key's scope; full for any other credential.")
    owner: bool = Field(description="Its organiser or an admin, whatever a key's scope.")
    manage: bool = Field(description="May change it: lifecycle, name, players and results.")
    record_results: bool = Field(
        description="May record and correct results (its organiser, admins, its referees)."
    )
