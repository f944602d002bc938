"""The fields of the New tournament form: every option of every format, in people's words.

Kinds, limits, defaults and choices come from the API's JSON schema of each format's config
model (defaults of lists and nested options from the model itself); this module only adds
labels, hints and which options are shown first. Every option of a config must have words
here: a new option without them fails the form's tests rather than showing a raw name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from pydantic import BaseModel

from bracketry.schemas.catalog import FORMAT_NAMES, format_label
from bracketry.schemas.formats import (
    CommonConfig,
    DoubleEliminationConfig,
    GroupsConfig,
    HeatsConfig,
    KnockoutConfig,
    RoundRobinConfig,
    SwissConfig,
)
from bracketry.schemas.venue import MAX_FIELDS, MAX_OPENINGS
from bracketry.web.option_words import (
    CHOICE_WORDS,
    FORMAT_HINTS,
    FORMAT_WORDS,
    MAIN_OPTIONS,
    WORDS,
)

CONFIGS: dict[str, type[BaseModel]] = {
    "knockout": KnockoutConfig,
    "double_elimination": DoubleEliminationConfig,
    "round_robin": RoundRobinConfig,
    "swiss": SwissConfig,
    "groups": GroupsConfig,
    "heats": HeatsConfig,
}
SHARED_GROUPS = ("timing", "check_in")
"""Options every format has, asked once in their own part of the form (Schedule, Check-in)."""
ON_TOP = ("max_players",)
"""Options asked above the format's own (their limits still follow the format)."""
NOT_ASKED = {
    "format": "chosen by the Format field",
    "double_elimination:third_place": "refused by the API: the losers bracket decides third",
}
"""Config fields with no form field of their own, and why."""
ASKED_LAST = ("seeding", "seeding_seed")
"""Options every format has, listed after the format's own under "More options"."""
NOT_ZONES = frozenset({"Factory", "localtime"})


@dataclass(frozen=True)
class Option:
    """One form field of a config option; ``path`` is its place in the config (a.b)."""

    path: str
    label: str
    hint: str
    kind: str  # number, decimal, checkbox, select, order or datetime
    default: Any = None
    minimum: float | None = None
    maximum: float | None = None
    optional: bool = False  # left empty, the option is left out (the API's default applies)
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        """The option's own name, the last part of its path."""
        return self.path.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class FormatForm:
    """One format's part of the form."""

    name: str
    label: str
    hint: str
    capacity: Option
    main: list[Option]
    more: list[Option]


def _resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in spec:
        return schema["$defs"][spec["$ref"].rsplit("/", 1)[-1]]
    return spec


def _typed(schema: dict[str, Any], spec: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The non-null variant of a property and whether null is allowed."""
    variants = spec.get("anyOf", [spec])
    typed = next(v for v in variants if v.get("type") != "null")
    return _resolve(schema, typed), any(v.get("type") == "null" for v in variants)


def _defaults(model: type[BaseModel]) -> dict[str, Any]:
    """The model's defaults, nested options and lists included (None where required)."""
    out: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        value = None if field.is_required() else field.get_default(call_default_factory=True)
        out[name] = value.model_dump() if isinstance(value, BaseModel) else value
    return out


def leaves(model: type[BaseModel]) -> list[tuple[str, dict[str, Any], bool]]:
    """Every option of a config as (path, its schema, whether null is allowed), nested
    options (points, timing, check-in) opened into theirs."""
    schema = model.model_json_schema()
    out: list[tuple[str, dict[str, Any], bool]] = []

    def walk(properties: dict[str, Any], prefix: str) -> None:
        for name, spec in properties.items():
            typed, nullable = _typed(schema, spec)
            if typed.get("type") == "object" and "properties" in typed:
                walk(typed["properties"], f"{prefix}{name}.")
            else:
                out.append((f"{prefix}{name}", {**spec, **typed}, nullable))

    walk(schema["properties"], "")
    return out


def _words(fmt: str, path: str) -> tuple[str, str]:
    words = FORMAT_WORDS.get((fmt, path)) or WORDS.get(path)
    if words is None:
        raise KeyError(f"the option {path} of {fmt} has no label on the New tournament form")
    return words


def _default_at(defaults: dict[str, Any], path: str) -> Any:
    value: Any = defaults
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def option(fmt: str, path: str, spec: dict[str, Any], nullable: bool, default: Any) -> Option:
    """The form field of one option, its kind and limits read from its schema."""
    label, hint = _words(fmt, path)
    name = path.rsplit(".", 1)[-1]
    if spec.get("type") == "array":
        names = spec["items"]["enum"]
        choices = tuple((v, CHOICE_WORDS.get((name, v), v)) for v in names)
        return Option(path, label, hint, "order", list(default or []), choices=choices)
    if "enum" in spec:
        choices = tuple((v, CHOICE_WORDS.get((name, v), v)) for v in spec["enum"])
        return Option(path, label, hint, "select", default, choices=choices)
    if spec.get("type") == "boolean":
        return Option(path, label, hint, "checkbox", bool(default))
    if spec.get("format") == "date-time":
        return Option(path, label, hint, "datetime", optional=True)
    kind = "number" if spec.get("type") == "integer" else "decimal"
    if isinstance(default, float) and default.is_integer():
        default = int(default)  # shown as 3, not 3.0
    optional = (nullable or "default" not in spec) and default is None
    return Option(
        path, label, hint, kind, default, spec.get("minimum"), spec.get("maximum"), optional
    )


def _asked_with_format(fmt: str, path: str) -> bool:
    group = path.split(".", 1)[0]
    skipped = path in NOT_ASKED or f"{fmt}:{path}" in NOT_ASKED
    return not skipped and group not in SHARED_GROUPS and path not in ON_TOP


def format_form(fmt: str) -> FormatForm:
    """A format's part of the form: its capacity, main options and the rest."""
    model = CONFIGS[fmt]
    defaults = _defaults(model)
    options = {
        path: option(fmt, path, spec, nullable, _default_at(defaults, path))
        for path, spec, nullable in leaves(model)
        if _asked_with_format(fmt, path) or path in ON_TOP
    }
    capacity = options.pop("max_players")
    main = [options[path] for path in MAIN_OPTIONS.get(fmt, ()) if path in options]
    more = [o for path, o in options.items() if path not in MAIN_OPTIONS.get(fmt, ())]
    more.sort(key=lambda o: o.path in ASKED_LAST)  # the format's own options first
    return FormatForm(fmt, format_label(fmt), FORMAT_HINTS.get(fmt, ""), capacity, main, more)


def format_forms() -> list[FormatForm]:
    """Every format's part of the form, in the catalog's order."""
    return [format_form(name) for name in FORMAT_NAMES]


def shared_options(group: str) -> list[Option]:
    """The options every format shares of one group (``timing`` or ``check_in``)."""
    defaults = _defaults(CommonConfig)
    return [
        option("", path, spec, nullable, _default_at(defaults, path))
        for path, spec, nullable in leaves(CommonConfig)
        if path.startswith(f"{group}.")
    ]


@cache
def time_zones() -> tuple[str, ...]:
    """The IANA time zones a venue may name, sorted (read from the system once)."""
    return tuple(sorted(available_timezones() - NOT_ZONES))


VENUE_LIMITS = {"fields": MAX_FIELDS, "days": MAX_OPENINGS}
"""Upper bounds of the venue's fields on the form (the API checks them again)."""
