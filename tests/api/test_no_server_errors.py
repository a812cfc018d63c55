"""However malformed, no request gets a 500; every 4xx is an OperationOutcome (real node)."""

from __future__ import annotations

from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from eclaire_search.searchparams import BY_NAME, RESULT_PARAMS

NAMES = sorted(BY_NAME) + sorted(RESULT_PARAMS) + ["_include", "fields", "x", ""]
MODIFIERS = ["", ":not", ":text", ":exact", ":contains", ":missing", ":above"]
NASTY = st.sampled_from(
    [
        "",
        " ",
        "*",
        "\\",
        "|",
        "||",
        "a|b|c",
        "ge",
        "eq2024-02-30",
        "2024-01-01T25:00",
        "-1",
        "99999999999999999999",
        "1e309",
        "NaN",
        '"',
        '"unclosed',
        "(a OR",
        "a) AND (b",
        "*:*",
        "title:x",
        "\u0000",
        "é" * 600,
        "%00",
        "<script>",
        "${jndi:x}",
        "' OR 1=1 --",
    ]
)
VALUES = st.one_of(NASTY, st.text(max_size=30))
PATHS = st.sampled_from(
    [
        "/R4/ResearchStudy",
        "/api/facets",
        "/api/export.csv",
        "/api/export.ndjson",
        "/R4/ResearchStudy/_search",
    ]
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    PATHS,
    st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(MODIFIERS), VALUES), max_size=5),
)
def test_hostile_queries(api: TestClient, path: str, params: list[tuple[str, str, str]]) -> None:
    query = "&".join(f"{quote(n + m)}={quote(v)}" for n, m, v in params)
    if path.endswith("_search"):
        response = api.post(
            path, content=query, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
    else:
        response = api.get(f"{path}?{query}")
    assert response.status_code < 500, (path, query, response.text[:300])
    if response.status_code >= 400:
        assert response.json()["resourceType"] == "OperationOutcome"


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(["ResearchStudy", "Group", "Location", "Organization", "Patient", "%2e%2e"]),
    st.text(max_size=80),
)
def test_hostile_reads(api: TestClient, kind: str, resource_id: str) -> None:
    response = api.get(f"/R4/{kind}/{quote(resource_id, safe='')}")
    assert response.status_code < 500, (kind, resource_id, response.text[:300])
    if response.status_code >= 400:
        assert response.json()["resourceType"] == "OperationOutcome"
