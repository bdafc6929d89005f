"""docs/reliability.md is generated from the tests and must match them."""

from reliability_summary import DOC, render


def test_the_reliability_summary_matches_the_tests():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/reliability.md is out of date: run `python tests/reliability_summary.py`"
    )
