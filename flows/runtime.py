"""Process-wide environment for the frameworks: no phone-home, state kept under BYMONITOR_HOME.

Prefect, dbt and Great Expectations read these variables when they start, so `configure()` runs
before any of them is imported (the CLI and the flow module call it first).
"""

from __future__ import annotations

import contextlib
import os
import shutil

from flows.settings import REPO_ROOT, Settings

# An empty Prefect database with every migration applied, made once by `make install`: a new
# BYMONITOR_HOME starts from a copy instead of migrating a new database (several seconds).
PREFECT_TEMPLATE = REPO_ROOT / ".cache" / "prefect-template" / "prefect.db"

# Telemetry and analytics of every framework in the stack, switched off.
NO_PHONE_HOME = {
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "GX_ANALYTICS_ENABLED": "false",
}


def configure(settings: Settings) -> None:
    """Set the environment the frameworks read at start-up (user-set values win, but not for
    telemetry, which is always off)."""
    os.environ.update(NO_PHONE_HOME)
    with contextlib.suppress(OSError):  # a read-only home: only commands that read get here
        settings.prefect_home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(settings.prefect_home))
    os.environ.setdefault(
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", str(settings.prefect_startup_timeout_s)
    )
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
    # Our `flows.*` loggers go to the run's log in Prefect (and its UI); outside a run, quietly not.
    os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "flows")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    # Prefect's temporary server needs no UI assets and no scheduler for a one-off refresh, and
    # no block types registered in its database (~1.5 s of its start; the flows use no blocks).
    os.environ.setdefault("PREFECT_SERVER_UI_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_REGISTER_BLOCKS_ON_START", "false")


def seed_prefect_database(settings: Settings) -> None:
    """Give a new home's temporary Prefect server a migrated database to start from (only when
    a flow is about to run without a Prefect server of its own). A speed-up, never a failure."""
    database = settings.prefect_home / "prefect.db"
    if PREFECT_TEMPLATE.exists() and not database.exists() and "PREFECT_API_URL" not in os.environ:
        try:
            shutil.copyfile(PREFECT_TEMPLATE, database)
        except OSError:
            database.unlink(missing_ok=True)


def warm_up_in_background() -> None:
    """Import the gate's and the charts' libraries in a background thread while the main
    thread waits for dbt's process (several seconds of idle waiting otherwise)."""
    import importlib
    import threading

    def load() -> None:
        for name in ("great_expectations", "vl_convert"):  # the PDF has its own process
            try:
                importlib.import_module(name)
            except Exception:  # an import that fails here fails loudly where it is used
                return

    threading.Thread(target=load, name="warm-up-imports", daemon=True).start()
