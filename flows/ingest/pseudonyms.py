"""Keyed pseudonyms (HMAC-SHA256) for every personal identifier, applied at ingestion."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from pathlib import Path

from flows.errors import BymonitorError
from flows.settings import REPO_ROOT, Settings

# Used only for files inside the repository's embedded sample, whose identities are fake.
DEMO_KEY = "bymonitor-demo-key: for the embedded sample only, not a secret"
SAMPLE_ROOT = REPO_ROOT / "data" / "sample"


DEMO_NOTICE = "pseudonymised with the built-in demo key: embedded sample only"


class MissingPseudonymKey(BymonitorError):
    """Personal data cannot be ingested without a key."""


class Pseudonymiser:
    def __init__(self, key: str, is_demo: bool = False) -> None:
        self._key = key.encode("utf-8")
        self.is_demo = is_demo

    def __call__(self, kind: str, value: str) -> str:
        """The same person (or respondent, organisation) always gets the same pseudonym."""
        normalised = unicodedata.normalize("NFKC", value).strip().casefold()
        digest = hmac.new(self._key, f"{kind}\x1f{normalised}".encode(), hashlib.sha256)
        return f"{kind[:3]}_{digest.hexdigest()[:20]}"


def pseudonymiser_for(settings: Settings, paths: list[Path]) -> Pseudonymiser:
    """The configured key; the demo key only when every file is part of the embedded sample."""
    if settings.pseudonym_key is not None:
        return Pseudonymiser(settings.pseudonym_key.get_secret_value())
    if paths and all(_inside(p, SAMPLE_ROOT) for p in paths):
        return Pseudonymiser(DEMO_KEY, is_demo=True)
    raise MissingPseudonymKey(
        "BYMONITOR_PSEUDONYM_KEY is not set: survey and interview files hold personal data and "
        "are pseudonymised with that key at ingestion (keep it secret and the same every year)"
    )


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
