"""Charts: titles, tooltips in the report's number format, single points after a gap, long labels
wrapped, a place without a value kept as a row (rendered by vl-convert, no browser)."""

from __future__ import annotations

import re

import pytest

from flows.publish import charts
from flows.publish.formatting import Formatter

MINUS, NBSP = "\u2212", "\u00a0"


def texts(svg: str) -> list[str]:
    """The visible text of an SVG, one string per line of a label."""
    return [t for t in re.findall(r"<(?:text|tspan)[^>]*>([^<]+)</(?:text|tspan)>", svg)]


def series(values: list[float | None], name: str = "Bodø", first: int = 2016) -> list[dict]:
    fmt = Formatter("nb")
    return [
        {
            "year": first + i,
            "series": name,
            "value": v,
            "tip": f"{name} {first + i}: {fmt.number(v, 1)}",
        }
        for i, v in enumerate(values)
    ]


def test_every_kind_of_chart_has_its_title_in_the_spec_and_the_drawing():
    title = "Fødte, døde og flytting per 1000 innbyggere i Bodø, 2016–2026, fra SSBs tabeller"
    built = [
        charts.population_line([{"year": 2020, "value": 1.0, "tip": "x"}], title, (2020, 2026)),
        charts.lines(series([1.0, 2.0]), title, "per 1000", (2016, 2017)),
        charts.grouped_bars([{"category": "A", "group": "B", "value": 1, "tip": "x"}], title, "%"),
        charts.ranked_bars([{"name": "A", "value": 1, "apart": False, "tip": "x"}], title, "%"),
        charts.quotient_bars([{"name": "A", "value": 1, "flagged": False, "tip": "x"}], title, "q"),
        charts.bars_with_marker(
            [{"category": "A", "value": 1, "marker": 2, "tip": "x"}], title, "%", ("B", "N")
        ),
    ]
    for chart in built:
        spec = chart.to_dict()
        assert " ".join(spec["title"]["text"]) == title, spec["title"]
        drawn = " ".join(texts(charts.to_svg(chart, "nb_NO")))
        assert title in drawn  # wrapped onto two lines, every word kept


def test_nb_tooltips_and_axes_are_written_as_the_tables_write_them():
    fmt = Formatter("nb")
    rows = series([9.51117009511, -3.24, 12345.5, -2500.0])
    svg = charts.to_svg(charts.lines(rows, "T", "per 1000", (2016, 2019), zero=True), "nb_NO")
    assert charts.titles_in(svg) == [
        "Bodø 2016: 9,5",
        f"Bodø 2017: {MINUS}3,2",
        f"Bodø 2018: 12{NBSP}345,5",
        f"Bodø 2019: {MINUS}2{NBSP}500,0",
    ]
    assert fmt.number(-3.24, 1) == f"{MINUS}3,2"  # the tables' own formatting
    labels = texts(svg)
    assert f"12{NBSP}000" in labels and f"{MINUS}2{NBSP}000" in labels  # axis: d3's nb locale
    assert not any(re.search(r"\d[.,]\d{3,}", t) for t in charts.titles_in(svg))  # no raw decimals
    # Vega's own descriptions are English ("X-axis for a linear scale ..."): none is left
    assert "aria-label" not in svg and "axis" not in svg.replace("role-axis", "")


def test_bars_with_a_marker_draw_one_row_per_category_on_one_line():
    """Every industry in one row (a bar for the town, a tick for the county), each name on one
    line: the chart stays short enough for a printed page."""
    names = ["Offentlig administrasjon og forsvar, sosialforsikring", "Industri", "Undervisning"]
    rows = [
        {"category": n, "value": v, "marker": m, "tip": f"{n}: {v}"}
        for n, v, m in zip(names, [7.0, 9.5, None], [6.5, 9.1, 10.0], strict=True)
    ]
    chart = charts.bars_with_marker(rows, "T", "%", ("Bodø kommune", "Nordland"))
    svg = charts.to_svg(chart, "nb_NO")
    drawn = texts(svg)
    assert all(n in drawn for n in names)  # no name split over lines
    assert charts.titles_in(svg) == [f"{names[0]}: 7.0", f"{names[1]}: 9.5"]
    assert "Bodø kommune" in drawn and "Nordland" in drawn  # the legend names both
    height = float(re.search(r'<svg[^>]* height="([\d.]+)"', svg).group(1))
    assert height < 24 * len(rows) + 160  # one row of 24 px per category, not one per bar


def test_en_axes_use_the_english_number_format():
    rows = series([12345.5, 2.0], name="Bodø")
    svg = charts.to_svg(charts.lines(rows, "T", "y", (2016, 2017)), "en_GB")
    assert "12,000" in texts(svg)


