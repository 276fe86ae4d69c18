"""The realtime connections and the recent events kept in DynamoDB, for realtime on AWS.

Two tables, each with a string partition key ``pk``, a string sort key ``sk`` and the
DynamoDB TTL attribute ``expiresAt`` (a number, epoch seconds) on every item:

Connections (``DynamoConnectionRegistry``), one partition per API Gateway connection id:

===========  ==================  ===========================================================
pk           sk                  attributes
===========  ==================  ===========================================================
conn. id     ``connection``      keyHash (S), connectedAt (N), everything (BOOL)
conn. id     ``sub#<sub. id>``   table (S), filter (S, the filter as JSON), events (L of S)
===========  ==================  ===========================================================

Every item of a connection expires at ``connectedAt + lifetime_seconds``: API Gateway closes
a connection after two hours at most, so a ``$disconnect`` that never ran leaves nothing
behind for long.

Events (``DynamoEventLog``), one partition per table:

=================  ==================  ========================================================
pk                 sk                  attributes
=================  ==================  ========================================================
``schema.table``   position text       payload (B, the event's JSON), commitTime (S, ISO 8601)
=================  ==================  ========================================================

An event expires ``retention_seconds`` after it was appended. Positions are fixed-width text,
so the sort key orders a table's events as the stream did.

DynamoDB deletes expired items lazily (often days later), so every read skips the items past
their ``expiresAt`` itself. Reads are strongly consistent: a subscription stored a moment ago
counts for the next change, and a resume sees the events appended before it.

The tables are made by the CDK app (and by the tests); this module never creates one. The
adapters take a botocore DynamoDB client (DynamoDB JSON values, no boto3 resource layer) and
raise ``RealtimeUnavailableError`` naming DynamoDB's error code when a request fails.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import orjson

from ..errors import RealtimeUnavailableError
from ..schema import TableName
from .events import ChangeEvent, Position
from .ports import LoggedEvent, StoredConnection, StoredSubscription
from .protocol import notice_payload

__all__ = ["DynamoConnectionRegistry", "DynamoEventLog"]

# botocore's DynamoDB client. Its typed stubs are not a dependency, and nothing of botocore is
# imported at module level: the local mode never loads it.
DynamoClient = Any
Item = dict[str, Any]
Clock = Callable[[], float]

_CONNECTION = "connection"
_SUBSCRIPTION = "sub#"
_BATCH_SIZE = 25  # the most requests one BatchWriteItem takes
# An item is at most 400 KB, names and values together; the rest of an event item is small.
_MAX_PAYLOAD_BYTES = 400 * 1024 - 2048


def _unavailable(action: str, code: str) -> RealtimeUnavailableError:
    return RealtimeUnavailableError(f"cannot {action} in DynamoDB ({code}); try again")


class _ConditionFailedError(Exception):
    """A conditional write whose condition did not hold (DynamoDB's 400, not a failure)."""


def _call(action: str, operation: Callable[..., Item], **request: Any) -> Item:
    """``operation(**request)``, its failures as ``RealtimeUnavailableError``."""
    from botocore.exceptions import BotoCoreError, ClientError  # the aws mode only

    try:
        return operation(**request)
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code"))
        if code == "ConditionalCheckFailedException":
            raise _ConditionFailedError from None
        raise _unavailable(action, code) from None
    except BotoCoreError as error:
        raise _unavailable(action, type(error).__name__) from None


def _write_batches(
    client: DynamoClient,
    table_name: str,
    requests: Sequence[Item],
    *,
    action: str,
    max_attempts: int,
    backoff_seconds: float,
) -> None:
    """Apply ``requests`` (PutRequest / DeleteRequest) 25 at a time, resending the ones
    DynamoDB leaves unprocessed (throttling) with a growing random back-off."""
    for start in range(0, len(requests), _BATCH_SIZE):
        pending: list[Item] = list(requests[start : start + _BATCH_SIZE])
        for attempt in range(max_attempts):
            if attempt:
                time.sleep(random.uniform(0, min(1.0, backoff_seconds * 2**attempt)))
            response = _call(action, client.batch_write_item, RequestItems={table_name: pending})
            pending = response.get("UnprocessedItems", {}).get(table_name, [])
            if not pending:
                break
        else:
            raise _unavailable(action, f"{len(pending)} items left unprocessed")


def _pages(
    client: DynamoClient, operation: str, action: str, request: Item
) -> Iterator[list[Item]]:
    """The items of a Query or Scan, one page at a time."""
    method = getattr(client, operation)
    while True:
        response = _call(action, method, **request)
        yield response.get("Items", [])
        last = response.get("LastEvaluatedKey")
        if not last:
            return
        request = {**request, "ExclusiveStartKey": last}


def _is_live(item: Item, now: float) -> bool:
    return float(item["expiresAt"]["N"]) > now


class _DynamoTable:
    """One table on a botocore client: its name, page size, retry policy and clock, and the
    batched write both adapters use."""

    def __init__(
        self,
        client: DynamoClient,
        table_name: str,
        *,
        page_size: int | None = None,
        max_attempts: int = 8,
        backoff_seconds: float = 0.05,
        clock: Clock = time.time,
    ) -> None:
        self.client = client
        self.table_name = table_name
        self.page_size = page_size
        self.max_attempts = max_attempts
        self.backoff_seconds = backoff_seconds
        self.clock = clock

    def _write(self, requests: Sequence[Item], action: str) -> None:
        _write_batches(
            self.client,
            self.table_name,
            requests,
            action=action,
            max_attempts=self.max_attempts,
            backoff_seconds=self.backoff_seconds,
        )


class DynamoConnectionRegistry(_DynamoTable):
    """The open API Gateway connections and their subscriptions, in one DynamoDB table.

    ``subscribe`` and ``remove`` of a connection that is gone (removed, or past its lifetime)
    store nothing and raise nothing: its ``$disconnect`` may run first. A subscription written
    in a race with ``remove`` is an item without its connection item; reads ignore it, and it
    expires with the connection's lifetime.

    ``page_size`` bounds the items of one Query or Scan page (DynamoDB's own bound is 1 MB);
    ``clock`` gives the time items are checked against (``time.time``).

    Example:
        >>> registry = DynamoConnectionRegistry(session.create_client("dynamodb"), "connections")
        >>> registry.add(StoredConnection("c1", key_hash="...", connected_at=time.time()))
        >>> registry.subscribe("c1", StoredSubscription("s1", table="contacts"))
        >>> [c.id for c in registry.connections()]
        ['c1']
    """

    def __init__(
        self,
        client: DynamoClient,
        table_name: str,
        *,
        lifetime_seconds: float = 7500,
        **options: Any,
    ) -> None:
        super().__init__(client, table_name, **options)
        self.lifetime_seconds = lifetime_seconds

    def add(self, connection: StoredConnection) -> None:
        expires_at = math.ceil(connection.connected_at + self.lifetime_seconds)
        items = [_connection_item(connection, expires_at)]
        items += [
            _subscription_item(connection.id, subscription, expires_at)
            for subscription in connection.subscriptions
        ]
        self._write([{"PutRequest": {"Item": item}} for item in items], "store a connection")

    def get(self, connection_id: str) -> StoredConnection | None:
        items = [item for page in self._query_pages(connection_id) for item in page]
        return _connection_from(items, self.clock())

    def subscribe(self, connection_id: str, subscription: StoredSubscription) -> None:
        try:
            # One request both checks that the connection is open and gives its expiry.
            response = _call(
                "store a subscription",
                self.client.update_item,
                TableName=self.table_name,
                Key=_key(connection_id, _CONNECTION),
                UpdateExpression="SET #everything = :false",
                ConditionExpression="attribute_exists(pk) AND #expires > :now",
                ExpressionAttributeNames={"#everything": "everything", "#expires": "expiresAt"},
                ExpressionAttributeValues={
                    ":false": {"BOOL": False},
                    ":now": {"N": repr(float(self.clock()))},
                },
                ReturnValues="ALL_NEW",
            )
        except _ConditionFailedError:
            return  # the connection is gone: nothing to subscribe
        expires_at = int(response["Attributes"]["expiresAt"]["N"])
        _call(
            "store a subscription",
            self.client.put_item,
            TableName=self.table_name,
            Item=_subscription_item(connection_id, subscription, expires_at),
        )

    def unsubscribe(self, connection_id: str, subscription_ids: Sequence[str]) -> None:
        keys = [_key(connection_id, _SUBSCRIPTION + sid) for sid in dict.fromkeys(subscription_ids)]
        self._write([{"DeleteRequest": {"Key": key}} for key in keys], "remove subscriptions")

    def remove(self, connection_id: str) -> None:
        keys = [
            _key(item["pk"]["S"], item["sk"]["S"])
            for page in self._query_pages(connection_id, keys_only=True)
            for item in page
        ]
        self._write([{"DeleteRequest": {"Key": key}} for key in keys], "remove a connection")

    def connections(self) -> list[StoredConnection]:
        request: Item = {"TableName": self.table_name, "ConsistentRead": True}
        if self.page_size is not None:
            request["Limit"] = self.page_size
        now = self.clock()
        grouped: dict[str, list[Item]] = {}
        for page in _pages(self.client, "scan", "read connections", request):
            for item in page:
                grouped.setdefault(item["pk"]["S"], []).append(item)
        found = (_connection_from(items, now) for items in grouped.values())
        return sorted((c for c in found if c is not None), key=lambda c: c.id)

    def _query_pages(self, connection_id: str, *, keys_only: bool = False) -> Iterator[list[Item]]:
        request: Item = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :id",
            "ExpressionAttributeValues": {":id": {"S": connection_id}},
            "ConsistentRead": True,
        }
        if keys_only:
            request["ProjectionExpression"] = "pk, sk"
        if self.page_size is not None:
            request["Limit"] = self.page_size
        return _pages(self.client, "query", "read a connection", request)


