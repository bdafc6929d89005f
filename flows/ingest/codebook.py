"""Codebooks (data/catalogue/*_codebook.yml): what each column may hold, and how to read it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from flows.errors import BymonitorError
from flows.ingest.landing import insert_rows
from flows.ingest.towns import REGIONAL, fold, match_town
from flows.settings import REPO_ROOT

SURVEY_CODEBOOK = REPO_ROOT / "data" / "catalogue" / "survey_codebook.yml"
INTERVIEW_CODEBOOK = REPO_ROOT / "data" / "catalogue" / "interview_codebook.yml"


class CodebookError(BymonitorError):
    """A codebook file is malformed."""


@dataclass(frozen=True)
class Scale:
    values: dict[str, dict[str, str]]  # code → {"nb": label, "en": label}
    aliases: dict[str, str] = field(default_factory=dict)

    def code(self, text: str) -> str | None:
        folded = fold(text)
        for code in self.values:
            if fold(code) == folded:
                return code
        for alias, code in self.aliases.items():
            if fold(alias) == folded:
                return code
        return None

    def describe(self) -> str:
        return ", ".join(self.values)


@dataclass(frozen=True)
class Column:
    """One column of an input file and the rule its values follow."""

    id: str
    column: str
    type: str
    required: bool = False
    group: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    scale: Scale | None = None
    minimum: float | None = None
    maximum: float | None = None

    def read(self, text: str, wave: int) -> tuple[str | None, str | None]:
        """(normalised value, None) or (None, reason in plain words); empty gives (None, None)."""
        if text == "":
            return None, ("a value is required" if self.required else None)
        kind = self.type
        if kind in ("id", "identity"):
            return text, None
        if kind == "town":
            town = match_town(text)
            if town:
                return town, None
            return None, f"{text!r} is not one of the ten towns{lookalike_note(text)}"
        if kind == "town_or_regional":
            if fold(text) in (REGIONAL, "regionalt", "region", "regional aktor"):
                return REGIONAL, None
            town = match_town(text)
            return (
                (town, None)
                if town
                else (
                    None,
                    f"{text!r} is not one of the ten towns or 'regional'{lookalike_note(text)}",
                )
            )
        if kind in ("choice", "yesno", "likert5"):
            assert self.scale is not None
            code = self.scale.code(_decimal_integer(text))
            if code is None:
                return None, f"{text!r} is not an allowed answer ({self.scale.describe()})"
            return code, None
        if kind == "year":
            if not re.fullmatch(r"\d{4}", _decimal_integer(text)):
                return None, f"{text!r} is not a year"
            year = int(_decimal_integer(text))
            low = int(self.minimum or 1800)
            if not low <= year <= wave:
                return None, f"{year} is outside {low}–{wave}"
            return str(year), None
        if kind == "number":
            try:
                number = float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))
            except ValueError:
                return None, f"{text!r} is not a number"
            if (self.minimum is not None and number < self.minimum) or (
                self.maximum is not None and number > self.maximum
            ):
                return None, f"{text} is outside {self.minimum:g}–{self.maximum:g}"
            return f"{number:g}", None
        if kind == "date":
            try:
                day = _parse_date(text)
            except ValueError:
                return None, f"{text!r} is not a date (use 2024-03-15 or 15.03.2024)"
            if day.year != wave:
                return None, f"{text!r} is outside wave {wave} (a wave's dates are in its year)"
            return day.isoformat(), None
        if kind == "list":
            assert self.scale is not None
            codes, unknown = [], []
            for part in re.split(r"[;,|]", text):
                if part.strip():
                    code = self.scale.code(part.strip())
                    (codes if code else unknown).append(code or part.strip())
            if unknown:
                return None, f"unknown theme(s) {', '.join(map(repr, unknown))}"
            return ";".join(dict.fromkeys(codes)), None
        raise CodebookError(f"unknown column type {kind!r} for {self.column}")


def _decimal_integer(text: str) -> str:
    """'4,0' or '4.0' (a number exported with decimals) → '4'."""
    match = re.fullmatch(r"(\d+)[.,]0+", text.strip())
    return match.group(1) if match else text


def _parse_date(text: str) -> date:
    text = text.strip()[:10]
    for pattern in (r"(\d{4})-(\d{2})-(\d{2})", r"(\d{1,2})\.(\d{1,2})\.(\d{4})"):
        match = re.fullmatch(pattern, text)
        if match:
            a, b, c = (int(x) for x in match.groups())
            return date(a, b, c) if pattern.startswith(r"(\d{4})") else date(c, b, a)
    raise ValueError(text)


def _scale(document: dict[str, Any], name: str) -> Scale:
    entry = document["scales"][name]
    aliases = {str(k): str(v) for k, v in (entry.get("aliases") or {}).items()}
    return Scale({str(k): v for k, v in entry["values"].items()}, aliases)


@dataclass(frozen=True)
class SurveyCodebook:
    respondent_id: Column
    items: list[Column]

    @property
    def columns(self) -> list[Column]:
        return [self.respondent_id, *self.items]


def load_survey_codebook(path: Path = SURVEY_CODEBOOK) -> SurveyCodebook:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    rid = document["respondent_id"]
    items = []
    for entry in document["items"]:
        kind = entry["type"]
        scale = None
        if kind in ("yesno", "likert5"):
            scale = _scale(document, kind)
        elif kind == "choice":
            aliases = {str(k): str(v) for k, v in (entry.get("aliases") or {}).items()}
            scale = Scale({str(k): v for k, v in entry["values"].items()}, aliases)
        items.append(
            Column(
                id=entry["id"],
                column=entry.get("column", entry["id"]),
                type=kind,
                required=bool(entry.get("required", False)),
                group=entry.get("group"),
                labels={"nb": entry["nb"], "en": entry["en"]},
                scale=scale,
                minimum=entry.get("min"),
            )
        )
    ids = [i.id for i in items]
    if len(ids) != len(set(ids)):
        raise CodebookError(f"{path}: item ids must be unique")
    return SurveyCodebook(Column("respondent_id", rid["column"], "id", True), items)


def load_interview_codebook(path: Path = INTERVIEW_CODEBOOK) -> list[Column]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    columns = []
    for name, entry in document["columns"].items():
        scale_name = entry.get("scale") or ("yesno" if entry["type"] == "yesno" else None)
        columns.append(
            Column(
                id=name,
                column=name,
                type=entry["type"],
                required=bool(entry.get("required", False)),
                scale=_scale(document, scale_name) if scale_name else None,
                minimum=entry.get("min"),
                maximum=entry.get("max"),
            )
        )
    return columns


def interview_scales(path: Path = INTERVIEW_CODEBOOK) -> dict[str, Scale]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: _scale(document, name) for name in document["scales"]}


def scale_rows(scales: dict[str, Scale]) -> list[tuple[str, str, str, str, int]]:
    """A codebook's scales as the warehouse keeps them: (scale, code, label in bokmål, label in
    English, place in the scale from 1), for raw.plan_codebook and raw.interview_codebook."""
    return [
        (name, code, labels["nb"], labels["en"], order)
        for name, scale in scales.items()
        for order, (code, labels) in enumerate(scale.values.items(), start=1)
    ]


def write_interview_codebook(con: Any, path: Path = INTERVIEW_CODEBOOK) -> int:
    """Replace raw.interview_codebook with the interview codebook's scales (codes, labels,
    order), in the caller's transaction: the warehouse's copy, which the marts (dim_code) and so
    the report read. The YAML stays its only source. Returns the number of codes."""
    rows = scale_rows(interview_scales(path))
    con.execute("delete from raw.interview_codebook")
    insert_rows(con, "raw.interview_codebook", rows)
    return len(rows)


def lookalike_note(text: str) -> str:
    """Say so when a name holds letters from another script that look like Latin ones."""
    import unicodedata

    foreign = [c for c in text if c.isalpha() and not unicodedata.name(c, "").startswith("LATIN")]
    if not foreign:
        return ""
    names = ", ".join(f"{c!r} {unicodedata.name(c, '?').lower()}" for c in dict.fromkeys(foreign))
    return f" (it has letters from another script that look like Latin ones: {names})"
