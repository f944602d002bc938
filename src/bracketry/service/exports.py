"""Exports: standings and matches (CSV / JSON), brackets-viewer.js data, FIDE TRF16.

Each export has a ``check_*`` that refuses (404 / 409) before anything is sent, and a
generator that opens its own read session and yields text in pages of :data:`CHUNK` rows, so
a million-row export never sits in memory. Formats are described in docs/formats.md.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bracketry.engine.formats.swiss import round_count
from bracketry.engine.model import OUTCOME_CODES, Outcome, Side
from bracketry.schemas.names import FORBIDDEN
from bracketry.schemas.session import SessionRead
from bracketry.service import bracket_state, rankings, sessions
from bracketry.service.errors import Conflict, NotFound
from bracketry.service.formats import format_of
from bracketry.service.round_labels import side_labels
from bracketry.service.units import UnitOfWork
from bracketry.store.models import Enrollment, Match, Player, Tournament

CHUNK = 10_000

STANDINGS_COLUMNS = (
    "rank",
    "player_id",
    "name",
    "points",
    "wins",
    "draws",
    "losses",
    "score_for",
    "score_against",
    "round_reached",
)
MATCH_COLUMNS = (
    "id",
    "stage",
    "side",
    "round",
    "round_name",
    "number",
    "status",
    "player_a_id",
    "player_a_name",
    "player_b_id",
    "player_b_name",
    "outcome",
    "winner_id",
    "score_a",
    "score_b",
    "source",
    "recorded_at",
)
HEAT_COLUMNS = ("lane", "player_id", "name", "value", "place")


# --- checks (before the first byte) -----------------------------------------------------------


def tournament_or_raise(db: Session, tournament_id: int) -> Tournament:
    """The tournament, or :class:`NotFound`."""
    tournament = db.get(Tournament, tournament_id)
    if tournament is None:
        raise NotFound(f"tournament {tournament_id} does not exist", field="tournament_id")
    return tournament


def check_standings(*, db: Session, tournament_id: int) -> None:
    """Refuse unless the tournament exists and its rankings were calculated."""
    if tournament_or_raise(db, tournament_id).rankings_calculated_at is None:
        raise Conflict(
            f"rankings of tournament {tournament_id} were never calculated: "
            f"POST /tournaments/{tournament_id}/calculate-rankings first",
            field="rankings",
        )


def check_brackets_viewer(*, db: Session, tournament_id: int) -> None:
    """Refuse unless the tournament exists in a format brackets-viewer can draw."""
    tournament = tournament_or_raise(db, tournament_id)
    if tournament.format not in STAGE_TYPES:
        raise Conflict(
            f"brackets-viewer.js has no shape for the {tournament.format} format "
            f"(only knockout, double_elimination, round_robin and groups)",
            field="format",
        )


def check_trf(*, db: Session, tournament_id: int) -> None:
    """Refuse unless the tournament exists and is a Swiss."""
    tournament = tournament_or_raise(db, tournament_id)
    if tournament.format != "swiss":
        raise Conflict(
            f"a TRF16 export is for Swiss tournaments; tournament {tournament_id} is "
            f"{tournament.format}",
            field="format",
        )


@contextmanager
def _snapshot(database: UnitOfWork) -> Iterator[Session]:
    """A read session that sees one state of the database for every page."""
    with database.read() as db:
        if database.dialect == "postgresql":
            db.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield db


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a text cell as a formula (the OWASP CSV injection list)."""


