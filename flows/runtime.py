"""Process-wide environment for the frameworks: no phone-home, state kept under BYMONITOR_HOME.

Prefect, dbt and Great Expectations read these variables when they start, so `configure()` runs
before any of them is imported (the CLI and the flow module call it first).
"""

from __future__ import annotations

import os

from flows.settings import Settings

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
    # Prefect's temporary server needs no UI assets and no scheduler for a one-off refresh.
    os.environ.setdefault("PREFECT_SERVER_UI_ENABLED", "false")
