"""Accounts: sign-up, login, admin management and API keys.

Passwords are hashed with argon2 (pwdlib's recommended settings); API keys are random
tokens stored as SHA-256 hashes, shown once, each with a scope.

Hashing takes a while, so callers hash (:func:`hash_password`) and check
(:func:`verify_password`) outside any transaction, in the slots the API bounds, and hand the
hash in. A password change or disabling an account ends every sign-in of it
(:func:`end_sign_ins`): its refresh tokens and API keys are revoked, and access tokens
issued before ``credentials_changed_at`` are refused.
"""

from __future__ import annotations

import secrets

from pwdlib import PasswordHash
from sqlalchemy import func, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bracketry.schemas.account import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    KeyScope,
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
from bracketry.store.models import ApiKey, Player, RefreshToken, User
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


def hash_password(password: str) -> str:
    """The argon2 hash of ``password`` (slow: call it outside transactions)."""
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (slow, like hashing)."""
    valid, _ = _hasher.verify_and_update(password, password_hash)
    return bool(valid)


def register(*, db: Session, registration: Registration, password_hash: str) -> UserRead:
    """A new player account, with the player it plays as (``password_hash``: the hash of
    the registration's password)."""
    return _create(db, registration.username, password_hash, Role.PLAYER, registration.name)


def create(*, db: Session, user_in: UserCreate, password_hash: str) -> UserRead:
    """An account of any role (an admin's act); a player account gets its player."""
    return _create(db, user_in.username, password_hash, user_in.role, user_in.name)


def _create(
    db: Session, username: str, password_hash: str, role: Role, name: str | None
) -> UserRead:
    if db.execute(select(User.id).where(User.username == username)).first() is not None:
        raise Conflict(f"username {username!r} is taken", field="username")
    player_id = _new_player(db, name or username) if role is Role.PLAYER else None
    user = User(
        username=username,
        password_hash=password_hash,
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


WRONG = "wrong username or password"


def stored_password(*, db: Session, username: str) -> tuple[int | None, str]:
    """The account id and password hash of an enabled ``username``, else None and a dummy
    hash: checking either costs the same, so the answer's time tells nobody who exists."""
    found = db.execute(
        select(User.id, User.password_hash).where(
            User.username == username.lower(), User.disabled.is_(False)
        )
    ).first()
    return (None, _DUMMY_HASH) if found is None else (found.id, found.password_hash)


def confirm(db: Session, user_id: int, password_hash: str) -> User:
    """The account a password check opened, locked, if it is still enabled and still has
    the password that was checked (a change during the check refuses the sign-in)."""
    user = db.get(User, user_id, with_for_update=True)
    if user is None or user.disabled or user.password_hash != password_hash:
        raise Unauthorized(WRONG, field="username")
    return user


def active_user(
    db: Session, user_id: int, *, issued_at: float | None = None, lock: bool = False
) -> User:
    """An enabled account by id, or :class:`Unauthorized` (a token of a gone account, or
    one ``issued_at`` before the account's password changed or it was disabled)."""
    user = db.get(User, user_id, with_for_update=lock)
    if user is None or user.disabled:
        raise Unauthorized("the account of this token is disabled or gone")
    changed = user.credentials_changed_at
    if issued_at is not None and changed is not None and issued_at < changed.timestamp():
        raise Unauthorized(
            "this token was issued before the account's sign-ins ended: sign in again"
        )
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


def update(
    *, db: Session, user_id: int, change: UserUpdate, password_hash: str | None = None
) -> UserRead:
    """Change an account's role, state or password (a player account keeps its player;
    ``password_hash``: the hash of ``change.password``). A new password or disabling ends
    every sign-in of the account."""
    user = _user_or_raise(db, user_id, lock=True)
    if change.role is not None:
        if change.role is Role.PLAYER and user.player_id is None:
            user.player_id = _new_player(db, user.username)
        user.role = change.role.value
    if change.disabled is not None:
        user.disabled = change.disabled
    if change.password is not None:
        user.password_hash = password_hash or hash_password(change.password)
    if change.password is not None or change.disabled:
        end_sign_ins(db, user)
    db.flush()
    return to_read(user)


def end_sign_ins(db: Session, user: User) -> None:
    """End every sign-in of ``user``: revoke its refresh tokens and API keys, and refuse
    the access tokens issued until now."""
    now = utcnow()
    user.credentials_changed_at = now
    for model in (RefreshToken, ApiKey):
        db.execute(
            sql_update(model)
            .where(model.user_id == user.id, model.revoked_at.is_(None))
            .values(revoked_at=now)
        )


def _new_player(db: Session, name: str) -> int:
    """A new player's id, taken the way bulk enrollment takes them (never a clash)."""
    conn = db.connection()
    player_id = int(allocate_ids(conn, Player.__table__, 1)[0])
    insert_columns(conn, Player.__table__, ("id", "name"), ([player_id], [name]))
    return player_id


def _user_or_raise(db: Session, user_id: int, *, lock: bool = False) -> User:
    user = db.get(User, user_id, with_for_update=lock)
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
    row = ApiKey(
        user_id=user_id,
        name=key_in.name,
        key_hash=token_hash(key),
        scope=key_in.scope.value,
        created_at=utcnow(),
    )
    db.add(row)
    db.flush()
    return ApiKeyCreated(**_key_read(row).model_dump(), key=key)


def keys(*, db: Session, user_id: int) -> list[ApiKeyRead]:
    """The account's API keys, oldest first (secrets never shown)."""
    rows = db.scalars(select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.id)).all()
    return [_key_read(k) for k in rows]


def _key_read(row: ApiKey) -> ApiKeyRead:
    return ApiKeyRead(
        id=row.id,
        name=row.name,
        scope=KeyScope(row.scope),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def revoke_key(*, db: Session, user_id: int, key_id: int) -> None:
    """Revoke one of the account's API keys (revoking twice is harmless)."""
    row = db.get(ApiKey, key_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f"API key {key_id} does not exist", field="key_id")
    if row.revoked_at is None:
        row.revoked_at = utcnow()


def key_user(db: Session, key: str) -> tuple[User, KeyScope]:
    """The enabled account a live API key acts as and the key's scope, or
    :class:`Unauthorized`."""
    row = db.execute(select(ApiKey).where(ApiKey.key_hash == token_hash(key))).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        raise Unauthorized("unknown or revoked API key")
    return active_user(db, row.user_id), KeyScope(row.scope)
