"""/metrics: job figures from the job table and HTTP latency, in Prometheus text format."""

from __future__ import annotations

from fastapi.testclient import TestClient


def _value(text: str, sample: str) -> float:
    line = next(line for line in text.splitlines() if line.startswith(sample + " "))
    return float(line.rsplit(" ", 1)[1])


def test_metrics_count_jobs_phases_sessions_and_requests(client: TestClient) -> None:
    before = client.get("/metrics").text
    assert _value(before, 'bracketry_jobs{status="done"}') == 0
    launched = client.post(
        "/api/v1/tournaments/ops/run-scenario", json={"player_count": 64, "seed": 2}
    )
    assert launched.status_code == 200
    text = client.get("/metrics").text
    assert _value(text, 'bracketry_jobs{status="done"}') == 1
    assert _value(text, "bracketry_sessions_written_total") == 64
    for phase in ("queue_wait_ms", "engine_ms", "db_write_ms", "simulation_ms", "total_ms"):
        assert _value(text, f'bracketry_job_phase_ms_count{{phase="{phase}"}}') == 1
        assert _value(text, f'bracketry_job_phase_ms_bucket{{le="+Inf",phase="{phase}"}}') == 1
    requests = [
        line
        for line in text.splitlines()
        if line.startswith("bracketry_http_request_seconds_count") and 'method="POST"' in line
    ]
    assert requests and 'status="200"' in requests[0]


def _label_values(text: str, label: str) -> set[str]:
    found = set()
    for line in text.splitlines():
        if line.startswith("bracketry_http_request_seconds_count{"):
            labels = line[line.index("{") + 1 : line.rindex("}")]
            for pair in labels.split('",'):
                name, _, value = pair.partition('="')
                if name == label:
                    found.add(value.rstrip('"'))
    return found


def test_made_up_methods_and_paths_do_not_grow_the_metrics(client: TestClient) -> None:
    """Was: every made-up method became a label value, and /metrics grew for good."""
    for i in range(3):
        client.request("PATCH", f"/api/v1/nowhere/{i}")
    client.get("/api/v1/tournaments")
    before = client.get("/metrics").text
    for i in range(300):
        client.request(f"M{i}X", f"/api/v1/tournaments/{i}")
        client.request(f"Q{i}", f"/nowhere/{i}?page={i}")
    after = client.get("/metrics").text
    methods = _label_values(after, "method")
    assert methods <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"}
    assert "other" in methods
    routes = _label_values(after, "route")
    assert not any("nowhere" in route or route[-1:].isdigit() for route in routes), routes
    assert "unmatched" in routes
    assert all(status.isdigit() and len(status) == 3 for status in _label_values(after, "status"))
    grown = len(after.splitlines()) - len(before.splitlines())
    assert grown < 100, f"/metrics grew by {grown} lines for 600 odd requests"
