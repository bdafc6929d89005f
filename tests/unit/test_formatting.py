"""Numbers and dates as a Norwegian (or English) reader expects them."""

from datetime import date

from flows.publish.formatting import MISSING, Formatter

NBSP = "\u00a0"


def test_bokmal_groups_thousands_with_a_non_breaking_space():
    assert Formatter("nb").number(53712) == f"53{NBSP}712"


def test_bokmal_percent_has_a_decimal_comma_and_a_spaced_sign():
    assert Formatter("nb").percent(1.23) == f"+1,2{NBSP}%"
    assert Formatter("nb").percent(-0.94) == f"\u22120,9{NBSP}%"
    assert Formatter("nb").percent(8.9, signed=False) == f"8,9{NBSP}%"


def test_dates_are_written_out():
    assert Formatter("nb").day(date(2024, 1, 1)) == "1. januar 2024"
    assert Formatter("en").day(date(2024, 1, 1)) == "1 January 2024"


def test_english_uses_commas_and_points():
    assert Formatter("en").number(5550203) == "5,550,203"
    assert Formatter("en").percent(1.25, decimals=2) == f"+1.25{NBSP}%"


def test_missing_values_are_a_dash_never_zero():
    fmt = Formatter("nb")
    assert fmt.number(None) == fmt.percent(None) == fmt.signed(None) == MISSING


def test_a_negative_number_has_the_minus_sign_the_charts_use():
    assert Formatter("nb").number(-7.08, 1) == "\u22127,1"
    assert Formatter("nb").number(-0.04, 1) == "0,0"  # rounds to zero: no sign
