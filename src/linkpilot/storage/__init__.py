"""Storage: SQLAlchemy models, migrations, repositories, imports. Never imports engine or console."""
