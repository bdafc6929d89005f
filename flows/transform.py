"""Build the marts: `dbt build` on the dbt project, in a subprocess.

A subprocess per build releases the DuckDB file when dbt exits; dbt's in-process runner keeps
it locked until the calling process ends.

dbt runs in the warehouse's folder and the profile names the file by its bare name, so that the
profile is the same in every home: dbt's partial parse (`partial_parse.msgpack`) then carries
over from one home to the next. A home without one starts from the last parse of this checkout
for the same file name (`PARSE_CACHE`: a run's working copy and the committed file have their
own); dbt checks it against the project's files, versions, variables and profile, and
parses again what changed (everything, if the profile or dbt's version changed).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flows import signals
from flows.errors import BymonitorError
from flows.runtime import NO_PHONE_HOME
from flows.settings import REPO_ROOT, Settings

PARSE_FILE = "partial_parse.msgpack"
# The last parse of the dbt project made by any home of this checkout, per warehouse file name
# (~3 s of dbt's start)
PARSE_CACHE = REPO_ROOT / ".cache" / "dbt-parse"


class BuildError(BymonitorError):
    """dbt did not build the marts cleanly."""


@dataclass(frozen=True)
class BuildResult:
    statuses: Counter[str]
    failures: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0

    def describe(self) -> str:
        counts = ", ".join(f"{n} {status}" for status, n in sorted(self.statuses.items()))
        return f"dbt build: {counts} in {self.elapsed_s:.1f} s"


def dbt_executable() -> str:
    """The dbt in the same environment as this Python, else the one on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    found = str(beside) if beside.exists() else shutil.which("dbt")
    if not found:
        raise BuildError("dbt is not installed in this environment (run `make install`)")
    return found


def run_dbt(settings: Settings, *command: str, extra: tuple[str, ...] = ()) -> BuildResult:
    """Run one dbt command (e.g. "build", or "docs", "generate") against the warehouse; raise
    BuildError naming what failed."""
    command = command or ("build",)
    settings.dbt_target_dir.mkdir(parents=True, exist_ok=True)
    cached = PARSE_CACHE / f"{settings.warehouse_path.name}.msgpack"
    _start_from_cached_parse(settings.dbt_target_dir, cached)
    env = {
        **os.environ,
        **NO_PHONE_HOME,
        # the bare name, opened in the warehouse's folder (dbt's working directory below)
        "BYMONITOR_WAREHOUSE": settings.warehouse_path.name,
        "DBT_PROFILES_DIR": str(settings.dbt_project_dir),
        # dbt's own debug log file costs ~10 % of a build; what it prints (info) is kept in
        # `<command>.log` below. DBT_LOG_LEVEL_FILE=debug in the environment keeps the file.
        "DBT_LOG_LEVEL_FILE": os.environ.get("DBT_LOG_LEVEL_FILE", "none"),
    }
    args = [
        dbt_executable(),
        "--no-use-colors",
        *command,
        "--project-dir",
        str(settings.dbt_project_dir),
        "--target-path",
        str(settings.dbt_target_dir),
        "--log-path",
        str(settings.dbt_target_dir / "logs"),
        *extra,
    ]
    # killed with the command if it is interrupted (SIGTERM, Ctrl-C), however early
    completed = signals.run(args, env=env, cwd=settings.warehouse_path.parent)
    name = "-".join(command)
    (settings.dbt_target_dir / f"{name}.log").write_text(completed.stdout + completed.stderr)
    result = _read_run_results(settings.dbt_target_dir / "run_results.json")
    if completed.returncode != 0:
        detail = "; ".join(result.failures) if result.failures else _last_lines(completed.stdout)
        raise BuildError(f"dbt {' '.join(command)} failed: {detail}")
    _keep_parse(settings.dbt_target_dir, cached)
    return result


def _start_from_cached_parse(target: Path, cached: Path) -> None:
    """A target folder without dbt's partial parse gets the checkout's last one (a speed-up,
    never a failure: dbt parses everything when it does not match)."""
    if not (target / PARSE_FILE).exists() and cached.exists():
        with contextlib.suppress(OSError):
            shutil.copyfile(cached, target / PARSE_FILE)


def _keep_parse(target: Path, cached: Path) -> None:
    """Keep this parse for the next new home (written whole, then renamed into place)."""
    parsed = target / PARSE_FILE
    if not parsed.exists():
        return
    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{cached.name}.{os.getpid()}.partial")
        shutil.copyfile(parsed, partial)
        os.replace(partial, cached)


def _read_run_results(path: Path) -> BuildResult:
    if not path.exists():
        return BuildResult(Counter())
    document = json.loads(path.read_text())
    statuses: Counter[str] = Counter()
    failures = []
    for node in document.get("results", []):
        status = str(node.get("status"))
        statuses[status] += 1
        if status in {"error", "fail"}:
            message = (node.get("message") or "").strip().splitlines()
            failures.append(f"{node['unique_id']}: {message[0] if message else status}")
    return BuildResult(statuses, failures, float(document.get("elapsed_time", 0.0)))


def _last_lines(text: str, n: int = 5) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-n:]) or "no output"
