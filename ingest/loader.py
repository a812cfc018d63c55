"""Load mapped studies into OpenSearch: a new versioned index + atomic alias swap (full), or
upserts and deletes by content hash in the live index (incremental).

The alias never points at a half-built index: the swap happens only after every bulk item was
read, the index refreshed, and its document count checked. Nor does a load shrink the service by
accident: a full load whose index holds no study, or fewer than ``min_load_share`` of the live
index's, is refused (``LoadSummary.refused`` says why) and its index deleted — the live one is
untouched and the dead letters tell what went wrong; an incremental run that would delete more
than ``max_delete_share`` of the live studies as vanished deletes none. ``allow_shrink`` lifts
both guards for deliberate cases. Versions follow RES-12 (``ingest/versions.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from opensearchpy import OpenSearch, helpers
from opensearchpy import exceptions as os_errors

from eclaire_core import stored
from eclaire_core.settings import Settings
from eclaire_core.templates import index_body, template_version
from ingest.bulk import Action, BulkSender, delete_action, index_action
from ingest.deadletter import DeadLetter, DeadLetterSink
from ingest.documents import content_hash
from ingest.errors import LoadFailed
from ingest.mapping import MappedStudy, Unpublished
from ingest.prepared import Outcome, prepare
from ingest.versions import Indexed, now_instant

STATE_FIELDS = ["content_hash", "version_id", "last_updated"]
MERGE_TIMEOUT_S = 1800  # a force-merge answers when done: 7.6 s for 200k studies (1.3 GB)


@dataclass
class LoadSummary:
    index: str = ""
    indexed: int = 0
    unchanged: int = 0
    updated: int = 0
    new: int = 0
    deleted: int = 0
    failed: int = 0
    sites_located: int = 0  # sites of the documents sent that the gazetteer placed
    sites_unlocated: int = 0  # ... and those it could not (no near search finds them)
    swapped: bool = False
    removed_indices: list[str] = field(default_factory=list)
    refused: str = ""
    """Why the shrink guard refused the load ("" when it did not)."""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def index_template_version(client: OpenSearch, index: str) -> str | None:
    mapping = client.indices.get_mapping(index=index)[index]["mappings"]
    return (mapping.get("_meta") or {}).get("template")


def alias_indices(client: OpenSearch, alias: str) -> list[str]:
    try:
        return sorted(client.indices.get_alias(name=alias))
    except os_errors.NotFoundError:
        return []


def indexed_state(client: OpenSearch, alias: str) -> dict[str, Indexed]:
    """Hash, version and lastUpdated of every study behind the alias (empty when none)."""
    if not alias_indices(client, alias):
        return {}
    state = {}
    for hit in helpers.scan(
        client, index=alias, _source=STATE_FIELDS, size=5000, query={"query": {"match_all": {}}}
    ):
        s = hit["_source"]
        state[hit["_id"]] = Indexed(s["content_hash"], int(s["version_id"]), s["last_updated"])
    return state


@dataclass(frozen=True)
class _UnchangedIn:
    """A picklable predicate (worker processes may be started by a fork server)."""

    previous: dict[str, Indexed]

    def __call__(self, study: MappedStudy) -> bool:
        known = self.previous.get(study.id)
        return known is not None and known.content_hash == content_hash(study)


def unchanged_in(previous: dict[str, Indexed]) -> Callable[[MappedStudy], bool]:
    """Whether a study maps to what the index holds (same content hash)."""
    return _UnchangedIn(previous)


def stored_studies(client: OpenSearch, alias: str) -> Iterator[MappedStudy]:
    """The studies as the live index holds them, to rebuild documents without the exports
    (``eclaire reindex``: after a template or document-shape change)."""
    fields = ["resource", "group", "locations", "organizations", "source", "document_date"]
    for hit in helpers.scan(
        client, index=alias, _source=fields, size=1000, query={"query": {"match_all": {}}}
    ):
        doc = stored.decoded(hit["_source"])
        yield MappedStudy(
            id=hit["_id"],
            source=doc["source"],
            research_study=doc["resource"],
            group=doc["group"] or {},
            locations=doc.get("locations") or [],
            organizations=doc.get("organizations") or [],
            document_date=doc["document_date"],
        )


class Loader:
    def __init__(
        self,
        client: OpenSearch,
        settings: Settings,
        dead_letters: DeadLetterSink,
        chunk_size: int = 500,
        *,
        allow_shrink: bool = False,
        run_time: str | None = None,
    ) -> None:
        self.client = client
        self.allow_shrink = allow_shrink
        self.run_time = run_time or now_instant()
        """``lastUpdated`` of a changed study whose document date is older (RES-12)."""
        self.settings = settings
        self.alias = settings.index_alias
        self.dead_letters = dead_letters
        self.chunk_size = chunk_size

    def _bulk(self, actions: Iterable[Action], summary: LoadSummary) -> None:
        """Send every action, read every item (ingest/bulk.py); failures are dead-lettered."""
        result = BulkSender(self.client, self.chunk_size).send(actions)
        summary.indexed += result.indexed
        summary.failed += len(result.failures)
        for failure in result.failures:
            self.dead_letters.write(
                DeadLetter("opensearch-bulk", None, failure.id, "bulk-failure", failure.reason)
            )

    def _actions(
        self,
        outcomes: Iterable[Outcome],
        index: str,
        previous: dict[str, Indexed],
        summary: LoadSummary,
        *,
        full: bool,
        seen: set[str],
        unpublished: set[str],
    ) -> Iterator[Action]:
        """Bulk actions; ``seen`` collects published ids, ``unpublished`` the others."""
        for outcome in outcomes:
            if isinstance(outcome, Unpublished):
                unpublished.add(outcome.id)
                if not full and outcome.id in previous:
                    summary.deleted += 1
                    yield delete_action(index, outcome.id)
                continue
            seen.add(outcome.id)
            if isinstance(outcome, MappedStudy):  # else a worker prepared it already
                outcome = prepare(outcome, previous.get(outcome.id), self.run_time, full=full)
            elif full and not outcome.document:
                raise LoadFailed(f"{outcome.id} was prepared for an incremental load")
            setattr(summary, outcome.kind, getattr(summary, outcome.kind) + 1)
            if outcome.document:
                summary.sites_located += outcome.sites_located
                summary.sites_unlocated += outcome.sites_unlocated
                yield index_action(index, outcome.id, outcome.document)

    def rebuilds(self, mode: str) -> bool:
        """Whether a load in ``mode`` builds a new index: a full one always, an incremental one
        when there is no index yet or the live one was built from another template."""
        if mode == "full":
            return True
        current = alias_indices(self.client, self.alias)
        return not current or index_template_version(self.client, current[0]) != template_version()

    def shrink_reason(self, studies: int, live: int) -> str:
        """Why a full load of ``studies`` must not replace ``live`` ones ("" if it may)."""
        if self.allow_shrink:
            return ""
        if studies == 0:
            return f"the new index holds no study (the live one holds {live})"
        if studies < self.settings.min_load_share * live:
            return (
                f"the new index holds {studies} studies, fewer than "
                f"{self.settings.min_load_share:.0%} of the live index's {live} "
                "(ECLAIRE_MIN_LOAD_SHARE; --allow-shrink to load it anyway)"
            )
        return ""

    def full_load(
        self, outcomes: Iterable[Outcome], previous: dict[str, Indexed] | None = None
    ) -> LoadSummary:
        """Build a new versioned index, then swap the alias onto it atomically (or refuse).
        ``previous``: what the live index holds, when the caller read it already."""
        summary = LoadSummary()
        if previous is None:
            previous = indexed_state(self.client, self.alias)
        index = f"{self.alias}-{datetime.now(UTC).strftime('%Y%m%dt%H%M%S%f')}"
        summary.index = index
        body = index_body()
        restored = {
            "refresh_interval": body["settings"]["index"].get("refresh_interval", "1s"),
            "number_of_replicas": self.settings.index_replicas,
        }
        body["settings"]["index"].update({"refresh_interval": "-1", "number_of_replicas": 0})
        self.client.indices.create(index=index, body=body)
        seen: set[str] = set()
        self._bulk(
            self._actions(
                outcomes, index, previous, summary, full=True, seen=seen, unpublished=set()
            ),
            summary,
        )
        self.client.indices.put_settings(index=index, body={"index": restored})
        self.merge(index)
        self.client.indices.refresh(index=index)
        summary.deleted = len(set(previous) - seen)
        count = int(self.client.count(index=index)["count"])
        self.stamp(index, count)
        if count != summary.indexed:
            raise LoadFailed(
                f"index {index} holds {count} documents, {summary.indexed} were sent; "
                "alias left where it was"
            )
        if reason := self.shrink_reason(count, len(previous)):
            self.client.indices.delete(index=index)
            summary.refused = f"{reason}; alias left where it was, {index} deleted"
            return summary
        self.swap(index, summary)
        return summary

    def merge(self, index: str) -> None:
        """One segment before the swap (API-10): a load leaves one per indexing-buffer flush (15
        at 200k studies on a 1 GiB heap), and every search pays each segment's setup."""
        self.client.indices.forcemerge(
            index=index, max_num_segments=1, request_timeout=MERGE_TIMEOUT_S
        )

    def stamp(self, index: str, studies: int) -> None:
        """Record the load time in the index itself, where /api/version reads it."""
        meta = {"data_timestamp": now_instant(), "studies": studies, "template": template_version()}
        self.client.indices.put_mapping(index=index, body={"_meta": meta})

    def swap(self, index: str, summary: LoadSummary) -> None:
        old = alias_indices(self.client, self.alias)
        actions: list[dict[str, Any]] = [{"remove": {"index": i, "alias": self.alias}} for i in old]
        actions.append({"add": {"index": index, "alias": self.alias}})
        self.client.indices.update_aliases(body={"actions": actions})
        summary.swapped = True
        versions = sorted(self.client.indices.get(index=f"{self.alias}-*"), reverse=True)
        for stale in [i for i in versions if i != index][self.settings.keep_indices :]:
            self.client.indices.delete(index=stale)
            summary.removed_indices.append(stale)

    def incremental(
        self,
        outcomes: Iterable[Outcome],
        complete: Callable[[], bool] = lambda: True,
        previous: dict[str, Indexed] | None = None,
    ) -> LoadSummary:
        """Upsert changed and new studies in the live index; delete unpublished ones, and the
        vanished ones only when ``complete()`` says every export was read to its end (a
        truncated file must not delete the studies it no longer shows)."""
        if self.rebuilds("incremental"):
            # No index yet, or one built from another template: only a rebuild gives the
            # documents every field the current mappings declare.
            return self.full_load(outcomes)
        current = alias_indices(self.client, self.alias)
        summary = LoadSummary(index=current[0])
        if previous is None:
            previous = indexed_state(self.client, self.alias)
        seen: set[str] = set()
        unpublished: set[str] = set()
        self._bulk(
            self._actions(
                outcomes,
                current[0],
                previous,
                summary,
                full=False,
                seen=seen,
                unpublished=unpublished,
            ),
            summary,
        )
        vanished = sorted(set(previous) - seen - unpublished) if complete() else []
        limit = self.settings.max_delete_share * len(previous)
        if len(vanished) > limit and not self.allow_shrink:
            summary.refused = (
                f"{len(vanished)} of the {len(previous)} live studies vanished from the input, "
                f"more than {self.settings.max_delete_share:.0%} (ECLAIRE_MAX_DELETE_SHARE; "
                "--allow-shrink to delete them anyway): none deleted"
            )
            vanished = []
        summary.deleted += len(vanished)
        self._bulk((delete_action(current[0], i) for i in vanished), summary)
        self.client.indices.refresh(index=current[0])
        self.stamp(current[0], int(self.client.count(index=current[0])["count"]))
        return summary
