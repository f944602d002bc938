"""The one rule for names and other short text people type: no control characters.

A name is shown on one line of a page, a CSV cell, a TRF line or a calendar event, and stored in
SQLite and PostgreSQL (which cannot hold NUL). So every name-like input (tournament, player,
club, venue, external id, account display name, API key name, sign-in name, status reason)
refuses C0 and C1 control characters (NUL, TAB, LF, CR, DEL, NEL...), the Unicode line and
paragraph separators and lone surrogates. Letters of every script, accents, apostrophes,
hyphens, inner spaces and joiners (ZWJ, ZWNJ) are names like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, GetJsonSchemaHandler, StringConstraints
from pydantic_core import CoreSchema

FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
"""Control characters (Unicode category Cc), line and paragraph separators, surrogates."""


def forbidden_at(value: str) -> int | None:
    """The index of the first character a name may not hold, or ``None``.

    >>> forbidden_at("Zoë O'Brien-Łukasz"), forbidden_at("Ada\\nBob")
    (None, 3)
    """
    found = FORBIDDEN.search(value)
    return None if found is None else found.start()


def plain_text(value: str) -> str:
    """``value`` unchanged, or :class:`ValueError` naming the first control character.

    >>> plain_text("李小龍")
    '李小龍'
    """
    at = forbidden_at(value)
    if at is not None:
        raise ValueError(
            f"must not contain control characters such as line breaks, tabs or NUL "
            f"(U+{ord(value[at]):04X} at character {at + 1})"
        )
    return value


PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$"
"""The rule as a JSON-schema ``pattern``, so clients and fuzzers see it (lone surrogates,
which a JSON pattern cannot name, are refused all the same)."""


@dataclass(frozen=True, slots=True)
class _Rule(AfterValidator):
    """:func:`plain_text` as a validator that also documents :data:`PATTERN`."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        schema = handler(core_schema)
        schema["pattern"] = PATTERN
        return schema


RULE = _Rule(plain_text)
"""The name rule as a validator, placed after a type's length constraints."""

PlainText = Annotated[str, RULE]
"""A string that follows the name rule; give its lengths with ``Field`` where it is used
(for an optional field, use a type with :class:`StringConstraints` first, like :data:`Name`,
so a length error still reads "characters")."""

NAME_LENGTH = 200
Name = Annotated[str, StringConstraints(min_length=1, max_length=NAME_LENGTH), RULE]
"""A name of a tournament, player, venue or account holder: 1 to 200 characters."""
