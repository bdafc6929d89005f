"""Numbers and dates the way the report's language writes them (CLDR rules via Babel).

Every number on a page goes through `Formatter`: Babel groups the thousands and places the
decimal mark ("53 638", "−7,1" in bokmål; "53,638", "−7.1" in English), and `minus_sign`
turns Babel's hyphen-minus into the minus sign U+2212, the one the charts' axes use too.
Numbers are rounded as SSB, the charts, Excel and the models' SQL round them: a half away from
zero (12,5 → 13, −0,25 → −0,3), not to the even neighbour, Babel's default (`half_up`). The
words for units ("prosentpoeng") come from the message catalogue (`units_after`), keyed by the
unit code of dbt/seeds/indicators.csv.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

LOCALES = {"nb": "nb_NO", "en": "en_GB"}
MISSING = "–"
MINUS = "\u2212"
NBSP = "\u00a0"


def minus_sign(text: str) -> str:
    """Babel's number with the minus sign U+2212 for its leading hyphen-minus; a number that
    is written as zero ("-0,0") gets no sign."""
    if not text.startswith("-"):
        return text
    digits = text[1:]
    return MINUS + digits if any(c in "123456789" for c in digits) else digits


@contextmanager
def half_up() -> Iterator[None]:
    """Decimal rounding of a half away from zero while formatting (Babel and Decimal's own
    formatting take the context's rounding); pass numbers as `exact(value)`."""
    with localcontext() as context:
        context.rounding = ROUND_HALF_UP
        yield


def exact(value: float | int | Decimal) -> Decimal:
    """The number as it is written (0.125 as 0.125, not the float's binary neighbour), so a
    half written in the data rounds as a half."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def format_number(value: float, locale: str, decimals: int = 0) -> str:
    """A number with a fixed count of decimals in the locale's way, minus sign U+2212."""
    with half_up():
        text = format_decimal(exact(value), format=_pattern(decimals), locale=locale)
    return minus_sign(text)


class Formatter:
    """Formats for one language; every method returns MISSING for None.

    `units_after` holds the words written after a number of a unit (unit code → words, from
    the messages' `units_after`); a unit without words is written as the bare number, and
    percent always with the percent sign."""

    def __init__(self, lang: str, units_after: Mapping[str, str] | None = None) -> None:
        self.lang = lang
        self.locale = LOCALES[lang]
        self.units_after = dict(units_after or {})

    def number(self, value: float | None, decimals: int = 0) -> str:
        if value is None:
            return MISSING
        return format_number(value, self.locale, decimals)

    def signed(self, value: float | None, decimals: int = 0) -> str:
        """A change, with an explicit sign (+1 234, −56); no sign where it is written as 0."""
        text = self.number(value, decimals)
        if value is not None and value > 0 and any(c in "123456789" for c in text):
            return "+" + text
        return text

    def percent(self, value: float | None, decimals: int = 1, signed: bool = True) -> str:
        """A value already in percent (1.2 means 1.2 %), with a no-break space before %."""
        if value is None:
            return MISSING
        pattern = _pattern(decimals) + NBSP + "%"
        share = exact(value) / 100  # exact: 0.25 % rounds as 0.25 does
        with half_up():
            text = minus_sign(format_percent(share, format=pattern, locale=self.locale))
        if signed and value > 0 and any(c in "123456789" for c in text):
            return "+" + text
        return text

    def indicator(
        self, value: float | None, unit: str, decimals: int | None = None, signed: bool = False
    ) -> str:
        """An indicator value in its unit: persons as whole numbers, percent with %, a unit
        with words after the number (percentage points) with them."""
        if value is None:
            return MISSING
        places = 0 if unit == "persons" else (decimals if decimals is not None else 1)
        if unit == "percent":
            return self.percent(value, places, signed=signed)
        text = self.signed(value, places) if signed else self.number(value, places)
        after = self.units_after.get(unit)
        return f"{text}{NBSP}{after}" if after else text

    def day(self, value: date) -> str:
        return format_date(
            value, format="d. MMMM y" if self.locale == "nb_NO" else "d MMMM y", locale=self.locale
        )


def format_indicator(
    fmt: Formatter, value: float | None, unit: str, decimals: int | None, signed: bool = False
) -> str:
    """An indicator value in its unit (see `Formatter.indicator`)."""
    return fmt.indicator(value, unit, decimals, signed)
