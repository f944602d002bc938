"""Renaming a tournament (until it is completed or cancelled) and deleting a draft with
everything under it, its owner only; both audited, and a deleted tournament's id (with its
audit entries) never passes to another tournament."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bracketry.service.tournament_edits import OWN_ROWS
from bracketry.store.models import AuditEntry, Base
from tests.api.accounts_helpers import as_user
from tests.api.helpers import (
    API,
    assert_error,
    change_status,
    closed_tournament,
    create_draft_tournament,
    generate_now,
    get_tournament,
)

VENUE = {
    "name": "Hall",
    "time_zone": "UTC",
    "fields": 1,
    "hours": [{"date": "2030-01-01", "opens": "09:00", "closes": "18:00"}],
}


def rename(client: TestClient, tournament_id: int, body: object, **headers: str):
    return client.patch(f"{API}/tournaments/{tournament_id}", json=body, headers=headers or None)


def test_a_tournament_is_renamed_and_the_change_is_audited(client: TestClient) -> None:
    tournament_id = create_draft_tournament(client, "Spring cup")
    answer = rename(client, tournament_id, {"name": "Spring Open 2027"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["name"] == "Spring Open 2027"
    assert get_tournament(client, tournament_id)["name"] == "Spring Open 2027"
    entry = client.get(f"{API}/tournaments/{tournament_id}/audit").json()["items"][0]
    assert entry["action"] == "PATCH /tournaments/{tournament_id}"
    assert (entry["before"]["name"], entry["after"]["name"]) == ("Spring cup", "Spring Open 2027")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "Two\nlines"}, "name"),
        ({}, "name"),
        ({"name": "Fine", "status": "DRAFT"}, "status"),
        ("not an object", None),
    ],
)
def test_a_bad_name_is_refused_naming_the_field(
    client: TestClient, body: object, field: str | None
) -> None:
    tournament_id = create_draft_tournament(client)
    refusal = assert_error(rename(client, tournament_id, body), 422)
    if field is not None:
        assert refusal["field"] == field, refusal
    assert get_tournament(client, tournament_id)["name"] == "Draft cup"


def test_a_tournament_keeps_its_name_once_completed_or_cancelled(client: TestClient) -> None:
    playing = closed_tournament(client, 4)
    generate_now(client, playing)
    assert rename(client, playing, {"name": "Still going"}).status_code == 200
    change_status(client, playing, "CANCELLED")
    assert_error(rename(client, playing, {"name": "Too late"}), 409, "CANCELLED", field="name")
    assert get_tournament(client, playing)["name"] == "Still going"
    assert_error(rename(client, 999_999, {"name": "Nobody"}), 404)


def test_only_its_owner_or_an_admin_renames_or_deletes_a_tournament(client: TestClient) -> None:
    _owner, owner = as_user(client, "org-a", "organizer")
    _other, other = as_user(client, "org-b", "organizer")
    created = client.post(f"{API}/tournaments", json={"name": "Mine"}, headers=owner)
    tournament_id = created.json()["id"]
    assert_error(rename(client, tournament_id, {"name": "Theirs"}, **other), 403)
    assert_error(client.delete(f"{API}/tournaments/{tournament_id}", headers=other), 403)
    assert rename(client, tournament_id, {"name": "Still mine"}, **owner).status_code == 200
    assert client.delete(f"{API}/tournaments/{tournament_id}", headers=owner).status_code == 204
    assert_error(client.get(f"{API}/tournaments/{tournament_id}"), 404)


def test_deleting_a_draft_removes_every_row_of_it_and_keeps_the_audit(
    client: TestClient,
) -> None:
    kept = create_draft_tournament(client, "Kept")
    client.post(f"{API}/tournaments/{kept}/venues", json=VENUE)
    doomed = create_draft_tournament(client, "Typo cup")
    venue = client.post(f"{API}/tournaments/{doomed}/venues", json=VENUE)
    assert venue.status_code == 201, venue.text
    referee, _header = as_user(client, "ref", "referee")
    assigned = client.put(f"{API}/tournaments/{doomed}/referees/{referee['id']}")
    assert assigned.status_code == 204, assigned.text

    answer = client.delete(f"{API}/tournaments/{doomed}")
    assert answer.status_code == 204, answer.text
    assert_error(client.get(f"{API}/tournaments/{doomed}"), 404)
    assert_error(client.delete(f"{API}/tournaments/{doomed}"), 404)
    database = client.app.state.context.database  # type: ignore[attr-defined]
    with database.read() as db:
        for table in Base.metadata.tables.values():
            if "tournament_id" not in table.c or table.name == "audit_log":
                continue
            rows = select(func.count()).select_from(table)
            left = db.execute(rows.where(table.c.tournament_id == doomed)).scalar_one()
            assert left == 0, f"{table.name} keeps {left} rows of the deleted tournament"
        audit = db.execute(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.tournament_id == doomed)
        ).scalar_one()
    assert audit >= 4, "the creation, venue, referee and deletion entries stay"
    assert get_tournament(client, kept)["name"] == "Kept"
    assert len(client.get(f"{API}/tournaments/{kept}/venues").json()) == 1
    deletion = client.get(f"{API}/audit", params={"limit": 1}).json()["items"][0]
    assert deletion["action"] == "DELETE /tournaments/{tournament_id}"
    assert deletion["tournament_id"] == doomed
    assert deletion["before"]["name"] == "Typo cup" and deletion["after"] is None

    # The id is never handed out again, so the kept audit entries never pass to another.
    after = create_draft_tournament(client, "Next")
    assert after > doomed
    assert client.get(f"{API}/tournaments/{after}/audit").json()["total"] == 1


def test_every_table_of_a_tournament_is_cleared_by_a_deletion() -> None:
    owned = {
        t.name
        for t in Base.metadata.tables.values()
        if "tournament_id" in t.c and t.name != "audit_log"
    }
    assert {m.__tablename__ for m in OWN_ROWS} == owned


@pytest.mark.parametrize("status", ["ENROLLMENT_OPEN", "CANCELLED"])
def test_only_a_draft_is_deleted(client: TestClient, status: str) -> None:
    tournament_id = create_draft_tournament(client)
    assert change_status(client, tournament_id, status).status_code == 200
    assert_error(client.delete(f"{API}/tournaments/{tournament_id}"), 409, status)
    assert get_tournament(client, tournament_id)["status"] == status


def test_a_played_tournament_is_not_deleted(client: TestClient) -> None:
    tournament_id = closed_tournament(client, 4)
    generate_now(client, tournament_id)
    sessions = f"{API}/tournaments/{tournament_id}/sessions"
    before = client.get(sessions).json()
    assert_error(client.delete(f"{API}/tournaments/{tournament_id}"), 409, "IN_PROGRESS")
    assert client.get(sessions).json() == before
