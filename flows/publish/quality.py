"""What the quality page (and the PDF's "Datakvalitet" section) shows: a short summary for the
reader, then the checks by theme, each theme's checks summed up in a line, details below."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from babel.dates import format_time, get_timezone

from flows.gate import THEMES, CheckResult, GateResult
from flows.publish.formatting import Formatter

SUMMED_UP = {"privacy"}  # themes whose many similar checks the page sums up in one line


def _outcome(check: CheckResult, fmt: Formatter, t: Any) -> str:
    """The check's result in words: how much was looked at and whether anything was wrong."""
    if check.success:
        if check.checked:
            return t("quality_outcome_ok_counted", checked=fmt.number(check.checked))
        return t.quality_outcome_ok
    if check.checked:
        return t(
            "quality_outcome_failed_counted",
            failing=fmt.number(check.failing),
            checked=fmt.number(check.checked),
        )
    return t.quality_outcome_failed


def _rule(check: CheckResult, fmt: Formatter, t: Any, lang: str) -> dict[str, Any]:
    return {
        "text": check.description[lang],
        "outcome": _outcome(check, fmt, t),
        "status": "ok" if check.success else check.severity,
        "problems": check.problems.get(lang, []) if not check.success else [],
    }


def _theme_line(checks: list[CheckResult], fmt: Formatter, t: Any) -> str:
    warnings = sum(not c.success and c.severity == "warning" for c in checks)
    failures = sum(not c.success and c.severity == "critical" for c in checks)
    looked_at = sum(c.checked or 0 for c in checks)
    line = t("quality_theme_checks", count=len(checks))
    if looked_at:
        line += " " + t("quality_theme_looked_at", values=fmt.number(looked_at))
    if failures:
        return line + " " + t("quality_theme_failures", count=failures)
    if warnings:
        return line + " " + t("quality_theme_warnings", count=warnings)
    return line + " " + t.quality_theme_all_ok


def quality_view(gate: GateResult, fmt: Formatter, t: Any, lang: str) -> dict[str, Any]:
    """The page's summary sentences and its themes, every text from the message catalogue."""
    checks = gate.checks
    warnings = gate.warnings
    passed = sum(c.success for c in checks)
    summary = [
        t("quality_summary_checked", total=fmt.number(len(checks))),
        t("quality_summary_passed", passed=fmt.number(passed), total=fmt.number(len(checks))),
    ]
    if gate.critical_failures:  # never published; a gate page of a failed run
        summary.append(t("quality_summary_failed", count=len(gate.critical_failures)))
    elif warnings:
        themes = sorted({t[f"theme_{c.theme}"].lower() for c in warnings})
        summary.append(t("quality_summary_warnings", count=len(warnings), themes=", ".join(themes)))
        summary.append(t.quality_summary_warnings_meaning)
    else:
        summary.append(t.quality_summary_no_warnings)
    summary.append(t.quality_summary_published)
    themes = []
    for theme in THEMES:
        mine = [c for c in checks if c.theme == theme]
        if not mine:
            continue
        rules = [_rule(c, fmt, t, lang) for c in mine]
        summed_up = theme in SUMMED_UP and len(mine) > 1
        themes.append(
            {
                "id": theme,
                "label": t[f"theme_{theme}"],
                "about": t[f"theme_{theme}_about"],
                "line": _theme_line(mine, fmt, t),
                # a summed-up theme lists only what went wrong; every check is in the details
                "rules": [r for r in rules if r["status"] != "ok"] if summed_up else rules,
                "details": rules if summed_up else [],
            }
        )
    checked_at = datetime.fromisoformat(gate.checked_at) if gate.checked_at else None
    if checked_at is not None:
        # the check's time in Norway (Europe/Oslo, summer time included), not UTC
        if checked_at.tzinfo is None:
            checked_at = checked_at.replace(tzinfo=UTC)
        checked_at = checked_at.astimezone(get_timezone("Europe/Oslo"))
    return {
        "checked_at": t(
            "quality_checked_on",
            date=fmt.day(checked_at.date()),
            time=format_time(checked_at, "HH.mm" if lang == "nb" else "HH:mm", locale=fmt.locale),
        )
        if checked_at
        else "",
        "summary": summary,
        "themes": themes,
        "warnings": [
            {"text": c.description[lang], "problems": c.problems.get(lang, [])} for c in warnings
        ],
    }
