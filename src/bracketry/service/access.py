"""Who is calling (the admin token, an account's JWT, an API key) and what each route
allows them: one rule per route, checked before the route runs.

| rule | who passes |
| --- | --- |
| public | anyone, signed in or not |
| user | any signed-in account (and the admin token) |
| player | an account that plays (has a player) |
| organizer | admins and organizers |
| owner | admins, and the organizer who created the tournament |
| referee | the owner's set, and referees assigned to the tournament |
| admin | admins (the admin token or an admin account) |
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bracketry.schemas.account import Role
from bracketry.service import accounts, tokens
from bracketry.service.auth import token_hash
from bracketry.service.errors import Forbidden, Unauthorized
from bracketry.store.models import Referee, Tournament


class Rule(StrEnum):
    """What a route requires of its caller (see the module's table)."""

    PUBLIC = "public"
    USER = "user"
    PLAYER = "player"
    ORGANIZER = "organizer"
    OWNER = "owner"
    REFEREE = "referee"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    """A caller: their role, account and player (None for the bootstrap admin token)."""

    role: Role
    user_id: int | None = None
    player_id: int | None = None
    via: str = "admin-token"

    @property
    def actor(self) -> str:
        """How the audit log names the caller."""
        return self.via if self.user_id is None else f"user:{self.user_id} ({self.via})"


def admin_token(token: str, *, admin_hash: str | None) -> Principal | None:
    """The admin when ``token`` is the admin token (compared in constant time), else None."""
    if admin_hash is not None and hmac.compare_digest(token_hash(token), admin_hash):
        return Principal(Role.ADMIN)
    return None


def identify(
    db: Session, token: str | None, *, admin_hash: str | None, secret: str
) -> Principal | None:
    """The caller a bearer ``token`` stands for (None without one); :class:`Unauthorized`
    for a token that is none of the admin token, a live API key or a valid access JWT."""
    if not token:
        return None
    admin = admin_token(token, admin_hash=admin_hash)
    if admin is not None:
        return admin
    if token.startswith(accounts.API_KEY_PREFIX):
        user, via = accounts.key_user(db, token), "api-key"
    else:
        try:
            user_id = tokens.read(token, tokens.ACCESS, secret=secret)
        except Unauthorized as error:
            raise Unauthorized(
                f"{error.message}: send an access token, an API key or the admin token"
            ) from error
        user, via = accounts.active_user(db, user_id), "jwt"
    return Principal(Role(user.role), user.id, user.player_id, via)


def passes_at_once(principal: Principal | None, rule: Rule) -> bool:
    """Whether ``principal`` passes ``rule`` whatever the tournament (no lookup needed)."""
    if rule is Rule.PUBLIC:
        return True
    if principal is None:
        return False
    return (
        principal.role is Role.ADMIN
        or rule is Rule.USER
        or (rule is Rule.PLAYER and principal.player_id is not None)
        or (rule is Rule.ORGANIZER and principal.role is Role.ORGANIZER)
    )


def check(db: Session, principal: Principal | None, rule: Rule, tournament_id: int | None) -> None:
    """Raise :class:`Unauthorized` (nobody signed in) or :class:`Forbidden` unless
    ``principal`` passes ``rule`` for the tournament the route is about."""
    if passes_at_once(principal, rule):
        return
    if principal is None:
        raise Unauthorized(
            "sign in first: Authorization: Bearer <access token, API key or admin token>"
        )
    if rule in (Rule.OWNER, Rule.REFEREE) and tournament_id is not None:
        tournament = db.get(Tournament, tournament_id)
        if tournament is None:
            return  # the route answers 404 itself
        if principal.role is Role.ORGANIZER and tournament.owner_id == principal.user_id:
            return
        if (
            rule is Rule.REFEREE
            and principal.role is Role.REFEREE
            and _assigned(db, tournament_id, principal.user_id)
        ):
            return
    raise Forbidden(f"a {principal.role} may not do this (needs: {rule})")


def _assigned(db: Session, tournament_id: int, user_id: int | None) -> bool:
    found = db.execute(
        select(Referee.user_id).where(
            Referee.tournament_id == tournament_id, Referee.user_id == user_id
        )
    )
    return found.first() is not None