def _key(pk: str, sk: str) -> Item:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _connection_item(connection: StoredConnection, expires_at: int) -> Item:
    return {
        **_key(connection.id, _CONNECTION),
        "keyHash": {"S": connection.key_hash},
        "connectedAt": {"N": repr(float(connection.connected_at))},
        "everything": {"BOOL": connection.everything},
        "expiresAt": {"N": str(expires_at)},
    }


def _subscription_item(
    connection_id: str, subscription: StoredSubscription, expires_at: int
) -> Item:
    return {
        **_key(connection_id, _SUBSCRIPTION + subscription.id),
        "table": {"S": subscription.table},
        "filter": {"S": orjson.dumps(subscription.filter).decode()},
        "events": {"L": [{"S": event} for event in subscription.events]},
        "expiresAt": {"N": str(expires_at)},
    }


def _connection_from(items: Sequence[Item], now: float) -> StoredConnection | None:
    """The connection the items of one partition describe; None without a live connection
    item (removed, expired, or only a stray subscription left by a race)."""
    head = next((item for item in items if item["sk"]["S"] == _CONNECTION), None)
    if head is None or not _is_live(head, now):
        return None
    subscriptions = sorted(
        (
            StoredSubscription(
                id=item["sk"]["S"].removeprefix(_SUBSCRIPTION),
                table=item["table"]["S"],
                filter=orjson.loads(item["filter"]["S"]),
                events=tuple(value["S"] for value in item["events"]["L"]),
            )
            for item in items
            if item["sk"]["S"].startswith(_SUBSCRIPTION) and _is_live(item, now)
        ),
        key=lambda subscription: subscription.id,
    )
    return StoredConnection(
        id=head["pk"]["S"],
        key_hash=head["keyHash"]["S"],
        connected_at=float(head["connectedAt"]["N"]),
        everything=head["everything"]["BOOL"],
        subscriptions=tuple(subscriptions),
    )


