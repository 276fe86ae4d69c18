"""What one change costs the local realtime hub while many clients watch other tables.

Every change the slot delivers asks the hub whether anyone wants its table (``wants``; no means
it is kept undecoded) and, when someone does, hands it to them (``publish``). This measures both
in the server's own process, without PostgreSQL or sockets: N connections subscribed to one
table each, spread over ``--tables`` tables, then changes to a table nobody watches and to one
that ``N / tables`` connections watch. Run it on two revisions to compare them::

    python -m bench.hub_audience --connections 1000 --tables 100
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime

from polarbase.auth import ApiKey, Principal, Scope
from polarbase.realtime.events import ChangeEvent, Position
from polarbase.realtime.hub import ChangeHub, Connection, Retention
from polarbase.realtime.subscriptions import Subscription
from polarbase.schema import TableName

from .machine import code_revision, cpu_check_ms, describe_machine


def _connection() -> Connection:
    key = ApiKey(
        id=1, name="bench", key_hash="", prefix="", schema_name=None, scopes=frozenset(Scope)
    )
    return Connection(
        Principal(key, Scope.REALTIME),
        "secret",
        lambda _connection, _position, payload, _ids: payload,
        lambda kind, _fields: kind.encode(),
        queue_limit=10_000_000,
    )


def _event(table: TableName, number: int) -> ChangeEvent:
    return ChangeEvent(
        table=table,
        action="insert",
        new={"id": number, "title": "a row"},
        old=None,
        key={"id": number},
        key_columns=("id",),
        replica_identity="d",
        relation_oid=1,
        lsn=number,
        position=Position(number, 1),
        commit_time=datetime(2026, 1, 1, tzinfo=UTC),
    )


def _hub(connections: int, tables: int) -> ChangeHub:
    hub = ChangeHub(Retention(min_events=1_000, min_seconds=1.0, max_events=100_000))
    for index in range(connections):
        connection = _connection()
        hub.attach(connection)
        connection.subscribe(Subscription("s1", TableName("public", f"t{index % tables}")))
    return hub


def _per_change_us(hub: ChangeHub, table: TableName, changes: int, start: int) -> float:
    """Microseconds per change: ``wants``, then ``publish`` when it is wanted."""
    started = time.perf_counter()
    for number in range(start, start + changes):
        if hub.wants(table):
            hub.publish(_event(table, number))
    return (time.perf_counter() - started) / changes * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=1_000)
    parser.add_argument("--tables", type=int, default=100)
    parser.add_argument("--changes", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    hub = _hub(options.connections, options.tables)
    unwatched, watched = TableName("public", "nobody"), TableName("public", "t0")
    cold: list[float] = []
    hot: list[float] = []
    start = 1
    for _ in range(options.rounds):
        cold.append(_per_change_us(hub, unwatched, options.changes, start))
        start += options.changes
        hot.append(_per_change_us(hub, watched, options.changes // 10, start))
        start += options.changes // 10
        for connection in hub:
            while not connection.queue.empty():
                connection.queue.get_nowait()
    machine = describe_machine("not used")
    print(f"revision {code_revision()}; {machine.cores} cores ({machine.cpu_model}), ", end="")
    print(f"Python {machine.python}")
    print(f"CPU check {cpu_check_ms():.0f} ms")
    watchers = options.connections // options.tables
    print(
        f"{options.connections} connections over {options.tables} tables; "
        f"median of {options.rounds} rounds"
    )
    print(f"a change nobody watches: {statistics.median(cold):.2f} us")
    print(f"a change {watchers} connections watch: {statistics.median(hot):.2f} us")


if __name__ == "__main__":
    main()
