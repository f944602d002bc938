"""Pydantic shapes shared by the service, the HTTP API and the CLI (``XCreate`` / ``XRead``)."""
