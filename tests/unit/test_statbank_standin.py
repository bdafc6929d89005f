"""The local StatBank stand-in answers as SSB's PxWebApi 2 does (raw HTTP, no client of ours)."""

from __future__ import annotations

import json

import httpx
import pytest
from helpers import SAMPLE_DIR
from statbank_server import FakeStatBank, Scripted

from flows.ingest import jsonstat

BODO = {
    "lang": "no",
    "outputFormat": "json-stat2",
    "valueCodes[Region]": "K-1804,K-1806",
    "codelist[Region]": "agg_KommSummer",
    "valueCodes[Kjonn]": "1,2",
    "valueCodes[Alder]": "F316,F317",
    "codelist[Alder]": "agg_Funksjonell4",
    "valueCodes[ContentsCode]": "Personer1",
    "valueCodes[Tid]": "top(2)",
}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(clock):
    fake = FakeStatBank(SAMPLE_DIR, clock=clock).start()
    yield fake
    fake.stop()


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        yield client


def snapshot(table_id: str) -> jsonstat.Dataset:
    return jsonstat.read_file(SAMPLE_DIR / f"{table_id}.json")


def codes(table_id: str, dimension: str) -> list[str]:
    return next(d.codes for d in snapshot(table_id).dimensions if d.id == dimension)


def snapshot_cells(table_id: str) -> dict[tuple[tuple[str, str], ...], float | None]:
    return {tuple(sorted(c.codes.items())): c.value for c in snapshot(table_id).cells()}


def answer_cells(document: dict) -> dict[tuple[tuple[str, str], ...], float | None]:
    return {tuple(sorted(c.codes.items())): c.value for c in jsonstat.parse(document).cells()}


def data(http: httpx.Client, table_id: str, **params: str) -> httpx.Response:
    return http.get(f"/tables/{table_id}/data", params={"lang": "no", **params})


def assert_problem(response: httpx.Response, status: int, title: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == title
    assert body["status"] == status
    assert body["type"] == "Parameter error" or status == 404


# ---- metadata and table info


def test_metadata_has_the_real_shape(http):
    response = http.get("/tables/07459/metadata", params={"lang": "no"})
    assert response.status_code == 200
    meta = response.json()
    assert (meta["version"], meta["class"], meta["value"]) == ("2.0", "dataset", [])
    assert meta["label"].startswith("07459: ")
    assert meta["source"] == "Statistisk sentralbyrå"
    assert meta["updated"]
    assert meta["id"] == ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"]
    assert meta["role"] == {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]}
    assert meta["extension"]["px"]["tableid"] == "07459"
    assert meta["extension"]["px"]["language"] == "no"
    dims = meta["dimension"]
    assert meta["size"] == [len(dims[d]["category"]["index"]) for d in meta["id"]]
    elimination = {d: dims[d]["extension"]["elimination"] for d in meta["id"]}
    assert elimination == {
        "Region": True,
        "Kjonn": True,
        "Alder": True,
        "ContentsCode": False,
        "Tid": False,
    }
    region = dims["Region"]["extension"]["codelists"]
    assert [(c["id"], c["type"]) for c in region] == [
        ("agg_KommSummer", "Aggregation"),
        ("agg_KommFylker", "Aggregation"),
        ("vs_Landet", "Valueset"),
    ]
    assert all(c["label"] and c["links"] for c in region)
    assert [c["id"] for c in dims["Alder"]["extension"]["codelists"]] == ["agg_Funksjonell4"]
    # without a codelist the merged series are not Region's own codes
    assert dims["Region"]["category"]["index"] == {}
    assert list(dims["Tid"]["category"]["index"]) == codes("07459", "Tid")
    assert dims["Kjonn"]["category"]["label"] == {"1": "Menn", "2": "Kvinner"}


def test_a_codelist_in_the_metadata_lists_its_codes(http):
    def region(table_id: str, codelist: str) -> list[str]:
        response = http.get(
            f"/tables/{table_id}/metadata", params={"lang": "no", "codelist[Region]": codelist}
        )
        assert response.status_code == 200, response.text
        return list(response.json()["dimension"]["Region"]["category"]["index"])

    assert region("07459", "agg_KommFylker") == ["F-18"]
    assert region("07459", "vs_Landet") == ["0"]
    merged = region("07459", "agg_KommSummer")
    assert merged == [c for c in codes("07459", "Region") if c.startswith("K-")]
    assert region("06913", "agg_KommFylkerHist") == ["F_18"]
    current = region("09588", "agg_KommGjeldende")
    assert "1804" in current and not {"1805", "1849", "1850", "1854", "18", "0"} & set(current)
    assert {"1805", "1849", "1850", "1854"} <= set(region("09588", "vs_Kommune"))
    assert region("09588", "agg_FylkerGjeldende") == ["18"]


