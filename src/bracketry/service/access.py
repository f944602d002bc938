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
| person | a person signed in (an access token, or the admin token): never an API key |

An API key passes a rule only within its scope as well: ``read`` keys only read (GET, HEAD,
OPTIONS), ``results`` keys read and use the routes of the referee rule (recording results),
``full`` keys have their account's rights. No key passes the person rule: keys cannot create
or revoke keys. The guard passes the HTTP ``method``: a key's scope depends on it.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bracketry.schemas.account import KeyScope, Role
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
    PERSON = "person"


READS = frozenset({"GET", "HEAD", "OPTIONS"})
API_KEY = "api-key"


@dataclass(frozen=True)
class Principal:
    """A caller: their role, account and player (None for the bootstrap admin token), how
    they came (``via``) and, for an API key, its scope."""

    role: Role
    user_id: int | None = None
    player_id: int | None = None
    via: str = "admin-token"
    scope: KeyScope = KeyScope.FULL

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
        user, scope = accounts.key_user(db, token)
        return Principal(Role(user.role), user.id, user.player_id, API_KEY, scope)
    try:
        claims = tokens.read(token, tokens.ACCESS, secret=secret)
    except Unauthorized as error:
        raise Unauthorized(
            f"{error.message}: send an access token, an API key or the admin token"
        ) from error
    user = accounts.active_user(db, claims.user_id, issued_at=claims.issued_at)
    return Principal(Role(user.role), user.id, user.player_id, "jwt")


def in_scope(principal: Principal, rule: Rule, method: str) -> bool:
    """Whether the caller's way in allows ``rule`` for ``method`` at all (keys: their scope;
    the person rule: no key)."""
    if principal.via != API_KEY:
        return True
    if rule is Rule.PERSON:
        return False
    reading = method.upper() in READS
    return (
        principal.scope is KeyScope.FULL
        or reading
        or (principal.scope is KeyScope.RESULTS and rule is Rule.REFEREE)
    )


def passes_at_once(principal: Principal | None, rule: Rule, method: str) -> bool:
    """Whether ``principal`` passes ``rule`` whatever the tournament (no lookup needed)."""
    if rule is Rule.PUBLIC:
        return True
    if principal is None or not in_scope(principal, rule, method):
        return False
    return (
        principal.role is Role.ADMIN
        or rule in (Rule.USER, Rule.PERSON)
        or (rule is Rule.PLAYER and principal.player_id is not None)
        or (rule is Rule.ORGANIZER and principal.role is Role.ORGANIZER)
    )


def check(
    db: Session,
    principal: Principal | None,
    rule: Rule,
    tournament_id: int | None,
    method: str,
) -> None:
    """Raise :class:`Unauthorized` (nobody signed in) or :class:`Forbidden` unless
    ``principal`` passes ``rule`` for the tournament the route is about, with ``method``
    (the HTTP method: a key's scope depends on it)."""
    if passes_at_once(principal, rule, method):
        return
    if principal is None:
        raise Unauthorized(
            "sign in first: Authorization: Bearer <access token, API key or admin token>"
        )
    if not in_scope(principal, rule, method):
        raise Forbidden(_out_of_scope(principal, rule))
    if rule in (Rule.OWNER, Rule.REFEREE) and tournament_id is not None:
        tournament = db.get(Tournament, tournament_id)
        if tournament is None:
            return  # the route answers 404 itself
        if owns(principal, tournament.owner_id):
            return
        if (
            rule is Rule.REFEREE
            and principal.role is Role.REFEREE
            and _assigned(db, tournament_id, principal.user_id)
        ):
            return
    raise Forbidden(f"a {principal.role} may not do this (needs: {rule})")


@dataclass(frozen=True)
class Rights:
    """What a caller may do to one tournament, by the same checks the routes apply."""

    owner: bool
    """The tournament's organiser or an admin, whatever the key's scope."""
    manage: bool
    """May make every organiser's change (lifecycle, players, results)."""
    record_results: bool
    """May record and correct results (organisers, admins and its assigned referees)."""


def rights(db: Session, principal: Principal | None, tournament: Tournament) -> Rights:
    """What ``principal`` may do to ``tournament``: :func:`check` asked for a change of
    each kind, so a page offers only what will succeed."""

    def passes(rule: Rule) -> bool:
        try:
            check(db, principal, rule, tournament.id, "POST")
        except (Unauthorized, Forbidden):
            return False
        return True

    return Rights(
        owner=owns(principal, tournament.owner_id),
        manage=passes(Rule.OWNER),
        record_results=passes(Rule.REFEREE),
    )


def owns(principal: Principal | None, owner_id: int | None) -> bool:
    """Whether ``principal`` is an admin or the organiser who owns a tournament of
    ``owner_id``."""
    if principal is None:
        return False
    if principal.role is Role.ADMIN:
        return True
    return (
        principal.role is Role.ORGANIZER
        and owner_id is not None
        and owner_id == (principal.user_id)
    )


def _out_of_scope(principal: Principal, rule: Rule) -> str:
    if rule is Rule.PERSON:
        return "an API key may not do this: sign in with a password (needs: person)"
    return (
        f"an API key of scope {principal.scope} may not do this "
        f"(needs: {rule}, and a key of scope full or a signed-in person)"
    )


def _assigned(db: Session, tournament_id: int, user_id: int | None) -> bool:
    found = db.execute(
        select(Referee.user_id).where(
            Referee.tournament_id == tournament_id, Referee.user_id == user_id
        )
    )
    return found.first() is not None
