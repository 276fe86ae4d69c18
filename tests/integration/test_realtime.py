"""Realtime through the doors a client uses: a WebSocket and an SSE stream on /realtime.

A server of its own (uvicorn on 127.0.0.1, realtime on, its own replication slot), fed by writes
through the REST API and by plain SQL on the same database.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from polarbase.realtime.events import Position
from tests.fixtures.server import SUPER_ADMIN_KEY, LiveServer, make_settings
from tests.helpers import assert_ok

COLUMNS = [
    {"name": "title", "dataType": "text"},
    {"name": "qty", "dataType": "integer"},
    {"name": "price", "dataType": "number"},
    {"name": "due", "dataType": "date"},
    {"name": "done", "dataType": "checkbox"},
    {"name": "stage", "dataType": "select", "options": ["lead", "won", "lost"]},
    {"name": "tags", "dataType": "multi-select", "options": ["a", "b", "c"]},
    {"name": "meta", "dataType": "json"},
    {"name": "place", "dataType": "geo-point"},
]


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = make_settings(
        tmp_path_factory.mktemp("realtime"),
        schema_ttl_seconds=1.0,
        realtime_heartbeat_seconds=1.0,
    )
    live = LiveServer(settings, database_url).start()
    realtime = live.runtime.realtime
    assert realtime is not None
    deadline = time.monotonic() + 20
    while not realtime.stream.connected.is_set():
        assert time.monotonic() < deadline, realtime.error or realtime.stream.error
        time.sleep(0.05)
    yield live
    live.stop()


@pytest.fixture
def rest(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server.url, headers={"x-api-key": SUPER_ADMIN_KEY}, timeout=30
    ) as client:
        yield client


@pytest.fixture
def table(rest: httpx.Client) -> Iterator[str]:
    name = f"rt_{uuid.uuid4().hex[:10]}"
    assert_ok(rest.post("/rest/db/tables", json={"name": name, "columns": COLUMNS}))
    yield name
    rest.delete(f"/rest/db/tables/{name}", params={"cascade": "true"})


@pytest.fixture
def key(rest: httpx.Client) -> Callable[..., str]:
    def factory(**fields: Any) -> str:
        body = {"name": "realtime test", "scopes": ["rest", "realtime"], **fields}
        response = rest.post("/api-keys", json=body)
        assert response.status_code == 200, response.text
        return str(response.json()["key"])

    return factory


def ws_url(server: LiveServer, key: str | None = SUPER_ADMIN_KEY) -> str:
    base = server.url.replace("http://", "ws://") + "/realtime"
    return base if key is None else f"{base}?x-api-key={key}"


class Client:
    """A WebSocket client that sorts what arrives: events apart, replies in order."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        hello = self.next_message()
        assert hello["type"] == "connected", hello

    def next_message(self, timeout: float = 5.0) -> dict[str, Any]:
        """The next frame that is not a heartbeat."""
        deadline = time.monotonic() + timeout
        while True:
            frame = json.loads(self.socket.recv(timeout=max(deadline - time.monotonic(), 0.01)))
            if frame.get("type") != "heartbeat":
                return frame

    def send(self, **message: Any) -> dict[str, Any]:
        self.socket.send(json.dumps(message))
        return self.next_message()

    def subscribe(self, table: str, **options: Any) -> dict[str, Any]:
        reply = self.send(type="subscribe", table=table, **options)
        assert reply["type"] == "subscribed", reply
        return reply

    def event(self, timeout: float = 5.0) -> dict[str, Any]:
        frame = self.next_message(timeout)
        assert frame.get("data", {}).get("event") == "db_change", frame
        return frame["data"]["payload"]

    def events_until_quiet(self, quiet: float = 1.0) -> list[dict[str, Any]]:
        found = []
        while True:
            try:
                found.append(self.event(timeout=quiet))
            except TimeoutError:
                return found


