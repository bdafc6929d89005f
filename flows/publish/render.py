"""Render the yearly report (HTML pages, CSV downloads, manifest) and publish it atomically."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from flows import __version__, constants
from flows.errors import BymonitorError
from flows.gate import GateResult
from flows.holdpoints import hold_point
from flows.publish import planning, programme, waves
from flows.publish.context import (
    OWN_SOURCES,
    Context,
    change_figure,
    figures_as_of,
    marks_for,
    methods_page,
    origin_statements,
    population_figure,
    region_page,
    town_page,
    weakest,
)
from flows.publish.downloads import write_csvs, write_duckdb_copy, write_workbook
from flows.publish.formatting import Formatter
from flows.publish.marts import ReportData
from flows.publish.pdf import start_pdf
from flows.publish.quality import quality_view
from flows.publish.verify import verify_publication
from flows.settings import Settings


class PublishError(BymonitorError):
    """The report could not be published; the previous publication is unchanged."""


@dataclass(frozen=True)
class Publication:
    year: int
    directory: Path
    files: list[str]

    def describe(self) -> str:
        return f"published the {self.year} report: {self.directory / 'index.html'}"


class Messages(dict):
    """Message catalogue of one language; `t('key', year=2024)` fills placeholders."""

    def __call__(self, key: str, **values: Any) -> str:
        return self[key].format(**values)

    def __getattr__(self, key: str) -> str:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(f"no message {key!r}") from None


def load_messages(settings: Settings, lang: str) -> Messages:
    path = settings.templates_dir.parent / "messages" / f"{lang}.yml"
    return Messages(constants.fill_all(yaml.safe_load(path.read_text(encoding="utf-8"))))


def _environment(
    settings: Settings, fmt: Formatter, t: Messages, data: ReportData, lang: str
) -> Environment:
    """The templates' environment: the formatter, the messages and the missing values' words
    (`status_word(status)`) and statuses SSB marks with a symbol (`ssb_statuses`), from
    dim_value_status."""
    env = Environment(
        loader=FileSystemLoader(settings.templates_dir),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        fmt=fmt,
        t=t,
        has_pdf=settings.pdf,
        status_word=data.status_words(lang).__getitem__,
        ssb_statuses=data.ssb_symbol_statuses(),
    )
    return env


def _point(rows: list[dict], year: int) -> dict | None:
    return next((r for r in rows if r["year"] == year), None)


def build_pages(
    data: ReportData,
    gate: GateResult,
    year: int,
    settings: Settings,
    lang: str,
    stale: dict[str, str | None] | None = None,
) -> dict[str, str]:
    """Every HTML page of the report by file name, plus "quality" and "print" (for the PDF)."""
    t = load_messages(settings, lang)
    fmt = Formatter(lang, t["units_after"])
    env = _environment(settings, fmt, t, data, lang)
    ctx = Context(data, year, fmt, t, lang, settings.chart_cache_dir)
    ctx.theme_labels = {
        code: row[f"label_{lang}"] for code, row in data.codes("interviews", "themes").items()
    }
    start = year - settings.history_years
    period = range(start, year + 1)
    nordland_now = _point(data.area_series("nordland"), year) or {}
    towns = []
    for town in data.towns:
        series = data.town_series(town["town_id"])
        now = _point(series, year) or {}
        share = None
        if now.get("population") and nordland_now.get("population"):
            share = 100 * now["population"] / nordland_now["population"]
        towns.append(
            {
                **town,
                "now": now,
                "share_of_nordland": share,
                "period_rows": [r for r in series if r["year"] in period],
                "has_break": any(r["status"] == "series_break" for r in series),
            }
        )
        towns[-1]["chart"] = population_figure(ctx, towns[-1])
    for town in towns:
        town["page"] = town_page(ctx, town)
        town["planning"] = planning.town_section(ctx, town)
        town["programme"] = programme.town_section(ctx, town)
        town["over_time"] = waves.town_section(ctx, town)
    areas = [
        {"area_id": a, "name": rows[0]["area_name"], "now": _point(rows, year) or {}}
        for a in ("nordland", "norge")
        if (rows := data.area_series(a))
    ]
    places = [tw["now"] for tw in towns] + [a["now"] for a in areas]
    bars = change_figure(ctx, towns, areas)
    overview_marks = marks_for(p.get("origin") for p in places if p.get("population"))
    sources = source_list(data.used_loads, data.source_tables(), t, lang)
    weights = data.index_weights()
    ssb_statuses = env.globals["ssb_statuses"]  # dim_value_status, read once
    common = {
        "root": "",
        "year": year,
        "start": start,
        "towns": towns,
        "areas": areas,
        "gate": gate,
        "published": fmt.day(datetime.now(UTC).date()),
        "figures_as_of": figures_as_of(ctx),
        "any_ssb_symbol": any(
            r["status"] in ssb_statuses for tw in towns for r in tw["period_rows"]
        ),
        "any_break": any(tw["has_break"] for tw in towns),
        "sources": sources,
        "any_sample": any(s["origin"] == "sample" for s in sources),
        "any_marked": ctx.any_marked,
        "origin_statements": origin_statements(ctx),
        "footer_sources": t(
            "sources_line", parts="; ".join(ctx.source_parts(ctx.origins, credit=True))
        ),
        "region": region_page(ctx, towns),
        "methods": methods_page(ctx, weights),
        "quality": quality_view(gate, fmt, t, lang),
        "region_signals": planning.region_signals(ctx, towns),
        "methods_planning": planning.methods_sections(ctx),
        "region_programme": programme.region_section(ctx, towns),
        "region_interviews": waves.interview_themes(ctx, waves.REGIONAL),
        "methods_programme": programme.methods_section(ctx),
        "bars": bars,
        "download_names": list(data.marts),
        "overview_marks": overview_marks,
        "overview_source": ctx.source("population", "population_change_10y_pct"),
        "stale_notices": stale_notices(stale or {}, ctx.source_tables, fmt, t),
    }
    pages = {
        "index.html": env.get_template("index.html").render(**common),
        "region.html": env.get_template("region.html").render(**common),
        "methods.html": env.get_template("methods.html").render(**common),
    }
    for town in towns:
        pages[f"{town['town_id']}.html"] = env.get_template("town.html").render(**common, town=town)
    pages["quality"] = env.get_template("quality.html").render(**{**common, "root": "../"})
    pages["print"] = env.get_template("print.html").render(**common)
    return pages


def source_list(
    loads: list[dict], catalogue: dict[str, dict], t: Messages, lang: str
) -> list[dict]:
    """The inputs the marts use, each StatBank table (and each survey or interview wave) once,
    with the loads that feed it: a table loaded again is not listed twice. `catalogue`: the
    StatBank tables with their titles (dim_source_table)."""
    title = "title_en" if lang == "en" else "title_nb"
    grouped: dict[tuple, list[dict]] = {}
    for load in loads:
        key = (load["source"], load["table_id"] or "", load.get("wave") or 0)
        grouped.setdefault(key, []).append(load)
    rows = []
    for (source, table_id, wave), mine in sorted(
        grouped.items(), key=lambda kv: (kv[0][0] != "statbank", kv[0])
    ):
        origin = weakest(load["origin"] for load in mine) or "official"
        people = source in OWN_SOURCES  # the county's own: answers, interviews, the register
        if table_id in catalogue:
            content = catalogue[table_id][title]
        elif people:
            content = t(f"source_title_{source}", wave=wave)
        else:
            content = mine[0]["file_name"]
        rows.append(
            {
                "label": table_id or t[f"source_label_{source}"],
                "title": content,
                "origin": origin,
                "origin_label": t[f"origin_{'people_' if people else ''}{origin}"],
                "files": ", ".join(sorted({load["file_name"] for load in mine})),
                "loaded": max(load["loaded_at"] for load in mine),
                "rows_loaded": sum(load["rows_loaded"] for load in mine),
            }
        )
    return rows


def stale_notices(
    stale: dict[str, str | None], catalogue: Iterable[str], fmt: Formatter, t
) -> list[str]:
    """One sentence per landing date for the StatBank tables this run could not fetch;
    `catalogue`: every StatBank table of the catalogue (dim_source_table)."""
    if not stale:
        return []
    every_table = set(stale) >= set(catalogue)
    dates = sorted({d for d in stale.values() if d})
    if every_table and len(dates) == 1 and None not in stale.values():
        return [t("stale_statbank", date=fmt.day(date.fromisoformat(dates[0])))]
    notices = []
    for landed in dates:
        tables = ", ".join(sorted(k for k, d in stale.items() if d == landed))
        notices.append(t("stale_tables", tables=tables, date=fmt.day(date.fromisoformat(landed))))
    missing = sorted(k for k, d in stale.items() if d is None)
    if missing:
        notices.append(t("missing_tables", tables=", ".join(missing)))
    return notices


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publish(
    data: ReportData,
    gate: GateResult,
    year: int,
    settings: Settings,
    lang: str | None = None,
    fingerprint: str | None = None,
    stale: dict[str, str | None] | None = None,
) -> Publication:
    """Render into a temporary folder beside the target, then swap it into place."""
    if not gate.passed:
        raise PublishError(f"the quality gate failed for {year}: nothing was published")
    lang = lang or settings.lang
    pages = build_pages(data, gate, year, settings, lang, stale)
    hold_point(settings, "publish")
    settings.published_dir.mkdir(parents=True, exist_ok=True)
    recover_interrupted(settings.published_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{year}-", dir=settings.published_dir))
    pdf = None
    try:
        quality_page, print_page = pages.pop("quality"), pages.pop("print")
        shutil.copytree(settings.static_dir, staging / "static")
        if settings.pdf:  # laid out in parallel with the rest
            pdf = start_pdf(print_page, staging, staging / "report.pdf")
        for name, html in pages.items():
            (staging / name).write_text(html, encoding="utf-8")
        write_csvs(data, staging / "data")
        write_workbook(data, staging / "data" / "bymonitor.xlsx")
        write_duckdb_copy(settings.warehouse_path, staging / "bymonitor.duckdb")
        (staging / "quality").mkdir()
        (staging / "quality" / "quality.json").write_text(gate.to_json(), encoding="utf-8")
        (staging / "quality" / "index.html").write_text(quality_page, encoding="utf-8")
        differences = verify_publication(
            staging, settings.warehouse_path, lang, {print_page_label(settings): print_page}
        )  # while the PDF is laid out
        if differences:
            raise PublishError(
                f"the {year} report would not show what the marts hold: "
                + " ".join(differences[:5])
                + " Nothing was published; the previous publication is unchanged."
            )
        if pdf is not None:
            pdf.wait()
        files = sorted(str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file())
        manifest = {
            "report_year": year,
            "language": lang,
            "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "code_version": __version__,
            "inputs_fingerprint": fingerprint,
            "statbank_stale_since": min((d for d in (stale or {}).values() if d), default=None),
            "statbank_stale_tables": stale or {},
            "gate": {
                "passed": gate.passed,
                "checks": len(gate.checks),
                "warnings": len(gate.warnings),
                "checked_at": gate.checked_at,
            },
            "loads": [
                {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in load.items()}
                for load in data.loads
            ],
            "files": {name: _sha256(staging / name) for name in files},
        }
        (staging / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        os.chmod(staging, 0o755)
        target = settings.publication_dir(year)
        _swap_into_place(staging, target)
    except OSError as exc:
        if pdf is not None:
            pdf.cancel()
        shutil.rmtree(staging, ignore_errors=True)
        if exc.errno in NO_SPACE:
            writing = f" while writing {Path(exc.filename).name}" if exc.filename else ""
            raise PublishError(
                f"not enough disk space to publish the {year} report in {settings.published_dir} "
                f"({exc.strerror}{writing}); nothing was published and the previous publication "
                "is unchanged"
            ) from exc
        raise
    except BaseException:
        if pdf is not None:
            pdf.cancel()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Publication(year, target, [*files, "manifest.json"])


NO_SPACE = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


def print_page_label(settings: Settings) -> str:
    """What the publication check calls the print page: the PDF laid out from it, or, with the
    PDF switched off (`BYMONITOR_PDF=false`), the page itself, which is then not published."""
    return "report.pdf (print page)" if settings.pdf else "print.html (print page, no PDF made)"


def recover_interrupted(published_dir: Path) -> None:
    """Tidy what a killed publication left: its staging folder, and a retired publication that
    was moved aside but not yet replaced (put back)."""
    for path in published_dir.glob(".*"):
        name = path.name[1:]
        year, _, rest = name.partition("-")
        if rest.startswith("retired-") and not (published_dir / year).exists():
            path.rename(published_dir / year)
        elif path.is_dir():
            shutil.rmtree(path, ignore_errors=True)


def _swap_into_place(staging: Path, target: Path) -> None:
    """Replace target with staging; the old publication is removed only once the new is in place."""
    retired = None
    if target.exists():
        retired = target.with_name(f".{target.name}-retired-{os.getpid()}")
        target.rename(retired)
    try:
        staging.rename(target)
    except BaseException:
        if retired is not None:
            retired.rename(target)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
