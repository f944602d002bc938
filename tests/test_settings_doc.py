"""The settings table of docs/operations.md is the one the settings model prints."""

from __future__ import annotations

from pathlib import Path

from bracketry.settings import markdown_table

OPERATIONS = Path(__file__).resolve().parents[1] / "docs" / "operations.md"
START, END = "<!-- settings:start -->", "<!-- settings:end -->"


def test_operations_lists_every_setting_as_the_model_defines_it() -> None:
    text = OPERATIONS.read_text(encoding="utf-8")
    documented = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert documented == markdown_table(), (
        "docs/operations.md is out of date: paste `python -m bracketry.settings` "
        f"between {START} and {END}"
    )
