"""The stack of what must outlive a deployment: the buckets, the database, the admin key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from aws_cdk import CfnResource, Fn, Stack
from constructs import Construct

from polarbase_cdk.constructs import (
    AttachmentsBucket,
    AuditTable,
    Database,
    MetadataBucket,
    Network,
    RealtimeTables,
    SuperAdminKey,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["PINNED_LOGICAL_IDS", "StatefulStack"]

PINNED_LOGICAL_IDS = {
    "metadata_bucket": "MetadataBucket",
    "attachments_bucket": "AttachmentsBucket",
    "vpc": "Vpc",
    "database_subnet_group": "DatabaseSubnetGroup",
    "database_secret": "DatabaseSecret",
    "database_instance": "DatabaseInstance",
    "super_admin_key": "SuperAdminKeySecret",
    "realtime_connections": "RealtimeConnectionsTable",
    "realtime_events": "RealtimeEventsTable",
}
"""Logical IDs of the stateful resources. Changing one makes CloudFormation replace the resource,
which loses its data: these never change, whatever the constructs are renamed to."""


class StatefulStack(Stack):
    """The metadata bucket, the database (created in its own VPC, or an existing one), the super
    admin key, the realtime tables and the attachments bucket.

    With ``existing_database_secret_arn`` the database is taken from that secret and no VPC is
    made; without it an RDS PostgreSQL instance is created. Browsers on ``cors_origins`` may
    upload to and download from the attachments bucket with presigned URLs. Stateless stacks read
    ``metadata``, ``database`` and ``attachments`` and grant their functions access; nothing here
    knows a function.

    Example:
        >>> stateful = StatefulStack(app, "PolarBaseStateful")  # doctest: +SKIP
        >>> stateful.metadata.bucket.bucket_name  # doctest: +SKIP
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        existing_database_secret_arn: str | None = None,
        cors_origins: Sequence[str] = ("*",),
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.metadata = MetadataBucket(self, "Metadata")
        self.super_admin_key = SuperAdminKey(self, "SuperAdminKey")
        self.network: Network | None = None
        if existing_database_secret_arn is None:
            self.network = Network(self, "Network")
            self.database = Database(self, "Database", vpc=self.network.vpc)
        else:
            self.database = Database(
                self, "Database", existing_secret_arn=existing_database_secret_arn
            )
        # Transient (items expire; the tables are deleted with this stack), but state all the same:
        # retained events are positions in this database's WAL, so they live beside it and survive
        # the API stack being destroyed and deployed again (a client resuming afterwards still
        # finds them); the API stack keeps nothing a redeploy would lose.
        self.realtime = RealtimeTables(self, "Realtime")
        # Who did what through MCP: kept with the stack, like the metadata.
        self.audit = AuditTable(self, "Audit")
        # The users' files, which records refer to by key: retained with the stack.
        self.attachments = AttachmentsBucket(self, "Attachments", cors_origins=cors_origins)
        self._pin_logical_ids()

    @property
    def availability_zones(self) -> list[str]:
        """Two zones chosen by CloudFormation at deploy time (``Fn::GetAZs``), never looked up.

        With a concrete account and region the CDK would otherwise ask AWS for the zones at synth
        time (or write placeholders when offline); this keeps ``make synth`` offline and the
        template valid in any region.
        """
        return [Fn.select(index, Fn.get_azs()) for index in range(2)]

    def _pin_logical_ids(self) -> None:
        def pin(construct: Construct, name: str) -> None:
            cast(CfnResource, construct.node.default_child).override_logical_id(
                PINNED_LOGICAL_IDS[name]
            )

        pin(self.metadata.bucket, "metadata_bucket")
        pin(self.attachments.bucket, "attachments_bucket")
        pin(self.super_admin_key.secret, "super_admin_key")
        pin(self.realtime.connections, "realtime_connections")
        pin(self.realtime.events, "realtime_events")
        if self.network is not None:
            pin(self.network.vpc, "vpc")
        instance = self.database.instance
        if instance is not None:
            pin(instance, "database_instance")
            pin(instance.node.find_child("SubnetGroup"), "database_subnet_group")
            pin(instance.node.find_child("Secret"), "database_secret")
