"""The StatBank client against a local stand-in that behaves like SSB's PxWebApi 2 (never the
internet): one test per rule of the API, each showing the client's behaviour and the message the
user reads."""

from __future__ import annotations

import copy
import dataclasses
import json

import duckdb
import pytest
import yaml
from helpers import SAMPLE_DIR, run_cli
from statbank_server import PROFILES, FakeStatBank, Scripted

from flows import pipeline
from flows.ingest import jsonstat
from flows.ingest.statbank_api import ApiConfig, StatBankClient, StatBankError, Throttle
from flows.ingest.statbank_catalogue import (
    Query,
    TableSpec,
    load_catalogue,
    nordland_municipalities,
)

CATALOGUE = load_catalogue()
MUNICIPALITIES = nordland_municipalities()
BODO_QUERY = Query(
    "07459",
    {
        "Region": ["K-1804", "K-1806"],
        "Kjonn": ["1", "2"],
        "Alder": ["F316", "F317"],
        "ContentsCode": ["Personer1"],
        "Tid": ["2021", "2022"],
    },
    {"Region": "agg_KommSummer", "Alder": "agg_Funksjonell4"},
)


class Clock:
    """Time shared by the stand-in's rate window and the client's sleeps (nobody really waits)."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(clock):
    # the rate window is switched on only where a test is about it: it runs on the fake clock
    fake = FakeStatBank(SAMPLE_DIR, clock=clock, rate_limit=None).start()
    yield fake
    fake.stop()


@pytest.fixture
def client(server, clock):
    config = ApiConfig(
        base_url=server.base_url, requests_per_minute=6000, timeout_s=2, max_attempts=3
    )
    with StatBankClient(config, sleep=clock.sleep) as c:
        yield c


def _with(client: StatBankClient, **changes) -> StatBankClient:
    return StatBankClient(dataclasses.replace(client.config, **changes), sleep=client.sleep)


def _spec(table_id: str, **changes) -> TableSpec:
    table = CATALOGUE[table_id]
    return dataclasses.replace(table, spec={**table.spec, **changes})


def _live_settings(settings, server, monkeypatch):
    monkeypatch.setenv("BYMONITOR_STATBANK_URL", server.base_url)
    monkeypatch.setenv("BYMONITOR_STATBANK_REQUESTS_PER_MINUTE", "6000")
    return type(settings)()


# ---- queries settled by the metadata


def test_every_catalogue_table_is_settled_by_its_metadata(client, server):
    plans = [client.plan_table(table, MUNICIPALITIES) for table in CATALOGUE.values()]
    assert [(p.table_id, p.problems) for p in plans if not p.ok] == []
    for plan in plans:
        assert plan.cells > 0 and plan.first_period and plan.last_period
        for query in plan.queries:
            for codes in query.selections.values():  # explicit codes, never an expression
                assert not any("(" in c or "*" in c for c in codes)
    metadata = [params for path, params in server.requests if path.endswith("/metadata")]
    assert any("codelist[Region]" in params for params in metadata)


def test_a_codelist_the_table_does_not_offer_is_named_with_the_alternatives(client):
    regions = [dict(g) for g in CATALOGUE["09588"].spec["regions"]]
    regions[-1]["codelist"] = "agg_single_FylkerGjeldende"
    plan = client.plan_table(_spec("09588", regions=regions), MUNICIPALITIES)
    assert not plan.ok and not plan.queries
    [problem] = plan.problems
    assert problem.startswith(
        "09588: codelist agg_single_FylkerGjeldende does not exist for Region; the table offers "
    )
    assert "agg_FylkerGjeldende" in problem


def test_retired_codes_are_not_asked_under_the_current_municipalities(client, server):
    regions = [{"codelist": "agg_KommGjeldende", "codes": "nordland_municipalities",
                "format": "{code}", "retired": True}]  # fmt: skip
    plan = client.plan_table(_spec("09817", regions=regions), MUNICIPALITIES)
    [problem] = plan.problems
    assert "codelist agg_KommGjeldende has no region code 1805, 1854, 1850, 1849" in problem
    assert "vs_Kommune" in problem
    plan = client.plan_table(CATALOGUE["09817"], MUNICIPALITIES)  # the catalogue asks by period
    assert plan.ok
    by_codelist = {q.codelists["Region"]: q for q in plan.queries}
    assert "1805" in by_codelist["vs_Kommune"].selections["Region"]
    assert max(by_codelist["vs_Kommune"].selections["Tid"]) == "2019"
    assert "1805" not in by_codelist["agg_KommGjeldende"].selections["Region"]
    assert min(by_codelist["agg_KommGjeldende"].selections["Tid"]) == "2024"


def test_the_first_period_comes_from_the_metadata_not_a_guessed_from(client, server):
    plan = client.plan_table(_spec("10309", first_year=1990), MUNICIPALITIES)
    assert plan.ok
    years = plan.queries[0].selections["Tid"]
    assert years[0] == plan.first_period and int(years[0]) > 1990
    assert any("before the table's first period" in n for n in plan.notes)
    client.fetch(plan.queries[0])
    [params] = server.data_requests("10309")
    assert "from(" not in json.dumps(params)


def test_a_variable_the_table_cannot_eliminate_must_be_selected(client):
    query = {k: v for k, v in CATALOGUE["11616"].spec["query"].items() if k != "Alder"}
    plan = client.plan_table(_spec("11616", query=query), MUNICIPALITIES)
    [problem] = plan.problems
    assert problem.startswith("11616: variable Alder cannot be left out")
    assert "15-74" in problem


def test_an_unknown_code_is_named_in_its_codelist(client):
    query = {**CATALOGUE["13470"].spec["query"], "NACE2007": ["01-03", "35"]}
    plan = client.plan_table(_spec("13470", query=query), MUNICIPALITIES)
    assert plan.problems == ["13470: codelist agg_NACE2007arb11 has no code 35"]


def test_output_values_is_never_sent(client, server):
    client.fetch(BODO_QUERY)
    [params] = server.data_requests("07459")
    assert not any(k.lower().startswith("outputvalues") for k in params)
    assert params["codelist[Region]"] == "agg_KommSummer"


def test_long_selections_go_as_a_post_body(client, server):
    plan = client.plan_table(CATALOGUE["07459"], MUNICIPALITIES)
    query = plan.queries[0]
    short = _with(client, max_url_length=300)
    assert short.uses_post(query)
    [(_, body)] = short.fetch(query)
    [params] = server.data_requests("07459")
    assert params["method"] == "POST"
    assert len(list(jsonstat.parse(json.loads(body)).cells())) == query.cells()


def test_a_get_url_over_statbanks_limit_is_a_404_the_user_understands(client, server):
    every_code = [f"K-{n:04d}" for n in range(301, 701)]  # as long as all of Norway's
    query = Query("07459", {**BODO_QUERY.selections, "Region": every_code}, BODO_QUERY.codelists)
    forced_get = _with(client, max_url_length=100_000)
    assert len(forced_get.url(query)) > 2_100
    with pytest.raises(StatBankError, match=r"HTTP 404: the URL is too long for StatBank"):
        forced_get.fetch(query)


def test_statbank_during_its_metadata_update_is_waited_for(client, server, clock):
    server.unavailable_for(2)
    client.fetch(BODO_QUERY)
    assert len(server.data_requests("07459")) == 3
    assert sum(clock.sleeps) >= 90  # 30 s, then 60 s


def test_queries_over_the_cell_limit_are_split_and_every_part_fits(client, server):
    server.max_cells = 5
    small = _with(client, max_cells=5)
    parts = small.fetch(BODO_QUERY)
    assert len(parts) >= 4
    assert sum(part.cells() for part, _ in parts) == BODO_QUERY.cells()
    for part, body in parts:
        assert part.cells() <= 5
        assert len(list(jsonstat.parse(json.loads(body)).cells())) == part.cells()


def test_duplicate_codes_are_removed_before_sending(client, server):
    doubled = Query(
        "07459",
        {**BODO_QUERY.selections, "Region": ["K-1804", "K-1804", "K-1806"]},
        BODO_QUERY.codelists,
    )
    [(part, _)] = client.fetch(doubled)
    assert part.selections["Region"] == ["K-1804", "K-1806"]
    [params] = server.data_requests("07459")
    assert params["valueCodes[Region]"] == "K-1804,K-1806"


# ---- faults


def test_a_problem_json_400_is_the_users_message_and_is_not_retried(client, server):
    bad = Query("07459", {**BODO_QUERY.selections, "Region": ["K-9999"]}, BODO_QUERY.codelists)
    with pytest.raises(StatBankError) as caught:
        client.fetch(bad)
    message = str(caught.value)
    assert "table 07459" in message and "HTTP 400" in message
    assert "Non-existent value" in message
    assert "valueCodes%5BRegion%5D=K-9999" in message  # the URL that was refused
    assert len(server.data_requests("07459")) == 1


def test_an_empty_500_is_a_faulty_request_and_is_not_retried(client, server):
    server.script("07459", Scripted(500))
    with pytest.raises(StatBankError, match=r"HTTP 500 with an empty body.*not retried"):
        client.fetch(BODO_QUERY)
    assert len(server.data_requests("07459")) == 1


def test_429_without_retry_after_waits_out_the_rate_window(server, clock):
    server.rate_limit = 2
    config = ApiConfig(base_url=server.base_url, requests_per_minute=6000, max_attempts=3)
    with StatBankClient(config, sleep=clock.sleep) as fast:
        for _ in range(3):
            fast.fetch(BODO_QUERY)
    assert any(s >= 60 for s in clock.sleeps)  # waited the window out before going on
    assert len(server.data_requests("07459")) == 3  # so no request was refused and repeated


def test_a_scripted_429_waits_at_least_a_minute(client, server, clock):
    server.script("07459", Scripted(429, b"", {"x-ratelimit-policy": "40;w=60s"}, endpoint="data"))
    client.fetch(BODO_QUERY)
    assert len(server.data_requests("07459")) == 2
    assert clock.sleeps and max(clock.sleeps) >= 60


def test_503_is_retried_with_a_longer_back_off(client, server, clock):
    server.script("07459", Scripted(503), Scripted(503))
    client.fetch(BODO_QUERY)
    assert len(server.data_requests("07459")) == 3
    assert sorted(clock.sleeps)[-2:] == [30.0, 60.0]


def test_other_server_errors_are_retried_with_growing_back_off(client, server, clock):
    server.script("07459", Scripted(502, b"bad gateway"), Scripted(504, b"timeout"))
    client.fetch(BODO_QUERY)
    assert len(server.data_requests("07459")) == 3
    backoffs = [s for s in clock.sleeps if s >= 1]
    assert backoffs == sorted(backoffs) and len(backoffs) == 2


def test_an_api_that_keeps_failing_is_a_clear_error(client, server):
    server.script("07459", *[Scripted(502, b"bad gateway")] * 3)
    with pytest.raises(StatBankError, match=r"kept failing for table 07459 .*HTTP 502 after 3"):
        client.fetch(BODO_QUERY)


def test_a_response_slower_than_the_timeout_is_retried_then_reported(client, server):
    slow = _with(client, timeout_s=0.2, max_attempts=2)
    server.script("07459", Scripted(200, b"{}", delay_s=1.0), Scripted(200, b"{}", delay_s=1.0))
    with pytest.raises(StatBankError, match=r"did not answer table 07459 .* within 0.2 s"):
        slow.fetch(BODO_QUERY)
    assert len(server.data_requests("07459")) == 2


def test_an_unknown_table_is_a_404_error(client):
    with pytest.raises(StatBankError, match=r"table 99999 .*HTTP 404"):
        client.fetch(Query("99999", {"Region": ["0"], "Tid": ["2024"]}))


def test_answers_are_cached_on_disk(client, server, tmp_path):
    cached = _with(client, cache_dir=tmp_path / "cache")
    first = cached.fetch(BODO_QUERY)
    again = cached.fetch(BODO_QUERY)
    assert first == again
    assert len(server.data_requests("07459")) == 1


def test_the_throttle_spaces_requests():
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    throttle = Throttle(30, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        throttle.wait()
        now[0] += 0.5
    assert slept == [1.5, 1.5]  # 30 a minute: one every 2 s


# ---- whole fetches


def test_live_ingest_fetches_and_loads_every_catalogue_table(settings, server, monkeypatch):
    live_settings = _live_settings(settings, server, monkeypatch)
    fetched = pipeline.ingest_statbank_live(live_settings)
    assert [t.table_id for t in fetched.failed] == []
    assert {t.table_id for t in fetched.tables} == set(CATALOGUE)
    downloads = sorted((live_settings.warehouse_dir / "downloads" / "statbank").glob("*.json"))
    assert len(downloads) == len(fetched.loads)
    con = duckdb.connect(str(live_settings.warehouse_path), read_only=True)
    try:
        tables = {
            r[0] for r in con.execute("select distinct table_id from raw.statbank_cells").fetchall()
        }
        bodo_2022 = con.execute(
            "select sum(value) from raw.statbank_cells "
            "where table_id = '07459' and region_code = 'K-1804' and time_code = '2022'"
        ).fetchone()[0]
    finally:
        con.close()
    assert tables == set(CATALOGUE)
    assert bodo_2022 == 52803  # SSB's figure for Bodø, 1 January 2022
    again = pipeline.ingest_statbank_live(live_settings, ["07459"])
    assert all(r.skipped for r in again.loads)


def test_one_failing_table_does_not_stop_the_others(settings, server, monkeypatch):
    live_settings = _live_settings(settings, server, monkeypatch)
    problem = json.dumps({"type": "Parameter error", "title": "Non-existent value", "status": 400})
    server.script("09588", Scripted(400, problem.encode(), {"Content-Type": "application/json"}))
    fetched = pipeline.ingest_statbank_live(live_settings, ["07459", "09588", "13472"])
    assert [t.table_id for t in fetched.failed] == ["09588"]
    assert "Non-existent value" in fetched.failed[0].error
    con = duckdb.connect(str(live_settings.warehouse_path), read_only=True)
    try:
        loaded = {r[0] for r in con.execute("select distinct table_id from raw._loads").fetchall()}
    finally:
        con.close()
    assert loaded == {"07459", "13472"}


def test_the_cli_summarises_each_table_and_fails_when_one_failed(server, tmp_path):
    env = {"BYMONITOR_STATBANK_URL": server.base_url,
           "BYMONITOR_STATBANK_REQUESTS_PER_MINUTE": "6000"}  # fmt: skip
    problem = {"type": "Parameter error", "title": "Too many cells selected", "status": 400}
    server.script("13472", Scripted(400, json.dumps(problem).encode()))
    completed = run_cli(
        tmp_path, "ingest", "statbank", "--live", "--tables", "07459,13472", env=env
    )
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "1 table(s) could not be fetched: 13472" in completed.stderr
    assert "07459" in completed.stdout and "failed" in completed.stdout
    con = duckdb.connect(str(tmp_path / "warehouse" / "bymonitor.duckdb"), read_only=True)
    try:
        assert con.execute("select distinct table_id from raw._loads").fetchall() == [("07459",)]
    finally:
        con.close()
    refused = run_cli(tmp_path, "ingest", "statbank", "--live", "--tables", "12345", env=env)
    assert refused.returncode == 1
    assert "unknown table(s) 12345" in refused.stderr


def test_statbank_check_is_ok_for_the_catalogue_and_names_a_changed_codelist(server, tmp_path):
    env = {"BYMONITOR_STATBANK_URL": server.base_url,
           "BYMONITOR_STATBANK_REQUESTS_PER_MINUTE": "6000"}  # fmt: skip
    ok = run_cli(tmp_path, "statbank", "check", env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "all 10 tables match StatBank's metadata" in ok.stderr
    assert "07459" in ok.stdout and "agg_KommSummer" in ok.stdout
    profiles = yaml.safe_load(PROFILES.read_text(encoding="utf-8"))
    profiles["tables"]["09588"] = copy.deepcopy(profiles["tables"]["09588"])
    region = profiles["tables"]["09588"]["dimensions"]["Region"]["codelists"]
    region["agg_Fylker2024"] = region.pop("agg_FylkerGjeldende")  # SSB renamed a codelist
    changed_server = FakeStatBank(SAMPLE_DIR, profiles=profiles, rate_limit=None).start()
    try:
        env["BYMONITOR_STATBANK_URL"] = changed_server.base_url
        changed = run_cli(tmp_path, "statbank", "check", env=env)
    finally:
        changed_server.stop()
    assert changed.returncode == 1
    assert (
        "- 09588: codelist agg_FylkerGjeldende does not exist for Region; the table offers "
        in changed.stdout
    )
    assert "agg_Fylker2024" in changed.stdout
    assert "1 of 10 tables do not match StatBank: 09588" in changed.stderr
