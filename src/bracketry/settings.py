"""Settings from the environment (prefix ``BRACKETRY_``); every default works on a laptop."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ORIGIN = re.compile(
    r"https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?"
)
"""An origin a page may be framed by: scheme, host (a leading ``*.`` for its subdomains) and
port, nothing more."""


class Settings(BaseSettings):
    """Every knob of the service."""

    model_config = SettingsConfigDict(env_prefix="BRACKETRY_", extra="ignore")

    database_url: str = Field(
        "sqlite:///./bracketry.db", description="SQLAlchemy URL of the system of record."
    )
    admin_token: str | None = Field(
        None, description="Bearer token for mutations; generated and stored on first run if unset."
    )
    async_threshold: int = Field(
        128, ge=2, description="Player count from which generation runs in the background."
    )
    worker_threads: int = Field(2, ge=1, le=64, description="Threads of the in-process worker.")
    max_enrollment_batch: int = Field(100_000, ge=1, description="Most players in one request.")
    max_page_size: int = Field(10_000, ge=1, description="Most sessions in one page.")
    broker_url: str | None = Field(
        None, description="Celery broker (e.g. redis://127.0.0.1:6379/0); unset: in-process worker."
    )
    queue_name: str = Field("tournaments", min_length=1, description="Celery queue of generation.")
    task_rate_limit: str | None = Field(
        None,
        description="Celery rate limit per worker, e.g. 10/m (unset or empty: none, so no "
        "launch waits on it).",
    )
    task_max_retries: int = Field(2, ge=0, description="Retries of a transient failure.")
    task_retry_delay_s: float = Field(30.0, ge=0, description="Delay before each retry.")
    heartbeat_interval_s: float = Field(2.0, gt=0, description="How often a running job beats.")
    stale_after_s: float = Field(
        20.0, gt=0, description="A job silent this long is taken as lost and run again."
    )
    worker_check_ttl_s: float = Field(10.0, ge=0, description="Cache of the worker check.")
    jwt_secret: str | None = Field(
        None, description="Key signing access tokens; generated and stored on first run if unset."
    )
    access_token_minutes: int = Field(15, ge=1, le=1440, description="Access token lifetime.")
    refresh_token_days: int = Field(7, ge=1, le=365, description="Refresh token lifetime.")
    allow_registration: bool = Field(True, description="Whether players may sign up.")
    login_attempts: int = Field(
        10, ge=1, description="Failed logins per name and address per window before 429."
    )
    login_window_s: int = Field(300, ge=1, description="The login rate limit's window.")
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins allowed cross-site (none by default)."
    )
    frame_ancestors: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Sites that may show the public tournament pages (/t/{id}) in a frame: "
        "origins separated by spaces, like `https://club.example https://*.league.example`; "
        "unset: no site may frame any page. Every other page and the API are never framed.",
    )
    max_concurrent_writes: int = Field(
        4,
        ge=1,
        le=64,
        description="Mutations one process runs at once; more wait without holding a thread "
        "or a database connection (a process computes one at a time anyway: more threads "
        "only take turns on the interpreter).",
    )
    max_body_bytes: int = Field(
        32 * 1024 * 1024,
        ge=1024,
        description="Largest request body of a bulk route (enrollments, imports, result "
        "batches) from a signed-in caller (413 above).",
    )
    default_body_bytes: int = Field(
        1024 * 1024, ge=1024, description="Largest request body of any other route."
    )
    anonymous_body_bytes: int = Field(
        64 * 1024, ge=1024, description="Largest request body from a caller not signed in."
    )
    header_timeout_s: float = Field(
        10.0, gt=0, description="A connection must send a request's headers within this time."
    )
    body_timeout_s: float = Field(
        30.0, gt=0, description="A request's whole body must arrive within this time (408)."
    )
    max_streams: int = Field(
        1000, ge=1, description="Live event streams one process serves at once (503 above)."
    )
    max_streams_per_client: int = Field(
        8, ge=1, description="Live event streams one client address may hold at once (429)."
    )
    login_attempts_per_address: int = Field(
        50, ge=1, description="Sign-in attempts per client address per window, any name (429)."
    )
    password_hash_slots: int = Field(
        2, ge=1, le=64, description="Password checks (argon2) one process runs at once."
    )
    refresh_chain_days: int = Field(
        30, ge=1, le=3650, description="Absolute lifetime of a sign-in, however often renewed."
    )
    host: str = Field("127.0.0.1", description="Address `bracketry serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `bracketry serve` listens on.")

    @field_validator("frame_ancestors", mode="before")
    @classmethod
    def _frame_origins(cls, value: Any) -> list[str]:
        return frame_origins(value)


def frame_origins(value: Any) -> list[str]:
    """``value`` (a space-separated text, a JSON list or a list) as origins in lower case; a
    value that is not an origin is refused, naming the setting."""
    if isinstance(value, str) and value.lstrip().startswith("["):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise ValueError(f"BRACKETRY_FRAME_ANCESTORS: not a JSON list ({error})") from None
    given = value.split() if isinstance(value, str) else list(value or [])
    origins = []
    for item in given:
        origin = str(item).strip().lower().rstrip("/")
        if not ORIGIN.fullmatch(origin):
            raise ValueError(
                f"BRACKETRY_FRAME_ANCESTORS: {str(item)!r} is not an origin; give a scheme and "
                "a host (and a port), separated by spaces, like https://club.example"
            )
        origins.append(origin)
    return origins


def markdown_table() -> str:
    """Every setting as a Markdown table (variable, meaning, default): the table of
    docs/operations.md is this text, so the two cannot drift apart."""
    lines = ["| variable | meaning | default |", "| --- | --- | --- |"]
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        shown = "unset" if default is None or default == [] else f"`{default}`"
        meaning = (field.description or "").replace("|", "\\|")
        lines.append(f"| `BRACKETRY_{name.upper()}` | {meaning} | {shown} |")
    return "\n".join(lines)


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()


if __name__ == "__main__":
    print(markdown_table())
