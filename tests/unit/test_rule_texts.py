"""A text that states a rule's number takes it from the rule's one home (dbt's project vars):
the report's messages and the downloads' column labels never repeat it."""

from __future__ import annotations

import re

import pytest

from flows import constants
from flows.publish import downloads
from flows.publish.render import load_messages
from flows.settings import REPO_ROOT, Settings

MESSAGES = REPO_ROOT / "reports" / "messages"
STATED = re.compile(r"(?:færre enn|under|fewer than) \d+ (?:svar|answers)")


@pytest.mark.parametrize("name", ["nb.yml", "en.yml", "columns_nb.yml", "values_nb.yml"])
def test_no_message_file_states_the_small_cell_number_itself(name):
    assert not STATED.findall((MESSAGES / name).read_text(encoding="utf-8"))


def test_the_small_cell_rule_is_stated_with_the_project_s_number(monkeypatch, tmp_path):
    settings = Settings(home=tmp_path)
    n = constants.var("small_cell_n")
    nb, en = load_messages(settings, "nb"), load_messages(settings, "en")
    assert nb.suppressed == f"skjermet (under {n} svar)"
    assert f"fewer than {n} answers" in en.method_suppression
    assert downloads.Columns(downloads.ReportData(marts={})).label("is_suppressed") == (
        f"Skjermet (under {n} svar)"
    )
    changed = {**constants.project_vars(), "small_cell_n": 10}
    monkeypatch.setattr(constants, "project_vars", lambda: changed)
    downloads._labels.cache_clear()
    try:
        assert load_messages(settings, "nb").suppressed == "skjermet (under 10 svar)"
        assert "færre enn 10 svar" in load_messages(settings, "nb").method_suppression
        assert downloads.Columns(downloads.ReportData(marts={})).label("is_suppressed") == (
            "Skjermet (under 10 svar)"
        )
    finally:
        downloads._labels.cache_clear()


def test_the_number_of_peers_is_stated_with_the_project_s_number(tmp_path):
    settings = Settings(home=tmp_path)
    n = constants.var("peers_per_town")
    for name in ("nb.yml", "en.yml"):
        text = (MESSAGES / name).read_text(encoding="utf-8")
        stated = (
            r"(?i)\b(?:ti|ten|10) (?:lignende )?(?:kommunene|similar|munic)"
            r"|fjorårets ti\b|year's ten\b|\b(?:tre av hver|three of each)\b"
        )
        assert not re.findall(stated, text), name
    assert load_messages(settings, "nb").peers_list.startswith(f"De {n} lignende kommunene")
    assert load_messages(settings, "en").peers_list.startswith(f"The {n} similar municipalities")


def test_the_number_of_standouts_is_stated_with_the_project_s_number(tmp_path):
    settings = Settings(home=tmp_path)
    n = constants.var("standouts_per_town")
    nb, en = load_messages(settings, "nb"), load_messages(settings, "en")
    assert f"Høyst {n} av hver" in nb.perspective_strengths_intro
    assert f"At most {n} of each" in en.perspective_strengths_intro
    assert f"høyst {n} styrker og {n} svakheter" in nb.method_standouts
