"""Tournament routes: create, list, read, rename, delete a draft, status, enroll and manage
participants, generate, rank, complete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Query, Request, Response, status

from bracketry.api.deps import Caller, Context, Organizer, Owner, Public, ReadDb, WriteDb, owner_of
from bracketry.api.params import MAX_ID, Offset, TaskId, TournamentId, limit_param
from bracketry.schemas.enrollment import (
    MAX_BATCH,
    EnrollmentBatch,
    EnrollmentOutcome,
    EnrollmentPage,
    EnrollmentRead,
    EnrollmentRequest,
    ParticipantUpdate,
    SeedAssignment,
    SeedList,
)
from bracketry.schemas.entry import EntryRead
from bracketry.schemas.job import GenerationAccepted, GenerationCreate, GenerationStatus, JobStatus
from bracketry.schemas.ranking import RankingOutcome, RankingPage
from bracketry.schemas.session import SimulationCreate, SimulationOutcome
from bracketry.schemas.status import Status
from bracketry.schemas.tournament import (
    StatusChangeIn,
    StatusChangeRead,
    TournamentCreate,
    TournamentPage,
    TournamentRead,
    TournamentRename,
)
from bracketry.service import (
    enrollments,
    entries,
    jobs,
    pipeline,
    rankings,
    simulation,
    tournament_edits,
    tournaments,
)

router = APIRouter(prefix="/tournaments", tags=["tournaments"])


@router.post("", status_code=status.HTTP_201_CREATED, dependencies=[Organizer])
def create_tournament(
    tournament_in: TournamentCreate, db: WriteDb, who: Caller, request: Request
) -> TournamentRead:
    """Create a tournament in DRAFT; an organiser who creates one runs it."""
    tournament = tournaments.create(db=db, tournament_in=tournament_in, owner_id=owner_of(who))
    db.flush()
    request.state.audit_target = ("tournament", tournament.id)
    return tournaments.read(db=db, tournament=tournament)


@router.get("", dependencies=[Public])
def list_tournaments(
    db: ReadDb,
    offset: Offset = 0,
    limit: int = limit_param(50, 500),  # type: ignore[assignment]
    status_: Annotated[Status | None, Query(alias="status")] = None,
) -> TournamentPage:
    """Tournaments, newest first."""
    return tournaments.list_page(db=db, limit=limit, offset=offset, status=status_)


@router.get("/{tournament_id}", dependencies=[Public])
def get_tournament(tournament_id: TournamentId, db: ReadDb) -> TournamentRead:
    """One tournament with match counts by status."""
    tournament = tournaments.get_or_raise(db=db, tournament_id=tournament_id)
    return tournaments.read(db=db, tournament=tournament)


@router.patch("/{tournament_id}", dependencies=[Owner])
def rename_tournament(
    tournament_id: TournamentId, change: TournamentRename, db: WriteDb
) -> TournamentRead:
    """Rename the tournament (409 naming its status once completed or cancelled)."""
    tournament = tournament_edits.rename(db=db, tournament_id=tournament_id, name=change.name)
    return tournaments.read(db=db, tournament=tournament)


@router.delete("/{tournament_id}", status_code=status.HTTP_204_NO_CONTENT, dependencies=[Owner])
def delete_tournament(tournament_id: TournamentId, db: WriteDb) -> Response:
    """Delete a draft and everything under it (409 naming the status for any other); its
    audit entries stay, with the deletion's own holding the tournament as it was."""
    tournament_edits.delete_draft(db=db, tournament_id=tournament_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{tournament_id}/status", dependencies=[Owner])
def change_status(
    tournament_id: TournamentId, change: StatusChangeIn, db: WriteDb
) -> TournamentRead:
    """Move the tournament along its lifecycle (409 naming both states if not allowed)."""
    tournament = tournaments.change_status(db=db, tournament_id=tournament_id, change=change)
    return tournaments.read(db=db, tournament=tournament)


@router.get("/{tournament_id}/history", dependencies=[Public])
def status_history(tournament_id: TournamentId, db: ReadDb) -> list[StatusChangeRead]:
    """Every lifecycle transition, oldest first."""
    return tournaments.history(db=db, tournament_id=tournament_id)


@router.post("/{tournament_id}/enrollments", status_code=201, dependencies=[Owner])
def enroll(
    tournament_id: TournamentId,
    body: Annotated[EnrollmentRequest, Body()],
    db: WriteDb,
) -> EnrollmentOutcome:
    """Enroll one player or a list of up to 100,000 in one set-based write."""
    entries = body.players if isinstance(body, EnrollmentBatch) else [body]
    return enrollments.enroll(db=db, tournament_id=tournament_id, entries=entries)


@router.get("/{tournament_id}/enrollments", dependencies=[Public])
def list_enrollments(
    tournament_id: TournamentId,
    db: ReadDb,
    offset: Offset = 0,
    limit: int = limit_param(100, MAX_BATCH),  # type: ignore[assignment]
) -> EnrollmentPage:
    """Enrolled players in seed order."""
    return enrollments.list_page(db=db, tournament_id=tournament_id, limit=limit, offset=offset)


PlayerId = Annotated[int, Path(ge=1, le=MAX_ID, description="Player id.")]


@router.patch("/{tournament_id}/enrollments/{player_id}", dependencies=[Owner])
def update_participant(
    tournament_id: TournamentId, player_id: PlayerId, change: ParticipantUpdate, db: WriteDb
) -> EnrollmentRead:
    """Edit a participant's name, rating, club or requested seed before the draw."""
    return enrollments.update_participant(
        db=db, tournament_id=tournament_id, player_id=player_id, change=change
    )


@router.delete("/{tournament_id}/enrollments/{player_id}", dependencies=[Owner])
def remove_participant(tournament_id: TournamentId, player_id: PlayerId, db: WriteDb) -> EntryRead:
    """Remove a participant before the draw; the first waiting player moves up."""
    return entries.remove(db=db, tournament_id=tournament_id, player_id=player_id)


@router.put("/{tournament_id}/seeds", dependencies=[Owner])
def set_seeds(tournament_id: TournamentId, seeds: SeedList, db: WriteDb) -> list[SeedAssignment]:
    """Set the requested seeds of several participants at once (null clears one)."""
    return enrollments.set_seeds(db=db, tournament_id=tournament_id, seeds=seeds)


@router.post("/{tournament_id}/generate-sessions", dependencies=[Owner])
def generate_sessions(
    tournament_id: TournamentId,
    ctx: Context,
    response: Response,
    options: Annotated[GenerationCreate | None, Body()] = None,
) -> GenerationAccepted:
    """Generate the sessions: in the request below the threshold, in the background above."""
    accepted = jobs.request(
        database=ctx.database,
        queue=ctx.queue,
        tournament_id=tournament_id,
        options=options or GenerationCreate(),
        threshold=ctx.settings.async_threshold,
    )
    if accepted.status == JobStatus.QUEUED:
        response.status_code = status.HTTP_202_ACCEPTED
    return accepted


@router.get("/{tournament_id}/generation-status/{task_id}", dependencies=[Public])
def generation_status(tournament_id: TournamentId, task_id: TaskId, db: ReadDb) -> GenerationStatus:
    """Where a generation job is, with its separate timing windows and peak memory."""
    return jobs.status(db=db, tournament_id=tournament_id, task_id=task_id)


@router.post("/{tournament_id}/simulate-results", dependencies=[Owner])
def simulate_results(
    tournament_id: TournamentId,
    db: WriteDb,
    options: Annotated[SimulationCreate | None, Body()] = None,
) -> SimulationOutcome:
    """Play every playable match from ratings, round by round, from an explicit seed."""
    seed = (options or SimulationCreate()).seed
    return simulation.simulate(db=db, tournament_id=tournament_id, seed=seed)


@router.post("/{tournament_id}/calculate-rankings", dependencies=[Owner])
def calculate_rankings(tournament_id: TournamentId, db: WriteDb) -> RankingOutcome:
    """Compute and store the rankings from the bracket as it stands."""
    return rankings.calculate(db=db, tournament_id=tournament_id)


@router.get("/{tournament_id}/rankings", dependencies=[Public])
def list_rankings(
    tournament_id: TournamentId,
    db: ReadDb,
    offset: Offset = 0,
    limit: int = limit_param(100, 10_000),  # type: ignore[assignment]
) -> RankingPage:
    """Rankings, best first."""
    return rankings.list_page(db=db, tournament_id=tournament_id, limit=limit, offset=offset)


@router.post("/{tournament_id}/complete", dependencies=[Owner])
def complete(tournament_id: TournamentId, ctx: Context) -> TournamentRead:
    """Mark the tournament COMPLETED (409 saying what is missing otherwise) and rate its
    players; above 250,000 sessions the rating runs as a background job (kind ``rate``)."""
    with ctx.database.write() as db:
        pipeline.complete(db=db, tournament_id=tournament_id)
    jobs.submit_queued(database=ctx.database, queue=ctx.queue, tournament_id=tournament_id)
    with ctx.database.read() as db:
        tournament = tournaments.get_or_raise(db=db, tournament_id=tournament_id)
        return tournaments.read(db=db, tournament=tournament)
