"""Offset pages: where the next one starts."""

from __future__ import annotations


def next_offset(offset: int, shown: int, total: int) -> int | None:
    """The offset of the page after one of ``shown`` items from ``offset``; None at the end.

    >>> next_offset(0, 10, 25), next_offset(20, 5, 25)
    (10, None)
    """
    return offset + shown if offset + shown < total else None
