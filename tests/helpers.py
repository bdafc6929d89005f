"""Helpers shared by the tests: paths to the sample and a way to run the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from flows.settings import REPO_ROOT

SAMPLE_STATBANK = REPO_ROOT / "data" / "sample" / "statbank" / "07459_population_1jan.json"
SHARED_SSB = REPO_ROOT.parent / "shared" / "data" / "ssb"
BYMONITOR = Path(sys.executable).parent / "bymonitor"


def run_cli(home: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """Run the installed `bymonitor` command in its own process, as a user would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BYMONITOR_"))}
    env["BYMONITOR_HOME"] = str(home)
    return subprocess.run(
        [str(BYMONITOR), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def copy_sample(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLE_STATBANK, target / SAMPLE_STATBANK.name)
    return target / SAMPLE_STATBANK.name
