"""A bracket: one-on-one matches stored as parallel numpy arrays, joined by explicit links.

Index ``i`` of every array describes the match at *position* ``i``. A match's winner
goes to match ``winner_to[i]`` in slot ``winner_slot[i]`` (``NO_MATCH`` for nowhere),
its loser to ``loser_to[i]`` / ``loser_slot[i]``. Players are referred to by their index
``0..N-1`` in the format's player list (for a seeded knockout: seed - 1).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from bracketry.engine.model import NO_MATCH, NO_PLAYER


@dataclass(frozen=True)
class Members:
    """Players of many-player matches ("heats"), aligned: ``player`` runs in the heat at
    position ``match`` in lane ``lane`` (1-based)."""

    match: np.ndarray
    player: np.ndarray
    lane: np.ndarray

    @property
    def size(self) -> int:
        """Number of entries."""
        return int(self.match.size)


@dataclass(frozen=True)
class Bracket:
    """The structure of a stage, fixed at generation."""

    round: np.ndarray
    number: np.ndarray
    side: np.ndarray
    entrants: np.ndarray
    winner_to: np.ndarray
    winner_slot: np.ndarray
    loser_to: np.ndarray
    loser_slot: np.ndarray
    bye: np.ndarray
    player_count: int
    stage: np.ndarray | None = None
    """Stage number per match (1 when ``None``: a single-stage format)."""
    members: Members | None = None
    """The entries of heats (None for one-on-one formats)."""

    @property
    def match_count(self) -> int:
        """Number of matches, byes included."""
        return int(self.round.size)

    @property
    def round_count(self) -> int:
        """Number of rounds."""
        return int(self.round.max()) if self.round.size else 0

    def initial_slots(self) -> np.ndarray:
        """The (M, 2) participant array as generation leaves it."""
        return self.entrants.copy()

    @property
    def stages(self) -> np.ndarray:
        """Stage number per match."""
        if self.stage is None:
            return np.ones(self.match_count, dtype=np.int16)
        return self.stage

    def then(self, more: Bracket) -> Bracket:
        """This bracket followed by ``more``, whose links are relative to itself.

        >>> from bracketry.engine.formats.knockout import generate
        >>> both = generate(2).then(generate(4))
        >>> both.match_count, both.winner_to.tolist()
        (5, [-1, 3, 3, -1, -1])
        """
        offset = self.match_count

        def shift(links: np.ndarray) -> np.ndarray:
            return np.where(links == NO_MATCH, NO_MATCH, links + offset).astype(np.int32)

        return Bracket(
            round=np.concatenate([self.round, more.round]),
            number=np.concatenate([self.number, more.number]),
            side=np.concatenate([self.side, more.side]),
            entrants=np.concatenate([self.entrants, more.entrants]),
            winner_to=np.concatenate([self.winner_to, shift(more.winner_to)]),
            winner_slot=np.concatenate([self.winner_slot, more.winner_slot]),
            loser_to=np.concatenate([self.loser_to, shift(more.loser_to)]),
            loser_slot=np.concatenate([self.loser_slot, more.loser_slot]),
            bye=np.concatenate([self.bye, more.bye]),
            player_count=self.player_count,
            stage=np.concatenate([self.stages, more.stages]),
            members=_joined_members(self.members, more.members, offset),
        )


def _joined_members(first: Members | None, more: Members | None, offset: int) -> Members | None:
    """``first`` then ``more`` (whose heat positions move by ``offset``)."""
    if first is None and more is None:
        return None
    parts = [
        m
        for m in (first, None if more is None else replace(more, match=more.match + offset))
        if m is not None
    ]
    return Members(
        match=np.concatenate([m.match for m in parts]).astype(np.int32),
        player=np.concatenate([m.player for m in parts]).astype(np.int32),
        lane=np.concatenate([m.lane for m in parts]).astype(np.int16),
    )


@dataclass(frozen=True)
class Moves:
    """Players placed into match slots: ``player`` goes from match ``source`` to ``target``
    slot ``slot``."""

    source: np.ndarray
    target: np.ndarray
    slot: np.ndarray
    player: np.ndarray

    @staticmethod
    def concat(parts: list[Moves]) -> Moves:
        """All moves of ``parts`` in order."""
        if not parts:
            empty = np.empty(0, dtype=np.int32)
            return Moves(empty, empty, empty.astype(np.int8), empty)
        return Moves(
            np.concatenate([m.source for m in parts]),
            np.concatenate([m.target for m in parts]),
            np.concatenate([m.slot for m in parts]),
            np.concatenate([m.player for m in parts]),
        )


def advance(
    source: np.ndarray,
    winner_to: np.ndarray,
    winner_slot: np.ndarray,
    loser_to: np.ndarray,
    loser_slot: np.ndarray,
    winners: np.ndarray,
    losers: np.ndarray,
) -> Moves:
    """Where decided matches send their players: the one rule of advancement.

    Arguments are aligned arrays, one entry per decided match: its position, its links,
    its winner and loser (``NO_PLAYER`` for nobody). A link to ``NO_MATCH`` or an absent
    player produces no move.

    >>> m = advance(np.array([0]), np.array([4]), np.array([1]), np.array([-1]), np.array([0]),
    ...             np.array([7]), np.array([3]))
    >>> m.target.tolist(), m.slot.tolist(), m.player.tolist()
    ([4], [1], [7])
    """
    sources = np.concatenate([source, source]).astype(np.int32)
    targets = np.concatenate([winner_to, loser_to]).astype(np.int32)
    slots = np.concatenate([winner_slot, loser_slot]).astype(np.int8)
    players = np.concatenate([winners, losers]).astype(np.int32)
    keep = (targets != NO_MATCH) & (players != NO_PLAYER)
    return Moves(sources[keep], targets[keep], slots[keep], players[keep])


def downstream(bracket: Bracket, position: int) -> np.ndarray:
    """Positions of every match a player leaving match ``position`` can reach by links
    (sorted, the match itself excluded): what a changed winner can change.

    >>> from bracketry.engine.formats.knockout import generate
    >>> downstream(generate(8), 0).tolist()
    [4, 6, 7]
    """
    reached = np.zeros(bracket.match_count, dtype=bool)
    frontier = np.array([position], dtype=np.int32)
    while frontier.size:
        targets = np.concatenate([bracket.winner_to[frontier], bracket.loser_to[frontier]])
        targets = np.unique(targets[targets != NO_MATCH])
        targets = targets[~reached[targets]]
        reached[targets] = True
        frontier = targets
    return np.flatnonzero(reached)
