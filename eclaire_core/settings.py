"""The one settings object: every knob is an ``ECLAIRE_*`` environment variable, read once.

Both the API and the ingest pipeline read their configuration from here, so an operator has a
single table to learn (README, "Settings") and a test can check ``compose.yaml`` against it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ECLAIRE_", frozen=True, extra="ignore")

    # --- OpenSearch connection -------------------------------------------------------------------
    opensearch_url: str = Field(
        "http://127.0.0.1:9200",
        description="Comma-separated OpenSearch node URLs.",
    )
    opensearch_user: str | None = Field(
        None, description="Basic-auth user, if the cluster needs one."
    )
    opensearch_password: str | None = Field(None, description="Basic-auth password.")
    opensearch_verify_certs: bool = Field(True, description="Verify TLS certificates (https URLs).")
    opensearch_ca_file: str | None = Field(None, description="CA bundle for TLS verification.")
    opensearch_timeout: float = Field(
        0.9,
        description="Per-request timeout (s) on the API path; no retries, so an outage is a 503 "
        "within a second.",
    )
    index_alias: str = Field("eclaire-studies", description="Alias the API reads from.")

    # --- API -------------------------------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address the API listens on.")
    port: int = Field(8080, description="Port the API listens on.")
    base_url: str | None = Field(
        None,
        description="Public FHIR base used in every emitted link (e.g. https://example.org/R4); "
        "when unset, links use the request's Host, which must be in ECLAIRE_ALLOWED_HOSTS.",
    )
    allowed_hosts: str | None = Field(
        None,
        description="Comma-separated Host values links may be built from (`name` any port, "
        "`name:port` one port); others get a 400. Default: 127.0.0.1, localhost and [::1] on "
        "ECLAIRE_PORT.",
    )
    trusted_proxies: str = Field(
        "",
        description="Comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For/-Proto/-Host and X-Request-Id are believed (default: none).",
    )
    default_count: int = Field(20, description="Default page size (_count).")
    max_count: int = Field(1000, description="Largest page size; more is capped with a warning.")
    timezone: str = Field("Europe/Paris", description="Zone of date-times given without offset.")
    cursor_secret: str | None = Field(
        None,
        description="Key that signs paging cursors; set it when several API processes serve "
        "one base URL (default: random per process).",
    )

    max_url_length: int = Field(8192, description="Longest request URL accepted (414 above).")
    max_params: int = Field(100, description="Most query/form parameters in one request (400).")
    max_body_bytes: int = Field(65536, description="Largest POST body accepted (413 above).")
    rate_limit: int = Field(
        600,
        description="Requests per minute per client address (burst: ECLAIRE_RATE_LIMIT_BURST; "
        "0: no limit); 429 with Retry-After above. Per API process.",
    )
    rate_limit_burst: int = Field(
        100,
        description="Requests a client address may send at once before the per-minute rate "
        "paces it (token-bucket capacity, at most ECLAIRE_RATE_LIMIT; 0: the rate itself).",
    )
    client_concurrency: int = Field(
        4,
        description="Requests under way at once per client address (0: no cap); 429 with "
        "Retry-After above. Per API process.",
    )
    rate_limit_exports: int = Field(
        10, description="Export requests (/api/export.*) per minute per client address (0: none)."
    )
    rate_limit_clients: int = Field(
        100_000,
        description="Client addresses the rate limiter remembers (least recently seen forgotten).",
    )
    limit_concurrency: int = Field(
        200,
        description="Requests under way per API process before it answers 503 (connections "
        "still sending headers do not count: ECLAIRE_HEADER_TIMEOUT cuts them).",
    )
    max_header_bytes: int = Field(
        32768,
        description="Largest request line plus headers, in bytes (counted as they arrive); "
        "a bigger or endless header block is refused with 400.",
    )
    header_timeout: float = Field(
        10.0, description="Seconds a connection may take to send a request's headers."
    )
    keep_alive_timeout: int = Field(5, description="Seconds an idle keep-alive connection stays.")
    metrics_allow: str = Field(
        "127.0.0.1,::1",
        description="Comma-separated client addresses or networks allowed to read /metrics "
        "(empty: nobody).",
    )
    compression_min_bytes: int = Field(
        500, description="Smallest response body compressed (gzip, br, zstd by Accept-Encoding)."
    )
    cors_origins: str = Field(
        "", description="Comma-separated origins allowed by CORS (`*` for any; empty: none)."
    )

    # --- Heavy work: concurrency caps (per API process; 429 + Retry-After beyond) ----------------
    export_max_concurrent: int = Field(4, description="Exports streaming at once, service-wide.")
    export_max_per_client: int = Field(1, description="Exports streaming at once per client.")
    export_write_timeout: float = Field(
        30.0,
        description="Seconds an export waits for a client to take the next chunk before "
        "dropping it (a client that stops reading).",
    )
    big_page_count: int = Field(
        200, description="A search page with a larger _count is a big page (capped below)."
    )
    big_include_count: int = Field(
        50, description="A page with _include and a larger _count is a big page."
    )
    big_page_max_concurrent: int = Field(2, description="Big pages built at once, service-wide.")
    big_page_max_per_client: int = Field(1, description="Big pages built at once per client.")

    # --- Cost budget of one search, checked before the engine is called (400 beyond) -------------
    max_total_values: int = Field(
        200, description="Values (comma-separated ones counted apart) across all parameters."
    )
    max_values_per_param: int = Field(100, description="Values of one search parameter.")
    contains_min_length: int = Field(3, description="Shortest value of a :contains search.")
    max_contains_values: int = Field(
        10, description="Values across every :contains parameter of one search."
    )
    max_clauses: int = Field(
        1000,
        description="Estimated query clauses of one search (the engine refuses above 1,024).",
    )

    # --- Ingest ----------------------------------------------------------------------------------
    data_dir: Path = Field(
        Path("var"),
        description="Where runs, dead letters and locks go (relative to the working directory).",
    )
    validation: Literal["all", "sample", "none"] = Field(
        "all",
        description="Validation of mapped resources against the fhir.resources R4B models "
        "during ingest (compiled to a JSON Schema, RES-16).",
    )
    ingest_workers: int = Field(
        2,
        ge=0,
        description="Worker processes mapping, validating and building documents beside the "
        "loading process (0: all in one process; RES-17).",
    )
    meddra_table: Path | None = Field(
        None, description="MedDRA LLT table (code$label lines); default: the synthetic sample."
    )
    exclusion_file: Path | None = Field(
        None, description="File of study ids never to publish (one per line)."
    )
    index_replicas: int = Field(
        0, description="Replicas of each study index once loaded (1+ on a multi-node cluster)."
    )
    keep_indices: int = Field(2, description="Older versioned indices kept after an alias swap.")
    max_dead_letter_rate: float = Field(
        0.05, description="Ingest exits non-zero when this share of records is dead-lettered."
    )
    min_load_share: float = Field(
        0.9,
        ge=0,
        le=1,
        description="A full load swaps only if its index holds this share of the live studies.",
    )
    max_delete_share: float = Field(
        0.1,
        ge=0,
        le=1,
        description="An incremental run deletes vanished studies only up to this share.",
    )
    schedule_cron: str = Field("0 4 * * *", description="Cron of the nightly incremental update.")
    input_dir: Path | None = Field(
        None,
        description="Directory the nightly exports arrive in; `eclaire schedule` without FILES "
        "takes the newest file matching each of ECLAIRE_INPUT_PATTERNS there, at each run.",
    )
    input_patterns: str = Field(
        "export_eclaire_ctis*.json,export_eclaire_dm-dmdiv*.json,export_eclaire_jarde*.json",
        description="Comma-separated file-name patterns (glob) in ECLAIRE_INPUT_DIR; each must "
        "match at least one file, the newest (modification time) is read.",
    )

    # --- Backups ---------------------------------------------------------------------------------
    snapshot_repository: str = Field(
        "eclaire-backups", description="Name of the OpenSearch snapshot repository."
    )
    snapshot_location: str = Field(
        "eclaire-search",
        description="Filesystem location of that repository: relative to the node's `path.repo`, "
        "or an absolute path under it (on a cluster, a directory every node mounts).",
    )

    # --- Translation of CTIS texts (DeepL) -------------------------------------------------------
    deepl_auth_key: SecretStr | None = Field(
        None, description="DeepL API key; without it CTIS texts stay in English (said once)."
    )
    deepl_server_url: str | None = Field(
        None,
        description="DeepL API base URL (the client's server_url; default: chosen by the key).",
    )
    deepl_char_budget: int = Field(
        1_000_000,
        ge=0,
        description="Most characters sent to DeepL in one run; the rest waits for the next run.",
    )
    deepl_glossary_id: str | None = Field(
        None, description="DeepL glossary (EN→FR) applied to every translation."
    )
    translation_memory_index: str = Field(
        "eclaire-translation-memory",
        description="OpenSearch index of past translations, so a text is paid for once.",
    )

    @property
    def link_hosts(self) -> list[str]:
        """Host values links may be built from (lower case)."""
        if self.allowed_hosts is not None:
            return [h.strip().lower() for h in self.allowed_hosts.split(",") if h.strip()]
        return [f"{name}:{self.port}" for name in ("127.0.0.1", "localhost", "[::1]")]

    @property
    def opensearch_hosts(self) -> list[str]:
        return [u.strip() for u in self.opensearch_url.split(",") if u.strip()]

    @property
    def input_globs(self) -> list[str]:
        return [p.strip() for p in self.input_patterns.split(",") if p.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the environment once; tests build their own ``Settings(...)`` instead."""
    return Settings()
