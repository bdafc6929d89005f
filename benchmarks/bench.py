"""`make bench`: time the whole refresh in four scenarios, each in a fresh BYMONITOR_HOME.

S  `bymonitor run` on the embedded sample, cold (new home: new warehouse, Prefect state, dbt parse)
R  the same again in S's home, inputs unchanged
N  `bymonitor run` on a national-size input (benchmarks/national_input.py), cold
F  the floor: the same work with no orchestration (benchmarks/floor.py)

For each: wall time per stage and in total, CPU time (user + system of the whole process tree),
peak resident memory of the process tree (sampled every 50 ms from /proc), rows processed.
Three repetitions (BENCH_REPEAT), median reported. Writes benchmarks/results.json and the table
in docs/performance.md, and prints the table with the ratios S/F, R/S and N/S.

B  with BENCH_BASELINE=<commit> (`make bench BASELINE=<commit>`): S of that commit, run in the
   same rounds, interleaved with this tree's S (a git worktree of the commit, same environment),
   so the two are compared on the same machine under the same load; prints S/B.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = REPO / "benchmarks" / "results.json"
DOC = REPO / "docs" / "performance.md"
BENCH_KEY = "benchmark-key-not-secret-Kx4v-Qp8m-Zr2t"  # long enough for real files
MARK_START, MARK_END = "<!-- bench:start -->", "<!-- bench:end -->"


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return found


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / 1024


def measure(command: list[str], env: dict[str, str]) -> dict:
    """Run a command; wall time, CPU time of its tree, peak RSS of its tree, its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)  # fmt: skip
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _rss_mb(_tree(process.pid)))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{out}\n{err}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"total_s": wall, "cpu_s": cpu, "peak_rss_mb": peak, "stdout": out}


def _last_run(home: Path) -> tuple[dict[str, float], int]:
    con = duckdb.connect(str(home / "warehouse" / "bymonitor.duckdb"), read_only=True)
    try:
        [run_id] = con.execute(
            "select run_id from ops.runs order by started_at desc limit 1").fetchone()  # fmt: skip
        rows = con.execute(
            "select stage, seconds, rows from ops.run_stages where run_id = ? order by position",
            [run_id],
        ).fetchall()
        processed = con.execute("select sum(rows_loaded) from raw._loads").fetchone()[0]
    finally:
        con.close()
    return {stage: seconds for stage, seconds, _ in rows}, int(processed or 0)


def _env(home: Path, inputs: Path | None, code: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "BYMONITOR_"))}
    env["BYMONITOR_HOME"] = str(home)
    # every scenario draws its charts, as a year with new figures does (no reuse of the
    # checkout's chart cache, which the tests and repeated laptop runs fill)
    env["BYMONITOR_CHART_CACHE_DIR"] = str(home.parent / f"{home.name}-charts")
    if code:  # the baseline's `flows` package instead of this tree's
        env["PYTHONPATH"] = str(code)
    if inputs:
        env.update({"BYMONITOR_SAMPLE_DIR": str(inputs), "BYMONITOR_PSEUDONYM_KEY": BENCH_KEY})
    return env


def baseline_tree(commit: str, scratch: Path) -> Path:
    """A worktree of the baseline commit that shares this checkout's environment and its
    migrated Prefect template (made by `make install`)."""
    tree = scratch / "baseline"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(tree), commit],
                   check=True, capture_output=True)  # fmt: skip
    template = REPO / ".cache"
    if template.exists():
        (tree / ".cache").symlink_to(template)
    return tree


def one_round(scratch: Path, national: Path, baseline: Path | None = None) -> dict[str, dict]:
    results = {}
    if baseline:  # first, so neither side always runs right after the other's warm caches
        home_b = scratch / "B"
        # -P: the baseline tree on PYTHONPATH, not the current directory, provides `flows`
        code = [sys.executable, "-P", "-c", "from flows.cli import app; app()", "run"]
        measured = measure(code, _env(home_b, None, baseline))
        stages, rows = _last_run(home_b)
        results["B"] = {**measured, "stages": stages, "rows": rows}
    home = scratch / "S"
    run = [str(BIN / "bymonitor"), "run"]
    measured = measure(run, _env(home, None))
    stages, rows = _last_run(home)
    results["S"] = {**measured, "stages": stages, "rows": rows}
    measured = measure(run, _env(home, None))
    stages, _ = _last_run(home)
    results["R"] = {**measured, "stages": stages, "rows": 0}
    home_n = scratch / "N"
    measured = measure(run, _env(home_n, national))
    stages, rows = _last_run(home_n)
    results["N"] = {**measured, "stages": stages, "rows": rows}
    from floor import prepare

    work = scratch / "F"
    manifest = prepare(home, work)  # untimed set-up
    floor_env = {**os.environ, "BYMONITOR_CHART_CACHE_DIR": str(scratch / "F-charts")}
    measured = measure([sys.executable, str(REPO / "benchmarks" / "floor.py"), str(home),
                        str(work), str(manifest)], floor_env)  # fmt: skip
    floor = json.loads(measured["stdout"].strip().splitlines()[-1])
    results["F"] = {**measured, "stages": floor["stages"], "rows": results["S"]["rows"]}
    return results


