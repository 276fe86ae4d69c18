"""The audit log and the confirmation tokens in a DynamoDB table, for the functions on AWS.

One table with a string partition key ``pk``, a string sort key ``sk`` and the TTL attribute
``expiresAt`` (epoch seconds):

=====================  ===============  =====================================================
pk                     sk               attributes
=====================  ===============  =====================================================
``entry``              the id, 20       at, keyId, keyName, door, tool, arguments (S, JSON),
                       digits           outcome, message, affected (N), durationMs (N)
``token#<sha256>``     ``token``        keyId, tool, digest, validUntil (N), usedAt (N)
=====================  ===============  =====================================================

An entry's id is the microsecond it was written, times 1,000, plus a random 0-999: ids grow with
time across every function, fit ``GET /rest/audit``'s integer ``before``, and a clash (the same
microsecond and draw) is caught by a conditional put and drawn again. All entries share one
partition, read newest first: DynamoDB takes 1,000 writes a second there, far above any tool
call rate. Entries expire after ``keep_days``; a token an hour after it stops being valid.
DynamoDB deletes expired items lazily, so reads skip them themselves. Reads are strongly
consistent: an entry written by one function is in the next read by another.

Takes a botocore DynamoDB client; the table is made by the CDK app (and by the tests).
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from ..errors import ConfirmationError, MetadataUnavailableError
from .audit import (
    AuditEntry,
    confirmation_problem,
    entry_document,
    entry_row,
    new_token,
    token_hash,
)

__all__ = ["DynamoAuditLog"]

DynamoClient = Any
_ENTRY = "entry"
_FIELDS = (
    "at",
    "keyId",
    "keyName",
    "door",
    "tool",
    "arguments",
    "outcome",
    "message",
    "affected",
    "durationMs",
)
_NUMBERS = frozenset({"affected", "durationMs"})
_TOKEN_GRACE_SECONDS = 3600
_PAGE = 200


class DynamoAuditLog:
    """``AuditTrail`` on DynamoDB: each call one item, written before the function answers.

    Example:
        >>> log = DynamoAuditLog(clients.dynamodb(), "PolarBase-Audit", keep_days=90)
        >>> log.record(AuditEntry(3, "ci", "mcp", "queryRecords", {...}, "ok", affected=50))
    """

    def __init__(self, client: DynamoClient, table: str, *, keep_days: float) -> None:
        self.client = client
        self.table = table
        self.keep_seconds = keep_days * 86_400

    def record(self, entry: AuditEntry) -> None:
        row = entry_row(entry)
        item: dict[str, Any] = {"pk": {"S": _ENTRY}}
        for name, value in zip(_FIELDS, row, strict=True):
            if value is not None:
                item[name] = {"N": repr(value)} if name in _NUMBERS else {"S": value}
        item["expiresAt"] = {"N": str(int(time.time() + self.keep_seconds))}
        for _ in range(5):
            item["sk"] = {"S": f"{time.time_ns() // 1000 * 1000 + secrets.randbelow(1000):020d}"}
            try:
                self._call(
                    "write",
                    self.client.put_item,
                    TableName=self.table,
                    Item=item,
                    ConditionExpression="attribute_not_exists(pk)",
                )
                return
            except _ConditionFailedError:
                continue  # the same microsecond and draw as another entry: draw again
        raise MetadataUnavailableError("cannot write the audit log: no free entry id; try again")

    def flush(self, timeout: float = 10.0) -> None:
        """Nothing waits: every entry is written by ``record``."""

    def close(self) -> None:
        """Nothing to close: the client is the runtime's."""

    def entries(
        self,
        *,
        key_id: str | None = None,
        tool: str | None = None,
        limit: int = 50,
        before: int | None = None,
    ) -> list[dict[str, Any]]:
        """The newest entries first, optionally of one key or tool; ``before`` an entry id."""
        condition = "pk = :entry"
        values: dict[str, Any] = {":entry": {"S": _ENTRY}, ":now": {"N": str(int(time.time()))}}
        if before is not None:
            condition += " AND sk < :before"
            values[":before"] = {"S": f"{before:020d}"}
        filters = ["expiresAt > :now"]
        if key_id is not None:
            filters.append("keyId = :key")
            values[":key"] = {"S": key_id}
        if tool is not None:
            filters.append("tool = :tool")
            values[":tool"] = {"S": tool}
        request: dict[str, Any] = {
            "TableName": self.table,
            "KeyConditionExpression": condition,
            "FilterExpression": " AND ".join(filters),
            "ExpressionAttributeValues": values,
            "ScanIndexForward": False,
            "ConsistentRead": True,
            "Limit": max(limit, _PAGE),
        }
        found: list[dict[str, Any]] = []
        while len(found) < limit:
            page = self._call("read", self.client.query, **request)
            found.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return [entry_document(_row(item)) for item in found[:limit]]

    def issue(self, key_id: int | str, tool: str, digest: str, ttl_seconds: float) -> str:
        """A new single-use token for this key, tool and arguments digest."""
        token = new_token()
        valid_until = time.time() + ttl_seconds
        self._call(
            "write",
            self.client.put_item,
            TableName=self.table,
            Item={
                "pk": {"S": f"token#{token_hash(token)}"},
                "sk": {"S": "token"},
                "keyId": {"S": str(key_id)},
                "tool": {"S": tool},
                "digest": {"S": digest},
                "validUntil": {"N": repr(valid_until)},
                "expiresAt": {"N": str(int(valid_until + _TOKEN_GRACE_SECONDS))},
            },
        )
        return token

    def redeem(self, token: str, key_id: int | str, tool: str, digest: str) -> None:
        """Use ``token`` up; ConfirmationError says why it cannot confirm this call. Two calls
        racing with one token: the conditional update lets exactly one through."""
        key = {"pk": {"S": f"token#{token_hash(token)}"}, "sk": {"S": "token"}}
        now = time.time()
        answer = self._call(
            "read", self.client.get_item, TableName=self.table, Key=key, ConsistentRead=True
        )
        item = answer.get("Item")
        issued = None
        if item is not None:
            issued = (
                item["keyId"]["S"],
                item["tool"]["S"],
                item["digest"]["S"],
                float(item["validUntil"]["N"]),
                float(item["usedAt"]["N"]) if "usedAt" in item else None,
            )
        problem = confirmation_problem(issued, key_id, tool, digest, now)
        if problem is not None:
            raise ConfirmationError(problem)
        try:
            self._call(
                "write",
                self.client.update_item,
                TableName=self.table,
                Key=key,
                UpdateExpression="SET usedAt = :now",
                ConditionExpression="attribute_exists(pk) AND attribute_not_exists(usedAt)",
                ExpressionAttributeValues={":now": {"N": repr(now)}},
            )
        except _ConditionFailedError:
            raise ConfirmationError(
                "confirmToken: already used; call again without it for a new one"
            ) from None

    @staticmethod
    def _call(action: str, operation: Any, **request: Any) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError  # the aws mode only

        try:
            answer: dict[str, Any] = operation(**request)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", "error"))
            if code == "ConditionalCheckFailedException":
                raise _ConditionFailedError from None
            raise MetadataUnavailableError(
                f"cannot {action} the audit log in DynamoDB ({code}); try again"
            ) from None
        except BotoCoreError as error:
            raise MetadataUnavailableError(
                f"cannot reach the audit log in DynamoDB ({type(error).__name__}); try again"
            ) from None
        return answer


class _ConditionFailedError(Exception):
    """A conditional write found the item otherwise than it required."""


def _row(item: dict[str, Any]) -> tuple[Any, ...]:
    """An item as ``entry_document`` takes it: its id, then the fields in ``entry_row``'s order."""
    values: list[Any] = [int(item["sk"]["S"])]
    for name in _FIELDS:
        value = item.get(name)
        if value is None:
            values.append(None)
        elif name == "affected":
            values.append(int(value["N"]))
        elif name == "durationMs":
            values.append(float(value["N"]))
        else:
            values.append(value["S"])
    return tuple(values)
