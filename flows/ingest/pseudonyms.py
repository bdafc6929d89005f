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

# A key must be long and varied enough that nobody can guess it and recompute the pseudonyms
# from names and e-mail addresses. `secrets.token_urlsafe(32)` gives 43 characters.
MIN_KEY_BYTES = 32
MIN_KEY_CHARACTERS = 10  # different characters: not `aaaa…` or `1212…`
NEW_KEY = 'python3 -c "import secrets; print(secrets.token_urlsafe(32))"'
# What the key's fingerprint is an HMAC of: it tells keys apart without giving one away.
FINGERPRINT_LABEL = b"bymonitor: which pseudonym key"


class MissingPseudonymKey(BymonitorError):
    """Personal data cannot be ingested without a key."""


class WeakPseudonymKey(BymonitorError):
    """A key short or plain enough to be guessed, which would undo the pseudonyms."""


class Pseudonymiser:
    def __init__(self, key: str, is_demo: bool = False) -> None:
        self._key = key.encode("utf-8")
        self.is_demo = is_demo

    @property
    def fingerprint(self) -> str:
        """Which key this is (HMAC-SHA256 of a fixed label, 16 hex digits), stored with each
        load so that waves pseudonymised under different keys are never mixed."""
        return hmac.new(self._key, FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:16]

    def check_strength(self) -> None:
        """Refuse a key that could be guessed (the demo key is public anyway, and used only for
        the invented people of the embedded sample)."""
        if self.is_demo:
            return
        advice = (
            f"use a random key of at least {MIN_KEY_BYTES} bytes, for example the output of "
            f"`{NEW_KEY}`, kept in the county's secret store"
        )
        if not self._key:
            raise WeakPseudonymKey(
                "BYMONITOR_PSEUDONYM_KEY is empty, and pseudonyms made with an empty key can be "
                f"recomputed by anyone from the names and e-mail addresses: {advice}"
            )
        if len(self._key) < MIN_KEY_BYTES:
            length = f"{len(self._key)} byte" + ("s" if len(self._key) > 1 else "")
            raise WeakPseudonymKey(
                f"BYMONITOR_PSEUDONYM_KEY is {length} long, too short to keep the pseudonyms "
                f"from being recomputed by guessing it: {advice}"
            )
        if len(set(self._key)) < MIN_KEY_CHARACTERS:
            variety = len(set(self._key))
            raise WeakPseudonymKey(
                f"BYMONITOR_PSEUDONYM_KEY is made of {variety} different characters only, too "
                f"plain to keep the pseudonyms from being recomputed by guessing it: {advice}"
            )

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
