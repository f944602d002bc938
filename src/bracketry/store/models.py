"""Tables of the system of record.

Matches hold the structure fixed at generation (links, entrants); what happens later is
appended as narrow rows: ``advancements`` (a player placed into a later match's slot) and
``results`` (one per decided match). A match's status is derived from those rows, never
stored twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bracketry.store.types import UtcDateTime

NAME_LENGTH = 200


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Tournament(Base):
    """A tournament: its format, validated config, lifecycle status and milestones."""

    __tablename__ = "tournaments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    format: Mapped[str] = mapped_column(String(32))
    config: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(24), index=True)
    enrolled_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sessions_generated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    rankings_calculated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    owner_id: Mapped[int | None] = mapped_column(Integer, index=True)
    """The organiser account that created it (None: created with the admin token)."""


class StatusChange(Base):
    """One recorded lifecycle transition."""

    __tablename__ = "status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tournament_id: Mapped[int] = mapped_column(ForeignKey("tournaments.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class Player(Base):
    """A person (or team) who can enroll in tournaments."""

    __tablename__ = "players"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    rating: Mapped[float | None] = mapped_column(Float)
    club: Mapped[str | None] = mapped_column(String(200))
    external_id: Mapped[str | None] = mapped_column(String(100), index=True)
    mu: Mapped[float | None] = mapped_column(Float)
    """Skill estimate (OpenSkill); None until a rated tournament, then ``rating`` follows it."""
    sigma: Mapped[float | None] = mapped_column(Float)


class RatingChange(Base):
    """A player's rating before and after one completed tournament."""

    __tablename__ = "rating_changes"
    __table_args__ = (Index("ix_rating_changes_player", "player_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    player_id: Mapped[int] = mapped_column(Integer)
    tournament_id: Mapped[int] = mapped_column(Integer)
    games: Mapped[int] = mapped_column(Integer)
    mu_before: Mapped[float] = mapped_column(Float)
    sigma_before: Mapped[float] = mapped_column(Float)
    mu_after: Mapped[float] = mapped_column(Float)
    sigma_after: Mapped[float] = mapped_column(Float)
    rating_before: Mapped[float] = mapped_column(Float)
    rating_after: Mapped[float] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class Enrollment(Base):
    """A player entered in a tournament; ``position`` is the enrollment order (0-based).

    Like the other bulk tables it has no foreign keys: the enrollment use case checks the
    tournament (locked) and the players, and a per-row key check would double the cost of
    writing a million entries.
    """

    __tablename__ = "enrollments"

    tournament_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    player_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    requested_seed: Mapped[int | None] = mapped_column(Integer)
    rating: Mapped[float | None] = mapped_column(Float)
    checked_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Match(Base):
    """A match ("session"): its place in the bracket, its entrants and its links.

    Written only by generation, which holds the tournament's lock; no foreign keys (see
    :class:`Enrollment`).
    """

    __tablename__ = "matches"
    __table_args__ = (
        UniqueConstraint("tournament_id", "stage", "side", "round", "number", name="uq_match_slot"),
        # By player (their matches) and by tournament with an entrant still to come (status
        # counts): ``entrant IS NULL AND tournament_id = ?`` is one range of each.
        Index("ix_matches_entrant_a", "entrant_a", "tournament_id"),
        Index("ix_matches_entrant_b", "entrant_b", "tournament_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tournament_id: Mapped[int] = mapped_column(Integer)
    stage: Mapped[int] = mapped_column(SmallInteger)
    side: Mapped[str] = mapped_column(String(16))
    round: Mapped[int] = mapped_column(SmallInteger)
    number: Mapped[int] = mapped_column(Integer)
    entrant_a: Mapped[int | None] = mapped_column(Integer)
    entrant_b: Mapped[int | None] = mapped_column(Integer)
    winner_to: Mapped[int | None] = mapped_column(Integer)
    winner_slot: Mapped[int | None] = mapped_column(SmallInteger)
    loser_to: Mapped[int | None] = mapped_column(Integer)
    loser_slot: Mapped[int | None] = mapped_column(SmallInteger)


NOBODY_ID = 0
"""``Advancement.player_id`` that places nobody (after a double forfeit); no player has it."""


class Advancement(Base):
    """A player placed into a match slot by an earlier match's result (or nobody)."""

    __tablename__ = "advancements"
    __table_args__ = (
        Index("ix_advancements_player", "player_id"),
        {"sqlite_with_rowid": False},
    )

    match_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slot: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    player_id: Mapped[int] = mapped_column(Integer)
    from_match_id: Mapped[int] = mapped_column(Integer)


class HeatEntry(Base):
    """A player in a heat (a many-player match) and, once recorded, their measured result:
    ``attempts`` as a JSON list, ``value`` the aggregate that places them (NULL: none yet, or
    did not finish)."""

    __tablename__ = "heat_entries"
    __table_args__ = (
        Index("ix_heat_entries_tournament", "tournament_id"),
        Index("ix_heat_entries_player", "player_id"),
        {"sqlite_with_rowid": False},
    )

    match_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lane: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    tournament_id: Mapped[int] = mapped_column(Integer)
    player_id: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    attempts: Mapped[str | None] = mapped_column(Text)


class Venue(Base):
    """A place where a tournament plays: ``fields`` courts or boards, open in ``hours``
    (a JSON list of ``{"date", "opens", "closes"}`` in the venue's local ``time_zone``)."""

    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tournament_id: Mapped[int] = mapped_column(ForeignKey("tournaments.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    time_zone: Mapped[str] = mapped_column(String(64))
    fields: Mapped[int] = mapped_column(Integer)
    hours: Mapped[list] = mapped_column(JSON)


class MatchSlot(Base):
    """Where and when a match is played: a venue, a field (1-based) and its times."""

    __tablename__ = "match_slots"
    __table_args__ = (Index("ix_match_slots_time", "tournament_id", "starts_at", "match_id"),)

    match_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tournament_id: Mapped[int] = mapped_column(Integer)
    venue_id: Mapped[int] = mapped_column(Integer)
    field: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Result(Base):
    """The result of a decided match; at most one per match (the primary key says so)."""

    __tablename__ = "results"
    __table_args__ = (Index("ix_results_tournament", "tournament_id", "recorded_at"),)

    match_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tournament_id: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    winner_slot: Mapped[int | None] = mapped_column(SmallInteger)
    score_a: Mapped[int | None] = mapped_column(Integer)
    score_b: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Ranking(Base):
    """A player's place in a tournament and the figures that explain it."""

    __tablename__ = "rankings"
    __table_args__ = (Index("ix_rankings_order", "tournament_id", "rank", "player_id"),)

    tournament_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    player_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rank: Mapped[int] = mapped_column(Integer)
    round_reached: Mapped[int] = mapped_column(SmallInteger)
    wins: Mapped[int] = mapped_column(Integer)
    losses: Mapped[int] = mapped_column(Integer)
    score_for: Mapped[int] = mapped_column(Integer)
    score_against: Mapped[int] = mapped_column(Integer)
    points: Mapped[float] = mapped_column(Float, server_default="0")
    draws: Mapped[int] = mapped_column(Integer, server_default="0")
    metrics: Mapped[str | None] = mapped_column(Text)
    """Tiebreak values in the tournament's chain order, as a JSON object."""


class Job(Base):
    """A background generation request: the source of truth for its status and timings."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tournament_id: Mapped[int] = mapped_column(ForeignKey("tournaments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), index=True)
    simulation_mode: Mapped[str] = mapped_column(String(16))
    simulation_seed: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    queue_wait_ms: Mapped[float | None] = mapped_column(Float)
    engine_ms: Mapped[float | None] = mapped_column(Float)
    db_write_ms: Mapped[float | None] = mapped_column(Float)
    simulation_ms: Mapped[float | None] = mapped_column(Float)
    total_ms: Mapped[float | None] = mapped_column(Float)
    peak_rss_mb: Mapped[float | None] = mapped_column(Float)
    sessions_count: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)


class IdCounter(Base):
    """The last primary key handed out for a table whose keys are allocated in bulk, so a
    key freed by a deletion is never handed out again."""

    __tablename__ = "id_counters"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last: Mapped[int] = mapped_column(BigInteger)


class Secret(Base):
    """A hashed service secret (the bootstrap admin token)."""

    __tablename__ = "secrets"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value_hash: Mapped[str] = mapped_column(String(128))


class User(Base):
    """An account: a login name, an argon2 password hash and one role; a player account is
    linked to the :class:`Player` it plays as."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    player_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    credentials_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    """When the password last changed or the account was disabled: sign-ins and tokens from
    before it no longer open anything."""


class RefreshToken(Base):
    """A refresh token issued at sign-in or by a renewal; each is used once (a renewal
    revokes it), and every token of one sign-in shares its ``family``."""

    __tablename__ = "refresh_tokens"

    jti: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    family: Mapped[str] = mapped_column(String(32), index=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    family_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    """The absolute end of the sign-in: no renewal reaches past it."""


class SignInFailure(Base):
    """A failed sign-in of one (name, address) key: the login limit counts these."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class ApiKey(Base):
    """A machine client's key, acting as its user: stored as a SHA-256 hash, shown once."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(16), server_default="full")
    """What the key may do: ``read``, ``results`` or ``full`` (its user's rights)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Referee(Base):
    """A referee account assigned to a tournament."""

    __tablename__ = "referees"

    tournament_id: Mapped[int] = mapped_column(ForeignKey("tournaments.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)


class AuditEntry(Base):
    """One mutation: who made it, which route with which input, when, and the state of
    what it touched before and after (JSON)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_tournament", "tournament_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    actor: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(200))
    tournament_id: Mapped[int | None] = mapped_column(Integer)
    target: Mapped[str | None] = mapped_column(String(100))
    request: Mapped[str | None] = mapped_column(Text)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    status_code: Mapped[int] = mapped_column(Integer)


class Report(Base):
    """A result a player reported for their own match, waiting for the opponent: ``pending``,
    then ``confirmed`` (applied), ``disputed`` (flagged for the organiser) or ``resolved``
    (the organiser or a referee recorded the result)."""

    __tablename__ = "reports"
    __table_args__ = (Index("ix_reports_tournament", "tournament_id", "state"),)

    match_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tournament_id: Mapped[int] = mapped_column(Integer)
    reporter_id: Mapped[int] = mapped_column(Integer)
    entrant_a: Mapped[int | None] = mapped_column(Integer)
    entrant_b: Mapped[int | None] = mapped_column(Integer)
    """The pairing the report was about (the match's two players when it was made)."""
    outcome: Mapped[str] = mapped_column(String(16))
    winner_id: Mapped[int | None] = mapped_column(Integer)
    score_a: Mapped[int | None] = mapped_column(Integer)
    score_b: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(500))
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WaitingEntry(Base):
    """A player waiting for a place in a full tournament; ``position`` orders the list."""

    __tablename__ = "waitlist"

    tournament_id: Mapped[int] = mapped_column(ForeignKey("tournaments.id"), primary_key=True)
    player_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    checked_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
