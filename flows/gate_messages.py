"""The gate's messages: templates from the suites filled in with a failing row's figures.

A suite's `problem` template (`"{place_nb} {year}: {value:.1} per 1000"`) is formatted once per
failing row, in bokmål and English, with numbers written the way each language writes them
(`−3,9` and `53 712` in bokmål, `−3.9` and `53,712` in English). A number's format spec is
`.N` (N decimals), `+` (an explicit sign) or both (`+.1`); without one, whole numbers have no
decimals and others at most two; whole numbers stored as integers (years, counts of rows) are
written as they are, without a thousands separator.
"""

from __future__ import annotations

import math
import string
from typing import Any

from babel.numbers import format_decimal

from flows.publish.formatting import LOCALES, MINUS, MISSING, minus_sign

LANGUAGES = ("nb", "en")


class MessageError(KeyError):
    """A template names a value the failing row does not have."""


def _signed(value: float, text: str) -> str:
    return ("+" if value > 0 else MINUS if value < 0 else "") + text


class _Formatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.locale = LOCALES[lang]

    def get_value(self, key, args, kwargs):
        try:
            return kwargs[key]
        except KeyError:
            raise MessageError(key) from None

    def format_field(self, value: Any, format_spec: str) -> str:
        if hasattr(value, "item"):  # numpy scalars
            value = value.item()
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return MISSING
        if not isinstance(value, int | float) or isinstance(value, bool):
            return str(value)
        signed = format_spec.startswith("+")
        spec = format_spec.removeprefix("+")
        if isinstance(value, int) and not spec:  # years, counts of rows: as they are
            return _signed(value, str(abs(value))) if signed else str(value).replace("-", MINUS)
        if spec.startswith("."):
            places = int(spec[1:])
            pattern = "#,##0" + ("." + "0" * places if places else "")
        elif float(value).is_integer():
            pattern = "#,##0"
        else:
            pattern = "#,##0.##"
        text = minus_sign(format_decimal(value, format=pattern, locale=self.locale))
        if signed and value > 0 and text.strip("0.,\u00a0") != "":  # no sign on a zero
            return "+" + text
        return text


_FORMATTERS = {lang: _Formatter(lang) for lang in LANGUAGES}


def fill(template: str, lang: str, values: dict[str, Any]) -> str:
    """The template in one language, filled with the row's values."""
    return _FORMATTERS[lang].vformat(template, (), values)


def placeholders(template: str) -> set[str]:
    """The names a template uses (to check them against a row's columns)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
