"""A player's report belongs to its match and to the pairing it was about: corrections that
reset, remove or re-pair a match void its reports (in the audit log), match ids are never
reused, and only the other player of the reported pairing answers a report."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from bracketry.store.models import Report
from bracketry.store.types import utcnow
from tests.api.accounts_helpers import as_user
from tests.api.helpers import API, all_sessions, assert_error, generate_now, session_at

Headers = dict[str, str]


def accounts_tournament(
    client: TestClient, names: list[str], tournament_format: str = "knockout", **config: Any
) -> tuple[int, dict[int, Headers]]:
    """A generated tournament of new player accounts ``names`` (enrolled in that order);
    its id and a header per player id."""
    players: dict[int, Headers] = {}
    for name in names:
        user, header = as_user(client, name, "player")
        players[user["player_id"]] = header
    body = {"name": "Reported cup", "format": tournament_format, "config": config}
    created = client.post(f"{API}/tournaments", json=body)
    assert created.status_code == 201, created.text
    tournament_id = created.json()["id"]
    client.post(f"{API}/tournaments/{tournament_id}/status", json={"status": "ENROLLMENT_OPEN"})
    entries = [{"player_id": pid} for pid in players]
    enrolled = client.post(
        f"{API}/tournaments/{tournament_id}/enrollments", json={"players": entries}
    )
    assert enrolled.status_code == 201, enrolled.text
    client.post(f"{API}/tournaments/{tournament_id}/status", json={"status": "ENROLLMENT_CLOSED"})
    generate_now(client, tournament_id)
    return tournament_id, players


def path_of(tournament_id: int, session: dict) -> str:
    return f"{API}/tournaments/{tournament_id}/sessions/{session['id']}"


def pair(session: dict) -> tuple[int, int]:
    a, b = (p["player_id"] for p in session["participants"])
    return a, b


def decide(client: TestClient, tournament_id: int, session: dict, **result: object) -> None:
    answer = client.post(f"{path_of(tournament_id, session)}/result", json=result)
    assert answer.status_code == 200, answer.text


def correct(client: TestClient, tournament_id: int, session: dict, **result: object) -> dict:
    answer = client.put(f"{path_of(tournament_id, session)}/result", json=result)
    assert answer.status_code == 200, answer.text
    return answer.json()


def voids(client: TestClient, tournament_id: int) -> list[dict]:
    """The tournament's "void report" audit entries, oldest first."""
    entries = client.get(f"{API}/tournaments/{tournament_id}/audit", params={"limit": 1000})
    assert entries.status_code == 200, entries.text
    return [e for e in reversed(entries.json()["items"]) if e["action"] == "void report"]


