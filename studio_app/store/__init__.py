"""Persistence: SQLite through SQLAlchemy 2, Alembic migrations, blob store on disk."""