@pytest.fixture
def open_client(server: LiveServer) -> Iterator[Callable[..., Client]]:
    with contextlib.ExitStack() as sockets:

        def factory(key: str = SUPER_ADMIN_KEY) -> Client:
            return Client(sockets.enter_context(connect(ws_url(server, key), open_timeout=10)))

        yield factory


def create(rest: httpx.Client, table: str, body: dict[str, Any]) -> dict[str, Any]:
    (created,) = assert_ok(rest.post(f"/rest/db/{table}", json=body))["returning"]
    return created  # type: ignore[no-any-return]


def row(rest: httpx.Client, table: str, record_id: Any) -> dict[str, Any]:
    return assert_ok(rest.get(f"/rest/db/{table}/{record_id}"))  # type: ignore[no-any-return]


SAMPLE = {
    "title": "first",
    "qty": 3,
    "price": 12.5,
    "due": "2026-11-25T10:00:00.125Z",
    "done": True,
    "stage": "won",
    "tags": ["a", "c"],
    "meta": {"nested": [1, 2.5, "x"], "ok": None},
    "place": {"x": 13.4, "y": 52.52},
}


def test_rest_writes_arrive_typed_like_rest(
    rest: httpx.Client, table: str, open_client: Callable[..., Client]
) -> None:
    client = open_client()
    client.subscribe(table)
    created = create(rest, table, SAMPLE)
    inserted = client.event()
    assert inserted["tag"] == inserted["action"] == "insert"
    assert inserted["table"] == inserted["relation"]["name"] == table
    assert inserted["relation"]["keyColumns"] == ["id"]
    assert inserted["new"] == row(rest, table, created["id"])
    assert inserted["key"] == {"id": created["id"]}
    assert inserted["old"] is None

    assert_ok(rest.patch(f"/rest/db/{table}/{created['id']}", json={"qty": 4, "tags": []}))
    updated = client.event()
    assert updated["action"] == "update"
    assert updated["new"] == row(rest, table, created["id"])
    assert updated["position"] > inserted["position"]

    assert_ok(rest.delete(f"/rest/db/{table}/{created['id']}"))
    deleted = client.event()
    assert deleted["action"] == "delete"
    assert deleted["key"] == {"id": created["id"]}
    assert deleted["new"] is None


def test_plain_sql_writes_arrive(
    rest: httpx.Client, table: str, open_client: Callable[..., Client], database_url: str
) -> None:
    client = open_client()
    client.subscribe(table)
    with psycopg.connect(database_url, autocommit=True) as connection:
        record_id = connection.execute(
            sql.SQL(
                "INSERT INTO {} (title, qty, price, tags, place) VALUES "
                "('sql', 7, 0.1, ARRAY['b'], point(1.5, -2)) RETURNING id"
            ).format(sql.Identifier(table))
        ).fetchone()[0]  # type: ignore[index]
        inserted = client.event()
        assert inserted["new"] == row(rest, table, record_id)
        connection.execute(
            sql.SQL("UPDATE {} SET qty = qty + 1 WHERE id = %s").format(sql.Identifier(table)),
            [record_id],
        )
        assert client.event()["new"]["qty"] == 8
        connection.execute(
            sql.SQL("DELETE FROM {} WHERE id = %s").format(sql.Identifier(table)), [record_id]
        )
        assert client.event()["key"] == {"id": record_id}


def test_a_transaction_arrives_in_order_with_rising_positions(
    table: str, open_client: Callable[..., Client], database_url: str
) -> None:
    client = open_client()
    client.subscribe(table)
    with psycopg.connect(database_url) as connection, connection.transaction():
        for number in range(5):
            connection.execute(
                sql.SQL("INSERT INTO {} (qty) VALUES (%s)").format(sql.Identifier(table)), [number]
            )
    events = [client.event() for _ in range(5)]
    assert [event["new"]["qty"] for event in events] == [0, 1, 2, 3, 4]
    positions = [event["position"] for event in events]
    assert positions == sorted(positions)
    assert len(set(positions)) == 5
    assert len({event["commitTime"] for event in events}) == 1


