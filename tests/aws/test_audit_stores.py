"""The audit log and confirmation tokens: one contract, kept by the SQLite file (locally) and by the
DynamoDB table (on AWS, against moto over HTTP)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from polarbase.errors import ConfirmationError, MetadataUnavailableError
from polarbase.metadata import LocalMetadataSync, MetadataStore
from polarbase.metadata.audit import (
    AUDIT_MIGRATIONS,
    MAX_ARGUMENTS_CHARS,
    AuditEntry,
    AuditLog,
    AuditTrail,
    arguments_hash,
)
from polarbase.metadata.dynamo_audit import DynamoAuditLog
from tests.fixtures.moto import create_keyed_table, moto_client


@pytest.fixture(params=["sqlite", "dynamodb"])
def make_trail(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Callable[[], AuditTrail]]:
    """Trails sharing one store, each its own instance (a process or function of its own)."""
    made: list[AuditTrail] = []
    if request.param == "sqlite":

        def make() -> AuditTrail:
            store = MetadataStore(
                LocalMetadataSync(tmp_path / "audit.sqlite3"), migrations=AUDIT_MIGRATIONS
            )
            store.migrate()
            trail = AuditLog(store, keep_entries=1000)
            made.append(trail)
            return trail

    else:
        dynamodb = moto_client("dynamodb", request.getfixturevalue("moto_endpoint"))
        table = create_keyed_table(dynamodb, f"audit-{uuid.uuid4().hex[:12]}")

        def make() -> AuditTrail:
            trail = DynamoAuditLog(dynamodb, table, keep_days=90)
            made.append(trail)
            return trail

    yield make
    for trail in made:
        trail.close()


def call(number: int, *, key: int = 3, tool: str = "queryRecords", **extra: Any) -> AuditEntry:
    fields: dict[str, Any] = {"outcome": "ok", "affected": number, "duration_ms": 1.5, **extra}
    return AuditEntry(
        key_id=key,
        key_name=f"key {key}",
        door="mcp",
        tool=tool,
        arguments={"tableName": "people", "n": number},
        **fields,
    )


def test_entries_come_back_newest_first_with_every_field(
    make_trail: Callable[[], AuditTrail],
) -> None:
    writer, reader = make_trail(), make_trail()
    for number in range(3):
        writer.record(call(number))
    writer.record(call(9, tool="deleteTable", key=4, outcome="error", message="no such table"))

    entries = reader.entries()

    assert [entry["arguments"]["n"] for entry in entries] == [9, 2, 1, 0]
    newest = entries[0]
    assert newest["keyId"] == "4"
    assert newest["keyName"] == "key 4"
    assert (newest["door"], newest["tool"], newest["outcome"]) == ("mcp", "deleteTable", "error")
    assert newest["message"] == "no such table"
    assert (newest["affected"], newest["durationMs"]) == (9, 1.5)
    assert newest["at"].endswith("Z")
    assert entries[1]["message"] is None
    ids = [entry["id"] for entry in entries]
    assert ids == sorted(ids, reverse=True)
    assert all(isinstance(entry_id, int) and 0 < entry_id < 2**63 for entry_id in ids)


def test_filters_and_pages(make_trail: Callable[[], AuditTrail]) -> None:
    trail = make_trail()
    for number in range(7):
        trail.record(call(number, key=3 if number % 2 else 5))
    trail.record(call(7, tool="countRecords"))

    assert [e["arguments"]["n"] for e in trail.entries(key_id="3")] == [7, 5, 3, 1]
    assert [e["arguments"]["n"] for e in trail.entries(tool="countRecords")] == [7]
    assert trail.entries(key_id="3", tool="nope") == []
    first = trail.entries(limit=3)
    second = trail.entries(limit=3, before=first[-1]["id"])
    third = trail.entries(limit=3, before=second[-1]["id"])
    assert [e["arguments"]["n"] for e in first + second + third] == [7, 6, 5, 4, 3, 2, 1, 0]
    older = trail.entries(key_id="5", limit=2, before=first[-1]["id"])
    assert [e["arguments"]["n"] for e in older] == [4, 2]


def test_long_arguments_are_cut(make_trail: Callable[[], AuditTrail]) -> None:
    trail = make_trail()
    trail.record(
        AuditEntry(3, "ci", "mcp", "createRecords", {"data": "x" * 10_000}, "ok", affected=1)
    )
    (entry,) = trail.entries()
    assert isinstance(entry["arguments"], str)
    assert len(entry["arguments"]) == MAX_ARGUMENTS_CHARS + 1
    assert entry["arguments"].endswith("…")


def test_a_token_confirms_its_call_once(make_trail: Callable[[], AuditTrail]) -> None:
    issuer, redeemer = make_trail(), make_trail()
    digest = arguments_hash("deleteTable", {"tableName": "people"})
    token = issuer.issue(3, "deleteTable", digest, 300)
    assert token.startswith("ct_")

    def refusal(*, token: str = token, key: int = 3, tool: str = "deleteTable", of: str = digest):
        with pytest.raises(ConfirmationError) as raised:
            redeemer.redeem(token, key, tool, of)
        return raised.value.message

    assert refusal(token="ct_" + "x" * 32) == "confirmToken: not a token this server issued"
    assert refusal(key=4) == "confirmToken: issued to another API key"
    other = arguments_hash("deleteTable", {"tableName": "pets"})
    assert refusal(of=other).startswith("confirmToken: issued for other arguments")
    assert refusal(tool="deleteColumn").startswith("confirmToken: issued for other arguments")
    redeemer.redeem(token, 3, "deleteTable", digest)
    assert refusal().startswith("confirmToken: already used")
    stale = issuer.issue(3, "deleteTable", digest, -1)
    assert refusal(token=stale).startswith("confirmToken: expired")


def test_two_calls_racing_with_one_token_let_one_through(
    make_trail: Callable[[], AuditTrail],
) -> None:
    digest = arguments_hash("deleteRecords", {"tableName": "people", "where": {}})
    token = make_trail().issue(3, "deleteRecords", digest, 300)
    trails = [make_trail() for _ in range(6)]
    start = threading.Barrier(len(trails))
    outcomes: list[str] = []

    def redeem(trail: AuditTrail) -> None:
        start.wait()
        try:
            trail.redeem(token, 3, "deleteRecords", digest)
            outcomes.append("ok")
        except ConfirmationError as problem:
            outcomes.append(problem.message)

    threads = [threading.Thread(target=redeem, args=(trail,)) for trail in trails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes)[-1] == "ok"
    assert outcomes.count("ok") == 1
    assert all(o.startswith("confirmToken: already used") for o in outcomes if o != "ok")


def test_a_missing_table_is_unavailable_naming_dynamodbs_code(moto_endpoint: str) -> None:
    trail = DynamoAuditLog(
        moto_client("dynamodb", moto_endpoint), "polarbase-no-such-table", keep_days=90
    )
    with pytest.raises(MetadataUnavailableError) as raised:
        trail.record(call(1))
    assert raised.value.status == 503
    assert "ResourceNotFoundException" in raised.value.message
    with pytest.raises(MetadataUnavailableError):
        trail.entries()
