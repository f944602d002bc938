"""Background execution of generation jobs (the in-process runner of the embedded default)."""
