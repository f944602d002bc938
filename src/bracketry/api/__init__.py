"""The HTTP API: each handler parses, calls one service function, and returns."""
