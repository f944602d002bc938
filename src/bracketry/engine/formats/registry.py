"""The format a tournament's ``format`` name and validated ``config`` stand for."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bracketry.engine.formats.base import Format
from bracketry.engine.formats.double_elimination import DoubleElimination, DoubleEliminationOptions
from bracketry.engine.formats.groups import Groups, GroupsOptions
from bracketry.engine.formats.heats import Heats, HeatsOptions
from bracketry.engine.formats.knockout import Knockout, KnockoutOptions
from bracketry.engine.formats.round_robin import RoundRobin, RoundRobinOptions
from bracketry.engine.formats.swiss import Swiss, SwissOptions
from bracketry.engine.tiebreaks import PointsRule

Config = Mapping[str, Any]


def _points(config: Config, default: PointsRule) -> PointsRule:
    given = config.get("points")
    return default if given is None else PointsRule(**given)


def _knockout(config: Config) -> Format:
    return Knockout(KnockoutOptions(third_place=bool(config.get("third_place", True))))


def _double_elimination(config: Config) -> Format:
    return DoubleElimination(
        DoubleEliminationOptions(grand_final=config.get("grand_final", "simple"))
    )


def _round_robin(config: Config) -> Format:
    groups = int(config.get("groups", 1))
    if groups > 1:
        return Groups(
            GroupsOptions(
                groups=groups, advance=1, double=bool(config.get("double", False)), knockout=False
            ),
            points=_points(config, RoundRobin.points),
            tiebreaks=tuple(config.get("tiebreaks", RoundRobin.tiebreaks)),
            lot_seed=int(config.get("lot_seed", 0)),
            name="round_robin",
            grows=False,
        )
    return RoundRobin(
        RoundRobinOptions(double=bool(config.get("double", False))),
        points=_points(config, RoundRobin.points),
        tiebreaks=tuple(config.get("tiebreaks", RoundRobin.tiebreaks)),
        lot_seed=int(config.get("lot_seed", 0)),
    )


def _swiss(config: Config) -> Format:
    return Swiss(
        SwissOptions(rounds=config.get("rounds")),
        points=_points(config, Swiss.points),
        tiebreaks=tuple(config.get("tiebreaks", Swiss.tiebreaks)),
        lot_seed=int(config.get("lot_seed", 0)),
    )


def _groups(config: Config) -> Format:
    return Groups(
        GroupsOptions(
            groups=int(config.get("groups", 4)),
            advance=int(config.get("advance", 2)),
            extra=int(config.get("extra", 0)),
            double=bool(config.get("double", False)),
            third_place=bool(config.get("third_place", True)),
            distribution=str(config.get("distribution", "snake")),
        ),
        points=_points(config, Groups.points),
        tiebreaks=tuple(config.get("tiebreaks", Groups.tiebreaks)),
        lot_seed=int(config.get("lot_seed", 0)),
    )


def _heats(config: Config) -> Format:
    return Heats(
        HeatsOptions(
            direction=config["direction"],
            heat_size=config.get("heat_size", 8),
            attempts=int(config.get("attempts", 1)),
            aggregate=config.get("aggregate", "best"),
            advance=int(config.get("advance", 0)),
        )
    )


BUILDERS: dict[str, Callable[[Config], Format]] = {
    "knockout": _knockout,
    "double_elimination": _double_elimination,
    "round_robin": _round_robin,
    "swiss": _swiss,
    "groups": _groups,
    "heats": _heats,
}


def build(name: str, config: Config) -> Format:
    """The format called ``name`` with the options in ``config`` (already validated).

    >>> build("knockout", {"third_place": False}).name
    'knockout'
    """
    try:
        builder = BUILDERS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}") from None
    return builder(config)