def csv_cell(value: Any) -> Any:
    """A CSV cell: ``None`` empty, text starting with :data:`FORMULA_START` behind a ``'`` so
    spreadsheets show it as text; numbers (a negative score difference) as they are.

    >>> [csv_cell(v) for v in (None, -3, "-3", "=1+2", "O'Brien")]
    ['', -3, "'-3", "'=1+2", "O'Brien"]
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv(rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows([csv_cell(v) for v in row] for row in rows)
    return out.getvalue()


def _json_array(pages: Iterator[list[dict[str, Any]]]) -> Iterator[str]:
    """A JSON array, one page of items at a time."""
    first = True
    yield "["
    for page in pages:
        if page:
            yield ("" if first else ",") + ",".join(json.dumps(item) for item in page)
            first = False
    yield "]"


# --- standings --------------------------------------------------------------------------------


def _standings_pages(db: Session, tournament_id: int) -> Iterator[list[dict[str, Any]]]:
    for page in rankings.pages(db=db, tournament_id=tournament_id, size=CHUNK):
        yield [item.model_dump(mode="json") for item in page]


def standings_json(database: UnitOfWork, tournament_id: int) -> Iterator[str]:
    """Rankings best first: the columns of :data:`STANDINGS_COLUMNS` and ``tiebreaks``."""
    with _snapshot(database) as db:
        pages = _standings_pages(db, tournament_id)
        yield from _json_array(
            [{k: row[k] for k in (*STANDINGS_COLUMNS, "tiebreaks")} for row in page]
            for page in pages
        )


def standings_csv(database: UnitOfWork, tournament_id: int) -> Iterator[str]:
    """Rankings best first; one ``tiebreak:<name>`` column per tiebreak of the chain."""
    with _snapshot(database) as db:
        names: list[str] | None = None
        for page in _standings_pages(db, tournament_id):
            if names is None:
                names = list(page[0]["tiebreaks"]) if page else []
                yield _csv([[*STANDINGS_COLUMNS, *(f"tiebreak:{n}" for n in names)]])
            yield _csv(
                [
                    *(row[c] for c in STANDINGS_COLUMNS),
                    *(row["tiebreaks"].get(n) for n in names),
                ]
                for row in page
            )


# --- matches ----------------------------------------------------------------------------------


def _session_pages(db: Session, tournament_id: int) -> Iterator[list[SessionRead]]:
    """Every session in id order, heats with their entries, :data:`CHUNK` at a time."""
    last = 0
    while True:
        rows = db.execute(
            sessions.view_query()
            .where(Match.tournament_id == tournament_id, Match.id > last)
            .order_by(Match.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        yield sessions.with_heat_entries(db, [sessions.to_read(row) for row in rows])
        last = rows[-1].id


RoundNames = dict[tuple[int, str], list[str]]
"""What each round of a stage's side is called, by (stage, side): round r is item r - 1."""


def _round_names(db: Session, tournament_id: int) -> RoundNames:
    """The round names of every stage and side, as the pages show them:
    :func:`side_labels` once per stage and side and its last round."""
    format_name = tournament_or_raise(db, tournament_id).format
    return {
        (stage, side): side_labels(format_name, stage, side, last)
        for stage, side, last in sessions.last_rounds(db=db, tournament_id=tournament_id)
    }


def _flat(session: SessionRead, names: RoundNames) -> dict[str, Any]:
    """A session as one flat JSON-ready object (``entries`` only for heats)."""
    data = session.model_dump(mode="json")
    result = data["result"] or {}
    players = [None, None] if session.side == Side.HEAT else (data["participants"] or [None] * 2)
    flat = {k: data[k] for k in ("id", "stage", "side", "round")}
    flat["round_name"] = names[(session.stage, session.side)][session.round - 1]
    flat["number"], flat["status"] = data["number"], data["status"]
    for label, player in zip("ab", players, strict=True):
        flat[f"player_{label}_id"] = player and player["player_id"]
        flat[f"player_{label}_name"] = player and player["name"]
    for key in ("outcome", "winner_id", "score_a", "score_b", "source", "recorded_at"):
        flat[key] = result.get(key)
    flat["entries"] = data["entries"]
    return flat


def matches_json(database: UnitOfWork, tournament_id: int) -> Iterator[str]:
    """Every session as a flat object named like its round (``round_name``, the words the
    pages show); a heat carries its ``entries``."""
    with _snapshot(database) as db:
        names = _round_names(db, tournament_id)
        pages = _session_pages(db, tournament_id)
        yield from _json_array([_flat(s, names) for s in page] for page in pages)


def matches_csv(database: UnitOfWork, tournament_id: int) -> Iterator[str]:
    """One row per match, one row per entry of a heat (heat columns empty otherwise)."""
    with _snapshot(database) as db:
        names = _round_names(db, tournament_id)
        yield _csv([[*MATCH_COLUMNS, *HEAT_COLUMNS]])
        for page in _session_pages(db, tournament_id):
            rows: list[list[Any]] = []
            for session in page:
                flat = _flat(session, names)
                head = [flat[c] for c in MATCH_COLUMNS]
                entries = flat["entries"] or [None]
                rows.extend([*head, *(e and e[c] for c in HEAT_COLUMNS)] for e in entries)
            yield _csv(rows)


# --- brackets-viewer.js -----------------------------------------------------------------------

