"""Which side a reported result makes the winner, and which reports are impossible."""

from __future__ import annotations

from bracketry.engine.model import Outcome, Slot


class ResultError(ValueError):
    """A result that contradicts itself or the format; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def judge(
    outcome: Outcome,
    score_a: int | None,
    score_b: int | None,
    winner: Slot | None,
    *,
    draws_allowed: bool,
    double_forfeit_allowed: bool | None = None,
) -> Slot | None:
    """The winning slot of a reported result (None for a draw or a double forfeit).

    A win needs unequal scores or a named winner, and both must agree; a forfeit needs
    the winner named; a draw needs equal scores (if given) and a format that has draws; a
    double forfeit a format that allows it (``double_forfeit_allowed``, else as draws).

    >>> judge(Outcome.WIN, 3, 1, None, draws_allowed=False)
    <Slot.A: 0>
    >>> judge(Outcome.WIN, 1, 1, None, draws_allowed=False)
    Traceback (most recent call last):
    ...
    bracketry.engine.results.ResultError: equal scores cannot make a win; give unequal scores
    """
    if outcome is Outcome.BYE:
        raise ResultError("outcome", "a bye is decided at generation and cannot be reported")
    if (score_a is None) != (score_b is None):
        raise ResultError(
            "score_b" if score_b is None else "score_a", "give both scores or neither"
        )
    scored = score_a is not None and score_b is not None
    if outcome is Outcome.WIN:
        by_score = None
        if scored:
            if score_a == score_b:
                raise ResultError("score_a", "equal scores cannot make a win; give unequal scores")
            by_score = Slot.A if score_a > score_b else Slot.B  # type: ignore[operator]
        if by_score is not None and winner is not None and winner != by_score:
            raise ResultError("winner_id", "the named winner has the lower score")
        if by_score is None and winner is None:
            raise ResultError("winner_id", "a win needs unequal scores or winner_id")
        return by_score if by_score is not None else winner
    if outcome is Outcome.FORFEIT:
        if winner is None:
            raise ResultError(
                "winner_id", "a forfeit needs winner_id (the side that did not forfeit)"
            )
        return winner
    allowed = draws_allowed if outcome is Outcome.DRAW else double_forfeit_allowed
    if not (draws_allowed if allowed is None else allowed):
        raise ResultError("outcome", f"a {outcome.value} is not possible in this format")
    if outcome is Outcome.DRAW and scored and score_a != score_b:
        raise ResultError("score_a", "a draw needs equal scores")
    if winner is not None:
        raise ResultError("winner_id", f"a {outcome.value} has no winner")
    return None
