"""The New tournament form asks every option of every format's config, each with a label in
people's words, and the page renders a field and an error slot for each: an option added to
a config without words here fails these tests instead of showing a raw name."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from bracketry.schemas.catalog import FORMAT_NAMES
from bracketry.schemas.venue import VenueIn
from bracketry.web.new_form import (
    CONFIGS,
    NOT_ASKED,
    SHARED_GROUPS,
    format_form,
    leaves,
    option,
    shared_options,
    time_zones,
)
from bracketry.web.option_words import CHOICE_WORDS, MAIN_OPTIONS

HOURS = [{"date": "2030-06-01", "opens": "09:00", "closes": "18:00"}]


def asked(fmt: str) -> set[str]:
    form = format_form(fmt)
    shared = [o for group in SHARED_GROUPS for o in shared_options(group)]
    return {o.path for o in [form.capacity, *form.main, *form.more, *shared]}


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_every_config_option_of_a_format_has_a_form_field(fmt: str) -> None:
    options = {path for path, _, _ in leaves(CONFIGS[fmt])}
    skipped = {p for p in options if p in NOT_ASKED or f"{fmt}:{p}" in NOT_ASKED}
    assert asked(fmt) == options - skipped
    assert "points.draw" in options or fmt in ("knockout", "double_elimination", "heats")


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_labels_hints_and_choices_are_in_peoples_words(fmt: str) -> None:
    form = format_form(fmt)
    for item in [form.capacity, *form.main, *form.more]:
        assert item.label and "_" not in item.label + item.hint, item
        for value, words in item.choices:
            assert (item.name, value) in CHOICE_WORDS, f"{fmt}: {item.path}={value} has no words"
            assert "_" not in words
    assert [o.path for o in form.main] == list(MAIN_OPTIONS[fmt])


def test_an_option_without_words_is_refused_by_name() -> None:
    with pytest.raises(KeyError, match="ladder_bonus of swiss has no label"):
        option("swiss", "ladder_bonus", {"type": "integer", "default": 0}, False, 0)


def test_kinds_limits_and_defaults_come_from_the_schema() -> None:
    swiss = {o.path: o for o in format_form("swiss").more}
    assert swiss["tiebreaks"].kind == "order"
    assert swiss["tiebreaks"].default == [
        "buchholz_cut1",
        "buchholz",
        "sonneborn_berger",
        "progressive",
    ]
    assert len(swiss["tiebreaks"].choices) == 10
    assert (swiss["points.win"].kind, swiss["points.win"].default) == ("decimal", 1.0)
    assert swiss["points.bye"].optional and not swiss["points.win"].optional
    heats = {o.path: o for o in format_form("heats").main}
    assert (heats["attempts"].minimum, heats["attempts"].maximum) == (1, 10)
    assert not heats["heat_size"].optional  # empty means one heat for all, sent as null
    timing = {o.path: o for o in shared_options("timing")}
    assert (timing["timing.match_minutes"].default, timing["timing.match_minutes"].minimum) == (
        30,
        1,
    )
    assert [o.kind for o in shared_options("check_in")] == ["datetime", "datetime"]


def test_time_zones_are_sorted_and_every_one_names_a_venue_the_api_accepts() -> None:
    zones = time_zones()
    assert list(zones) == sorted(zones) and "Europe/Paris" in zones and "UTC" in zones
    for zone in zones:
        VenueIn(name="Hall", time_zone=zone, fields=1, hours=HOURS)


class Fields(HTMLParser):
    """The data-option fields and error slots of each format's fieldset and of the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.scope = "shared"
        self.options: dict[str, set[str]] = {}
        self.slots: dict[str, set[str]] = {}
        self.words: list[str] = []
        self.in_zones = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.in_zones = self.in_zones or found.get("id") == "new-time-zone"
        if tag == "fieldset" and found.get("data-format"):
            self.scope = str(found["data-format"])
        elif tag == "fieldset" and found.get("id") == "check-in":
            self.scope = "shared"
        if found.get("data-option"):
            self.options.setdefault(self.scope, set()).add(str(found["data-option"]))
        if found.get("data-error-for"):
            self.slots.setdefault(self.scope, set()).add(str(found["data-error-for"]))

    def handle_endtag(self, tag: str) -> None:
        self.in_zones = self.in_zones and tag != "select"

    def handle_data(self, data: str) -> None:
        if not self.in_zones:  # zone names are IANA's own (America/New_York)
            self.words.append(data)


def test_the_page_has_a_field_and_an_error_slot_for_every_option(client: TestClient) -> None:
    answer = client.get("/tournaments/new")
    assert answer.status_code == 200
    page = Fields()
    page.feed(answer.text)
    for fmt in FORMAT_NAMES:
        form = format_form(fmt)
        own = {o.path for o in [*form.main, *form.more]}
        assert page.options[fmt] == own
        assert page.slots[fmt] == {f"config.{path}" for path in own}
    shared = {o.path for group in SHARED_GROUPS for o in shared_options(group)}
    assert page.options["shared"] == shared | {"max_players"}
    assert {f"config.{p}" for p in shared | {"max_players"}} <= page.slots["shared"]
    assert {"venue.name", "venue.fields", "venue.time_zone", "venue.hours"} <= page.slots["shared"]
    shown = " ".join(page.words)
    assert not re.search(r"\b[a-z]+_[a-z0-9_]+\b", shown), "an internal name is shown"