STAGE_TYPES = {
    "knockout": ("single_elimination",),
    "double_elimination": ("double_elimination",),
    "round_robin": ("round_robin",),
    "groups": ("round_robin", "single_elimination"),
}
GROUP_OF_SIDE = {
    "single_elimination": {Side.MAIN: 1, Side.THIRD_PLACE: 2},
    "double_elimination": {Side.MAIN: 1, Side.LOSERS: 2, Side.GRAND_FINAL: 3},
}
STATUS_CODES = {"locked": 0, "waiting": 1, "ready": 2, "running": 3, "completed": 4}
"""brackets-model ``Status``; Archived (5) is not used."""
GRAND_FINAL = {"none": "none", "simple": "simple", "reset": "double"}


class _Layout:
    """Stages, groups and rounds of a tournament, and where each match belongs."""

    def __init__(self, db: Session, tournament: Tournament) -> None:
        self.tournament = tournament
        self.stages: list[dict[str, Any]] = []
        self.groups: list[dict[str, Any]] = []
        self.rounds: list[dict[str, Any]] = []
        self.round_of: dict[tuple[int, object, int], tuple[int, int]] = {}
        self.group_of_player: dict[int, int] = {}
        counts = db.execute(
            select(Match.stage, Match.side, Match.round, func.count())
            .where(Match.tournament_id == tournament.id)
            .group_by(Match.stage, Match.side, Match.round)
            .order_by(Match.stage, Match.round)
        ).all()
        for number, kind in enumerate(STAGE_TYPES[tournament.format], start=1):
            here = [(side, r, n) for stage, side, r, n in counts if stage == number]
            if not here:
                continue
            if kind == "round_robin":
                self._round_robin(db, number)
            else:
                self._elimination(number, kind, here)

    def _stage(self, number: int, kind: str, settings: dict[str, Any]) -> int:
        config = self.tournament.config or {}
        name = self.tournament.name
        if self.tournament.format == "groups":
            name = f"{name}: {'groups' if number == 1 else 'knockout'}"
        if kind == "double_elimination":
            settings["grandFinal"] = GRAND_FINAL[config.get("grand_final", "simple")]
        stage_id = len(self.stages)
        self.stages.append(
            {
                "id": stage_id,
                "tournament_id": self.tournament.id,
                "name": name,
                "type": kind,
                "number": number,
                "settings": {**settings, "matchesChildCount": 0},
            }
        )
        return stage_id

    def _group(self, stage_id: int, number: int, rounds: list[int], key: object) -> None:
        group_id = len(self.groups)
        self.groups.append({"id": group_id, "stage_id": stage_id, "number": number})
        for index, round_ in enumerate(rounds, start=1):
            round_id = len(self.rounds)
            self.rounds.append(
                {"id": round_id, "stage_id": stage_id, "group_id": group_id, "number": index}
            )
            self.round_of[(self.stages[stage_id]["number"], key, round_)] = (group_id, round_id)

    def _elimination(self, number: int, kind: str, here: list[tuple[str, int, int]]) -> None:
        first = [n for side, r, n in here if side == Side.MAIN and r == 1]
        sides = {side for side, _r, _n in here}
        settings: dict[str, Any] = {"size": 2 * (first[0] if first else 1)}
        if kind == "single_elimination":
            settings["consolationFinal"] = Side.THIRD_PLACE in sides
        stage_id = self._stage(number, kind, settings)
        for side, group in sorted(GROUP_OF_SIDE[kind].items(), key=lambda item: item[1]):
            if side in sides:
                rounds = sorted({r for s, r, _n in here if s == side})
                self._group(stage_id, group, rounds, side.value)

    def _round_robin(self, db: Session, number: int) -> None:
        """Groups from who plays whom: everyone of a group meets everyone, so a player's
        group is the smallest id among the player and their opponents."""
        where = (Match.tournament_id == self.tournament.id, Match.stage == number)
        per_player: dict[int, list[int]] = {}
        for me, them in ((Match.entrant_a, Match.entrant_b), (Match.entrant_b, Match.entrant_a)):
            rows = db.execute(
                select(me, func.min(them), func.max(Match.round), func.min(Match.id))
                .where(*where, me.is_not(None))
                .group_by(me)
            ).all()
            for player, low, last, first in rows:
                seen = per_player.setdefault(player, [player, last, first])
                seen[:] = [min(seen[0], low or player), max(seen[1], last), min(seen[2], first)]
        groups: dict[int, list[int]] = {}
        for low, last, first in per_player.values():
            found = groups.setdefault(low, [last, first])
            found[:] = [max(found[0], last), min(found[1], first)]
        order = sorted(groups, key=lambda key: groups[key][1])
        config = self.tournament.config or {}
        stage_id = self._stage(
            number,
            "round_robin",
            {
                "size": len(per_player),
                "groupCount": len(order),
                "roundRobinMode": "double" if config.get("double") else "simple",
            },
        )
        for index, key in enumerate(order, start=1):
            self._group(stage_id, index, list(range(1, groups[key][0] + 1)), index)
        number_of = {key: index for index, key in enumerate(order, start=1)}
        self.group_of_player = {p: number_of[v[0]] for p, v in per_player.items()}

    def place(self, session: SessionRead) -> tuple[int, int, int]:
        """(stage id, group id, round id) of a session."""
        key: object = session.side
        if self.group_of_player and session.stage == 1:
            first = next(p for p in session.participants or [] if p is not None)
            key = self.group_of_player[first.player_id]
        group_id, round_id = self.round_of[(session.stage, key, session.round)]
        return self.groups[group_id]["stage_id"], group_id, round_id


