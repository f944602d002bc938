"""Screenshots of a page at desktop and phone width, with the layout checks every page must
pass: nothing wider than the window or running out of its card, and the header above the
content, not over it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page

Screenshot = Callable[[Page, str], Path]
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}

# Every element drawn inside a card, except inside the panes that scroll on purpose, whose
# right edge passes the card's: nothing may run out of its card.
OUT_OF_CARD = """() => {
  const out = [];
  for (const card of document.querySelectorAll(".card")) {
    const edge = card.getBoundingClientRect().right + 1;
    for (const el of card.querySelectorAll("*")) {
      if (el.closest(".table-scroll, .bracket, .timeline, svg, option")) continue;
      const box = el.getBoundingClientRect();
      if (box.width && box.right > edge) out.push(`${el.tagName}: ${el.textContent.slice(0, 40)}`);
    }
  }
  return out;
}"""


def shoot(page: Page, save: Screenshot, name: str) -> None:
    """Screenshots ``name``-1280 and ``name``-390 after the layout checks at each width."""
    for label, size in (("1280", WIDE), ("390", NARROW)):
        page.set_viewport_size(size)
        page.wait_for_timeout(150)
        wider = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert wider <= 0, f"{name} is {wider} px wider than a {label} px window"
        out = page.evaluate(OUT_OF_CARD)
        assert out == [], f"{name} runs out of a card at {label} px: {out[:5]}"
        header = page.locator("header.top").bounding_box()
        main = page.locator("main").bounding_box()
        assert header and main and header["y"] + header["height"] <= main["y"] + 1, (
            f"{name}: the header covers the content at {label} px"
        )
        save(page, f"{name}-{label}")
    page.set_viewport_size(WIDE)
