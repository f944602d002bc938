"""The OPS launcher route (the seed's contract)."""

from __future__ import annotations

from fastapi import APIRouter

from bracketry.api.deps import Admin, Context
from bracketry.schemas.scenario import ScenarioCreate, ScenarioOutcome
from bracketry.service import scenario

router = APIRouter(prefix="/tournaments/ops", tags=["ops"])


@router.post("/run-scenario", dependencies=[Admin])
def run_scenario(scenario_in: ScenarioCreate, ctx: Context) -> ScenarioOutcome:
    """Create, enroll, generate and (auto) play out a synthetic tournament in one call."""
    return scenario.run(
        database=ctx.database,
        queue=ctx.queue,
        scenario_in=scenario_in,
        threshold=ctx.settings.async_threshold,
    )
