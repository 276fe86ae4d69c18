"""The DynamoDB tables realtime keeps its transient state in on AWS: connections and events."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from constructs import Construct

__all__ = ["EXPIRES_AT", "RealtimeTables", "keyed_table"]

EXPIRES_AT = "expiresAt"
"""The TTL attribute of both tables: epoch seconds after which DynamoDB deletes the item."""


class RealtimeTables(Construct):
    """Two on-demand tables keyed ``pk`` / ``sk`` (strings), whose items expire by themselves.

    ``connections`` holds the open WebSocket connections and their subscriptions (an item
    outlives its connection by at most API Gateway's two-hour limit, so a lost ``$disconnect``
    leaves nothing behind); ``events`` the recent change events, kept for clients that resume
    from a position. DynamoDB deletes an item some time after its ``expiresAt`` (usually within
    days), so readers also skip expired items themselves.

    Both hold transient state only: losing them costs clients a reconnect and, at worst, a gap
    they are told about, never data. So there is no point-in-time recovery, and the tables go
    when their stack is deleted (``RemovalPolicy.DESTROY``). On demand, an idle table costs
    nothing but its storage.

    Attributes:
        connections: the connections and subscriptions table.
        events: the retained events table.

    Example:
        >>> tables = RealtimeTables(stack, "Realtime")  # doctest: +SKIP
        >>> tables.connections.grant_read_write_data(function)  # doctest: +SKIP
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.connections = self._table("Connections")
        self.events = self._table("Events")

    def _table(self, construct_id: str) -> dynamodb.Table:
        return keyed_table(self, construct_id, removal_policy=RemovalPolicy.DESTROY)


def keyed_table(
    scope: Construct, construct_id: str, *, removal_policy: RemovalPolicy
) -> dynamodb.Table:
    """An on-demand table keyed ``pk`` / ``sk`` (strings) whose items expire at ``expiresAt``,
    without point-in-time recovery: the shape of every table PolarBase keeps in DynamoDB."""
    return dynamodb.Table(
        scope,
        construct_id,
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
        time_to_live_attribute=EXPIRES_AT,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=False
        ),
        removal_policy=removal_policy,
    )
