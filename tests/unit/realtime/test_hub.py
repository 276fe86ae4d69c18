"""The hub's audience per table: a change goes to the connections that take everything and to
those subscribed to its table, and nobody else is asked or handed it."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from polarbase.auth import ApiKey, Principal, Scope
from polarbase.realtime.events import ChangeEvent, Position
from polarbase.realtime.hub import ChangeHub, Connection, Retention
from polarbase.realtime.subscriptions import Subscription
from polarbase.schema import TableName

PEOPLE = TableName("public", "people")
ORDERS = TableName("public", "orders")
_positions = iter(range(1, 1_000_000))


def principal(tables: frozenset[str] | None = None) -> Principal:
    key = ApiKey(
        id=1,
        name="test",
        key_hash="",
        prefix="",
        schema_name=None,
        scopes=frozenset({Scope.REALTIME}),
        tables=tables,
    )
    return Principal(key, Scope.REALTIME)


def connection(tables: frozenset[str] | None = None) -> Connection:
    return Connection(
        principal(tables),
        "secret",
        lambda _connection, _position, payload, ids: orjson.dumps([ids, orjson.loads(payload)]),
        lambda kind, _fields: kind.encode(),
    )


def change(table: TableName) -> ChangeEvent:
    lsn = next(_positions)
    return ChangeEvent(
        table=table,
        action="insert",
        new={"id": lsn},
        old=None,
        key={"id": lsn},
        key_columns=("id",),
        replica_identity="d",
        relation_oid=1,
        lsn=lsn,
        position=Position(lsn, 1),
        commit_time=datetime(2026, 1, 1, tzinfo=UTC),
    )


def received(client: Connection) -> list[tuple[list[str], str]]:
    frames = []
    while not client.queue.empty():
        ids, payload = orjson.loads(client.queue.get_nowait())
        frames.append((ids, payload["table"]))
    return frames


def hub() -> ChangeHub:
    return ChangeHub(Retention(min_events=10, min_seconds=60, max_events=100))


def test_a_change_reaches_its_table_s_subscribers_and_the_connections_taking_everything():
    changes = hub()
    everything, people, orders = connection(), connection(), connection()
    for client in (everything, people, orders):
        changes.attach(client)
    people.subscribe(Subscription("s1", PEOPLE))
    orders.subscribe(Subscription("s1", ORDERS))

    changes.publish(change(PEOPLE))

    assert received(everything) == [([], "people")]
    assert received(people) == [(["s1"], "people")]
    assert received(orders) == []


def test_wants_follows_subscribe_unsubscribe_and_detach():
    changes = hub()
    client = connection()
    assert not changes.wants(PEOPLE)
    changes.attach(client)
    assert changes.wants(PEOPLE)  # a new connection takes everything until it subscribes
    client.subscribe(Subscription("s1", ORDERS))
    assert (changes.wants(PEOPLE), changes.wants(ORDERS)) == (False, True)
    client.subscribe(Subscription("s2", PEOPLE))
    client.unsubscribe(["s1"])
    assert (changes.wants(PEOPLE), changes.wants(ORDERS)) == (True, False)
    changes.detach(client)
    assert not changes.wants(PEOPLE)
    changes.publish(change(PEOPLE))
    assert received(client) == []


def test_a_subscription_made_before_attaching_counts_once_attached():
    changes = hub()
    client = connection()
    client.subscribe(Subscription("s1", ORDERS))  # the SSE door subscribes, then attaches
    changes.attach(client)
    assert (changes.wants(PEOPLE), changes.wants(ORDERS)) == (False, True)


def test_a_table_the_key_may_not_read_is_neither_wanted_nor_sent():
    changes = hub()
    client = connection(tables=frozenset({"orders"}))
    changes.attach(client)  # takes everything its key may see
    assert (changes.wants(PEOPLE), changes.wants(ORDERS)) == (False, True)
    changes.publish(change(PEOPLE))
    changes.publish(change(ORDERS))
    assert received(client) == [([], "orders")]


def test_two_subscriptions_to_one_table_file_the_connection_once():
    changes = hub()
    client = connection()
    changes.attach(client)
    client.subscribe(Subscription("s1", PEOPLE, events=frozenset({"insert"})))
    client.subscribe(Subscription("s2", PEOPLE))
    changes.publish(change(PEOPLE))
    assert received(client) == [(["s1", "s2"], "people")]
    client.unsubscribe(["s1"])
    assert changes.wants(PEOPLE)
    client.unsubscribe(["s2"])
    assert not changes.wants(PEOPLE)
