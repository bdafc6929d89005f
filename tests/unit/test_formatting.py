"""Numbers and dates as a Norwegian (or English) reader expects them."""

import csv
from datetime import date

import yaml

from flows.publish.formatting import MINUS, MISSING, Formatter, minus_sign
from flows.settings import REPO_ROOT

NBSP = "\u00a0"


def test_bokmal_groups_thousands_with_a_non_breaking_space():
    assert Formatter("nb").number(53712) == f"53{NBSP}712"


def test_bokmal_percent_has_a_decimal_comma_and_a_spaced_sign():
    assert Formatter("nb").percent(1.23) == f"+1,2{NBSP}%"
    assert Formatter("nb").percent(-0.94) == f"\u22120,9{NBSP}%"
    assert Formatter("nb").percent(8.9, signed=False) == f"8,9{NBSP}%"


def test_a_half_rounds_away_from_zero_as_ssb_excel_and_the_charts_round():
    """1 of 8 is 12.5 %: written 13 %, as 3 of 8 (37.5 %) is 38 %, never to the even neighbour
    (Babel's default would write 12 % and 38 %); the CSVs for people round the same way."""
    from flows.publish.downloads import spreadsheet_text

    nb = Formatter("nb")
    assert [nb.percent(v, 0, signed=False) for v in (12.5, 37.5)] == [f"13{NBSP}%", f"38{NBSP}%"]
    assert [nb.number(v) for v in (2.5, -2.5, 0.5)] == ["3", f"{MINUS}3", "1"]
    assert nb.number(2.675, 2) == "2,68"  # the number as written, not the float below it
    assert nb.percent(-0.25) == f"{MINUS}0,3{NBSP}%"
    assert [spreadsheet_text(v, p) for v, p in ((12.5, 0), (-0.25, 1), (2.675, 2))] == [
        "13", "-0,3", "2,68",
    ]  # fmt: skip


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


def test_negative_numbers_get_the_minus_sign_never_a_hyphen():
    for lang in ("nb", "en"):
        fmt = Formatter(lang, {"percentage_points": "pp"})
        shown = [
            fmt.number(-3.56, 1),
            fmt.number(-1234567),
            fmt.signed(-56),
            fmt.percent(-0.94),
            fmt.percent(-12.5, signed=False),
            fmt.indicator(-1.48, "percentage_points", 2),
            fmt.indicator(-7.08, "per_1000", 1),
            fmt.indicator(-2.3, "percent", 1, signed=True),
        ]
        assert all(s.startswith(MINUS) and "-" not in s for s in shown), shown


def test_minus_sign_replaces_babels_hyphen_and_drops_it_from_zero():
    assert minus_sign("-3,6") == f"{MINUS}3,6"
    assert minus_sign("-0,0") == "0,0"
    assert minus_sign("12") == "12"
    assert Formatter("nb").percent(-0.04) == f"0,0{NBSP}%"
    assert Formatter("nb").signed(0.04, 1) == "0,0"


def test_thousands_separator_and_decimals():
    nb, en = Formatter("nb"), Formatter("en")
    assert nb.number(5627400) == f"5{NBSP}627{NBSP}400"
    assert nb.number(-1234.5, 2) == f"{MINUS}1{NBSP}234,50"
    assert en.number(-1234.5, 2) == f"{MINUS}1,234.50"
    assert nb.number(9.51117009511, 1) == "9,5"
    assert nb.signed(3150) == f"+3{NBSP}150"
    assert nb.percent(6.25, 2, signed=False) == f"6,25{NBSP}%"


def test_indicator_values_are_written_in_their_unit():
    fmt = Formatter("nb", {"percentage_points": "prosentpoeng"})
    assert fmt.indicator(53638.0, "persons", 1) == f"53{NBSP}638"
    assert fmt.indicator(16.54, "percent", 1) == f"16,5{NBSP}%"
    assert fmt.indicator(-1.484, "percentage_points", 2) == f"{MINUS}1,48{NBSP}prosentpoeng"
    assert fmt.indicator(1.0734, "ratio", 2) == "1,07"
    assert fmt.indicator(None, "percent", 1) == MISSING


def test_every_unit_has_words_in_both_languages():
    """The unit codes of the indicator catalogue (and the survey's mean score) are named in
    the messages of each language; the words after a number are for known units only."""
    with (REPO_ROOT / "dbt" / "seeds" / "indicators.csv").open(encoding="utf-8") as f:
        units = {row["unit"] for row in csv.DictReader(f)} | {"mean_score"}
    for lang in ("nb", "en"):
        path = REPO_ROOT / "reports" / "messages" / f"{lang}.yml"
        messages = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(messages["units"]) >= units, lang
        assert all(messages["units"][u] and "_" not in messages["units"][u] for u in units)
        assert set(messages["units_after"]) <= units
