"""Ratings carried from one tournament to the next: updated when a tournament completes.

The players' new ratings feed the seeding of their next tournament (an enrollment of a
known player without a rating takes the player's current one).
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from bracketry.engine.ratings import RATING_PER_MU, rate, starting_skills
from bracketry.schemas.rating import RatingChangeRead, RatingHistory
from bracketry.service import bracket_state
from bracketry.service.errors import NotFound
from bracketry.store.bulk import bind_value, insert_columns
from bracketry.store.models import Player, RatingChange, Tournament
from bracketry.store.types import utcnow

RATED_GAMES_LIMIT = 250_000
"""Above this many sessions a completion rates in a background job (games are rated one
by one in Python, about 30,000 a second), not in the request."""


def rates_now(*, session_count: int) -> bool:
    """Whether a completion of this many sessions is rated at once (else by a job)."""
    return session_count <= RATED_GAMES_LIMIT


def update_after_completion(
    *, db: Session, tournament: Tournament, state: bracket_state.BracketState | None = None
) -> int:
    """Rate every game of the completed ``tournament`` (its bracket ``state`` when the
    caller holds it already, else loaded); players whose rating moved."""
    if state is None:
        state = bracket_state.load(db=db, tournament=tournament)
    ids = state.player_ids
    stored = {
        row.id: row
        for chunk in range(0, ids.size, 5_000)
        for row in db.execute(
            select(Player.id, Player.mu, Player.sigma, Player.rating).where(
                Player.id.in_(ids[chunk : chunk + 5_000].tolist())
            )
        )
    }
    rows = [stored[int(i)] for i in ids]

    def column(name: str) -> np.ndarray:
        return np.array(
            [np.nan if getattr(r, name) is None else getattr(r, name) for r in rows], dtype=float
        )

    mu, sigma = starting_skills(column("mu"), column("sigma"), column("rating"))
    direction = (tournament.config or {}).get("direction", "lower")
    skills = rate(state.progress, mu, sigma, heat_direction=direction)
    moved = np.flatnonzero(skills.games > 0)
    if moved.size == 0:
        return 0
    players = Player.__table__
    db.connection().execute(
        update(players)
        .where(players.c.id == bindparam("pid"))
        .values(mu=bindparam("m"), sigma=bindparam("s"), rating=bindparam("r")),
        [
            {
                "pid": int(ids[i]),
                "m": float(skills.mu[i]),
                "s": float(skills.sigma[i]),
                "r": round(float(skills.rating[i]), 1),
            }
            for i in moved.tolist()
        ],
    )
    conn = db.connection()
    now = bind_value(conn, RatingChange.__table__, "at", utcnow())
    count = int(moved.size)
    return insert_columns(
        conn,
        RatingChange.__table__,
        (
            "player_id",
            "tournament_id",
            "games",
            "mu_before",
            "sigma_before",
            "mu_after",
            "sigma_after",
            "rating_before",
            "rating_after",
            "at",
        ),
        (
            ids[moved],
            [tournament.id] * count,
            skills.games[moved],
            mu[moved],
            sigma[moved],
            skills.mu[moved],
            skills.sigma[moved],
            np.round(mu[moved] * RATING_PER_MU, 1),
            np.round(skills.rating[moved], 1),
            [now] * count,
        ),
    )


def history(*, db: Session, player_id: int) -> RatingHistory:
    """A player's rating now and after each rated tournament, oldest first."""
    player = db.get(Player, player_id)
    if player is None:
        raise NotFound(f"player {player_id} does not exist", field="player_id")
    changes = db.scalars(
        select(RatingChange).where(RatingChange.player_id == player_id).order_by(RatingChange.id)
    ).all()
    return RatingHistory(
        player_id=player.id,
        name=player.name,
        rating=player.rating,
        mu=player.mu,
        sigma=player.sigma,
        changes=[
            RatingChangeRead(
                tournament_id=c.tournament_id,
                games=c.games,
                rating_before=c.rating_before,
                rating_after=c.rating_after,
                mu_after=c.mu_after,
                sigma_after=c.sigma_after,
                at=c.at,
            )
            for c in changes
        ],
    )
