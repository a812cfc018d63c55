"""Request guards: sizes, parameter count, rate limit and CORS, answered as OperationOutcome."""

from __future__ import annotations

from starlette.testclient import TestClient
from studies_fixture import Loaded

from eclaire_search.app import create_app
from eclaire_search.limits import TokenBucket


def outcome(response: object, status: int) -> None:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.json()["resourceType"] == "OperationOutcome"  # type: ignore[attr-defined]


def test_size_limits(api: TestClient) -> None:
    outcome(api.get("/R4/ResearchStudy?_text=" + "a" * 9000), 414)
    many = "&".join(f"status=active&x{i}=1" for i in range(60))
    outcome(api.get(f"/R4/ResearchStudy?{many}"), 400)
    body = "status=active&" + "x=" + "a" * 70_000
    outcome(
        api.post(
            "/R4/ResearchStudy/_search",
            content=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        413,
    )


def test_rate_limit_per_client(loaded: Loaded) -> None:
    settings = loaded.settings.model_copy(update={"rate_limit": 3})
    with TestClient(create_app(settings)) as client:
        assert client.get("/health").status_code == 200  # liveness probes are not counted
        codes = [client.get("/R4/metadata").status_code for _ in range(5)]
        assert codes[:3] == [200, 200, 200]
        throttled = client.get("/R4/metadata")
        outcome(throttled, 429)
        assert int(throttled.headers["retry-after"]) >= 1


def test_token_bucket_refills() -> None:
    bucket = TokenBucket(rate=60)  # one a second
    assert all(bucket.take("a", 0.0) == 0 for _ in range(60))
    assert bucket.take("a", 0.0) > 0
    assert bucket.take("a", 1.0) == 0
    assert bucket.take("b", 0.0) == 0


def test_cors_only_when_configured(api: TestClient, loaded: Loaded) -> None:
    origin = {"Origin": "https://app.example"}
    assert "access-control-allow-origin" not in api.get("/R4/metadata", headers=origin).headers
    settings = loaded.settings.model_copy(update={"cors_origins": "https://app.example"})
    with TestClient(create_app(settings)) as client:
        response = client.get("/R4/metadata", headers=origin)
        assert response.headers["access-control-allow-origin"] == "https://app.example"