FILTERS = [
    ({"qty": {"gte": 10}}, [10, 15], [9]),
    ({"or": [{"qty": {"lt": 2}}, {"stage": "won"}]}, [1, 20], [5]),
    (
        {"and": [{"done": True}, {"or": [{"title": {"ilike": "ALPHA%"}}, {"qty": 0}]}]},
        [0, 30],
        [31, 32],
    ),
]
STAGES = {1: "lead", 5: "lead", 20: "won"}
TITLES = {30: "alphabet", 31: "beta", 0: "x"}
DONE = {0: True, 30: True, 31: True, 32: False}


@pytest.mark.parametrize(("where", "matching", "others"), FILTERS)
def test_filters_match_and_exclude(
    rest: httpx.Client,
    table: str,
    open_client: Callable[..., Client],
    where: dict[str, Any],
    matching: list[int],
    others: list[int],
) -> None:
    client = open_client()
    client.subscribe(table, filter=where)
    for qty in sorted(matching + others):
        body = {"qty": qty, "stage": STAGES.get(qty, "lost"), "title": TITLES.get(qty, "zz")}
        body["done"] = DONE.get(qty, False)
        create(rest, table, body)
    got = [event["new"]["qty"] for event in client.events_until_quiet()]
    assert got == sorted(matching)


def test_events_narrow_the_actions(
    rest: httpx.Client, table: str, open_client: Callable[..., Client]
) -> None:
    client = open_client()
    client.subscribe(table, events=["delete"])
    created = create(rest, table, {"qty": 1})
    assert_ok(rest.patch(f"/rest/db/{table}/{created['id']}", json={"qty": 2}))
    assert_ok(rest.delete(f"/rest/db/{table}/{created['id']}"))
    assert [event["action"] for event in client.events_until_quiet()] == ["delete"]


def test_a_key_sees_only_its_tables(
    rest: httpx.Client,
    table: str,
    key: Callable[..., str],
    open_client: Callable[..., Client],
) -> None:
    other = f"rt_{uuid.uuid4().hex[:10]}"
    assert_ok(rest.post("/rest/db/tables", json={"name": other, "columns": COLUMNS}))
    try:
        limited = open_client(key(tables=[table]))
        # Subscribed to nothing: every change the key may see, and only those.
        create(rest, other, {"qty": 1})
        create(rest, table, {"qty": 2})
        events = limited.events_until_quiet()
        assert [(event["table"], event["new"]["qty"]) for event in events] == [(table, 2)]
        refused = limited.send(type="subscribe", table=other)
        assert (refused["type"], refused["reason"]) == ("error", "forbidden")
        assert other in refused["message"]
        assert limited.send(type="ping")["type"] == "pong"  # still open
    finally:
        rest.delete(f"/rest/db/tables/{other}")


def test_resume_delivers_every_missed_event_once(
    rest: httpx.Client, table: str, open_client: Callable[..., Client]
) -> None:
    first = open_client()
    first.subscribe(table)
    create(rest, table, {"qty": 0})
    seen = first.event()["position"]
    first.socket.close()
    for qty in (1, 2, 3):
        create(rest, table, {"qty": qty})
    second = open_client()
    second.subscribe(table, since=seen)
    missed = [second.event()["new"]["qty"] for _ in range(3)]
    assert missed == [1, 2, 3]
    create(rest, table, {"qty": 4})
    assert [event["new"]["qty"] for event in second.events_until_quiet()] == [4]


