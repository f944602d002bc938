"""``python -m bracketry.cli``: the same as the ``bracketry`` command."""

from bracketry.cli import app

app(prog_name="bracketry")
