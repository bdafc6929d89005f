"""The StatBank client against a local PxWebApi 2 stand-in on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import dataclasses
import json

import duckdb
import pytest
from helpers import SAMPLE_DIR, run_cli
from statbank_server import FakeStatBank, Scripted

from flows import pipeline
from flows.ingest import jsonstat
from flows.ingest.statbank_api import ApiConfig, StatBankClient, StatBankError, Throttle
from flows.ingest.statbank_catalogue import Query, load_catalogue, nordland_municipalities

BODO_QUERY = Query(
    "07459",
    {
        "Region": ["K-1804", "K-1806"],
        "Kjonn": ["1", "2"],
        "Alder": ["F316", "F317"],
        "ContentsCode": ["Personer1"],
        "Tid": ["2021", "2022"],
    },
    {"Region": "agg_KommSummer"},
)


@pytest.fixture
def server():
    fake = FakeStatBank(SAMPLE_DIR).start()
    yield fake
    fake.stop()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(server, sleeps, tmp_path):
    config = ApiConfig(
        base_url=server.base_url,
        requests_per_minute=6000,
        timeout_s=2,
        max_attempts=3,
        cache_dir=None,
    )
    with StatBankClient(config, sleep=sleeps.append) as c:
        yield c


def _with(client: StatBankClient, **changes) -> StatBankClient:
    return StatBankClient(dataclasses.replace(client.config, **changes), sleep=client.sleep)


def test_a_query_returns_the_selected_json_stat2_cells(client, server):
    [(_, body)] = client.fetch(BODO_QUERY)
    dataset = jsonstat.parse(json.loads(body))
    assert dataset.table_id == "07459"
    assert len(list(dataset.cells())) == BODO_QUERY.cells() == 16
    [params] = server.data_requests("07459")
    assert params["valueCodes[Region]"] == "K-1804,K-1806"
    assert params["codelist[Region]"] == "agg_KommSummer"
    assert params["outputValues[Region]"] == "aggregated"
    assert params["outputFormat"] == "json-stat2"


def test_429_is_retried_after_the_time_the_server_asks_for(client, server, sleeps):
    server.script("07459", Scripted(429, b"slow down", {"Retry-After": "7"}))
    [(_, body)] = client.fetch(BODO_QUERY)
    assert body.startswith(b"{")
    assert len(server.data_requests("07459")) == 2
    assert 7.0 in sleeps


def test_server_errors_are_retried_with_growing_back_off(client, server, sleeps):
    server.script("07459", Scripted(500), Scripted(503))
    client.fetch(BODO_QUERY)
    assert len(server.data_requests("07459")) == 3
    backoffs = [s for s in sleeps if s >= 1]
    assert backoffs == sorted(backoffs) and len(backoffs) == 2


def test_an_api_that_keeps_failing_is_a_clear_error(client, server):
    server.script("07459", *[Scripted(502)] * 3)
    with pytest.raises(StatBankError, match=r"kept failing for table 07459 .*HTTP 502 after 3"):
        client.fetch(BODO_QUERY)


def test_a_response_slower_than_the_timeout_is_retried_then_reported(client, server):
    slow = _with(client, timeout_s=0.2, max_attempts=2)
    server.script("07459", Scripted(200, b"{}", delay_s=1.0), Scripted(200, b"{}", delay_s=1.0))
    with pytest.raises(StatBankError, match=r"did not answer table 07459 .* within 0.2 s"):
        slow.fetch(BODO_QUERY)
    assert len(server.data_requests("07459")) == 2


def test_a_400_names_the_table_and_the_query(client, server):
    server.max_cells = 10
    with pytest.raises(StatBankError) as caught:
        client.fetch(BODO_QUERY)
    message = str(caught.value)
    assert "table 07459" in message and "HTTP 400" in message and "Too many cells" in message
    assert "valueCodes%5BRegion%5D=K-1804" in message  # the URL that was refused


def test_an_unknown_table_is_a_404_error(client):
    with pytest.raises(StatBankError, match=r"table 99999 .*HTTP 404"):
        client.fetch(Query("99999", {"Region": ["0"], "Tid": ["2024"]}))


def test_queries_over_the_cell_limit_are_split_and_every_part_fits(client, server):
    server.max_cells = 5
    small = _with(client, max_cells=5)
    parts = small.fetch(BODO_QUERY)
    assert len(parts) >= 4
    assert sum(part.cells() for part, _ in parts) == BODO_QUERY.cells()
    for part, body in parts:
        assert part.cells() <= 5
        assert len(list(jsonstat.parse(json.loads(body)).cells())) == part.cells()


def test_long_urls_are_split(client):
    municipalities = nordland_municipalities()
    query = load_catalogue()["07459"].queries(municipalities, 2024)[0]
    short = _with(client, max_url_length=600)
    plan = short.plan(query)
    assert len(plan) > 1
    assert all(len(short.url(part)) <= 600 for part in plan)
    assert sorted(c for p in plan for c in p.selections["Region"]) == sorted(
        f"K-{m}" for m in municipalities
    )


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


def test_an_unverified_table_is_checked_against_the_metadata(client):
    table = load_catalogue()["09588"]
    client.check_against_metadata(table)  # the snapshot knows every code
    broken = dataclasses.replace(
        table, spec={**table.spec, "query": {"ContentsCode": ["NettoInnland", "Brutto"]}}
    )
    with pytest.raises(StatBankError, match="ContentsCode has no Brutto"):
        client.check_against_metadata(broken)


def test_live_ingest_keeps_every_answer_and_loads_it_like_a_file(settings, server, monkeypatch):
    monkeypatch.setenv("BYMONITOR_STATBANK_URL", server.base_url)
    live_settings = type(settings)()
    client = StatBankClient(
        dataclasses.replace(live_settings.statbank_api(), requests_per_minute=6000),
        sleep=lambda s: None,
    )
    results = pipeline.ingest_statbank_live(live_settings, ["07459", "11616"], client=client)
    assert len(results) == 3 + 1  # 07459: municipalities, county, country; 11616: one group
    assert all(not r.skipped for r in results)
    downloads = sorted((live_settings.warehouse_dir / "downloads" / "statbank").glob("*.json"))
    assert len(downloads) == 4
    con = duckdb.connect(str(live_settings.warehouse_path), read_only=True)
    try:
        rows = con.execute(
            "select table_id, count(*) from raw.statbank_cells group by 1 order by 1"
        ).fetchall()
        loaded_sum = con.execute(
            "select sum(value) from raw.statbank_cells "
            "where table_id = '07459' and region_code = 'K-1804' and time_code = '2022'"
        ).fetchone()[0]
    finally:
        con.close()
    snapshot_cells = {
        t: len(list(jsonstat.read_file(SAMPLE_DIR / f"{t}.json").cells()))
        for t in ("07459", "11616")
    }
    assert rows == sorted(snapshot_cells.items())
    assert loaded_sum == 52803
    again = pipeline.ingest_statbank_live(live_settings, ["07459"], client=client)
    assert all(r.skipped for r in again)


def test_the_cli_fetches_live_tables_and_reports_each_load(server, tmp_path):
    env = {"BYMONITOR_STATBANK_URL": server.base_url}
    completed = run_cli(tmp_path, "ingest", "statbank", "--live", "--tables", "13472", env=env)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.count("loaded") == 3
    assert "fetched table 13472" in completed.stderr
    refused = run_cli(tmp_path, "ingest", "statbank", "--live", "--tables", "12345", env=env)
    assert refused.returncode == 1
    assert "unknown table(s) 12345" in refused.stderr
