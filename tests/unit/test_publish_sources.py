"""The report code reads the warehouse's marts, never the dbt seeds, the StatBank catalogue or
the survey, interview and register codebooks: those reach it through dim_indicator (index
weights), dim_measure_verdict (the verdicts' words), dim_value_status (the missing values' words
and SSB's symbols), dim_source_table (the StatBank tables' titles and lags) and dim_code (the
codebooks' labels and orders)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flows.settings import REPO_ROOT

PUBLISH = REPO_ROOT / "flows" / "publish"
FORBIDDEN_MODULES = {"flows.ingest.statbank_catalogue", "flows.ingest.statbank",
                     "flows.ingest.codebook", "flows.ingest.measures"}  # fmt: skip
FORBIDDEN_TEXT = ("seeds", "statbank_tables.yml", "load_catalogue", "CATALOGUE_PATH",
                  "load_survey_codebook", "load_measures_codebook", "survey_codebook.yml",
                  "measures_codebook.yml", "interview_scales", "interview_codebook.yml",
                  "load_interview_codebook")  # fmt: skip


def _strings_and_names(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string constant (docstrings left out) and every name or attribute in the code."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                found.append((node.lineno, node.value))
        elif isinstance(node, ast.Name):
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute):
            found.append((node.lineno, node.attr))
    return found


@pytest.mark.parametrize("module", sorted(PUBLISH.glob("*.py")), ids=lambda p: p.name)
def test_publish_reads_no_seed_no_statbank_catalogue_and_no_codebook(module: Path):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in FORBIDDEN_MODULES:
            problems.append(f"line {node.lineno}: imports {node.module}")
        if isinstance(node, ast.Import):
            problems += [
                f"line {node.lineno}: imports {a.name}"
                for a in node.names
                if a.name in FORBIDDEN_MODULES
            ]
    for line, text in _strings_and_names(tree):
        problems += [f"line {line}: {text!r}" for word in FORBIDDEN_TEXT if word in text]
    assert not problems, f"{module.name} reads outside the marts: " + "; ".join(problems)
