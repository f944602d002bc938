"""Each format's options: a validated model chosen by the tournament's ``format``.

An impossible option is refused at creation with the field that holds it; limits that
depend on the player count are checked against ``max_players`` here (when given) and
against the enrolled players at generation.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    GetJsonSchemaHandler,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from bracketry.engine.formats import heats, round_robin, swiss
from bracketry.engine.tiebreaks import TIEBREAKS
from bracketry.schemas.catalog import FORMAT_NAMES

MAX_PLAYERS_LIMIT = 2_000_000
MAX_POINTS = 1000.0
MAX_ATTEMPTS = 10

Seeding = Literal["rating", "enrollment", "random", "manual"]
TiebreakName = Literal[TIEBREAKS]  # type: ignore[valid-type]
GrandFinal = Literal["none", "simple", "reset"]
FormatName = Literal[FORMAT_NAMES]  # type: ignore[valid-type]


class TimingConfig(BaseModel):
    """How long matches take on the timetable, in minutes (used once venues exist)."""

    model_config = ConfigDict(extra="forbid")

    match_minutes: int = Field(30, ge=1, le=1440, description="Length of one match.")
    break_minutes: int = Field(
        5, ge=0, le=720, description="Pause a field needs between two matches."
    )
    rest_minutes: int = Field(
        0, ge=0, le=1440, description="Least rest of a player between two of their matches."
    )


class CheckInConfig(BaseModel):
    """When enrolled (and waiting) players confirm they are there; at generation, players
    who did not are dropped and waiting players who did take their places in order."""

    model_config = ConfigDict(extra="forbid")

    opens_at: AwareDatetime
    closes_at: AwareDatetime

    @model_validator(mode="after")
    def _closes_after_opening(self) -> CheckInConfig:
        if self.closes_at <= self.opens_at:
            raise ValueError("closes_at must be after opens_at")
        return self


class CommonConfig(BaseModel):
    """Options every format has: capacity and how seeds are given."""

    model_config = ConfigDict(extra="forbid")

    max_players: int | None = Field(
        None, ge=2, le=MAX_PLAYERS_LIMIT, description="Capacity; enrollment past it is refused."
    )
    seeding: Seeding = Field(
        "rating",
        description=(
            "How seeds are given where no seed was requested: by rating (highest first), by "
            "enrollment order, at random from seeding_seed, or manual (every player must "
            "request a seed)."
        ),
    )
    seeding_seed: int = Field(0, ge=0, le=2**63 - 1, description="Seed of random seeding.")
    timing: TimingConfig = Field(
        default_factory=TimingConfig, description="Match length, field break and player rest."
    )
    check_in: CheckInConfig | None = Field(
        None, description="A check-in window; none: every enrolled player plays."
    )


class PointsConfig(BaseModel):
    """Points per outcome; a bye scores ``bye`` (a win when null)."""

    model_config = ConfigDict(extra="forbid")

    win: float = Field(3.0, ge=0, le=MAX_POINTS)
    draw: float = Field(1.0, ge=0, le=MAX_POINTS)
    loss: float = Field(0.0, ge=0, le=MAX_POINTS)
    bye: float | None = Field(None, ge=0, le=MAX_POINTS)

    @field_validator("draw")
    @classmethod
    def _draw_between(cls, draw: float, info: ValidationInfo) -> float:
        win = info.data.get("win")
        if win is not None and draw > win:
            raise ValueError(f"a draw ({draw}) cannot be worth more than a win ({win})")
        return draw


SWISS_POINTS = PointsConfig(win=1.0, draw=0.5, loss=0.0)


def _unique(chain: list[str]) -> list[str]:
    repeated = sorted({name for name in chain if chain.count(name) > 1})
    if repeated:
        raise ValueError(f"{repeated[0]} appears twice in the tiebreak chain")
    return chain


def _groups_fit_capacity(groups: int, info: ValidationInfo) -> int:
    capacity = info.data.get("max_players")
    if capacity is not None and groups * 2 > capacity:
        raise ValueError(f"{groups} groups of 2+ players need max_players >= {groups * 2}")
    return groups


class TableConfig(CommonConfig):
    """Options of formats ranked by points: points per outcome, tiebreak chain, lot."""

    points: PointsConfig = Field(default_factory=PointsConfig)
    tiebreaks: Annotated[list[TiebreakName], Field(max_length=len(TIEBREAKS))] = Field(
        default_factory=lambda: ["head_to_head", "score_difference", "scores_for", "wins", "seed"]
    )
    lot_seed: int = Field(0, ge=0, le=2**63 - 1, description="Seed of the final drawing of lots.")

    _tiebreaks_unique = field_validator("tiebreaks")(_unique)


class KnockoutConfig(CommonConfig):
    """Single elimination."""

    format: Literal["knockout"] = Field("knockout", exclude=True)
    third_place: bool = Field(True, description="Play a match for third place (needs 4+ players).")


class DoubleEliminationConfig(CommonConfig):
    """Double elimination."""

    format: Literal["double_elimination"] = Field("double_elimination", exclude=True)
    grand_final: GrandFinal = Field(
        "simple",
        description="none: the two bracket winners are 1st and 2nd; simple: one match; "
        "reset: a second match when the losers-bracket winner wins the first.",
    )
    third_place: bool | None = Field(
        None, exclude=True, description="Not applicable: the losers bracket decides third place."
    )

    @field_validator("third_place")
    @classmethod
    def _no_third_place(cls, value: bool | None) -> None:
        if value:
            raise ValueError(
                "double elimination has no third-place match: the losers bracket decides it"
            )
        return None


class RoundRobinConfig(TableConfig):
    """Round robin (single or double)."""

    format: Literal["round_robin"] = Field("round_robin", exclude=True)
    max_players: int | None = Field(
        None,
        ge=2,
        le=round_robin.MAX_PLAYERS,
        description="Capacity; enrollment past it is refused.",
    )
    double: bool = Field(False, description="Play everyone twice, home and away swapped.")
    groups: int = Field(
        1,
        ge=1,
        le=MAX_PLAYERS_LIMIT // 2,
        description="Parallel groups (snake by seed), each its own round robin; places go "
        "by group place, then points, score difference and scores across the groups.",
    )

    _groups_fit = field_validator("groups")(_groups_fit_capacity)


class SwissConfig(TableConfig):
    """Swiss system."""

    format: Literal["swiss"] = Field("swiss", exclude=True)
    rounds: int | None = Field(
        None,
        ge=1,
        le=swiss.MAX_ROUNDS,
        description="Rounds to play: default ceil(log2 players), at most ceil(players / 2).",
    )
    points: PointsConfig = Field(default_factory=lambda: SWISS_POINTS.model_copy())
    tiebreaks: Annotated[list[TiebreakName], Field(max_length=len(TIEBREAKS))] = Field(
        default_factory=lambda: ["buchholz_cut1", "buchholz", "sonneborn_berger", "progressive"]
    )

    @field_validator("rounds")
    @classmethod
    def _fewer_rounds_than_players(cls, rounds: int | None, info: ValidationInfo) -> int | None:
        capacity = info.data.get("max_players")
        if rounds is not None and capacity is not None and rounds > swiss.max_rounds(capacity):
            raise ValueError(
                f"max_players={capacity} allows at most {swiss.max_rounds(capacity)} rounds"
            )
        return rounds


class GroupsConfig(TableConfig):
    """Groups (parallel round robins), then a knockout of the best of each group."""

    format: Literal["groups"] = Field("groups", exclude=True)
    groups: int = Field(4, ge=1, le=MAX_PLAYERS_LIMIT // 2, description="Number of groups.")
    advance: int = Field(2, ge=1, description="Players of each group going to the knockout.")
    extra: int = Field(0, ge=0, description="Best-placed next players also going on.")
    double: bool = Field(False, description="Groups play home and away.")
    third_place: bool = Field(True, description="Knockout match for third place.")
    distribution: Literal["snake", "balanced"] = Field(
        "snake",
        description="snake: dealt by seed (1→G, G→1, …); balanced: strongest first into the "
        "group with the lowest rating sum.",
    )

    _groups_fit = field_validator("groups")(_groups_fit_capacity)

    @field_validator("advance")
    @classmethod
    def _advance_fits(cls, advance: int, info: ValidationInfo) -> int:
        capacity, groups = info.data.get("max_players"), info.data.get("groups")
        if capacity is not None and groups and advance > capacity // groups:
            raise ValueError(
                f"advance={advance} is more than a group of {capacity // groups} "
                f"(max_players={capacity}, groups={groups})"
            )
        return advance

    @field_validator("extra")
    @classmethod
    def _extra_fits(cls, extra: int, info: ValidationInfo) -> int:
        groups = info.data.get("groups")
        if groups is not None and extra >= groups:
            raise ValueError(f"extra must be below the group count ({groups})")
        return extra


class HeatsConfig(CommonConfig):
    """Free-for-all heats with measured results (times, scores, distances)."""

    format: Literal["heats"] = Field("heats", exclude=True)
    direction: Literal["lower", "higher"] = Field(
        description="Which results are better: lower (times) or higher (scores, distances)."
    )
    heat_size: int | None = Field(
        8,
        ge=heats.MIN_HEAT_SIZE,
        le=heats.MAX_HEAT_SIZE,
        description="Players per heat; null: one heat for all.",
    )
    attempts: int = Field(1, ge=1, le=MAX_ATTEMPTS, description="Attempts per player per heat.")
    aggregate: Literal["best", "sum"] = Field("best", description="How attempts combine.")
    advance: int = Field(
        0, ge=0, description="Top players of each heat going to the next round; 0: one round."
    )

    @field_validator("heat_size")
    @classmethod
    def _one_heat_fits(cls, size: int | None, info: ValidationInfo) -> int | None:
        capacity = info.data.get("max_players")
        if size is None and capacity is not None and capacity > heats.MAX_HEAT_SIZE:
            raise ValueError(
                f"one heat for all holds at most {heats.MAX_HEAT_SIZE} players, "
                f"max_players={capacity} could not race: give a heat_size"
            )
        return size

    @field_validator("advance")
    @classmethod
    def _advance_below_heat(cls, advance: int, info: ValidationInfo) -> int:
        size = info.data.get("heat_size")
        if advance and size is None:
            raise ValueError("one heat for everyone has no next round: advance must be 0")
        if size is not None and advance >= size:
            raise ValueError(f"advance={advance} must be below heat_size={size}")
        return advance


class WithAnyOf:
    """Document a union as ``anyOf``: a config is read as the format its tournament's
    ``format`` names, so one config (a knockout's defaults are also valid options of a groups
    tournament) may fit several formats, which ``oneOf`` would forbid."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        if "oneOf" in schema:
            schema["anyOf"] = schema.pop("oneOf")
        return schema


def _format_of(value: object) -> str:
    if isinstance(value, dict):
        return str(value.get("format", "knockout"))
    return str(getattr(value, "format", "knockout"))


FormatConfig = Annotated[
    Annotated[KnockoutConfig, Tag("knockout")]
    | Annotated[DoubleEliminationConfig, Tag("double_elimination")]
    | Annotated[RoundRobinConfig, Tag("round_robin")]
    | Annotated[SwissConfig, Tag("swiss")]
    | Annotated[GroupsConfig, Tag("groups")]
    | Annotated[HeatsConfig, Tag("heats")],
    Discriminator(_format_of),
    WithAnyOf(),
]
"""The options of any format, told apart by their ``format``."""


class FormatChoice(BaseModel):
    """A ``format`` name and the matching ``config``; the config follows the format."""

    format: FormatName = "knockout"
    config: FormatConfig = Field(default_factory=KnockoutConfig)

    @model_validator(mode="before")
    @classmethod
    def _config_follows_format(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("format", "knockout"), str):
            config = data.get("config")
            if config is None:
                config = {}
            if isinstance(config, dict):
                data = {**data, "config": {**config, "format": data.get("format", "knockout")}}
        return data
