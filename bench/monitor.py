"""How fast the monitor draws a 1024-player bracket in Chromium (target: under a second).

Serves the embedded default in this process, plays a 1024-player tournament, opens its
monitor in Debian's Chromium (``/usr/bin/chromium``) and times ``BracketView.render`` over all
ten rounds, plus the "All rounds" button from click to drawn (fetch included).
Usage: python -m bench.monitor [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from bench.http_lifecycle import measure
from bracketry.api.app import create_app
from bracketry.settings import Settings
from tests.production.processes import free_port
from tests.ui.chromium import CHROMIUM, CHROMIUM_ARGS

TOKEN = "bench-token"
RENDER_ALL = """async (runs) => {
  const items = [];
  for (let r = 1; r <= 10; r++) {
    const page = await Bracketry.api('GET', `/tournaments/1/sessions?round=${r}&limit=10000`);
    items.push(...page.items);
  }
  const pane = document.querySelector('[data-testid=bracket]');
  const times = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    BracketView.render(pane, items, 1, 10, 1, '');
    pane.getBoundingClientRect();
    times.push(performance.now() - start);
  }
  return times;
}"""


def main() -> None:
    """Print one JSON line of monitor figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{Path(tmp) / 'monitor.db'}", admin_token=TOKEN)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(create_app(settings), port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.01)
        base = f"http://127.0.0.1:{port}"
        measure(base, TOKEN, 1, "set-up")  # tournaments 1 and 2: 1024 players, completed
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.goto(f"{base}/tournaments/1")
            page.wait_for_selector("[data-testid=champion]")
            renders = page.evaluate(RENDER_ALL, args.runs)
            page.reload()
            page.wait_for_selector("[data-testid=champion]")
            start = time.perf_counter()
            page.click("#all-rounds")
            page.wait_for_function(
                "document.querySelectorAll('[data-testid=bracket] g.match').length >= 1024"
            )
            click_to_drawn = time.perf_counter() - start
            browser.close()
        server.should_exit = True
        thread.join()
    print(
        json.dumps(
            {
                "bench": "monitor_bracket_1024",
                "render_median_ms": round(statistics.median(renders), 1),
                "render_max_ms": round(max(renders), 1),
                "all_rounds_click_to_drawn_ms": round(click_to_drawn * 1000, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