def test_changes_nobody_wanted_are_kept_undecoded_and_replay_typed_like_rest(
    server: LiveServer, rest: httpx.Client, table: str, open_client: Callable[..., Client]
) -> None:
    # GIVEN one socket, subscribed to another table only
    other = f"rt_{uuid.uuid4().hex[:10]}"
    assert_ok(rest.post("/rest/db/tables", json={"name": other, "columns": COLUMNS}))
    try:
        watcher = open_client()
        watcher.subscribe(other)
        create(rest, other, {"qty": 0})
        before = watcher.event()["position"]

        # WHEN records of every kind of value are written to the table nobody wants
        first = create(rest, table, SAMPLE)
        second = create(rest, table, {**SAMPLE, "tags": [], "meta": [1, {"a": None}]})
        assert_ok(rest.patch(f"/rest/db/{table}/{first['id']}", json={"qty": 9}))
        assert_ok(rest.delete(f"/rest/db/{table}/{second['id']}"))
        create(rest, other, {"qty": 1})
        watcher.event()  # the stream has read past them

        # THEN the server kept them without decoding them
        realtime = server.runtime.realtime
        assert realtime is not None
        kept = [
            entry[5]
            for entry in realtime.hub.retention._events
            if entry[4] == table and (entry[1], entry[2]) > Position.parse(before)
        ]
        assert len(kept) == 4
        assert all(isinstance(payload, tuple) for payload in kept)

        # AND a client resuming from before them gets each once, typed as REST returns them
        resumed = open_client()
        resumed.subscribe(table, since=before)
        inserted, also_inserted, updated, deleted = (resumed.event() for _ in range(4))
        assert [inserted["action"], also_inserted["action"]] == ["insert", "insert"]
        assert inserted["new"] == first
        assert also_inserted["new"]["meta"] == [1, {"a": None}]
        assert also_inserted["new"]["tags"] == []
        assert updated["action"] == "update"
        assert updated["new"] == row(rest, table, first["id"])
        assert deleted["action"] == "delete"
        assert deleted["key"] == {"id": second["id"]}
        assert before < inserted["position"] < also_inserted["position"] < updated["position"]
        assert updated["position"] < deleted["position"]
        assert resumed.events_until_quiet(0.5) == []

        # AND live events for the table are decoded as they come once someone wants them
        create(rest, table, {"qty": 5})
        assert resumed.event()["new"]["qty"] == 5
    finally:
        rest.delete(f"/rest/db/tables/{other}", params={"cascade": "true"})


def test_changes_made_while_nobody_listened_are_kept_and_never_sent_as_live(
    server: LiveServer, rest: httpx.Client, table: str, open_client: Callable[..., Client]
) -> None:
    # GIVEN no client connected (the stream then reads in batches)
    realtime = server.runtime.realtime
    assert realtime is not None
    deadline = time.monotonic() + 5
    while realtime.hub.listening:
        assert time.monotonic() < deadline, "an earlier test's socket is still attached"
        time.sleep(0.05)
    create(rest, table, {"qty": 0})

    def kept_zero() -> Position | None:
        kept, _, _ = realtime.hub.retention.since(Position(0, 0), lambda _, name: name == table)
        zero = [event for event in kept if json.loads(event.payload_json)["new"]["qty"] == 0]
        return zero[0].position if zero else None

    while (last := kept_zero()) is None:  # until a batch has read it
        assert time.monotonic() < deadline + 5, "the change was never read from the slot"
        time.sleep(0.02)

    # WHEN records are written, and a client connects at once, before the next batch
    for qty in (1, 2, 3):
        create(rest, table, {"qty": qty})
    client = open_client()

    # THEN none of them reaches it as a live change; the next write does, at once
    assert client.events_until_quiet(0.5) == []
    create(rest, table, {"qty": 4})
    assert [event["new"]["qty"] for event in client.events_until_quiet(0.5)] == [4]

    # AND a resume from before them gets each of them once
    resumed = open_client()
    resumed.subscribe(table, since=last.text)
    assert [resumed.event()["new"]["qty"] for _ in range(4)] == [1, 2, 3, 4]
    assert resumed.events_until_quiet(0.5) == []


def test_a_position_older_than_the_window_gets_a_gap(
    table: str, open_client: Callable[..., Client]
) -> None:
    client = open_client()
    client.socket.send(
        json.dumps({"type": "subscribe", "table": table, "since": "0" * 16 + "-" + "0" * 8})
    )
    assert client.next_message()["type"] == "subscribed"
    gap = client.next_message()
    assert gap["type"] == "gap"
    assert gap["since"] == "0" * 16 + "-" + "0" * 8