def test_the_metadata_refuses_a_codelist_the_variable_lacks(http):
    for table_id, codelist in [
        ("09588", "agg_single_KommGjeldende"),
        ("07459", "agg_kommsummer"),  # codelist ids are case-sensitive
        ("06913", "agg_KommSummer"),
    ]:
        response = http.get(
            f"/tables/{table_id}/metadata", params={"lang": "no", "codelist[Region]": codelist}
        )
        assert_problem(response, 400, "Non-existent codelist")


def test_no_table_has_an_agg_single_codelist(http):
    for path in sorted(SAMPLE_DIR.glob("*.json")):
        meta = http.get(f"/tables/{path.stem}/metadata", params={"lang": "no"}).json()
        for dim in meta["dimension"].values():
            assert not [c for c in dim["extension"]["codelists"] if "single" in c["id"]]
            assert dim["extension"]["elimination"] in (True, False)
        for fixed in ("ContentsCode", "Tid"):
            assert meta["dimension"][fixed]["extension"]["elimination"] is False


def test_table_info_gives_the_first_and_last_period(http):
    info = http.get("/tables/09588", params={"lang": "no"}).json()
    years = codes("09588", "Tid")
    assert (info["id"], info["firstPeriod"], info["lastPeriod"]) == ("09588", years[0], years[-1])
    assert info["label"].startswith("09588: ")
    assert {link["rel"] for link in info["links"]} >= {"self", "metadata", "data"}


def test_an_unknown_table_is_a_404_problem(http):
    assert_problem(http.get("/tables/99999/metadata"), 404, "Non-existent table")
    assert_problem(data(http, "99999", **{"valueCodes[Tid]": "*"}), 404, "Non-existent table")


# ---- data


def test_a_get_query_returns_the_selected_cells(http, server):
    response = http.get("/tables/07459/data", params=BODO)
    assert response.status_code == 200, response.text
    document = response.json()
    assert (document["version"], document["class"]) == ("2.0", "dataset")
    assert document["label"].startswith("07459: ")
    assert document["extension"]["px"]["tableid"] == "07459"
    assert document["extension"]["bymonitor"]["values"] == "official"
    assert document["id"] == ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"]
    assert document["size"] == [2, 2, 2, 1, 2]
    assert list(document["dimension"]["Tid"]["category"]["index"]) == codes("07459", "Tid")[-2:]
    assert document["dimension"]["Region"]["category"]["label"]["K-1804"] == "Bodø"
    whole = snapshot_cells("07459")
    got = answer_cells(document)
    assert len(got) == 16
    assert all(whole[key] == value for key, value in got.items())
    [params] = server.data_requests("07459")
    assert params["method"] == "GET"
    assert params["valueCodes[Region]"] == "K-1804,K-1806"
    assert params["codelist[Region]"] == "agg_KommSummer"


def test_a_post_query_gives_the_same_answer_and_is_recorded_alike(http, server):
    selection = [
        {
            "variableCode": "Region",
            "codelist": "agg_KommSummer",
            "valueCodes": ["K-1804", "K-1806"],
        },
        {"variableCode": "Kjonn", "valueCodes": ["1", "2"]},
        {"variableCode": "Alder", "codelist": "agg_Funksjonell4", "valueCodes": ["F316", "F317"]},
        {"variableCode": "ContentsCode", "valueCodes": ["Personer1"]},
        {"variableCode": "Tid", "codelist": "", "valueCodes": ["top(2)"]},
    ]
    response = http.post(
        "/tables/07459/data",
        params={"lang": "no", "outputFormat": "json-stat2"},
        json={"selection": selection, "placement": {"heading": [], "stub": []}},
    )
    assert response.status_code == 200, response.text
    assert response.json() == http.get("/tables/07459/data", params=BODO).json()
    post, get = server.data_requests("07459")
    assert post["method"] == "POST" and get["method"] == "GET"
    for key in ("valueCodes[Region]", "codelist[Region]", "valueCodes[Tid]", "codelist[Alder]"):
        assert post[key] == get[key]
    assert "codelist[Tid]" not in post


