"""Backups of the desk's database: pg_dump/pg_restore on PostgreSQL, SQLite's online backup API.

Export files in MEDIA_ROOT are re-creatable and not included.
"""

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection


class BackupError(RuntimeError):
    pass


def backup(output: Path | None = None) -> Path:
    db = settings.DATABASES["default"]
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "dump" if _is_postgresql() else "sqlite3"
    output = output or settings.VAR_DIR / "backups" / f"factcheck-{stamp}.{suffix}"
    output.parent.mkdir(parents=True, exist_ok=True)
    if _is_postgresql():
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={output}", db["NAME"]], db)
    else:
        with sqlite3.connect(db["NAME"]) as source, sqlite3.connect(output) as target:
            source.backup(target)
    return output


def restore(path: Path) -> None:
    """Replace the database's contents with the backup's."""
    if not path.exists():
        raise BackupError(f"{path} does not exist")
    db = settings.DATABASES["default"]
    connection.close()
    if _is_postgresql():
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={db['NAME']}",
                str(path),
            ],
            db,
        )
    else:
        with sqlite3.connect(path) as source, sqlite3.connect(db["NAME"]) as target:
            source.backup(target)


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _run(command: list[str], db: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client)")
    env = {
        **os.environ,
        "PGHOST": str(db.get("HOST") or ""),
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": str(db.get("USER") or ""),
        "PGPASSWORD": str(db.get("PASSWORD") or ""),
    }
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")
