"""Named points where a run can be held for the fault tests (`BYMONITOR_HOLD_AT`).

A fault test must kill a run at a known moment, not a number of seconds after a stage began
(which depends on the machine's speed). With `hold_at` set to a point's name, the run stops there,
prints one line on stderr and waits until it is killed. Unset (always, outside the tests), a
point costs one comparison.
"""

from __future__ import annotations

import sys
import time

from flows.settings import HOLD_POINTS, Settings

#: The points, in the order a run passes them, and what has happened when the run is held there
#: (kept in flows/settings.py, whose `hold_at` accepts only these names).
POINTS = HOLD_POINTS


def hold_point(settings: Settings, name: str) -> None:
    """Stop here for good if the settings name this point."""
    if settings.hold_at != name:
        return
    print(f"held at {name}: {POINTS[name]} (BYMONITOR_HOLD_AT)", file=sys.stderr, flush=True)
    while True:  # until killed; a signal handler may still raise out of the sleep
        time.sleep(3600)