def test_variable_names_and_codes_are_matched_case_insensitively(http):
    response = data(
        http,
        "07459",
        **{
            "valuecodes[region]": "k-1804",
            "codelist[REGION]": "agg_KommSummer",
            "valuecodes[contentscode]": "personer1",
            "valueCodes[TID]": "TOP(1)",
            "outputValues[Region]": "aggregated",  # ignored, as SSB does since 2025
        },
    )
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["id"] == ["Region", "ContentsCode", "Tid"]
    assert list(document["dimension"]["Region"]["category"]["index"]) == ["K-1804"]


def test_unknown_variables_values_and_codelists_are_problems(http):
    base = {"valueCodes[ContentsCode]": "Personer1", "valueCodes[Tid]": "top(1)"}
    unknown_variable = data(http, "07459", **base, **{"valueCodes[Kommune]": "1804"})
    assert_problem(unknown_variable, 400, "Non-existent variable")
    unknown_value = data(http, "07459", **base, **{"valueCodes[Kjonn]": "3"})
    assert_problem(unknown_value, 400, "Non-existent value")
    # a merged-series code needs its codelist
    no_codelist = data(http, "07459", **base, **{"valueCodes[Region]": "K-1804"})
    assert_problem(no_codelist, 400, "Non-existent value")
    # a codelist of another table's spelling
    wrong_codelist = data(
        http,
        "06913",
        **{
            "valueCodes[ContentsCode]": "Folkemengde",
            "valueCodes[Tid]": "top(1)",
            "valueCodes[Region]": "K-1804",
            "codelist[Region]": "agg_KommSummer",
        },
    )
    assert_problem(wrong_codelist, 400, "Non-existent codelist")
    single = data(
        http,
        "09588",
        **{
            "valueCodes[ContentsCode]": "*",
            "valueCodes[Tid]": "top(1)",
            "valueCodes[Region]": "1804",
            "codelist[Region]": "agg_single_KommGjeldende",
        },
    )
    assert_problem(single, 400, "Non-existent codelist")


def test_a_variable_that_cannot_be_eliminated_must_be_selected(http):
    no_time = data(http, "07459", **{"valueCodes[ContentsCode]": "Personer1"})
    assert_problem(no_time, 400, "Missing selection for mandantory variable")
    assert_problem(data(http, "07459"), 400, "Missing selection for mandantory variable")
    query = {
        "valueCodes[Region]": "1804",
        "codelist[Region]": "vs_Kommune",
        "valueCodes[ContentsCode]": "*",
        "valueCodes[Tid]": "top(1)",
    }
    # 11616 has an age variable that must be chosen
    no_age = data(http, "11616", **query)
    assert_problem(no_age, 400, "Missing selection for mandantory variable")
    with_age = data(http, "11616", **query, **{"valueCodes[Alder]": "15-74"})
    assert with_age.status_code == 200, with_age.text
    document = with_age.json()
    assert document["id"] == ["Region", "Alder", "ContentsCode", "Tid"]
    whole = snapshot_cells("11616")
    for key, value in answer_cells(document).items():
        assert whole[key] == value


def test_an_eliminated_variable_disappears_and_is_summed(http):
    years = codes("07459", "Tid")
    response = data(
        http,
        "07459",
        **{
            "valueCodes[Region]": "K-18*",
            "codelist[Region]": "agg_KommSummer",
            "valueCodes[ContentsCode]": "Personer1",
            "valueCodes[Tid]": "*",
        },
    )
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["id"] == ["Region", "ContentsCode", "Tid"]
    got = answer_cells(document)
    sums: dict[tuple[str, str], list[float | None]] = {}
    for cell in snapshot("07459").cells():
        if cell.codes["Region"].startswith("K-18"):  # Nordland's, as the selection K-18*
            key = (cell.codes["Region"], cell.codes["Tid"])
            sums.setdefault(key, []).append(cell.value)
    nulls = 0
    for (region, year), parts in sums.items():
        key = (("ContentsCode", "Personer1"), ("Region", region), ("Tid", year))
        if any(p is None for p in parts):
            nulls += 1
            assert got[key] is None
        else:
            assert got[key] == sum(parts)
    regions = document["dimension"]["Region"]["category"]["index"]
    assert len(got) == len(sums) == len(regions) * len(years)
    if nulls:  # a summed null keeps the status of the cell that made it null
        assert document["status"]


