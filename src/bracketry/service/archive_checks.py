"""Whether a tournament document holds together as a whole, checked before anything is written.

A document is refused (:class:`Invalid`, 422) at its first problem, named by its path
(``matches.3.winner_to``): options the format refuses, references to players, sessions or venues
that do not exist, ids given twice (two results, advancements or rankings for the same thing),
links that do not run forward to an existing session with a slot, a player twice in one session,
results their session's players cannot have, and a status its sessions contradict. What passes
can be played on: the engine never meets a cycle, a duplicate or a player against themself.
"""

from __future__ import annotations

from pydantic import ValidationError

from bracketry.engine.model import Outcome, Side
from bracketry.schemas.archive import NOBODY, MatchPart, TournamentDocument
from bracketry.schemas.formats import FormatChoice
from bracketry.schemas.status import Status
from bracketry.service.errors import Invalid
from bracketry.service.venues import MAX_VENUES

SIDES = frozenset(side.value for side in Side)
OUTCOMES = frozenset(outcome.value for outcome in Outcome)
SOURCES = ("manual", "simulation", "bye", "walkover", "players")
BEFORE_PLAY = frozenset({Status.DRAFT, Status.ENROLLMENT_OPEN, Status.ENROLLMENT_CLOSED})
Seats = list[list[int | None]]
"""Who sits in each session's two slots: a player position, :data:`NOBODY` or ``None``."""


def check_document(document: TournamentDocument) -> None:
    """Refuse ``document`` at its first problem; return when it can be imported and played."""
    _check_options(document)
    _check_references(document)
    _check_names(document)
    _check_links(document.matches)
    _check_slots(document)
    seats = _check_advancements(document)
    _check_results(document, seats)
    _check_heat_entries(document)
    _check_unique(
        "rankings", [r.player for r in document.rankings], "player", "player {} is ranked twice"
    )
    _check_status(document)


def _check_options(document: TournamentDocument) -> None:
    part = document.tournament
    try:
        FormatChoice.model_validate({"format": part.format, "config": part.config})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"] if p != part.format)
        raise Invalid(f"{first['msg']}", field=f"tournament.{where}") from error


def _check_references(document: TournamentDocument) -> None:
    players, matches = len(document.players), len(document.matches)

    def within(name: str, values: list[int | None], limit: int) -> None:
        for index, value in enumerate(values):
            if value is not None and value >= limit:
                raise Invalid(f"refers to {value}, only {limit} exist", field=f"{name}.{index}")

    within("matches.a", [m.a for m in document.matches], players)
    within("matches.b", [m.b for m in document.matches], players)
    within("matches.winner_to", [m.winner_to for m in document.matches], matches)
    within("matches.loser_to", [m.loser_to for m in document.matches], matches)
    within("advancements.match", [a.match for a in document.advancements], matches)
    within("advancements.source", [a.source for a in document.advancements], matches)
    within("advancements.player", [a.player for a in document.advancements], players)
    within("results.match", [r.match for r in document.results], matches)
    within("heat_entries.match", [h.match for h in document.heat_entries], matches)
    within("heat_entries.player", [h.player for h in document.heat_entries], players)
    within("rankings.player", [r.player for r in document.rankings], players)
    if len(document.venues) > MAX_VENUES:
        raise Invalid(f"a tournament has at most {MAX_VENUES} venues", field="venues")
    within("slots.match", [s.match for s in document.slots], matches)
    within("slots.venue", [s.venue for s in document.slots], len(document.venues))


def _check_names(document: TournamentDocument) -> None:
    """Sides, outcomes and result sources are names the engine knows."""
    for index, m in enumerate(document.matches):
        if m.side not in SIDES:
            raise Invalid(f"unknown side {m.side!r}", field=f"matches.{index}.side")
    for index, r in enumerate(document.results):
        if r.outcome not in OUTCOMES:
            raise Invalid(f"unknown outcome {r.outcome!r}", field=f"results.{index}.outcome")
        if r.source not in SOURCES:
            raise Invalid(f"unknown source {r.source!r}", field=f"results.{index}.source")


def _check_links(matches: list[MatchPart]) -> None:
    """No player twice in a session; every link runs forward (so there is no cycle) to a
    session slot nothing else feeds."""
    fed_by: dict[tuple[int, int], int] = {}
    for index, m in enumerate(matches):
        if m.a is not None and m.a == m.b:
            raise Invalid(
                f"player {m.a} cannot play against themself in match {index}",
                field=f"matches.{index}.b",
            )
        for kind, target, slot in (
            ("winner", m.winner_to, m.winner_slot),
            ("loser", m.loser_to, m.loser_slot),
        ):
            if target is None:
                continue
            if target <= index:
                raise Invalid(
                    f"{kind}_to {target} must be a later match than {index}: links run forward, "
                    "so a match never feeds itself or a cycle",
                    field=f"matches.{index}.{kind}_to",
                )
            if slot is None:
                raise Invalid(
                    f"{kind}_slot (0 or 1) is needed with {kind}_to",
                    field=f"matches.{index}.{kind}_slot",
                )
            earlier = fed_by.setdefault((target, slot), index)
            if earlier != index:
                raise Invalid(
                    f"match {target} slot {slot} is already fed by match {earlier}",
                    field=f"matches.{index}.{kind}_to",
                )


