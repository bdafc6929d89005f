"""One settings object for the whole platform, read from `BYMONITOR_*` environment variables."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from flows.errors import BymonitorError

REPO_ROOT = Path(__file__).resolve().parent.parent

#: Where a run can be held for the fault tests (`hold_at`, flows/holdpoints.py), in the order a
#: run passes them, and what has happened when the run is held there.
HOLD_POINTS = {
    "ingest": "every input file is loaded into the working copy and landed",
    "build": "dbt has built the marts in the working copy",
    "check": "the gate has run and its verdict is recorded in the working copy",
    "publish": "the report's pages are rendered, nothing of them is written yet",
}


class Settings(BaseSettings):
    """Where things live and how a refresh behaves.

    Code, templates, the dbt project and the suites are read from the repository; everything a
    run writes (warehouse, landing zone, publications, Prefect's state) lives under `home`. Two
    caches that only save time are kept in the checkout's `.cache/`, shared by its homes: dbt's
    last parse of the project and the charts drawn before (`chart_cache_dir`).
    """

    model_config = SettingsConfigDict(env_prefix="BYMONITOR_", extra="ignore")

    home: Path = Field(
        default=REPO_ROOT,
        description="Root for everything a run writes: warehouse/, reports/published/, .prefect/.",
    )
    sample_dir: Path = Field(
        default=REPO_ROOT / "data" / "sample",
        description="The embedded input files that the sample run (`bymonitor run`) ingests.",
    )
    input_dir: Path | None = Field(
        default=None,
        description="The county's survey and interview files for live runs (`run --live`): "
        "survey/ and interviews/ with the wave in each file name, or a manifest.yml. Never the "
        "embedded sample.",
    )
    history_years: int = Field(
        default=10,
        ge=1,
        le=50,
        description="Length of the report period: the report year and this many years before.",
    )
    lang: str = Field(default="nb", pattern="^(nb|en)$", description="Report language.")
    pdf: bool = Field(
        default=True,
        description="Publish the printable report.pdf beside the web pages. Laying out the PDF "
        "is the slowest part of publishing (about half a minute); `BYMONITOR_PDF=false` leaves "
        "it out of quick runs on a laptop. The scheduled refresh keeps the default.",
    )
    chart_cache_dir: Path | None = Field(
        default=REPO_ROOT / ".cache" / "charts",
        description="Charts rendered before, reused when a chart's Vega-Lite specification and "
        "number format are the same (`flows.publish.charts`); unset (empty) renders every chart.",
    )
    hold_at: str | None = Field(
        default=None,
        pattern=f"^({'|'.join(HOLD_POINTS)})$",
        description="Fault injection for the fault tests: a run stops at this named point "
        f"({', '.join(HOLD_POINTS)}), says so on stderr and waits to be killed.",
    )
    statbank_url: str = Field(
        default="https://data.ssb.no/api/pxwebapi/v2",
        description="Base URL of StatBank's PxWebApi 2 (for `ingest statbank --live`).",
    )
    statbank_requests_per_minute: float = Field(
        default=30,
        gt=0,
        description="Request rate limit for the StatBank API (SSB allows 40 per sliding minute "
        "and asks for 30; more than 40 is refused for SSB's address).",
    )
    statbank_timeout_s: float = Field(default=60, gt=0, description="Timeout per API request.")
    statbank_max_attempts: int = Field(
        default=5, ge=1, le=10, description="Attempts per API request before a table fails."
    )
    statbank_cache_hours: float = Field(
        default=24, ge=0, description="How long an API answer is reused from the on-disk cache."
    )
    pseudonym_key: SecretStr | None = Field(
        default=None,
        description="Key for the keyed pseudonyms of survey and interview identities (required "
        "for real files; the embedded sample uses a demo key).",
    )
    lock_wait_s: float = Field(
        default=10, ge=0, description="How long a second writer waits for the first to finish."
    )
    prefect_startup_timeout_s: int = Field(
        default=120,
        ge=10,
        description="How long to wait for Prefect's temporary local server to start.",
    )

    @field_validator("chart_cache_dir", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _polite_to_ssb(self) -> Settings:
        if "ssb.no" in self.statbank_url and self.statbank_requests_per_minute > 40:
            raise ValueError(
                "BYMONITOR_STATBANK_REQUESTS_PER_MINUTE above 40: SSB's StatBank allows 40 "
                "requests per sliding minute (and asks for 30)"
            )
        return self

    @cached_property
    def warehouse_dir(self) -> Path:
        return self.home / "warehouse"

    # Set by `flows.transaction` while a run writes to its working copy of the warehouse.
    _working_warehouse: Path | None = PrivateAttr(default=None)

    @cached_property
    def committed_warehouse_path(self) -> Path:
        """The warehouse readers see: replaced as a whole when a run succeeds."""
        return self.warehouse_dir / "bymonitor.duckdb"

    @property
    def warehouse_path(self) -> Path:
        """The DuckDB file to work on: a run's working copy inside a run, else the committed one."""
        return self._working_warehouse or self.committed_warehouse_path

    def working_on(self, path: Path) -> Settings:
        """These settings, with the warehouse at `path` (a run's working copy)."""
        copy = self.model_copy()
        copy._working_warehouse = path
        return copy

    @cached_property
    def landing_dir(self) -> Path:
        return self.warehouse_dir / "landing"

    @cached_property
    def lock_path(self) -> Path:
        return self.warehouse_dir / ".writer.lock"

    @cached_property
    def dbt_target_dir(self) -> Path:
        return self.warehouse_dir / "dbt-target"

    @cached_property
    def published_dir(self) -> Path:
        return self.home / "reports" / "published"

    @cached_property
    def prefect_home(self) -> Path:
        return self.home / ".prefect"

    # Parts of the code base, always read from the repository.
    @property
    def dbt_project_dir(self) -> Path:
        return REPO_ROOT / "dbt"

    @property
    def expectations_dir(self) -> Path:
        return REPO_ROOT / "expectations"

    @property
    def templates_dir(self) -> Path:
        return REPO_ROOT / "reports" / "templates"

    @property
    def static_dir(self) -> Path:
        return REPO_ROOT / "reports" / "static"

    def publication_dir(self, year: int) -> Path:
        return self.published_dir / str(year)


class SettingsError(BymonitorError):
    """A BYMONITOR_* variable holds a value bymonitor cannot use."""


# What to write instead, for settings whose rule reads poorly in pydantic's words.
HINTS = {"lang": "use nb or en"}
SECRET = {"pseudonym_key"}  # never echoed, not even when wrong


def get_settings() -> Settings:
    """Read the settings from the environment now (not cached: tests change the environment).
    A value that breaks a rule is SettingsError: one sentence naming the variable."""
    try:
        return Settings()
    except ValidationError as exc:
        raise SettingsError(describe_invalid(exc)) from None


def describe_invalid(exc: ValidationError) -> str:
    """Each broken rule as `BYMONITOR_X='value' is not valid: why`, joined into one sentence."""
    parts = []
    for error in exc.errors():
        reason = str(error["msg"]).removeprefix("Value error, ")
        if not error["loc"]:  # a rule over several settings: its message names them
            parts.append(reason)
            continue
        name = str(error["loc"][0])
        variable = f"BYMONITOR_{name.upper()}"
        shown = variable if name in SECRET else f"{variable}={error.get('input')!r}"
        reason = HINTS.get(name, reason[:1].lower() + reason[1:])
        parts.append(f"{shown} is not valid: {reason}")
    return "; ".join(parts)