def test_selection_expressions(http):
    years = codes("09588", "Tid")
    regions = codes("09588", "Region")

    def picked(dimension: str, expression: str, **extra: str) -> list[str]:
        query = {
            "valueCodes[Region]": "0",
            "codelist[Region]": "vs_Landet",
            "valueCodes[ContentsCode]": "NettoInnland",
            "valueCodes[Tid]": years[-1],
            **extra,
            f"valueCodes[{dimension}]": expression,
        }
        response = data(http, "09588", **query)
        assert response.status_code == 200, (expression, response.text)
        return list(response.json()["dimension"][dimension]["category"]["index"])

    assert picked("Tid", "top(2)") == years[-2:]
    assert picked("Tid", "bottom(2)") == years[:2]
    assert picked("Tid", "[top(2,1)]") == years[-3:-1]
    assert picked("Tid", f"from({years[3]})") == years[3:]
    assert picked("Tid", f"to({years[3]})") == years[:4]
    assert picked("Tid", f"[range({years[1]},{years[4]})]") == years[1:5]
    assert picked("Tid", f"{years[0]},top(1)") == [years[0], years[-1]]
    assert picked("Tid", "*") == years
    assert picked("ContentsCode", "*") == codes("09588", "ContentsCode")
    assert picked("ContentsCode", "top(1)") == codes("09588", "ContentsCode")[:1]
    kommune = {"codelist[Region]": "vs_Kommune"}
    assert picked("Region", "185?", **kommune) == [c for c in regions if c.startswith("185")]
    assert picked("Region", "18*4", **kommune) == [
        c for c in regions if len(c) == 4 and c.startswith("18") and c.endswith("4")
    ]


def test_illegal_selection_expressions(http):
    years = codes("09588", "Tid")
    query = {
        "valueCodes[Region]": "0",
        "codelist[Region]": "vs_Landet",
        "valueCodes[ContentsCode]": "NettoInnland",
    }
    for expression in [
        "from(1899)",  # from() needs an existing code: the first year comes from the metadata
        "to(2999)",
        f"[range(1899,{years[-1]})]",
        f"range({years[0]},{years[-1]})",  # in a GET the comma splits it unless bracketed
        "top(2,1)",
        "top(x)",
        "latest(3)",
    ]:
        response = data(http, "09588", **query, **{"valueCodes[Tid]": expression})
        assert_problem(response, 400, "Illegal selection expression")


def test_the_cell_limit(http, server):
    server.max_cells = 15
    response = http.get("/tables/07459/data", params=BODO)
    assert_problem(response, 400, "Too many cells selected")
    assert response.json()["detail"] == "Too many cells selected"
    server.max_cells = 16
    assert http.get("/tables/07459/data", params=BODO).status_code == 200


def test_the_same_code_twice_is_a_500_with_an_empty_body(http):
    response = http.get("/tables/07459/data", params={**BODO, "valueCodes[Kjonn]": "1,1"})
    assert response.status_code == 500
    assert response.content == b""
    selection = [
        {"variableCode": "ContentsCode", "valueCodes": ["Personer1"]},
        {"variableCode": "Tid", "valueCodes": ["2022", "2022"]},
    ]
    posted = http.post("/tables/07459/data", params={"lang": "no"}, json={"selection": selection})
    assert posted.status_code == 500 and posted.content == b""
    # an expression that overlaps a code is fine
    year = codes("07459", "Tid")[-1]
    overlap = http.get("/tables/07459/data", params={**BODO, "valueCodes[Tid]": f"{year},top(1)"})
    assert overlap.status_code == 200


def test_a_long_get_url_is_a_404_but_the_same_query_by_post_works(http, server):
    every = codes("09588", "Region")
    kommuner = [c for c in every if len(c) == 4] * 12  # never mind the repeats: 404 comes first
    query = {
        "lang": "no",
        "valueCodes[Region]": ",".join(kommuner),
        "codelist[Region]": "vs_Kommune",
        "valueCodes[ContentsCode]": "*",
        "valueCodes[Tid]": "top(1)",
    }
    response = http.get("/tables/09588/data", params=query)
    assert len(str(response.request.url.raw_path)) > server.url_limit
    assert response.status_code == 404
    assert "problem" not in response.headers.get("content-type", "")
    distinct = list(dict.fromkeys(kommuner))
    selection = [
        {"variableCode": "Region", "codelist": "vs_Kommune", "valueCodes": distinct},
        {"variableCode": "ContentsCode", "valueCodes": ["*"]},
        {"variableCode": "Tid", "valueCodes": ["top(1)"]},
    ]
    posted = http.post("/tables/09588/data", params={"lang": "no"}, json={"selection": selection})
    assert posted.status_code == 200, posted.text
    assert list(posted.json()["dimension"]["Region"]["category"]["index"]) == distinct


