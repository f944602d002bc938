"""The pure tournament engine: no database, no HTTP, no clock, no global random state.

Everything here works on plain dataclasses and numpy arrays so that a bracket of a
million players is arithmetic on arrays, not a loop over Python objects.
"""
