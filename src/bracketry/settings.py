"""Settings from the environment (prefix ``BRACKETRY_``); every default works on a laptop."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