def test_retired_codes_are_refused_as_current_but_served_from_the_full_valueset(http):
    query = {"valueCodes[ContentsCode]": "NettoInnland", "valueCodes[Tid]": "top(1)"}
    for codelist in ("agg_KommGjeldende", "agg_Komm2020"):
        for retired in ("1805", "1849", "1850", "1854"):
            refused = data(
                http,
                "09588",
                **query,
                **{"valueCodes[Region]": f"1804,{retired}", "codelist[Region]": codelist},
            )
            assert_problem(refused, 400, "Non-existent value")
    served = data(
        http,
        "09588",
        **query,
        **{"valueCodes[Region]": "1805,1806", "codelist[Region]": "vs_Kommune"},
    )
    assert served.status_code == 200, served.text
    assert list(served.json()["dimension"]["Region"]["category"]["index"]) == ["1805", "1806"]


# ---- rate limit, maintenance, scripted answers


def test_the_rate_limit_window(http, server, clock):
    for n in range(40):
        response = http.get("/tables/07459", params={"lang": "no"})
        assert response.status_code == 200
        assert response.headers["x-ratelimit-policy"] == "40;w=60s"
        assert response.headers["x-ratelimit-remaining"] == str(39 - n)
        clock.now += 0.5
    refused = http.get("/tables/07459/metadata", params={"lang": "no"})
    assert refused.status_code == 429
    assert "retry-after" not in refused.headers
    assert refused.headers["x-ratelimit-remaining"] == "0"
    clock.now += 30  # the first requests are still within 60 s
    assert http.get("/tables/07459").status_code == 429
    clock.now += 10.2  # now the first one left the sliding window, but only that one
    assert http.get("/tables/07459").status_code == 200
    assert http.get("/tables/07459").status_code == 429
    clock.now += 61
    again = http.get("/tables/07459")
    assert again.status_code == 200
    assert again.headers["x-ratelimit-remaining"] == "39"


def test_the_rate_limit_can_be_set_or_switched_off(clock):
    strict = FakeStatBank(SAMPLE_DIR, rate_limit=2, rate_window_s=10, clock=clock).start()
    loose = FakeStatBank(SAMPLE_DIR, rate_limit=None).start()
    try:
        statuses = [httpx.get(f"{strict.base_url}/tables/07459").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        free = [httpx.get(f"{loose.base_url}/tables/07459") for _ in range(45)]
        assert {r.status_code for r in free} == {200}
        assert "x-ratelimit-policy" not in free[-1].headers
    finally:
        strict.stop()
        loose.stop()


def test_maintenance_answers_503_then_recovers(http, server):
    server.unavailable_for(2)
    assert [http.get("/tables/07459").status_code for _ in range(3)] == [503, 503, 200]


def test_scripted_answers_come_first(http, server):
    server.script("07459", Scripted(502), Scripted(200, b"{}", endpoint="data"))
    assert http.get("/tables/07459/metadata").status_code == 502
    assert http.get("/tables/07459/metadata").status_code == 200
    assert http.get("/tables/07459/data", params=BODO).content == b"{}"
    assert http.get("/tables/07459/data", params=BODO).json()["size"] == [2, 2, 2, 1, 2]
    assert len(server.data_requests("07459")) == 2


def test_the_snapshots_own_age_variable_is_used_as_is():
    document = json.loads((SAMPLE_DIR / "11616.json").read_text(encoding="utf-8"))
    assert document["id"] == ["Region", "Alder", "ContentsCode", "Tid"]
    fake = FakeStatBank(SAMPLE_DIR).start()
    try:
        meta = httpx.get(f"{fake.base_url}/tables/11616/metadata").json()
        assert meta["id"] == ["Region", "Alder", "ContentsCode", "Tid"]
        assert meta["dimension"]["Alder"]["label"] == document["dimension"]["Alder"]["label"]
        assert meta["dimension"]["Alder"]["extension"]["elimination"] is False
    finally:
        fake.stop()
