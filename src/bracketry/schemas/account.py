"""Accounts, tokens, API keys, referees and the audit log as clients see them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bracketry.schemas.names import Name, PlainText

USERNAME = r"^[A-Za-z0-9_.-]{3,64}$"


class Role(StrEnum):
    """What an account may do (see docs/api.md, Accounts and roles)."""

    ADMIN = "admin"
    ORGANIZER = "organizer"
    REFEREE = "referee"
    PLAYER = "player"


class KeyScope(StrEnum):
    """What an API key may do: ``read`` (GET only), ``results`` (GET, and the routes that
    record results: the referee rule), ``full`` (its account's rights). No key manages keys."""

    READ = "read"
    RESULTS = "results"
    FULL = "full"


def _lower(value: str) -> str:
    return value.lower()


class Registration(BaseModel):
    """A player signing up: a login and the name they play under."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME, description="3-64 of A-Z a-z 0-9 _ . -")
    password: str = Field(min_length=8, max_length=128)
    name: PlainText = Field(min_length=1, max_length=200, description="Name shown in brackets.")

    _normal = field_validator("username")(_lower)


class UserCreate(BaseModel):
    """An account an admin creates, with any role (a player account gets a player)."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME)
    password: str = Field(min_length=8, max_length=128)
    role: Role
    name: Name | None = Field(None, description="Player name.")

    _normal = field_validator("username")(_lower)


class UserUpdate(BaseModel):
    """What an admin may change on an account."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    disabled: bool | None = Field(None, strict=True)
    password: str | None = Field(None, min_length=8, max_length=128)


class UserRead(BaseModel):
    """An account (never its password hash)."""

    id: int
    username: str
    role: Role
    player_id: int | None
    disabled: bool
    created_at: datetime


class UserPage(BaseModel):
    """One page of accounts, oldest first."""

    items: list[UserRead]
    total: int
    next_offset: int | None


class TokenPair(BaseModel):
    """An OAuth2 bearer access token and the refresh token that renews it."""

    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds the access token lives.")


class RefreshIn(BaseModel):
    """A refresh token to exchange for a new pair."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=1, max_length=4096)


class ApiKeyCreate(BaseModel):
    """A new API key's label."""

    model_config = ConfigDict(extra="forbid")

    name: PlainText = Field(min_length=1, max_length=100)
    scope: KeyScope = Field(
        KeyScope.FULL,
        description="read: GET only; results: GET and recording results; full: the account's "
        "rights. No key creates or revokes keys.",
    )


class ApiKeyRead(BaseModel):
    """An API key (its secret is never shown again)."""

    id: int
    name: str
    scope: KeyScope
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    """A fresh API key with its secret, shown this once."""

    key: str = Field(description="Send as Authorization: Bearer <key>. Shown only now.")


class RefereeRead(BaseModel):
    """A referee assigned to a tournament: a display name for everyone, the login name only
    for the tournament's owner and admins."""

    user_id: int
    name: str
    username: str | None = None


class AuditRead(BaseModel):
    """One audited mutation."""

    id: int
    at: datetime
    actor: str
    action: str
    tournament_id: int | None
    target: str | None
    request: Any
    before: Any
    after: Any
    status_code: int


class AuditPage(BaseModel):
    """One page of the audit log, newest first."""

    items: list[AuditRead]
    total: int
    next_offset: int | None
