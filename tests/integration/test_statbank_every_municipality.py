"""07459 for every municipality in Norway (the peers of issue 18): the codes come from the
codelist's own metadata, in one request sent as a POST body, against the local stand-in."""

from __future__ import annotations

import json

import pytest
import yaml
from helpers import SAMPLE_DIR
from statbank_server import PROFILES, FakeStatBank

from flows.ingest import jsonstat
from flows.ingest.statbank_api import ApiConfig, StatBankClient
from flows.ingest.statbank_catalogue import (
    load_catalogue,
    municipality_pattern,
    nordland_municipalities,
)

CATALOGUE = load_catalogue()
MUNICIPALITIES = nordland_municipalities()


def _client(server: FakeStatBank) -> StatBankClient:
    config = ApiConfig(base_url=server.base_url, requests_per_minute=6000, timeout_s=5)
    return StatBankClient(config, sleep=lambda _: None)


@pytest.fixture(scope="module")
def server():
    fake = FakeStatBank(SAMPLE_DIR, rate_limit=None).start()
    yield fake
    fake.stop()


def test_the_pattern_of_a_municipality_code_follows_the_catalogues_format():
    assert municipality_pattern("K-{code}") == r"K\-\d{4}"
    assert municipality_pattern("{code}") == r"\d{4}"


def test_07459_asks_every_municipality_of_the_codelist_in_one_post(server):
    with _client(server) as client:
        plan = client.plan_table(CATALOGUE["07459"], MUNICIPALITIES)
        assert plan.ok, plan.problems
        municipal = [q for q in plan.queries if q.codelists.get("Region") == "agg_KommSummer"]
        assert len(municipal) == 1
        [query] = municipal
        regions = query.selections["Region"]
        assert len(regions) == 357 and len(set(regions)) == 357
        assert {f"K-{m}" for m in MUNICIPALITIES} <= set(regions)
        assert query.cells() < 800_000 and len(client.plan(query)) == 1
        assert client.uses_post(query)  # far too long for a URL
        assert "07459: every municipality agg_KommSummer holds (357 codes)" in plan.notes
        [(_, body)] = client.fetch(query)
    [params] = server.data_requests("07459")
    assert params["method"] == "POST"
    answer = jsonstat.parse(json.loads(body))
    [region] = [d for d in answer.dimensions if d.id == "Region"]
    assert len(region.codes) == 357
    assert len(list(answer.cells())) == query.cells()


def test_a_codelist_without_a_nordland_municipality_is_a_problem_that_names_it():
    profiles = yaml.safe_load(PROFILES.read_text(encoding="utf-8"))
    codelist = profiles["tables"]["07459"]["dimensions"]["Region"]["codelists"]["agg_KommSummer"]
    codelist["exclude"] = ["K-1804"]  # SSB dropped Bodø from the codelist
    fake = FakeStatBank(SAMPLE_DIR, profiles=profiles, rate_limit=None).start()
    try:
        with _client(fake) as client:
            plan = client.plan_table(CATALOGUE["07459"], MUNICIPALITIES)
    finally:
        fake.stop()
    assert not plan.ok and not plan.queries
    assert "07459: codelist agg_KommSummer has no region code K-1804" in plan.problems[0]