def _opponent(session: SessionRead, slot: int) -> dict[str, Any] | None:
    """brackets-model ``ParticipantResult``: null is a BYE, ``{id: null}`` still to come."""
    player = (session.participants or [None, None])[slot]
    result = session.result
    if player is None:
        return None if result is not None and result.outcome == Outcome.BYE else {"id": None}
    out: dict[str, Any] = {"id": player.player_id}
    if result is None or result.outcome == Outcome.BYE:
        return out
    score = (result.score_a, result.score_b)[slot]
    if score is not None:
        out["score"] = score
    if result.outcome == Outcome.DRAW:
        out["result"] = "draw"
    elif result.outcome == Outcome.DOUBLE_FORFEIT:
        out["forfeit"] = True
    else:
        won = result.winner_id == player.player_id
        out["result"] = "win" if won else "loss"
        if result.outcome == Outcome.FORFEIT and not won:
            out["forfeit"] = True
    return out


def _viewer_match(layout: _Layout, session: SessionRead, numbers: dict[int, int]) -> dict:
    stage_id, group_id, round_id = layout.place(session)
    number = session.number
    if layout.stages[stage_id]["type"] == "round_robin":  # numbered within its group's round
        number = numbers[round_id] = numbers.get(round_id, 0) + 1
    bye = session.result is not None and session.result.outcome == Outcome.BYE
    return {
        "id": session.id,
        "stage_id": stage_id,
        "group_id": group_id,
        "round_id": round_id,
        "number": number,
        "child_count": 0,
        "status": 0 if bye else STATUS_CODES[session.status.value],
        "opponent1": _opponent(session, 0),
        "opponent2": _opponent(session, 1),
    }