def test_a_single_point_after_a_gap_is_drawn_and_the_axis_covers_every_year():
    rows = series([1.0, 2.0, None, 4.0, None, None, 3.0, None, None, None, None])
    svg = charts.to_svg(charts.lines(rows, "T", "y", (2016, 2026)), "nb_NO")
    tips = charts.titles_in(svg)
    assert "Bodø 2019: 4,0" in tips and "Bodø 2022: 3,0" in tips  # the lone years are points
    assert len(tips) == 4  # one point per figure, none for a missing year
    years = [t for t in texts(svg) if re.fullmatch(r"20\d\d", t)]
    assert years == [str(y) for y in range(2016, 2027)]  # each year once, none rounded


def test_a_long_year_axis_labels_its_last_year():
    """Labels every second year of 22 count back from the last: 2026 is labelled, not 2025."""
    assert charts.year_ticks((2005, 2026)) == list(range(2006, 2027, 2))
    assert charts.year_ticks((2020, 2026)) == list(range(2020, 2027))
    rows = series([float(i) for i in range(22)], first=2005)
    svg = charts.to_svg(charts.lines(rows, "T", "y", (2005, 2026)), "nb_NO")
    years = [t for t in texts(svg) if re.fullmatch(r"20\d\d", t)]
    assert years == [str(y) for y in range(2006, 2027, 2)]
    assert 'opacity="0"' not in svg  # no label hidden for overlapping another


def test_long_category_labels_are_wrapped_not_cut():
    long = "Offentlig administrasjon og forsvar, sosialforsikring under offentlig forvaltning"
    rows = [
        {"category": long, "group": "Bodø", "value": 7.5, "tip": "Bodø: 7,5 %"},
        {"category": "Industri", "group": "Bodø", "value": 8.0, "tip": "Bodø: 8,0 %"},
    ]
    svg = charts.to_svg(charts.grouped_bars(rows, "T", "prosent"), "nb_NO")
    lines = texts(svg)
    assert "…" not in "".join(lines)
    wrapped = [line for line in lines if line in long]
    assert len(wrapped) >= 2 and " ".join(wrapped) == long


def test_a_place_without_a_value_keeps_its_row_with_words():
    rows = [
        {"name": "Bodø", "value": 6.2, "apart": False, "tip": "Bodø: +6,2 %"},
        {"name": "Narvik", "value": None, "apart": False, "tip": "Narvik: –",
         "missing": "ingen sammenlignbar verdi"},
        {"name": "Norge", "value": 7.9, "apart": True, "tip": "Norge: +7,9 %"},
    ]  # fmt: skip
    svg = charts.to_svg(charts.ranked_bars(rows, "T", "prosent"), "nb_NO")
    lines = texts(svg)
    assert [n for n in lines if n in ("Bodø", "Narvik", "Norge")] == ["Bodø", "Narvik", "Norge"]
    assert "ingen sammenlignbar verdi" in lines
    assert charts.titles_in(svg) == ["Bodø: +6,2 %", "Norge: +7,9 %"]


@pytest.mark.parametrize("locale", ["nb_NO", "en_GB"])
def test_the_svg_is_hidden_from_screen_readers_inside_its_named_figure(locale):
    svg = charts.to_svg(charts.lines(series([1.0, 2.0]), "T", "y", (2016, 2017)), locale)
    assert svg.startswith('<svg aria-hidden="true"')
    assert 'role="' not in svg and "aria-roledescription" not in svg


def every_kind_of_chart() -> list:
    long = "Offentlig administrasjon og forsvar, sosialforsikring under offentlig forvaltning"
    return [
        charts.population_line([{"year": 2020, "value": 1.0, "tip": "x"}], "T", (2020, 2026)),
        charts.lines(series([1.0, 2.0]), "T", "per 1000", (2016, 2017)),
        charts.grouped_bars([{"category": long, "group": "B", "value": 1, "tip": "x"}], "T", "%"),
        charts.ranked_bars(
            [{"name": "A", "value": 0, "apart": False, "tip": "x", "shown": "0"}], "T", "%"
        ),
        charts.quotient_bars([{"name": long, "value": 1, "flagged": False, "tip": "x"}], "T", "q"),
    ]


