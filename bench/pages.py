"""How fast the manage and public pages of big tournaments open in Chromium (target: 1 s).

Serves the app in a process of its own (SQLite in a temporary folder), builds a 16,384-player
knockout and a 1,000-player round robin through the API (the scenario launcher: bulk
enrollment and generation), records some first-round results in batches, then opens each
tournament's manage page (signed in, with the admin token) and public page in Debian's
Chromium (``/usr/bin/chromium``), each run in a fresh browser context (nothing cached).
Per page it measures first contentful paint (the Performance API's ``paint`` entry) and
``ready``: the time from navigation until the first match box of the bracket or the first
entry of the round list is on show and usable (on the manage page: with the organizer's
controls on); on the manage page also until the first button that records a result (None
when the rounds on show have no match to play). Medians over ``--runs``; with ``--profile``,
the slowest API calls and the main thread's long tasks of the median run too. Prints one
JSON line per page.
Usage: python -m bench.pages [--runs 5] [--knockout 16384] [--round-robin 1000] [--profile]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bench import served
from tests.ui.chromium import CHROMIUM, CHROMIUM_ARGS

TOKEN = "bench-token"
TOKEN_KEY = "bracketry-admin-token"
"""Where the pages keep the bearer token (common.js)."""
BATCH = 1000
RESULTS = 1000
"""First-round results recorded before the pages are opened."""
READY_TIMEOUT_MS = 120_000
PICK_MS = 5_000
"""How long the manage page is given, once ready, to show a match to record."""
# Notes, in the page, when the first match box or round entry is on show and usable, and
# which long tasks ran before it.
WATCH = """
(() => {
  window.__bench = { ready: null, pickable: null, longTasks: [] };
  const usable = (el) =>
    el.checkVisibility() && !el.disabled && el.getAttribute("aria-disabled") !== "true";
  const first = (selector) => [...document.querySelectorAll(selector)].some(usable);
  function check() {
    const now = performance.now();
    const root = document.getElementById("monitor");
    const managing = root && root.dataset.mode === "manage";
    const controls = document.querySelector("[data-testid=steps]");
    const boxes = first("[data-testid=bracket] g.match, #rounds-view tbody tr[data-session-id]");
    if (window.__bench.ready === null && boxes && (!managing || (controls && !controls.hidden))) {
      window.__bench.ready = now;
    }
    const record = "[data-testid=bracket] [role=button], #rounds-view button[data-session-id]";
    if (window.__bench.pickable === null && first(record)) {
      window.__bench.pickable = now;
    }
  }
  const all = { childList: true, subtree: true, attributes: true };
  new MutationObserver(check).observe(document, all);
  new PerformanceObserver((list) => {
    for (const t of list.getEntries()) {
      window.__bench.longTasks.push([Math.round(t.startTime), Math.round(t.duration)]);
    }
  }).observe({ type: "longtask", buffered: true });
})();
"""
FIGURES = """() => {
  const paint = performance.getEntriesByType("paint")
    .find((p) => p.name === "first-contentful-paint");
  const nav = performance.getEntriesByType("navigation")[0];
  const calls = performance.getEntriesByType("resource")
    .filter((r) => r.name.includes("/api/"))
    .map((r) => {
      const url = new URL(r.name);
      return [url.pathname + url.search, Math.round(r.startTime), Math.round(r.duration),
              r.transferSize];
    });
  return {
    fcp: paint ? paint.startTime : null,
    ready: window.__bench.ready,
    pickable: window.__bench.pickable,
    html: nav ? nav.responseEnd : null,
    dom: nav ? nav.domContentLoadedEventEnd : null,
    calls,
    longTasks: window.__bench.longTasks,
  };
}"""


def serve(url: str, port: int) -> None:
    """Serve the app on ``port`` (the ``--serve`` mode of this module)."""
    import uvicorn

    from bracketry.api.app import create_app
    from bracketry.settings import Settings

    uvicorn.run(
        create_app(Settings(database_url=url, admin_token=TOKEN)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )


def start_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    """This benchmark's server in a process of its own, once it answers."""
    return served.start_server("bench.pages", url)


