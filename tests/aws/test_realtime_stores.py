"""Realtime's AWS adapters: connections and events in DynamoDB, frames via the management API."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from polarbase.errors import RealtimeUnavailableError
from polarbase.realtime.dynamo import DynamoConnectionRegistry, DynamoEventLog
from polarbase.realtime.events import ChangeEvent, Position
from polarbase.realtime.ports import StoredConnection, StoredSubscription
from polarbase.realtime.push import ManagementApiPoster
from polarbase.schema import TableName
from tests.fixtures.moto import FAKE_CREDENTIALS, REGION, create_keyed_table, moto_client

CONTACTS = TableName("public", "contacts")
DEALS = TableName("public", "deals")
LIFETIME = 7500


# --- DynamoDB tables, as the CDK app makes them -------------------------------------------------


@pytest.fixture(scope="module")
def dynamodb(moto_endpoint: str) -> Any:
    return moto_client("dynamodb", moto_endpoint)


@pytest.fixture
def make_table(dynamodb: Any) -> Iterator[Callable[[], str]]:
    """A factory of empty tables shaped like both realtime tables (``pk``/``sk`` strings, TTL
    on ``expiresAt``, on demand); each is deleted after the test."""
    made: list[str] = []

    def make() -> str:
        name = create_keyed_table(dynamodb, f"realtime-{uuid.uuid4().hex[:12]}")
        made.append(name)
        return name

    yield make
    for name in made:
        dynamodb.delete_table(TableName=name)


@pytest.fixture
def make_registry(
    dynamodb: Any, make_table: Callable[[], str]
) -> Callable[..., DynamoConnectionRegistry]:
    """Registries, each on a new table unless ``table_name`` names one."""

    def make(table_name: str | None = None, **options: Any) -> DynamoConnectionRegistry:
        return DynamoConnectionRegistry(
            options.pop("client", dynamodb), table_name or make_table(), **options
        )

    return make


@pytest.fixture
def make_event_log(dynamodb: Any, make_table: Callable[[], str]) -> Callable[..., DynamoEventLog]:
    """Event logs, each on a new table unless ``table_name`` names one."""

    def make(table_name: str | None = None, **options: Any) -> DynamoEventLog:
        return DynamoEventLog(
            options.pop("client", dynamodb), table_name or make_table(), **options
        )

    return make


class ThrottledDynamoDB:
    """A DynamoDB client that, like DynamoDB when a partition is throttled, applies only the
    first ``per_call`` requests of each BatchWriteItem and hands back the rest as
    ``UnprocessedItems`` (moto always processes everything)."""

    def __init__(self, client: Any, per_call: int) -> None:
        self._client = client
        self.per_call = per_call
        self.batch_calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def batch_write_item(self, RequestItems: dict[str, list[Any]]) -> dict[str, Any]:
        self.batch_calls += 1
        ((table, requests),) = RequestItems.items()
        applied, left = requests[: self.per_call], requests[self.per_call :]
        if applied:
            self._client.batch_write_item(RequestItems={table: applied})
        return {"UnprocessedItems": {table: left} if left else {}}


def connection(connection_id: str | None = None, **fields: Any) -> StoredConnection:
    return StoredConnection(
        id=connection_id or uuid.uuid4().hex,
        key_hash=fields.pop("key_hash", "hash-of-the-key"),
        connected_at=fields.pop("connected_at", time.time()),
        **fields,
    )


def change(table: TableName, position: Position, *, note: str = "hello") -> ChangeEvent:
    row = {"id": position.sequence, "note": note}
    return ChangeEvent(
        table=table,
        action="insert",
        new=row,
        old=None,
        key={"id": position.sequence},
        key_columns=("id",),
        replica_identity="default",
        relation_oid=16384,
        lsn=position.commit_lsn,
        position=position,
        commit_time=datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
    )


def positions(count: int, commit_lsn: int = 0x16B3748) -> list[Position]:
    return [Position(commit_lsn, sequence) for sequence in range(1, count + 1)]


# --- the connection registry ----------------------------------------------------------------------


def test_added_connection_reads_back_taking_everything(
    make_registry: Callable[..., DynamoConnectionRegistry],
) -> None:
    registry = make_registry()
    added = connection(connected_at=time.time() - 0.123456)

    registry.add(added)

    assert registry.get(added.id) == added
    assert registry.get(added.id).everything is True  # type: ignore[union-attr]
    assert registry.get("no-such-connection") is None
    assert registry.connections() == [added]


def test_subscribe_stores_the_subscription_and_stops_everything(
    make_registry: Callable[..., DynamoConnectionRegistry],
) -> None:
    registry = make_registry()
    added = connection()
    registry.add(added)
    deals = StoredSubscription("b-deals", table="deals")
    contacts = StoredSubscription(
        "a-contacts",
        table="contacts",
        filter={"and": [{"field": "name", "op": "eq", "value": "Zoë"}]},
        events=("insert", "update"),
    )

    registry.subscribe(added.id, deals)
    registry.subscribe(added.id, contacts)

    stored = registry.get(added.id)
    assert stored is not None
    assert stored.everything is False
    assert stored.subscriptions == (contacts, deals)  # sorted by id
    assert registry.connections() == [stored]


def test_subscribing_again_with_the_same_id_replaces_the_subscription(
    make_registry: Callable[..., DynamoConnectionRegistry],
) -> None:
    registry = make_registry()
    added = connection()
    registry.add(added)

    registry.subscribe(added.id, StoredSubscription("s1", table="contacts"))
    registry.subscribe(added.id, StoredSubscription("s1", table="deals", events=("delete",)))

    stored = registry.get(added.id)
    assert stored is not None
    assert stored.subscriptions == (StoredSubscription("s1", table="deals", events=("delete",)),)


def test_unsubscribe_removes_only_the_named_subscriptions(
    make_registry: Callable[..., DynamoConnectionRegistry],
) -> None:
    registry = make_registry()
    added = connection()
    registry.add(added)
    for sid in ("s1", "s2", "s3"):
        registry.subscribe(added.id, StoredSubscription(sid, table="contacts"))

    # An unknown id and a repeated one are fine.
    registry.unsubscribe(added.id, ["s1", "unknown", "s3", "s1"])

    stored = registry.get(added.id)
    assert stored is not None
    assert [s.id for s in stored.subscriptions] == ["s2"]
    assert stored.everything is False  # unsubscribing does not bring back everything
    registry.unsubscribe(added.id, [])


def test_remove_forgets_the_connection_and_its_subscriptions_and_is_idempotent(
    make_registry: Callable[..., DynamoConnectionRegistry], dynamodb: Any
) -> None:
    registry = make_registry()
    kept, removed = connection("kept"), connection("removed")
    registry.add(kept)
    registry.add(removed)
    registry.subscribe(removed.id, StoredSubscription("s1", table="contacts"))
    registry.subscribe(removed.id, StoredSubscription("s2", table="deals"))

    registry.remove(removed.id)
    registry.remove(removed.id)
    registry.remove("never-added")

    assert registry.get(removed.id) is None
    assert registry.connections() == [kept]
    left = dynamodb.scan(TableName=registry.table_name, ConsistentRead=True)["Items"]
    assert {item["pk"]["S"] for item in left} == {"kept"}


def test_subscribing_a_removed_connection_stores_nothing(
    make_registry: Callable[..., DynamoConnectionRegistry], dynamodb: Any
) -> None:
    registry = make_registry()

    # $disconnect ran first: the late subscribe must not leave a stray item behind.
    registry.subscribe("gone", StoredSubscription("s1", table="contacts"))

    assert registry.get("gone") is None
    assert dynamodb.scan(TableName=registry.table_name)["Items"] == []


def test_every_item_expires_when_api_gateway_closes_the_connection(
    make_registry: Callable[..., DynamoConnectionRegistry], dynamodb: Any
) -> None:
    registry = make_registry(lifetime_seconds=LIFETIME)
    added = connection(connected_at=time.time() - 10.5)
    registry.add(added)
    registry.subscribe(added.id, StoredSubscription("s1", table="contacts"))

    items = dynamodb.scan(TableName=registry.table_name)["Items"]

    assert sorted(item["sk"]["S"] for item in items) == ["connection", "sub#s1"]
    expected = int(added.connected_at + LIFETIME) + 1
    assert {int(item["expiresAt"]["N"]) for item in items} == {expected}


def test_expired_connections_are_skipped_before_dynamodb_deletes_them(
    make_registry: Callable[..., DynamoConnectionRegistry], dynamodb: Any
) -> None:
    # GIVEN a connection older than its lifetime (its $disconnect was lost), and a live one
    registry = make_registry(lifetime_seconds=LIFETIME)
    stale = connection("stale", connected_at=time.time() - LIFETIME - 60)
    live = connection("live")
    registry.add(stale)
    registry.add(live)

    # WHEN it is read, or subscribed to
    registry.subscribe(stale.id, StoredSubscription("s1", table="contacts"))

    # THEN it is not there, though its item is still in the table (TTL deletion is lazy)
    assert registry.get(stale.id) is None
    assert registry.connections() == [live]
    items = dynamodb.scan(TableName=registry.table_name)["Items"]
    assert sorted((item["pk"]["S"], item["sk"]["S"]) for item in items) == [
        ("live", "connection"),
        ("stale", "connection"),
    ]


def test_connections_reads_every_page_of_the_table(
    make_registry: Callable[..., DynamoConnectionRegistry],
) -> None:
    # Pages of 2 items: 7 connections of 3 items each take 11 scan pages.
    registry = make_registry(page_size=2)
    added = [connection(f"c{number}") for number in range(7)]
    for each in added:
        registry.add(each)
        registry.subscribe(each.id, StoredSubscription("s1", table="contacts"))
        registry.subscribe(each.id, StoredSubscription("s2", table="deals"))

    listed = registry.connections()

    assert [c.id for c in listed] == [c.id for c in added]
    assert all([s.id for s in c.subscriptions] == ["s1", "s2"] for c in listed)
    assert all(c.everything is False for c in listed)


def test_get_and_remove_read_every_page_of_a_connection(
    make_registry: Callable[..., DynamoConnectionRegistry], dynamodb: Any
) -> None:
    registry = make_registry(page_size=1)
    added = connection()
    registry.add(added)
    for number in range(4):
        registry.subscribe(added.id, StoredSubscription(f"s{number}", table="contacts"))

    stored = registry.get(added.id)
    registry.remove(added.id)

    assert stored is not None
    assert [s.id for s in stored.subscriptions] == ["s0", "s1", "s2", "s3"]
    assert dynamodb.scan(TableName=registry.table_name)["Items"] == []


def test_a_connection_added_with_subscriptions_keeps_them(
    make_registry: Callable[..., DynamoConnectionRegistry],
) -> None:
    registry = make_registry()
    added = connection(
        everything=False,
        subscriptions=(StoredSubscription("s1", table="contacts", filter=[1, "two", None]),),
    )

    registry.add(added)

    assert registry.get(added.id) == added


def test_a_missing_table_is_realtime_unavailable_naming_dynamodbs_code(
    make_registry: Callable[..., DynamoConnectionRegistry],
    make_event_log: Callable[..., DynamoEventLog],
) -> None:
    registry = make_registry(table_name="no-such-table")
    log = make_event_log(table_name="no-such-table")

    with pytest.raises(RealtimeUnavailableError, match="ResourceNotFoundException"):
        registry.add(connection())
    with pytest.raises(RealtimeUnavailableError, match="ResourceNotFoundException"):
        registry.subscribe("c1", StoredSubscription("s1", table="contacts"))
    with pytest.raises(RealtimeUnavailableError, match="ResourceNotFoundException"):
        registry.connections()
    with pytest.raises(RealtimeUnavailableError, match="ResourceNotFoundException"):
        log.after(CONTACTS, Position(0, 0), 10)


# --- the event log --------------------------------------------------------------------------------


def test_after_gives_a_tables_events_after_since_oldest_first_up_to_limit(
    make_event_log: Callable[..., DynamoEventLog],
) -> None:
    # GIVEN five events of contacts, appended out of order, and two of deals in between
    log = make_event_log()
    first, second, third, fourth, fifth = positions(5)
    events = [change(CONTACTS, p) for p in (third, first, fifth, second, fourth)]
    log.append([*events[:2], change(DEALS, Position(0x16B3748, 9)), *events[2:]])
    log.append([change(DEALS, Position(0x16B3749, 1))])

    # WHEN a client resumes after the first, two at a time
    page, is_since_kept = log.after(CONTACTS, first, limit=2)
    rest, _ = log.after(CONTACTS, third, limit=10)

    # THEN it gets contacts' events in order, each as its payload JSON
    assert [e.position for e in page] == [second, third]
    assert [e.position for e in rest] == [fourth, fifth]
    assert is_since_kept is True
    by_position = {e.position: e.payload_json for e in events}
    assert all(e.payload_json == by_position[e.position] for e in page + rest)
    assert orjson.loads(page[0].payload_json)["table"] == "contacts"


def test_appending_the_same_events_again_keeps_each_once(
    make_event_log: Callable[..., DynamoEventLog],
) -> None:
    log = make_event_log()
    events = [change(CONTACTS, p) for p in positions(3)]

    log.append(events)
    log.append(events)  # a retried drain
    log.append(events + events)  # the same position twice in one call

    kept, _ = log.after(CONTACTS, Position(0, 0), limit=10)
    assert [e.position for e in kept] == positions(3)


def test_a_since_that_was_never_kept_is_reported(
    make_event_log: Callable[..., DynamoEventLog],
) -> None:
    log = make_event_log()
    log.append([change(CONTACTS, p) for p in positions(3)])

    kept, is_since_kept = log.after(CONTACTS, Position(0x100, 1), limit=10)
    none, is_other_table_kept = log.after(DEALS, positions(3)[0], limit=10)

    assert [e.position for e in kept] == positions(3)
    assert is_since_kept is False
    assert (none, is_other_table_kept) == ([], False)


def test_expired_events_are_skipped_and_an_expired_since_is_not_kept(
    make_event_log: Callable[..., DynamoEventLog], make_table: Callable[[], str]
) -> None:
    # GIVEN two events appended two hours ago with one hour of retention, then two now
    table = make_table()
    earlier = make_event_log(table, retention_seconds=3600, clock=lambda: time.time() - 7200)
    log = make_event_log(table, retention_seconds=3600)
    first, second, third, fourth = positions(4)
    earlier.append([change(CONTACTS, first), change(CONTACTS, second)])
    log.append([change(CONTACTS, third), change(CONTACTS, fourth)])

    # WHEN a client resumes from the first
    kept, is_since_kept = log.after(CONTACTS, first, limit=10)
    resumed, is_third_kept = log.after(CONTACTS, third, limit=10)

    # THEN the expired ones are gone, and so is the promise that nothing was missed
    assert [e.position for e in kept] == [third, fourth]
    assert is_since_kept is False
    assert ([e.position for e in resumed], is_third_kept) == ([fourth], True)


def test_after_reads_on_past_pages_and_expired_events_up_to_limit(
    make_event_log: Callable[..., DynamoEventLog], make_table: Callable[[], str]
) -> None:
    table = make_table()
    earlier = make_event_log(table, clock=lambda: time.time() - 7200)
    log = make_event_log(table, page_size=2)
    every = positions(12)
    earlier.append([change(CONTACTS, p) for p in every[:4]])
    log.append([change(CONTACTS, p) for p in every[4:]])

    kept, _ = log.after(CONTACTS, Position(0, 0), limit=5)
    tail, _ = log.after(CONTACTS, every[9], limit=5)

    assert [e.position for e in kept] == every[4:9]
    assert [e.position for e in tail] == every[10:]
    assert log.after(CONTACTS, every[0], limit=0) == ([], False)


def test_an_event_too_large_for_an_item_is_kept_as_a_notice(
    make_event_log: Callable[..., DynamoEventLog],
) -> None:
    log = make_event_log()
    small, large = positions(2)

    log.append([change(CONTACTS, small), change(CONTACTS, large, note="x" * 500_000)])

    kept, _ = log.after(CONTACTS, Position(0, 0), limit=10)
    assert [e.position for e in kept] == [small, large]
    notice = orjson.loads(kept[1].payload_json)
    assert notice["tooLarge"] is True
    assert notice["key"] == {"id": large.sequence}
    assert notice["position"] == large.text


def test_events_left_unprocessed_by_a_throttled_table_are_sent_again(
    make_event_log: Callable[..., DynamoEventLog], dynamodb: Any
) -> None:
    # GIVEN a table that takes only 10 of each batch of 25 writes
    throttled = ThrottledDynamoDB(dynamodb, per_call=10)
    log = make_event_log(client=throttled, backoff_seconds=0.001)
    events = [change(CONTACTS, p) for p in positions(30)]

    # WHEN 30 events are appended
    log.append(events)

    # THEN each is kept: the first batch took 3 calls, the second 1
    kept, _ = log.after(CONTACTS, Position(0, 0), limit=100)
    assert [e.position for e in kept] == positions(30)
    assert throttled.batch_calls == 4


def test_writes_still_unprocessed_after_the_last_attempt_are_realtime_unavailable(
    make_event_log: Callable[..., DynamoEventLog],
    make_registry: Callable[..., DynamoConnectionRegistry],
    dynamodb: Any,
) -> None:
    stuck = ThrottledDynamoDB(dynamodb, per_call=0)
    log = make_event_log(client=stuck, max_attempts=3, backoff_seconds=0.001)
    registry = make_registry(client=stuck, max_attempts=2, backoff_seconds=0.001)

    with pytest.raises(RealtimeUnavailableError, match="unprocessed"):
        log.append([change(CONTACTS, p) for p in positions(2)])
    with pytest.raises(RealtimeUnavailableError, match="unprocessed"):
        registry.add(connection())
    assert stuck.batch_calls == 5


# --- the poster -----------------------------------------------------------------------------------


def management_client(endpoint: str, **config: Any) -> Any:
    """A real botocore client of the API Gateway management API at ``endpoint``."""
    import boto3

    return boto3.client(
        "apigatewaymanagementapi",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        config=Config(**config),
    )


@pytest.fixture
def make_poster() -> Iterator[Callable[..., ManagementApiPoster]]:
    made: list[ManagementApiPoster] = []

    def make(client: Any, **options: Any) -> ManagementApiPoster:
        poster = ManagementApiPoster(client, **options)
        made.append(poster)
        return poster

    yield make
    for poster in made:
        poster.close()


def posted_to(connection_id: str) -> bytes:
    """What moto's management API received for ``connection_id`` (the server runs in this
    process), every frame concatenated."""
    from moto.apigatewaymanagementapi.models import apigatewaymanagementapi_backends
    from moto.core.models import DEFAULT_ACCOUNT_ID

    backend = apigatewaymanagementapi_backends[DEFAULT_ACCOUNT_ID][REGION]
    return backend.connections[connection_id].data


def test_frames_reach_their_connections(
    moto_endpoint: str, make_poster: Callable[..., ManagementApiPoster]
) -> None:
    poster = make_poster(management_client(moto_endpoint, max_pool_connections=32))
    ids = [f"conn-{uuid.uuid4().hex}" for _ in range(5)]
    frames = [(cid, orjson.dumps({"type": "heartbeat", "to": cid})) for cid in ids]

    gone = poster.post(frames)
    alone = poster.post([(ids[0], b'{"type":"second"}')])

    assert (gone, alone) == ([], [])
    assert [posted_to(cid) for cid in ids[1:]] == [frame for _, frame in frames[1:]]
    assert posted_to(ids[0]) == frames[0][1] + b'{"type":"second"}'
    assert poster.post([]) == []
    assert poster.max_frame_bytes == 128 * 1024


def test_gone_connections_are_returned_and_other_failures_logged_without_the_frame(
    make_poster: Callable[..., ManagementApiPoster], caplog: pytest.LogCaptureFixture
) -> None:
    # moto accepts any connection id and never answers 410, so API Gateway's answers are
    # stubbed on a real client. One worker keeps the calls in the order the stub expects.
    client = management_client("https://abc123.execute-api.us-east-1.amazonaws.com/prod")
    poster = make_poster(client, max_workers=1)
    frames = [("c-gone", b"secret-1"), ("c-throttled", b"secret-2"), ("c-fine", b"secret-3")]
    with Stubber(client) as stub:
        stub.add_client_error(
            "post_to_connection",
            service_error_code="GoneException",
            http_status_code=410,
            expected_params={"ConnectionId": "c-gone", "Data": b"secret-1"},
        )
        stub.add_client_error(
            "post_to_connection",
            service_error_code="LimitExceededException",
            http_status_code=429,
            expected_params={"ConnectionId": "c-throttled", "Data": b"secret-2"},
        )
        stub.add_response("post_to_connection", {}, {"ConnectionId": "c-fine", "Data": b"secret-3"})
        with caplog.at_level(logging.WARNING, logger="polarbase.realtime"):
            gone = poster.post(frames)
        stub.assert_no_pending_responses()

    assert gone == ["c-gone"]
    warnings = [r.getMessage() for r in caplog.records if r.name == "polarbase.realtime"]
    assert len(warnings) == 1
    assert "c-throttled" in warnings[0]
    assert "LimitExceededException" in warnings[0]
    assert "secret" not in caplog.text


def test_an_unreachable_endpoint_is_logged_not_raised(
    make_poster: Callable[..., ManagementApiPoster], caplog: pytest.LogCaptureFixture
) -> None:
    # Port 9 on loopback: nothing listens, so the connection is refused at once.
    client = management_client(
        "http://127.0.0.1:9/prod", retries={"max_attempts": 0}, connect_timeout=2
    )
    poster = make_poster(client)

    with caplog.at_level(logging.WARNING, logger="polarbase.realtime"):
        gone = poster.post([("c1", b"secret-frame"), ("c2", b"secret-frame")])

    assert gone == []
    assert sorted(r.getMessage() for r in caplog.records) == [
        "realtime: cannot post to connection c1 (EndpointConnectionError)",
        "realtime: cannot post to connection c2 (EndpointConnectionError)",
    ]
    assert "secret" not in caplog.text


def test_a_batch_of_frames_goes_out_in_parallel(
    make_poster: Callable[..., ManagementApiPoster],
) -> None:
    # GIVEN a stub whose calls only return once ten of them are in flight together: posted
    # one after another, the first call would wait for the barrier until it breaks
    client = management_client("https://abc123.execute-api.us-east-1.amazonaws.com/prod")
    poster = make_poster(client, max_workers=32)
    together = threading.Barrier(10, timeout=10)
    threads: set[str] = set()

    def in_flight(**_: Any) -> None:
        threads.add(threading.current_thread().name)
        together.wait()

    client.meta.events.register(
        "before-parameter-build.apigatewaymanagementapi.PostToConnection", in_flight
    )
    frames = [(f"c{number}", b"{}") for number in range(50)]
    with Stubber(client) as stub:
        for number in range(50):
            if number % 7 == 0:
                stub.add_client_error("post_to_connection", "GoneException", http_status_code=410)
            else:
                stub.add_response("post_to_connection", {})

        # WHEN fifty frames are posted
        gone = poster.post(frames)

    # THEN they went out on many threads, and the gone ones (whichever they were) came back
    assert len(threads) >= 10
    assert len(gone) == 8
    assert set(gone) <= {cid for cid, _ in frames}


def test_a_single_frame_is_posted_on_the_calling_thread(
    make_poster: Callable[..., ManagementApiPoster],
) -> None:
    client = management_client("https://abc123.execute-api.us-east-1.amazonaws.com/prod")
    poster = make_poster(client)
    threads: list[threading.Thread] = []
    client.meta.events.register(
        "before-parameter-build.apigatewaymanagementapi.PostToConnection",
        lambda **_: threads.append(threading.current_thread()),
    )
    with Stubber(client) as stub:
        stub.add_client_error("post_to_connection", "GoneException", http_status_code=410)

        gone = poster.post([("c1", b"{}")])

    assert gone == ["c1"]
    assert threads == [threading.current_thread()]