def test_labels_are_at_least_12_px_in_the_spec_and_the_drawing():
    """Drawn about as wide as the text column with labels of 13 px, so that on a phone, where a
    chart shrinks to no less than three quarters of its width, they stay readable."""
    for chart in every_kind_of_chart():
        svg = charts.to_svg(chart, "nb_NO")
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)px"', svg)]
        assert sizes and min(sizes) >= 12, sizes
        width = float(re.search(r'<svg[^>]*?\swidth="([\d.]+)"', svg).group(1))
        assert 560 <= width <= 720, width
        least = re.search(r'style="--chart-least: (\d+)px"', svg)
        assert least and int(least.group(1)) == round(width * charts.SHRINK)
    assert charts.FONT_SIZE >= 12


def test_every_ranked_bar_has_its_value_written_even_zero():
    rows = [
        {
            "name": name,
            "value": value,
            "apart": False,
            "tip": f"{name}: {value}",
            "shown": str(value),
        }
        for name, value in (("Bodø", 100), ("Mo i Rana", 4), ("Fauske", 0))
    ]
    chart = charts.ranked_bars(rows, "T", "Indeks (0 = lavest, 100 = høyest)", domain=(0, 100))
    assert chart.to_dict()["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 100]
    lines = texts(charts.to_svg(chart, "nb_NO"))
    for name, shown in (("Bodø", "100"), ("Mo i Rana", "4"), ("Fauske", "0")):
        assert name in lines and shown in lines
    assert "Indeks (0 = lavest, 100 = høyest)" in lines


def test_a_bar_without_a_written_value_gets_no_empty_label():
    rows = [{"name": "Bodø", "value": 6.2, "apart": False, "tip": "Bodø: +6,2 %"}]
    assert "" not in texts(charts.to_svg(charts.ranked_bars(rows, "T", "prosent"), "nb_NO"))


@pytest.mark.parametrize("highest", [4.0, 3.5])
def test_agreement_bars_keep_the_whole_1_to_5_scale_whatever_the_town(highest):
    rows = [
        {"category": "Q", "group": "Leknes", "value": highest, "tip": "x"},
        {"category": "Q", "group": "Snitt", "value": 3.1, "tip": "y"},
    ]
    chart = charts.grouped_bars(rows, "T", "Enighet (1–5)", domain=(1, 5))
    encoding = chart.to_dict()["encoding"]
    assert encoding["x"]["scale"]["domain"] == [1, 5]
    assert encoding["x"]["scale"]["zero"] is False and encoding["x"]["scale"]["nice"] is False
    assert encoding["x2"] == {"datum": 1}  # bars start at 1, the scale's low end
    lines = texts(charts.to_svg(chart, "nb_NO"))
    assert {"1", "5"} <= set(lines) and "0" not in lines


def test_a_chart_rendered_before_is_read_from_the_cache_and_a_new_one_is_drawn(tmp_path):
    chart = charts.lines(series([100.0, 101.5, 103.0]), "Folketall", "personer", (2016, 2018))
    drawn = charts.to_svg(chart, "nb_NO", cache=tmp_path)
    assert drawn == charts.to_svg(chart, "nb_NO")  # the same drawing as without a cache
    [kept] = tmp_path.iterdir()
    kept.write_text(kept.read_text(encoding="utf-8").replace("Folketall", "Fra hurtiglageret"))
    assert "Fra hurtiglageret" in charts.to_svg(chart, "nb_NO", cache=tmp_path)  # not drawn again
    for damaged in (b"<svg width=", b"\xff\xfe<svg></svg>"):  # cut short; not UTF-8
        kept.write_bytes(damaged)
        assert charts.to_svg(chart, "nb_NO", cache=tmp_path) == drawn  # drawn again
    english = charts.to_svg(chart, "en_GB", cache=tmp_path)  # another number format: drawn
    assert "Folketall" in english and "101.5" in texts(english)
    other = charts.lines(series([100.0, 101.5, 104.0]), "Folketall", "personer", (2016, 2018))
    assert "104" in charts.to_svg(other, "nb_NO", cache=tmp_path)
    assert len(list(tmp_path.iterdir())) == 3


def test_an_unwritable_chart_cache_only_costs_time(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    chart = charts.lines(series([1.0, 2.0]), "Folketall", "personer", (2016, 2017))
    assert charts.to_svg(chart, "nb_NO", cache=blocked / "charts") == charts.to_svg(chart, "nb_NO")


def test_a_chart_outside_the_vega_lite_schema_is_refused_before_it_is_drawn(tmp_path):
    from altair.utils.schemapi import SchemaValidationError

    chart = charts.lines(series([1.0, 2.0]), "Folketall", "personer", (2016, 2017))
    chart.width = "very wide"  # not a number, "container" or a step (unchecked when set)
    with pytest.raises(SchemaValidationError):
        charts.to_svg(chart, "nb_NO", cache=tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing drawn, nothing kept