def median_of(rounds: list[dict[str, dict]]) -> dict[str, dict]:
    summary = {}
    for key in ("S", "R", "N", "F", "B"):
        if key not in rounds[0]:
            continue
        runs = [r[key] for r in rounds]
        stages = {name: round(statistics.median(r["stages"].get(name, 0.0) for r in runs), 2)
                  for name in runs[0]["stages"]}  # fmt: skip
        summary[key] = {
            "total_s": round(statistics.median(r["total_s"] for r in runs), 2),
            "stages": stages,
            "cpu_s": round(statistics.median(r["cpu_s"] for r in runs), 2),
            "peak_rss_mb": round(statistics.median(r["peak_rss_mb"] for r in runs), 1),
            "rows": runs[0]["rows"],
        }
    return summary


def _versions() -> dict[str, str]:
    from importlib.metadata import version

    names = ["prefect", "dbt-core", "dbt-duckdb", "duckdb", "great-expectations", "weasyprint"]
    return {"python": platform.python_version(), **{n: version(n) for n in names}}


def _machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory:.0f} GiB memory, {platform.platform()}"


def table(summary: dict[str, dict]) -> str:
    names = ["ingest", "build", "check", "publish"]
    lines = ["| scenario | total s | " + " | ".join(f"{n} s" for n in names)
             + " | other s | CPU s | peak RSS MB | rows |",
             "|---|---:|" + "---:|" * (len(names) + 4)]  # fmt: skip
    labels = {"S": "S sample, cold", "R": "R sample, rerun", "N": "N national, cold",
              "F": "F floor (no orchestration)", "B": "B baseline's S, cold"}  # fmt: skip
    for key, label in labels.items():
        if key not in summary:
            continue
        row = summary[key]
        staged = [row["stages"].get(n, 0.0) for n in names]
        other = row["total_s"] - sum(staged)
        lines.append(
            f"| {label} | {row['total_s']:.1f} | " + " | ".join(f"{s:.1f}" for s in staged)
            + f" | {other:.1f} | {row['cpu_s']:.1f} | {row['peak_rss_mb']:.0f} | {row['rows']:,} |"
        )  # fmt: skip
    s, r, n, f = (summary[k]["total_s"] for k in "SRNF")
    ratios = f"Ratios: S/F = {s / f:.2f}, R/S = {r / s:.2f}, N/S = {n / s:.2f}"
    if "B" in summary:
        ratios += f", S/B = {s / summary['B']['total_s']:.2f} (B: {summary['B']['commit']})"
    lines += ["", ratios + "."]
    return "\n".join(lines)


def main() -> None:
    repeat = int(os.environ.get("BENCH_REPEAT", "3"))
    commit = os.environ.get("BENCH_BASELINE") or None
    sys.path.insert(0, str(REPO / "benchmarks"))
    from national_input import generate

    rounds = []
    with tempfile.TemporaryDirectory(prefix="bymonitor-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        national = scratch / "national-input"
        generate(national)
        baseline = baseline_tree(commit, scratch) if commit else None
        try:
            for number in range(repeat):
                print(f"round {number + 1}/{repeat} …", file=sys.stderr, flush=True)
                round_dir = scratch / f"round-{number}"
                round_dir.mkdir()
                rounds.append(one_round(round_dir, national, baseline))
        finally:
            if baseline:
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force",
                                str(baseline)], check=False, capture_output=True)  # fmt: skip
    summary = median_of(rounds)
    if commit:
        summary["B"]["commit"] = commit
    meta = {"date": datetime.now(UTC).date().isoformat(), "machine": _machine(),
            "versions": _versions(), "repetitions": repeat}  # fmt: skip
    RESULTS.write_text(json.dumps({**summary, "meta": meta}, indent=2) + "\n", encoding="utf-8")
    rendered = table(summary)
    print(rendered)
    if DOC.exists() and MARK_START in DOC.read_text(encoding="utf-8"):
        text = DOC.read_text(encoding="utf-8")
        head, rest = text.split(MARK_START, 1)
        _, tail = rest.split(MARK_END, 1)
        versions = ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
        block = (f"{MARK_START}\nMeasured {meta['date']} on {meta['machine']}; {versions}; "
                 f"median of {repeat} repetitions.\n\n{rendered}\n{MARK_END}")  # fmt: skip
        DOC.write_text(head + block + tail, encoding="utf-8")
        print(f"updated {DOC.relative_to(REPO)} and {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
