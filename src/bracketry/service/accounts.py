"""Accounts: sign-up, login, admin management and API keys.

Passwords are hashed with argon2 (pwdlib's recommended settings); API keys are random
tokens stored as SHA-256 hashes, shown once.
"""

from __future__ import annotations

import secrets

from pwdlib import PasswordHash
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bracketry.schemas.account import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    Registration,
    Role,
    UserCreate,
    UserPage,
    UserRead,
    UserUpdate,
)
from bracketry.service.auth import token_hash
from bracketry.service.errors import Conflict, NotFound, Unauthorized
from bracketry.service.paging import next_offset
from bracketry.store.bulk import allocate_ids, insert_columns
from bracketry.store.models import ApiKey, Player, User
from bracketry.store.types import utcnow

API_KEY_PREFIX = "bk_"
MAX_API_KEYS = 50
_hasher = PasswordHash.recommended()
_DUMMY_HASH = _hasher.hash("not a password anyone has")


def to_read(user: User) -> UserRead:
    """The client view of an account."""
    return UserRead(
        id=user.id,
        username=user.username,
        role=Role(user.role),
        player_id=user.player_id,
        disabled=user.disabled,
        created_at=user.created_at,
    )


def register(*, db: Session, registration: Registration) -> UserRead:
    """A new player account, with the player it plays as."""
    return _create(db, registration.username, registration.password, Role.PLAYER, registration.name)


def create(*, db: Session, user_in: UserCreate) -> UserRead:
    """An account of any role (an admin's act); a player account gets its player."""
    return _create(db, user_in.username, user_in.password, user_in.role, user_in.name)


def _create(db: Session, username: str, password: str, role: Role, name: str | None) -> UserRead:
    if db.execute(select(User.id).where(User.username == username)).first() is not None:
        raise Conflict(f"username {username!r} is taken", field="username")
    player_id = _new_player(db, name or username) if role is Role.PLAYER else None
    user = User(
        username=username,
        password_hash=_hasher.hash(password),
        role=role.value,
        player_id=player_id,
        disabled=False,
        created_at=utcnow(),
    )
    db.add(user)
    try:
        db.flush()
    except IntegrityError as error:  # a concurrent sign-up took the name first
        raise Conflict(f"username {username!r} is taken", field="username") from error
    return to_read(user)


def authenticate(*, db: Session, username: str, password: str) -> User:
    """The enabled account these credentials open; the same refusal for every failure, and
    the same work (one hash check) whether or not the account exists."""
    user = db.execute(select(User).where(User.username == username.lower())).scalar_one_or_none()
    valid, _ = _hasher.verify_and_update(password, user.password_hash if user else _DUMMY_HASH)
    if user is None or not valid or user.disabled:
        raise Unauthorized("wrong username or password", field="username")
    return user


def active_user(db: Session, user_id: int) -> User:
    """An enabled account by id, or :class:`Unauthorized` (a token of a gone account)."""
    user = db.get(User, user_id)
    if user is None or user.disabled:
        raise Unauthorized("the account of this token is disabled or gone")
    return user


def listed(*, db: Session, limit: int, offset: int) -> UserPage:
    """Accounts, oldest first."""
    total = db.execute(select(func.count()).select_from(User)).scalar_one()
    rows = db.scalars(select(User).order_by(User.id).limit(limit).offset(offset)).all()
    items = [to_read(u) for u in rows]
    following = next_offset(offset, len(items), total)
    return UserPage(items=items, total=total, next_offset=following)


def get(*, db: Session, user_id: int) -> UserRead:
    """One account."""
    return to_read(_user_or_raise(db, user_id))


def update(*, db: Session, user_id: int, change: UserUpdate) -> UserRead:
    """Change an account's role, state or password (a player account keeps its player)."""
    user = _user_or_raise(db, user_id)
    if change.role is not None:
        if change.role is Role.PLAYER and user.player_id is None:
            user.player_id = _new_player(db, user.username)
        user.role = change.role.value
    if change.disabled is not None:
        user.disabled = change.disabled
    if change.password is not None:
        user.password_hash = _hasher.hash(change.password)
    db.flush()
    return to_read(user)


def _new_player(db: Session, name: str) -> int:
    """A new player's id, taken the way bulk enrollment takes them (never a clash)."""
    conn = db.connection()
    player_id = int(allocate_ids(conn, Player.__table__, 1)[0])
    insert_columns(conn, Player.__table__, ("id", "name"), ([player_id], [name]))
    return player_id


def _user_or_raise(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist", field="user_id")
    return user


def create_key(*, db: Session, user_id: int, key_in: ApiKeyCreate) -> ApiKeyCreated:
    """A new API key acting as ``user_id``; its secret is in the answer and nowhere else."""
    live = db.execute(
        select(func.count())
        .select_from(ApiKey)
        .where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None))
    ).scalar_one()
    if live >= MAX_API_KEYS:
        raise Conflict(f"an account has at most {MAX_API_KEYS} live API keys", field="name")
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(user_id=user_id, name=key_in.name, key_hash=token_hash(key), created_at=utcnow())
    db.add(row)
    db.flush()
    return ApiKeyCreated(
        id=row.id, name=row.name, created_at=row.created_at, revoked_at=None, key=key
    )


def keys(*, db: Session, user_id: int) -> list[ApiKeyRead]:
    """The account's API keys, oldest first (secrets never shown)."""
    rows = db.scalars(select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.id)).all()
    return [
        ApiKeyRead(id=k.id, name=k.name, created_at=k.created_at, revoked_at=k.revoked_at)
        for k in rows
    ]


def revoke_key(*, db: Session, user_id: int, key_id: int) -> None:
    """Revoke one of the account's API keys (revoking twice is harmless)."""
    row = db.get(ApiKey, key_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f"API key {key_id} does not exist", field="key_id")
    if row.revoked_at is None:
        row.revoked_at = utcnow()


def key_user(db: Session, key: str) -> User:
    """The enabled account a live API key acts as, or :class:`Unauthorized`."""
    row = db.execute(select(ApiKey).where(ApiKey.key_hash == token_hash(key))).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        raise Unauthorized("unknown or revoked API key")
    return active_user(db, row.user_id)