def reports_of(client: TestClient, tournament_id: int) -> list[dict]:
    answer = client.get(f"{API}/tournaments/{tournament_id}/reports")
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def test_a_correction_voids_the_report_of_a_final_whose_pairing_it_changed(
    client: TestClient,
) -> None:
    tournament_id, players = accounts_tournament(client, ["ann", "ben", "cat", "dan"])
    sessions = all_sessions(client, tournament_id)
    semi_one, semi_two = session_at(sessions, 1, 1), session_at(sessions, 1, 2)
    first_a, _first_b = pair(semi_one)
    second_a, second_b = pair(semi_two)
    decide(client, tournament_id, semi_one, winner_id=first_a)
    decide(client, tournament_id, semi_two, winner_id=second_a)
    final = session_at(all_sessions(client, tournament_id), 2, 1)
    assert pair(final) == (first_a, second_a)
    final_path = path_of(tournament_id, final)
    reported = client.post(
        f"{final_path}/report", json={"score_a": 0, "score_b": 5}, headers=players[first_a]
    )
    assert reported.status_code == 200, reported.text
    pending = reported.json()["report"]

    body = correct(client, tournament_id, semi_two, winner_id=second_b)
    assert final["id"] in body["reset"]
    assert pair(client.get(final_path).json()) == (first_a, second_b)

    # The newcomer in slot B cannot confirm a report made against someone else.
    confirmed = client.post(f"{final_path}/report/confirm", headers=players[second_b])
    assert_error(confirmed, 409, f"session {final['id']}")
    disputed = client.post(
        f"{final_path}/report/dispute", json={"reason": "no"}, headers=players[second_b]
    )
    assert_error(disputed, 409)
    after = client.get(final_path).json()
    assert after["result"] is None and after["report"] is None
    assert reports_of(client, tournament_id) == []
    (entry,) = voids(client, tournament_id)
    assert entry["target"] == f"session:{final['id']}"
    assert entry["before"]["reporter_id"] == first_a
    assert entry["before"]["score_b"] == 5 and entry["before"]["state"] == "pending"
    assert entry["before"]["entrant_a"] == first_a and entry["before"]["entrant_b"] == second_a
    assert entry["before"]["reported_at"] == pending["reported_at"]
    # The new pairing reports and answers as usual.
    again = client.post(
        f"{final_path}/report", json={"winner_id": first_a}, headers=players[first_a]
    )
    assert again.status_code == 200, again.text
    confirmed = client.post(f"{final_path}/report/confirm", headers=players[second_b])
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["result"]["winner_id"] == first_a


def test_a_swiss_round_paired_again_voids_its_reports_and_takes_new_ids(
    client: TestClient,
) -> None:
    tournament_id, players = accounts_tournament(
        client, ["ann", "ben", "cat", "dan"], "swiss", rounds=2
    )
    round_one = all_sessions(client, tournament_id)
    for session in round_one:
        decide(client, tournament_id, session, score_a=1, score_b=0)
    old_round_two = [s for s in all_sessions(client, tournament_id) if s["round"] == 2]
    reporter, _opponent = pair(old_round_two[0])
    reported = client.post(
        f"{path_of(tournament_id, old_round_two[0])}/report",
        json={"score_a": 2, "score_b": 0},
        headers=players[reporter],
    )
    assert reported.status_code == 200, reported.text

    body = correct(client, tournament_id, round_one[0], score_a=0, score_b=1)
    assert sorted(body["removed"]) == sorted(s["id"] for s in old_round_two)
    new_round_two = [s for s in all_sessions(client, tournament_id) if s["round"] == 2]
    assert len(new_round_two) == 2
    assert min(s["id"] for s in new_round_two) > max(s["id"] for s in old_round_two)
    assert all(s["report"] is None for s in new_round_two)
    assert reports_of(client, tournament_id) == []
    (entry,) = voids(client, tournament_id)
    assert entry["target"] == f"session:{old_round_two[0]['id']}"
    assert entry["before"]["reporter_id"] == reporter
    for session in new_round_two:
        a, b = pair(session)
        path = path_of(tournament_id, session)
        answer = client.post(f"{path}/report", json={"winner_id": b}, headers=players[a])
        assert answer.status_code == 200, answer.text
        assert answer.json()["report"]["reporter_id"] == a
    gone = client.post(
        f"{path_of(tournament_id, old_round_two[0])}/report/confirm", headers=players[_opponent]
    )
    assert_error(gone, 404, field="session_id")