def test_two_sockets_on_one_key_both_get_every_event_and_a_closed_one_disturbs_none(
    rest: httpx.Client, table: str, key: Callable[..., str], open_client: Callable[..., Client]
) -> None:
    shared = key()
    one, two, three = open_client(shared), open_client(shared), open_client(shared)
    for client in (one, two, three):
        client.subscribe(table)
    three.socket.close()
    for qty in (1, 2):
        create(rest, table, {"qty": qty})
    assert [e["new"]["qty"] for e in one.events_until_quiet()] == [1, 2]
    assert [e["new"]["qty"] for e in two.events_until_quiet()] == [1, 2]


def test_tables_without_a_primary_key_keep_accepting_updates_and_deletes(
    server: LiveServer, open_client: Callable[..., Client], database_url: str
) -> None:
    name = f"nopk_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE TABLE {} (a int, b text)").format(sql.Identifier(name)))
        try:
            # Tables made outside the API are published within the schema TTL (a few seconds)
            # (by this server: others on the same database publish it in theirs)
            slot = server.runtime.settings.realtime_slot
            ours = [slot, f"{slot}_inserts"]
            published = (
                "SELECT 1 FROM pg_publication_tables WHERE tablename = %s AND pubname = ANY(%s)"
            )
            deadline = time.monotonic() + 15
            while connection.execute(published, (name, ours)).fetchone() is None:
                assert time.monotonic() < deadline, f"{name} was never published"
                time.sleep(0.1)
            client = open_client()
            client.subscribe(name)
            connection.execute(
                sql.SQL("INSERT INTO {} VALUES (1, 'x')").format(sql.Identifier(name))
            )
            inserted = client.event()
            assert inserted["new"] == {"a": 1, "b": "x"}
            assert inserted["key"] is None
            updated = connection.execute(
                sql.SQL("UPDATE {} SET b = 'y'").format(sql.Identifier(name))
            ).rowcount
            deleted = connection.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(name)))
            assert (updated, deleted.rowcount) == (1, 1)
        finally:
            connection.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(name)))


@pytest.mark.parametrize(
    ("message", "reason", "words"),
    [
        ("not json", "invalid_message", ["JSON"]),
        ('{"type": "shout"}', "invalid_message", ["type"]),
        ('{"type": "subscribe"}', "invalid_message", ["table"]),
        ('{"type": "subscribe", "table": "nope_x"}', "table_not_found", ["nope_x"]),
        (
            '{"type": "subscribe", "table": "%s", "filter": {"ghost": 1}}',
            "invalid_filter",
            ["ghost"],
        ),
        (
            '{"type": "subscribe", "table": "%s", "events": ["upsert"]}',
            "invalid_message",
            ["upsert"],
        ),
        (
            '{"type": "subscribe", "table": "%s", "since": "yesterday"}',
            "invalid_message",
            ["since"],
        ),
        ('{"type": "unsubscribe", "subscription": "s99"}', "invalid_message", ["s99"]),
    ],
)
def test_a_bad_message_gets_a_reason_and_the_socket_stays_open(
    table: str, open_client: Callable[..., Client], message: str, reason: str, words: list[str]
) -> None:
    client = open_client()
    client.socket.send(message.replace("%s", table))
    error = client.next_message()
    assert error["type"] == "error", error
    assert error["reason"] == reason, error
    for word in words:
        assert word in error["message"], error
    assert client.send(type="ping", ref=7) == {"type": "pong", "ref": 7}


def test_unsubscribe_stops_the_events(
    rest: httpx.Client, table: str, open_client: Callable[..., Client]
) -> None:
    client = open_client()
    subscription = client.subscribe(table)["subscription"]
    reply = client.send(type="unsubscribe", subscription=subscription)
    assert reply == {"type": "unsubscribed", "subscriptions": [subscription]}
    create(rest, table, {"qty": 1})
    assert client.events_until_quiet() == []


