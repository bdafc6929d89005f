"""Numbers and dates the way the report's language writes them (CLDR rules via Babel)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALES = {"nb": "nb_NO", "en": "en_GB"}
MISSING = "–"


class Formatter:
    """Formats for one language; every method returns MISSING for None."""

    def __init__(self, lang: str) -> None:
        self.locale = LOCALES[lang]

    def number(self, value: float | None, decimals: int = 0) -> str:
        if value is None:
            return MISSING
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        text = format_decimal(abs(value), format=pattern, locale=self.locale)
        # the minus sign as in signed() and the charts' axes, not a hyphen
        return "\u2212" + text if value < 0 and round(value, decimals) != 0 else text

    def signed(self, value: float | None, decimals: int = 0) -> str:
        """A change, with an explicit sign (+1 234, −56)."""
        if value is None:
            return MISSING
        text = self.number(abs(value), decimals)
        if round(value, decimals) == 0:
            return text
        return ("+" if value > 0 else "\u2212") + text

    def percent(self, value: float | None, decimals: int = 1, signed: bool = True) -> str:
        """A value already in percent (1.2 means 1.2 %)."""
        if value is None:
            return MISSING
        text = self.signed(value, decimals) if signed else self.number(value, decimals)
        return f"{text}\u00a0%"

    def day(self, value: date) -> str:
        return format_date(
            value, format="d. MMMM y" if self.locale == "nb_NO" else "d MMMM y", locale=self.locale
        )


UNIT_SUFFIX = {"percent": "\u00a0%", "percentage_points": "\u00a0pp"}


def format_indicator(
    fmt: Formatter, value: float | None, unit: str, decimals: int | None, signed: bool = False
) -> str:
    """An indicator value in its unit: persons as whole numbers, percent with %, etc."""
    if value is None:
        return MISSING
    places = 0 if unit == "persons" else (decimals if decimals is not None else 1)
    text = fmt.signed(value, places) if signed else fmt.number(value, places)
    return text + UNIT_SUFFIX.get(unit, "")
