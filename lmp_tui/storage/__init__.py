"""Storage: SQLAlchemy 2 typed ORM, exact column types, engines and Alembic migrations."""