@pytest.mark.parametrize(
    ("query_key", "code", "reason"),
    [(None, 1008, "Missing API Key"), ("ak_" + "0" * 64, 1008, "Invalid API Key")],
)
def test_a_socket_without_a_valid_key_is_closed(
    server: LiveServer, query_key: str | None, code: int, reason: str
) -> None:
    with (
        connect(ws_url(server, query_key), open_timeout=10) as socket,
        pytest.raises(ConnectionClosed) as closed,
    ):
        socket.recv(timeout=5)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (code, reason)


def test_a_key_without_the_realtime_scope_is_closed(
    server: LiveServer, key: Callable[..., str]
) -> None:
    with (
        connect(ws_url(server, key(scopes=["rest"])), open_timeout=10) as socket,
        pytest.raises(ConnectionClosed) as closed,
    ):
        socket.recv(timeout=5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1008
    assert closed.value.rcvd.reason.startswith("Access denied")


def test_the_key_may_come_in_the_header(server: LiveServer) -> None:
    with connect(
        ws_url(server, None), additional_headers={"x-api-key": SUPER_ADMIN_KEY}, open_timeout=10
    ) as socket:
        assert json.loads(socket.recv(timeout=5))["type"] == "connected"


def test_a_revoked_keys_socket_closes(
    rest: httpx.Client, key: Callable[..., str], server: LiveServer
) -> None:
    secret = key()
    keys = rest.get("/api-keys").json()
    listed = keys["data"] if isinstance(keys, dict) and "data" in keys else keys
    key_id = next(k["id"] for k in listed if secret.startswith(k.get("prefix", "\0")))
    with connect(ws_url(server, secret), open_timeout=10) as socket:
        assert json.loads(socket.recv(timeout=5))["type"] == "connected"
        assert rest.delete(f"/api-keys/{key_id}").status_code == 200
        started = time.monotonic()
        with pytest.raises(ConnectionClosed) as closed:
            _read_until_closed(socket)
    assert time.monotonic() - started < 10
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1008


def _read_until_closed(socket: ClientConnection) -> None:
    while True:
        socket.recv(timeout=10)


class SseReader:
    """Reads an SSE stream in a thread, collecting its frames."""

    def __init__(self, client: httpx.Client, params: dict[str, str], headers: dict[str, str]):
        self.frames: list[dict[str, str]] = []
        self.status: int | None = None
        self.ready = threading.Event()
        self._response: httpx.Response | None = None
        self.thread = threading.Thread(
            target=self._run, args=(client, params, headers), daemon=True
        )
        self.thread.start()
        assert self.ready.wait(10)

    def _run(self, client: httpx.Client, params: dict[str, str], headers: dict[str, str]) -> None:
        with client.stream("GET", "/realtime", params=params, headers=headers) as response:
            self._response = response
            self.status = response.status_code
            self.ready.set()
            frame: dict[str, str] = {}
            try:
                for line in response.iter_lines():
                    if line:
                        field, _, value = line.partition(":")
                        frame[field or "comment"] = value.strip()
                    elif frame:
                        self.frames.append(frame)
                        frame = {}
            except httpx.HTTPError:
                return  # closed by the test

    def events(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [f for f in self.frames if f.get("event") == "db_change"]
            if len(found) >= count:
                return [json.loads(f["data"]) for f in found]
            time.sleep(0.02)
        raise TimeoutError(f"{len(self.frames)} frames: {self.frames}")

    def close(self) -> None:
        if self._response is not None:
            self._response.close()
        self.thread.join(5)


def test_sse_streams_changes_like_the_original(
    server: LiveServer, rest: httpx.Client, table: str
) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        reader = SseReader(client, {"apiKey": SUPER_ADMIN_KEY, "table": table}, {})
        assert reader.status == 200
        created = create(rest, table, {"qty": 5})
        (event,) = reader.events(1)
        assert event["tag"] == "insert"
        assert event["relation"]["name"] == table
        assert event["new"] == row(rest, table, created["id"])
        deadline = time.monotonic() + 10  # the heartbeat comes every second here
        while not any(frame.get("comment") == "heartbeat" for frame in reader.frames):
            assert time.monotonic() < deadline, "no heartbeat"
            time.sleep(0.05)
        frames = [f for f in reader.frames if f.get("event") == "db_change"]
        assert frames[0]["id"] == event["position"]
        reader.close()


def test_sse_filter_and_since(server: LiveServer, rest: httpx.Client, table: str) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        first = SseReader(client, {"table": table}, {"x-api-key": SUPER_ADMIN_KEY})
        create(rest, table, {"qty": 1})
        seen = first.events(1)[0]["position"]
        first.close()
        for qty in (2, 30, 4):
            create(rest, table, {"qty": qty})
        resumed = SseReader(
            client,
            {"table": table, "since": seen, "filter": json.dumps({"qty": {"lt": 10}})},
            {"x-api-key": SUPER_ADMIN_KEY},
        )
        assert [event["new"]["qty"] for event in resumed.events(2)] == [2, 4]
        resumed.close()


@pytest.mark.parametrize(
    ("params", "headers", "status"),
    [
        ({}, {}, 401),
        ({"apiKey": "ak_" + "0" * 64}, {}, 401),
        ({"table": "nope_x"}, {"x-api-key": SUPER_ADMIN_KEY}, 404),
        ({"filter": "{"}, {"x-api-key": SUPER_ADMIN_KEY}, 400),
        ({"since": "later"}, {"x-api-key": SUPER_ADMIN_KEY}, 400),
    ],
)
def test_sse_refusals(
    server: LiveServer, params: dict[str, str], headers: dict[str, str], status: int
) -> None:
    response = httpx.get(server.url + "/realtime", params=params, headers=headers, timeout=10)
    assert response.status_code == status, response.text
    assert response.json()["success"] is False


@pytest.mark.parametrize(
    ("bad", "words"),
    [("{", ('"filter"', "JSON")), (json.dumps({"ghost": 1}), ("ghost",))],
)
def test_a_bad_sse_filter_is_refused_as_rest_refuses_it(
    server: LiveServer, rest: httpx.Client, table: str, bad: str, words: tuple[str, ...]
) -> None:
    params = {"table": table, "filter": bad}
    stream = httpx.get(
        server.url + "/realtime", params=params, headers={"x-api-key": SUPER_ADMIN_KEY}, timeout=10
    )
    listed = rest.get(f"/rest/db/{table}", params={"filter": bad})
    for response in (stream, listed):
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "invalid_filter"
        for word in words:
            assert word in response.json()["error"]


def test_sse_needs_the_realtime_scope(server: LiveServer, key: Callable[..., str]) -> None:
    response = httpx.get(
        server.url + "/realtime", headers={"x-api-key": key(scopes=["rest"])}, timeout=10
    )
    assert response.status_code == 403
    assert "realtime" in response.json()["error"]


def test_health_reports_a_slot_holding_too_much_wal(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # A limit of one byte: any slot holds more (its restart point trails the WAL's end).
    settings = make_settings(tmp_path_factory.mktemp("lagging"), realtime_max_wal_bytes=1)
    live = LiveServer(settings, database_url).start()
    try:
        deadline = time.monotonic() + 20
        while True:
            response = httpx.get(live.url + "/health", timeout=10)
            body = response.json()
            if "holds back" in body["checks"]["realtime"].get("error", ""):
                break
            assert time.monotonic() < deadline, body
            time.sleep(0.1)
        assert response.status_code == 200  # the API still serves
        assert body["status"] == "degraded"
        assert body["degraded"] == ["realtime"]
        assert body["down"] == []
        assert body["checks"]["realtime"]["status"] == "degraded"
    finally:
        live.stop()


def test_health_reports_realtime_ok_while_streaming(server: LiveServer) -> None:
    body = httpx.get(server.url + "/health", timeout=10).json()
    assert body["status"] == "ok"
    assert body["services"]["realtime"] is True
    assert body["checks"]["realtime"]["status"] == "ok"
