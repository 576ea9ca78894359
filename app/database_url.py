"""Which database a command uses: `--db`, else TIMELINE_DB, else ./timeline.db.

Apart from app.db so that a command can name its database before it pays for the
database layer's imports (an ingest starts its analysis processes first).
"""
from __future__ import annotations

import os

DEFAULT_URL = "sqlite:///timeline.db"


def database_url(explicit: str | None = None) -> str:
    """`--db`, else the TIMELINE_DB environment variable, else ./timeline.db."""
    return explicit or os.environ.get("TIMELINE_DB") or DEFAULT_URL
