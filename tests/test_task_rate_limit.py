"""No rate limit delays a normal launch by default: the seed's 10 tasks a minute made the
second launch of a run wait 5 s. An operator may still set one."""

from __future__ import annotations

import pytest

from bracketry.jobs.celery_app import make_celery
from bracketry.jobs.tasks import register
from bracketry.settings import Settings


def test_the_generation_task_has_no_rate_limit_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("BRACKETRY_TASK_RATE_LIMIT", raising=False)
    settings = Settings(_env_file=None)
    assert settings.task_rate_limit is None
    assert register(make_celery(settings), settings).rate_limit is None


@pytest.mark.parametrize(("value", "limit"), [("", None), ("10/m", "10/m")])
def test_an_operator_sets_or_clears_the_rate_limit(
    monkeypatch: pytest.MonkeyPatch, value: str, limit: str | None
) -> None:
    monkeypatch.setenv("BRACKETRY_TASK_RATE_LIMIT", value)
    settings = Settings(_env_file=None)
    assert register(make_celery(settings), settings).rate_limit == limit
