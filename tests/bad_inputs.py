"""The bad-input corpus (tests/data/bad): its manifest and how to make each case's file."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

BAD_DIR = Path(__file__).parent / "data" / "bad"


@dataclass(frozen=True)
class BadInput:
    file: str
    source: str
    wrong: str
    outcome: str
    message: str = ""
    rows: int = 0
    rejects: list[list] = field(default_factory=list)
    sheet: str | None = None
    large: bool = False
    create: str | None = None

    @property
    def id(self) -> str:
        return Path(self.file).stem

    def path(self, workdir: Path, large_dir: Path | None) -> Path:
        """The file to feed in: committed, generated (large) or made now (file system cases)."""
        if self.large:
            assert large_dir is not None
            return large_dir / self.file
        if self.create is None:
            return BAD_DIR / self.file
        path = workdir / self.file
        if self.create == "directory":
            path.mkdir()
        elif self.create == "unreadable":
            if os.geteuid() == 0:  # root reads any file: use one whose read fails (EIO)
                path.symlink_to("/proc/self/mem")
            else:
                path.write_text("respondent_id;town\nB-1;Bodø\n", encoding="utf-8")
                path.chmod(0)
        elif self.create == "dangling_symlink":
            path.symlink_to(workdir / "gone.csv")
        return path

    def describe_outcome(self) -> str:
        if self.outcome == "rejected":
            return f"rejected whole: “{self.message.rstrip(' (')}…”"
        if not self.rejects:
            return f"loaded {self.rows:,} rows, none rejected"
        reasons = "; ".join(f"row {r} {c}: {reason}" for r, c, reason in self.rejects)
        return f"loaded {self.rows:,} rows; rejected {reasons}"


def load_manifest() -> list[BadInput]:
    entries = yaml.safe_load((BAD_DIR / "manifest.yml").read_text(encoding="utf-8"))
    return [BadInput(**entry) for entry in entries]