def test_a_removed_reset_match_keeps_its_id_and_its_report_from_the_next_tournament(
    client: TestClient,
) -> None:
    first, players = accounts_tournament(
        client, ["ann", "ben"], "double_elimination", grand_final="reset"
    )
    for game in range(2):  # slot A wins the winners final, slot B (the losers') the final
        ready = [s for s in all_sessions(client, first) if s["status"] == "ready"]
        assert len(ready) == 1
        decide(client, first, ready[0], winner_id=pair(ready[0])[game])
    sessions = all_sessions(client, first)
    grand_final = session_at(sessions, 1, 1, side="grand_final")
    reset = session_at(sessions, 2, 1, side="grand_final")
    a, _b = pair(reset)
    reported = client.post(
        f"{path_of(first, reset)}/report", json={"score_a": 5, "score_b": 0}, headers=players[a]
    )
    assert reported.status_code == 200, reported.text
    body = correct(client, first, grand_final, winner_id=pair(grand_final)[0])
    assert body["removed"] == [reset["id"]]
    assert reports_of(client, first) == []
    assert [e["target"] for e in voids(client, first)] == [f"session:{reset['id']}"]

    second, strangers = accounts_tournament(client, ["cat", "dan"])
    (match,) = all_sessions(client, second)
    assert match["id"] > reset["id"]
    assert match["report"] is None
    for player, header in strangers.items():
        answer = client.post(f"{path_of(second, match)}/report/confirm", headers=header)
        assert_error(answer, 409, "no report")
        assert player in pair(match)


def stale_report(client: TestClient, tournament_id: int, session: dict, **pairing: Any) -> None:
    """A pending report stored as one made before reports kept their pairing (or about
    another pairing): what an older database may hold."""
    reporter, _ = pair(session)
    now = utcnow()
    with client.app.state.context.database.write() as db:
        db.add(
            Report(
                match_id=session["id"],
                tournament_id=tournament_id,
                reporter_id=reporter,
                outcome="win",
                winner_id=reporter,
                score_a=None,
                score_b=None,
                state="pending",
                reported_at=now,
                updated_at=now,
                **pairing,
            )
        )


def test_a_report_about_another_pairing_is_refused_and_voided(client: TestClient) -> None:
    tournament_id, players = accounts_tournament(client, ["ann", "ben", "cat", "dan"])
    session = session_at(all_sessions(client, tournament_id), 1, 1)
    a, b = pair(session)
    stale_report(client, tournament_id, session, entrant_a=a, entrant_b=b + 1000)
    path = path_of(tournament_id, session)
    assert_error(client.post(f"{path}/report/confirm", headers=players[b]), 409, "void")
    assert client.get(path).json()["report"] is None
    assert reports_of(client, tournament_id) == []
    (entry,) = voids(client, tournament_id)
    assert entry["before"]["entrant_b"] == b + 1000

    stale_report(client, tournament_id, session)  # no pairing at all: void as well
    dispute = client.post(f"{path}/report/dispute", json={"reason": "no"}, headers=players[b])
    assert_error(dispute, 409, "void")
    assert len(voids(client, tournament_id)) == 2
    assert client.get(path).json()["result"] is None


def test_a_stale_report_never_blocks_the_players_own_report(client: TestClient) -> None:
    tournament_id, players = accounts_tournament(client, ["ann", "ben", "cat", "dan"])
    session = session_at(all_sessions(client, tournament_id), 1, 1)
    a, b = pair(session)
    stale_report(client, tournament_id, session, entrant_a=b, entrant_b=a)
    path = path_of(tournament_id, session)
    answer = client.post(f"{path}/report", json={"winner_id": b}, headers=players[a])
    assert answer.status_code == 200, answer.text
    report = answer.json()["report"]
    assert report["reporter_id"] == a and report["winner_id"] == b
    assert len(voids(client, tournament_id)) == 1
    confirmed = client.post(f"{path}/report/confirm", headers=players[b])
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["result"]["winner_id"] == b


def test_a_report_of_another_tournament_is_not_answered(client: TestClient) -> None:
    first, _players = accounts_tournament(client, ["ann", "ben"])
    second, players = accounts_tournament(client, ["cat", "dan"])
    (session,) = all_sessions(client, second)
    stale_report(client, first, session, entrant_a=pair(session)[0], entrant_b=pair(session)[1])
    path = path_of(second, session)
    _a, b = pair(session)
    assert client.get(path).json()["report"] is None
    assert_error(client.post(f"{path}/report/confirm", headers=players[b]), 409)
    assert client.get(path).json()["result"] is None
