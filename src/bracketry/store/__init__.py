"""Persistence: SQLAlchemy models, migrations, the database handle and the bulk writer."""