def _participant_pages(db: Session, tournament_id: int) -> Iterator[list[dict[str, Any]]]:
    last = 0
    while True:
        rows = db.execute(
            select(Player.id, Player.name)
            .join(Enrollment, Enrollment.player_id == Player.id)
            .where(Enrollment.tournament_id == tournament_id, Player.id > last)
            .order_by(Player.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        yield [{"id": pid, "tournament_id": tournament_id, "name": name} for pid, name in rows]
        last = rows[-1][0]


def brackets_viewer(database: UnitOfWork, tournament_id: int) -> Iterator[str]:
    """The brackets-manager ``Database`` object: participant, stage, group, round, match,
    match_game (empty)."""
    with _snapshot(database) as db:
        layout = _Layout(db, tournament_or_raise(db, tournament_id))
        yield '{"participant":'
        yield from _json_array(_participant_pages(db, tournament_id))
        for table in ("stage", "group", "round"):
            yield f',"{table}":' + json.dumps(getattr(layout, f"{table}s"))
        yield ',"match":'
        numbers: dict[int, int] = {}
        pages = _session_pages(db, tournament_id)
        yield from _json_array([_viewer_match(layout, s, numbers) for s in page] for page in pages)
        yield ',"match_game":[]}'


# --- TRF16 ------------------------------------------------------------------------------------

_WIN, _DRAW, _FORFEIT, _DOUBLE, _BYE = (
    OUTCOME_CODES.index(o)
    for o in (Outcome.WIN, Outcome.DRAW, Outcome.FORFEIT, Outcome.DOUBLE_FORFEIT, Outcome.BYE)
)
_RESULTS = {_WIN: ("1", "0"), _FORFEIT: ("+", "-"), _DRAW: ("=", "="), _DOUBLE: ("-", "-")}
"""Result characters of (winner or slot A, loser or slot B)."""


def trf_text(text: str) -> str:
    """``text`` on one TRF line: every control character (a CR or LF would start a forged
    line) becomes a space, so fixed columns stay where they are.

    >>> trf_text("Eve\\r\\n001")
    'Eve  001'
    """
    return FORBIDDEN.sub(" ", text)


def _fit(text: str, width: int) -> str:
    return text[:width].rjust(width)


def _points(value: float) -> str:
    text = f"{value:.1f}"
    return _fit(text if len(text) <= 4 else f"{value:.0f}", 4)


def trf_player_line(
    start_rank: int,
    name: str,
    rating: float | None,
    points: float,
    rank: int,
    rounds: Iterable[tuple[int, str, str]],
) -> str:
    """A TRF16 ``001`` line: fixed columns to 89, then 10 characters per round
    (opponent at 92-95, colour at 97, result at 99 for round 1)."""
    rated = "" if rating is None or not rating > 0 else str(min(round(rating), 9999))
    shown = trf_text(name)[:33]
    line = (
        f"001 {start_rank:>4} {'':1}{'':3} {shown:<33} {_fit(rated, 4)} {'':3} {'':11} "
        f"{'':10} {_points(points)} {rank:>4}"
    )
    blocks = (f"  {'0000' if opp == 0 else _fit(str(opp), 4)} {c} {r}" for opp, c, r in rounds)
    return line + "".join(blocks)


def trf(database: UnitOfWork, tournament_id: int) -> Iterator[str]:
    """The Swiss as a TRF16 file: header lines, then one ``001`` line per player by start
    rank (seed); rounds up to the last one with every result in."""
    with _snapshot(database) as db:
        tournament = tournament_or_raise(db, tournament_id)
        state = bracket_state.load(db=db, tournament=tournament)
        table = format_of(tournament).standings(state.progress)
        progress = state.progress
        count = progress.player_count
        undecided = progress.bracket.round[progress.outcome < 0]
        rounds = int(progress.bracket.round.max(initial=0))
        if undecided.size:
            rounds = int(undecided.min()) - 1
        opponent = np.zeros((count, rounds), dtype=np.int64)
        colour = np.full((count, rounds), "-", dtype="<U1")
        result = np.full((count, rounds), "Z", dtype="<U1")
        for (a, b), r, outcome, winner in zip(
            progress.slots.tolist(),
            progress.bracket.round.tolist(),
            progress.outcome.tolist(),
            progress.winner_slot.tolist(),
            strict=True,
        ):
            if r > rounds:
                continue
            if outcome == _BYE:
                result[a if a >= 0 else b, r - 1] = "U"
                continue
            first, second = _RESULTS[outcome]
            if winner == 1:
                first, second = second, first
            opponent[a, r - 1], opponent[b, r - 1] = b + 1, a + 1
            colour[a, r - 1], colour[b, r - 1] = "w", "b"
            result[a, r - 1], result[b, r - 1] = first, second
        ratings = progress.ratings
        header = [f"012 {trf_text(tournament.name)}"]
        for code, at in (
            ("042", tournament.sessions_generated_at),
            ("052", tournament.completed_at),
        ):
            if at is not None:
                header.append(f"{code} {at:%Y/%m/%d}")
        header += [
            f"062 {count}",
            f"072 {int(np.count_nonzero(ratings > 0))}",
            "092 Swiss System",
            f"XXR {round_count(count, (tournament.config or {}).get('rounds'))}",
        ]
        yield "".join(f"{line}\r\n" for line in header)
        for start in range(0, count, CHUNK):
            ids = state.player_ids[start : start + CHUNK].tolist()
            names = dict(db.execute(select(Player.id, Player.name).where(Player.id.in_(ids))).all())
            lines = []
            for i, player_id in enumerate(ids, start=start):
                rating = None if np.isnan(ratings[i]) else float(ratings[i])
                blocks = zip(opponent[i].tolist(), colour[i], result[i], strict=True)
                lines.append(
                    trf_player_line(
                        i + 1,
                        names[player_id],
                        rating,
                        float(table.points[i]),
                        int(table.rank[i]),
                        blocks,
                    )
                )
            yield "".join(f"{line}\r\n" for line in lines)
