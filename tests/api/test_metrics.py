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
