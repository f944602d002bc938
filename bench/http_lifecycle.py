"""The seed's 1024-player lifecycle through the HTTP API, timed from launch to COMPLETED."""

from __future__ import annotations

import statistics
import time

import httpx

PLAYERS = 1024
SEED_SYSTEM_S = 7.9
POLL_S = 0.005


def measure(base_url: str, token: str, runs: int, name: str) -> dict[str, object]:
    """Median wall time of ``runs`` auto lifecycles (after one warm-up) against ``base_url``."""
    walls: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"{base_url}/api/v1", headers=headers, timeout=60) as http:
        for seed in range(runs + 1):
            start = time.perf_counter()
            launched = http.post(
                "/tournaments/ops/run-scenario",
                json={
                    "player_count": PLAYERS,
                    "confirmed": True,
                    "seed": seed,
                    "simulation_mode": "auto",
                },
            ).json()
            tid, task = launched["tournament_id"], launched["task_id"]
            status_url = f"/tournaments/{tid}/generation-status/{task}"
            while http.get(status_url).json()["status"] not in ("done", "failed"):
                time.sleep(POLL_S)
            status = http.get(f"/tournaments/{tid}").json()["status"]
            if status != "COMPLETED":
                raise RuntimeError(f"tournament {tid} ended {status}")
            if seed:
                walls.append(time.perf_counter() - start)
    return {
        "bench": name,
        "players": PLAYERS,
        "runs": runs,
        "median_s": round(statistics.median(walls), 4),
        "min_s": round(min(walls), 4),
        "max_s": round(max(walls), 4),
        "seed_system_s": SEED_SYSTEM_S,
    }
