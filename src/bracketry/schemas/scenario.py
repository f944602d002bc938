"""The OPS run-scenario launcher's shapes (the seed's contract)."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bracketry.engine.formats.base import FormatError
from bracketry.engine.formats.registry import build
from bracketry.schemas.catalog import CONFIRM_FROM, MAX_SCENARIO_PLAYERS
from bracketry.schemas.formats import FormatName
from bracketry.schemas.job import SimulationMode

OLD_FORMAT_NAME = "tournament_format"
"""The seed's name of ``format``, still accepted."""
SCENARIO_CONFIGS: dict[str, dict[str, object]] = {"heats": {"direction": "lower", "advance": 2}}
"""Options a synthetic tournament of a format needs beyond its defaults (heats: times)."""


class ScenarioCreate(BaseModel):
    """Create, enroll, generate and (with ``auto``) play out a synthetic tournament."""

    model_config = ConfigDict(extra="forbid")

    scenario: Literal["smoke_test", "scale_test", "large_field_monitor"] = "smoke_test"
    player_count: int = Field(1024, ge=2, le=MAX_SCENARIO_PLAYERS)
    format: FormatName = Field(
        "knockout",
        validation_alias=AliasChoices("format", OLD_FORMAT_NAME),
        description="The format, as in POST /tournaments (`tournament_format` is accepted too).",
    )
    confirmed: bool = Field(False, validate_default=True)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    simulation_mode: SimulationMode = "auto"
    dry_run: bool = False

    @model_validator(mode="before")
    @classmethod
    def _one_format_name(cls, data: object) -> object:
        if isinstance(data, dict) and "format" in data and OLD_FORMAT_NAME in data:
            if data["format"] != data[OLD_FORMAT_NAME]:
                raise ValueError(
                    f"format and {OLD_FORMAT_NAME} (its older name) differ: give format alone"
                )
            data = {k: v for k, v in data.items() if k != OLD_FORMAT_NAME}
        return data

    @field_validator("format")
    @classmethod
    def _format_fits_players(cls, name: str, info: ValidationInfo) -> str:
        count = info.data.get("player_count")
        if count is not None:
            try:
                build(name, SCENARIO_CONFIGS.get(name, {})).check(count)
            except FormatError as error:
                raise ValueError(f"{error} (player_count)") from error
        return name

    @field_validator("confirmed")
    @classmethod
    def _confirm_large(cls, confirmed: bool, info: ValidationInfo) -> bool:
        if info.data.get("player_count", 0) >= CONFIRM_FROM and not confirmed:
            raise ValueError(f"must be true for {CONFIRM_FROM} players or more")
        return confirmed


class ScenarioOutcome(BaseModel):
    """What the launcher did; ``task_id`` is ``sync-done`` or the job's UUID."""

    tournament_id: int | None
    task_id: str | None
    enrolled_count: int
    session_count: int
    status: str
    timings: dict[str, float]
    message: str
