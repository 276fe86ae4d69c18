"""The DynamoDB table the MCP function keeps its audit log and confirmation tokens in on AWS."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from constructs import Construct

from polarbase_cdk.constructs.realtime_tables import keyed_table

__all__ = ["AuditTable"]


class AuditTable(Construct):
    """An on-demand table keyed ``pk`` / ``sk`` (strings) whose items expire by themselves
    (``expiresAt``): one item per MCP tool call, kept ``POLARBASE_AUDIT_KEEP_DAYS`` (90 by
    default), and the single-use confirmation tokens (``polarbase.metadata.dynamo_audit``).

    A table rather than a file in the metadata bucket: every tool call writes an entry, and a
    synced file would be uploaded whole on each call. The log is a record of who did what, so it
    is retained when its stack is deleted, like the metadata bucket; on demand, an idle table
    costs only its storage.

    Attributes:
        table: the table.

    Example:
        >>> audit = AuditTable(stack, "Audit")  # doctest: +SKIP
        >>> audit.table.grant_read_write_data(mcp_function)  # doctest: +SKIP
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.table = keyed_table(self, "Table", removal_policy=RemovalPolicy.RETAIN)