def _check_slots(document: TournamentDocument) -> None:
    """Each slot on a field its venue has, ending after it starts; one slot per match."""
    slot_of: dict[int, int] = {}
    for index, s in enumerate(document.slots):
        fields = document.venues[s.venue].fields
        if s.field > fields:
            raise Invalid(
                f"field {s.field} does not exist: venue {s.venue} has {fields}",
                field=f"slots.{index}.field",
            )
        if s.ends_at <= s.starts_at:
            raise Invalid(
                f"ends_at ({s.ends_at.isoformat()}) must be after starts_at "
                f"({s.starts_at.isoformat()})",
                field=f"slots.{index}.ends_at",
            )
        if s.match in slot_of:
            raise Invalid(
                f"match {s.match} already has a slot (slots.{slot_of[s.match]})",
                field=f"slots.{index}.match",
            )
        slot_of[s.match] = index


def _check_advancements(document: TournamentDocument) -> Seats:
    """Each advancement fills a linked slot once, from a decided match one of whose players
    it moves on, without seating a player twice; the seats they leave."""
    matches = document.matches
    seats: Seats = [[m.a, m.b] for m in matches]
    decided = {r.match for r in document.results}
    filled: dict[tuple[int, int], int] = {}
    for index, a in enumerate(document.advancements):
        where = f"advancements.{index}"
        earlier = filled.setdefault((a.match, a.slot), index)
        if earlier != index:
            raise Invalid(
                f"match {a.match} slot {a.slot} already has an advancement ({earlier})",
                field=f"{where}.slot",
            )
        source = matches[a.source]
        links = {(source.winner_to, source.winner_slot), (source.loser_to, source.loser_slot)}
        if (a.match, a.slot) not in links:
            raise Invalid(
                f"match {a.source} does not send anyone to match {a.match} slot {a.slot}",
                field=f"{where}.source",
            )
        if a.source not in decided:
            raise Invalid(
                f"match {a.source} has no result to advance from", field=f"{where}.source"
            )
        seats[a.match][a.slot] = a.player
    for index, a in enumerate(document.advancements):
        if a.player != NOBODY and a.player not in seats[a.source]:
            raise Invalid(
                f"player {a.player} did not play match {a.source}",
                field=f"advancements.{index}.player",
            )
        if a.player != NOBODY and seats[a.match][1 - a.slot] == a.player:
            raise Invalid(
                f"player {a.player} would play match {a.match} against themself",
                field=f"advancements.{index}.player",
            )
    return seats


def _check_results(document: TournamentDocument, seats: Seats) -> None:
    """At most one result per match, one its players can have."""
    _check_unique(
        "results", [r.match for r in document.results], "match", "match {} already has a result"
    )
    for index, r in enumerate(document.results):
        problem = _result_problem(
            document.matches[r.match].side, seats[r.match], Outcome(r.outcome), r.winner_slot
        )
        if problem is not None:
            message, key = problem
            raise Invalid(f"match {r.match}: {message}", field=f"results.{index}.{key}")


def _result_problem(
    side: str, seats: list[int | None], outcome: Outcome, winner_slot: int | None
) -> tuple[str, str] | None:
    """Why ``outcome`` cannot end a match of ``side`` with ``seats`` (message, field)."""
    if (side == Side.HEAT) != (outcome == Outcome.PLACED):
        return "a heat ends placed, and only a heat does", "outcome"
    if outcome == Outcome.PLACED:
        return None
    if outcome.is_decisive != (winner_slot is not None):
        wanted = "needs" if outcome.is_decisive else "has no"
        return f"a {outcome.value} {wanted} winner_slot", "winner_slot"
    if outcome == Outcome.BYE:
        assert winner_slot is not None
        if seats[winner_slot] in (None, NOBODY) or seats[1 - winner_slot] not in (None, NOBODY):
            return f"a bye needs a player in slot {winner_slot} and nobody facing them", "outcome"
        return None
    if None in seats:
        return "both players must be known before a result", "match"
    if winner_slot is not None and seats[winner_slot] == NOBODY:
        return f"nobody is in slot {winner_slot} to win", "winner_slot"
    return None


def _check_heat_entries(document: TournamentDocument) -> None:
    """Entries only in heats, each lane and each player once per heat."""
    lanes: dict[tuple[int, int], int] = {}
    players: dict[tuple[int, int], int] = {}
    for index, h in enumerate(document.heat_entries):
        where = f"heat_entries.{index}"
        if document.matches[h.match].side != Side.HEAT:
            raise Invalid(f"match {h.match} is not a heat", field=f"{where}.match")
        if lanes.setdefault((h.match, h.lane), index) != index:
            raise Invalid(f"lane {h.lane} of heat {h.match} is taken twice", field=f"{where}.lane")
        if players.setdefault((h.match, h.player), index) != index:
            raise Invalid(
                f"player {h.player} runs twice in heat {h.match}", field=f"{where}.player"
            )


def _check_unique(part: str, values: list[int], key: str, message: str) -> None:
    first: dict[int, int] = {}
    for index, value in enumerate(values):
        earlier = first.setdefault(value, index)
        if earlier != index:
            raise Invalid(
                f"{message.format(value)} ({part}.{earlier})", field=f"{part}.{index}.{key}"
            )


def _check_status(document: TournamentDocument) -> None:
    """Sessions exist once play started, and a completed tournament decided all of them."""
    message = _status_problem(document)
    if message is not None:
        raise Invalid(message, field="tournament.status")


def _status_problem(document: TournamentDocument) -> str | None:
    status = document.tournament.status
    count = len(document.matches)
    if status in BEFORE_PLAY and count:
        return f"a tournament in {status} has no sessions yet; the document has {count}"
    if status in (Status.IN_PROGRESS, Status.COMPLETED) and not count:
        return f"a tournament in {status} has sessions; the document has none"
    if status == Status.COMPLETED:
        decided = {r.match for r in document.results}
        undecided = next((i for i in range(count) if i not in decided), None)
        if undecided is not None:
            return (
                f"a COMPLETED tournament has decided every match; match {undecided} has no result"
            )
    return None