class DynamoEventLog(_DynamoTable):
    """The recent events of every table, in one DynamoDB table, for resuming connections.

    ``append`` is idempotent: an event is an item keyed by its table and position, so a drain
    that is retried writes the same items again. An event too large for a DynamoDB item
    (400 KB) is kept as the notice a client gets for a change too large for one message
    (which row changed, ``tooLarge: true``), so a resume never skips it silently.

    ``after`` answers whether the event at ``since`` is still kept after it read the events,
    with a fresh clock: events expire in the order they were appended, so when that one is
    still there, none of the events after it has gone.

    Example:
        >>> log = DynamoEventLog(session.create_client("dynamodb"), "events")
        >>> log.append(events)
        >>> kept, is_since_kept = log.after(TableName("public", "contacts"), since, limit=100)
    """

    def __init__(
        self,
        client: DynamoClient,
        table_name: str,
        *,
        retention_seconds: float = 3600,
        **options: Any,
    ) -> None:
        super().__init__(client, table_name, **options)
        self.retention_seconds = retention_seconds

    def append(self, events: Sequence[ChangeEvent]) -> None:
        expires_at = {"N": str(math.ceil(self.clock() + self.retention_seconds))}
        # One request per key: BatchWriteItem refuses a batch naming the same item twice.
        items: dict[tuple[str, str], Item] = {}
        for event in events:
            payload = event.payload_json
            if len(payload) > _MAX_PAYLOAD_BYTES:
                payload = orjson.dumps(notice_payload(event))
            pk, sk = str(event.table), event.position.text
            items[pk, sk] = {
                **_key(pk, sk),
                "payload": {"B": payload},
                "commitTime": {"S": event.commit_time.isoformat()},
                "expiresAt": expires_at,
            }
        self._write([{"PutRequest": {"Item": item}} for item in items.values()], "keep events")

    def after(
        self, table: TableName, since: Position, limit: int
    ) -> tuple[list[LoggedEvent], bool]:
        events: list[LoggedEvent] = []
        now = self.clock()
        request: Item = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :table AND sk > :since",
            "ExpressionAttributeValues": {":table": {"S": str(table)}, ":since": {"S": since.text}},
            "ConsistentRead": True,
            "ScanIndexForward": True,
        }
        while len(events) < limit:
            remaining = limit - len(events)
            request["Limit"] = (
                remaining if self.page_size is None else min(self.page_size, remaining)
            )
            response = _call("read events", self.client.query, **request)
            events += [
                LoggedEvent(Position.parse(item["sk"]["S"]), bytes(item["payload"]["B"]))
                for item in response.get("Items", [])
                if _is_live(item, now)
            ]
            last = response.get("LastEvaluatedKey")
            if not last:
                break
            request["ExclusiveStartKey"] = last
        found = _call(
            "read events",
            self.client.get_item,
            TableName=self.table_name,
            Key=_key(str(table), since.text),
            ProjectionExpression="#expires",
            ExpressionAttributeNames={"#expires": "expiresAt"},
            ConsistentRead=True,
        )
        item = found.get("Item")
        return events, item is not None and _is_live(item, self.clock())
