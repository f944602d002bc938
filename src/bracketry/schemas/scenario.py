"""The OPS run-scenario launcher's shapes (the seed's contract)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from bracketry.engine.formats.base import FormatError
from bracketry.engine.formats.registry import build
from bracketry.schemas.formats import FormatName
from bracketry.schemas.job import SimulationMode

CONFIRM_FROM = 128
SCENARIO_CONFIGS: dict[str, dict[str, object]] = {"heats": {"direction": "lower", "advance": 2}}
"""Options a synthetic tournament of a format needs beyond its defaults (heats: times)."""
MAX_SCENARIO_PLAYERS = 1_048_576


class ScenarioCreate(BaseModel):
    """Create, enroll, generate and (with ``auto``) play out a synthetic tournament."""

    model_config = ConfigDict(extra="forbid")

    scenario: Literal["smoke_test", "scale_test", "large_field_monitor"] = "smoke_test"
    player_count: int = Field(1024, ge=2, le=MAX_SCENARIO_PLAYERS)
    tournament_format: FormatName = "knockout"
    confirmed: bool = Field(False, validate_default=True)
    seed: int = Field(0, ge=0, le=2**31 - 1)
    simulation_mode: SimulationMode = "auto"
    dry_run: bool = False

    @field_validator("tournament_format")
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
