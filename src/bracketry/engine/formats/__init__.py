"""One module per tournament format, each generating a Bracket."""