def build(http: httpx.Client, tournament_format: str, players: int, results: int) -> int:
    """A generated tournament of ``players`` with ``results`` first-round results; its id."""
    launched = http.post(
        "/tournaments/ops/run-scenario",
        json={
            "player_count": players,
            "format": tournament_format,
            "confirmed": True,
            "simulation_mode": "manual",
        },
    )
    launched.raise_for_status()
    tid, task = launched.json()["tournament_id"], launched.json()["task_id"]
    while (state := http.get(f"/tournaments/{tid}/generation-status/{task}").json())[
        "status"
    ] not in ("done", "failed"):
        time.sleep(0.1)
    if state["status"] != "done":
        raise RuntimeError(f"generation failed: {state}")
    ready = http.get(
        f"/tournaments/{tid}/sessions", params={"round": 1, "status": "ready", "limit": results}
    ).json()["items"]
    for start in range(0, len(ready), BATCH):
        batch = [
            {"session_id": s["id"], "outcome": "win", "score_a": 2, "score_b": 0}
            for s in ready[start : start + BATCH]
        ]
        http.post(f"/tournaments/{tid}/results", json={"results": batch}).raise_for_status()
    return tid


def open_page(browser: Browser, url: str, signed_in: bool) -> dict[str, Any]:
    """One cold visit of ``url``: its figures (milliseconds from navigation start)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        if signed_in:
            context.add_init_script(f"localStorage.setItem({TOKEN_KEY!r}, {TOKEN!r});")
        context.add_init_script(WATCH)
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("() => window.__bench.ready !== null", timeout=READY_TIMEOUT_MS)
        if signed_in:  # a match to record may come a moment later, or not be on show at all
            with contextlib.suppress(PlaywrightTimeout):
                page.wait_for_function("() => window.__bench.pickable !== null", timeout=PICK_MS)
        return page.evaluate(FIGURES)
    finally:
        context.close()


def measure(browser: Browser, url: str, signed_in: bool, runs: int) -> dict[str, Any]:
    """Median figures of ``runs`` cold visits (after one warm-up of the server)."""
    open_page(browser, url, signed_in)
    visits = sorted((open_page(browser, url, signed_in) for _ in range(runs)), key=_ready)
    median = visits[len(visits) // 2]
    return {
        "fcp_median_ms": round(statistics.median(v["fcp"] for v in visits), 1),
        "ready_median_ms": round(statistics.median(_ready(v) for v in visits), 1),
        "ready_max_ms": round(max(_ready(v) for v in visits), 1),
        "record_button_median_ms": _median([v["pickable"] for v in visits]),
        "html_ms": round(median["html"], 1),
        "median_visit": median,
    }


def _ready(visit: dict[str, Any]) -> float:
    return float(visit["ready"])


def _median(values: list[float | None]) -> float | None:
    """The median, or None when any run never got there."""
    return None if None in values else round(statistics.median(values), 1)  # type: ignore[type-var]


def profile(visit: dict[str, Any]) -> dict[str, Any]:
    """Where a visit's time went: its slowest API calls and its long tasks before ready."""
    calls = sorted(visit["calls"], key=lambda c: -c[2])[:5]
    tasks = [t for t in visit["longTasks"] if t[0] < visit["ready"]]
    return {
        "dom_content_loaded_ms": round(visit["dom"], 1),
        "slowest_api_calls": [
            {"path": p, "start_ms": s, "ms": d, "bytes": b} for p, s, d, b in calls
        ],
        "api_calls": len(visit["calls"]),
        "long_tasks_before_ready": len(tasks),
        "long_task_ms_before_ready": sum(t[1] for t in tasks),
    }


def run(url: str, args: argparse.Namespace) -> None:
    process, base = start_server(url)
    try:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=f"{base}/api/v1", headers=headers, timeout=600) as http:
            built = []
            for fmt, players in (("knockout", args.knockout), ("round_robin", args.round_robin)):
                if not players:
                    continue
                start = time.perf_counter()
                tid = build(http, fmt, players, args.results)
                built.append((fmt, players, tid, time.perf_counter() - start))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            for fmt, players, tid, set_up_s in built:
                for page, path, signed_in in (
                    ("manage", f"/tournaments/{tid}/manage", True),
                    ("public", f"/t/{tid}", False),
                ):
                    figures = measure(browser, f"{base}{path}", signed_in, args.runs)
                    median = figures.pop("median_visit")
                    line = {
                        "bench": f"page_{page}",
                        "format": fmt,
                        "players": players,
                        "results": min(args.results, players // 2),
                        "runs": args.runs,
                        **figures,
                        "set_up_s": round(set_up_s, 1),
                    }
                    if args.profile:
                        line["profile"] = profile(median)
                    print(json.dumps(line), flush=True)
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    """Print one JSON line per page and tournament."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--knockout", type=int, default=16_384, help="knockout players (0: none)")
    parser.add_argument(
        "--round-robin", type=int, default=1_000, help="round robin players (0: none)"
    )
    parser.add_argument("--results", type=int, default=RESULTS, help="first-round results")
    parser.add_argument("--profile", action="store_true", help="where the time went")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{Path(tmp) / 'pages.db'}", args)


if __name__ == "__main__":
    main()
