"""The stack of stateless parts: the layers, the functions and the APIs in front of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_cdk import CfnOutput, Stack

from polarbase_cdk.constructs import (
    AttachmentsCollector,
    ChangeCapture,
    ConnectionPoster,
    Layers,
    McpFunction,
    RestApi,
    WebSocketApi,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from aws_cdk import aws_lambda as lambda_
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

__all__ = ["ApiStack"]

METRICS_NAMESPACE = "PolarBase"
"""CloudWatch namespace of every function's Powertools metrics."""

CHANGES_FUNCTION = "POLARBASE_REALTIME_CHANGES_FUNCTION"
"""The REST function's variable naming the changes function, started after each committed write."""
CONNECTIONS_TABLE = "POLARBASE_REALTIME_CONNECTIONS_TABLE"
"""The DynamoDB table of the open connections and their subscriptions."""
EVENTS_TABLE = "POLARBASE_REALTIME_EVENTS_TABLE"
"""The DynamoDB table of the events kept for resumes."""
WEBSOCKET_ENDPOINT = "POLARBASE_REALTIME_WEBSOCKET_ENDPOINT"
"""The management API of the WebSocket stage (``https://…/live``), where frames are posted."""
POSTER_FUNCTION = "POLARBASE_REALTIME_POSTER_FUNCTION"
"""The function the websocket and changes functions invoke to post frames (it answers with the
connections that are gone): the only one that may use the management API, which the VPC cannot
reach."""
FILES_BUCKET = "POLARBASE_FILES_BUCKET"
"""The attachments bucket, for the REST function (uploads, downloads, presigned URLs) and the files
function (deleting files no record references)."""
AUDIT_KEY = "POLARBASE_AUDIT_KEY"
"""Where the audit log's file would be in the metadata bucket: unused while ``AUDIT_TABLE`` is
set (kept so that every function's settings name one place for it)."""
AUDIT_TABLE = "POLARBASE_AUDIT_TABLE"
"""The DynamoDB table of the audit log and confirmation tokens: written by the MCP function,
read by the REST function."""
CORS_ORIGINS = "POLARBASE_CORS_ORIGINS"
"""The REST function's comma-separated CORS origins: the same the attachments bucket allows."""
FILES_OBJECT_ACTIONS = ("s3:PutObject", "s3:GetObject", "s3:DeleteObject")
"""What the REST function may do to an attachment: store it (also through a presigned POST), read
it (also HEAD, and through a presigned GET), delete it."""
COLLECTOR_OBJECT_ACTIONS = ("s3:GetObject", "s3:DeleteObject")
"""What the files function may do to an attachment: HEAD it (its age and size), delete it."""


class ApiStack(Stack):
    """The functions on their two layers, the APIs in front of them, least-privilege grants.

    - REST: an HTTP API to the REST function, which reads and writes the metadata object only
      (no other key of that bucket, no delete), reads the secrets, and may start the changes
      function.
    - Realtime: a WebSocket API to the websocket function, and the changes function (run after
      each write and every minute). The websocket function reads and writes the connections
      table and reads the events table; the changes function reads the connections, deletes
      those that are gone, and writes the events. Both read the metadata object and the secrets.
    - Attachments: the REST function stores, reads, deletes and lists the objects under the
      attachments bucket's ``user-uploads/`` and nothing else there; the files function, every
      hour, lists them, reads which keys the database still holds, and deletes the others.

    When the database was created here, the REST, websocket, changes and files functions join its
    VPC and client security group (S3 through its gateway endpoint). The VPC cannot reach the
    WebSocket management API, so a poster function, never in a VPC and the only one allowed to
    manage connections, posts frames for the websocket and changes functions (with an existing
    database too: one way to post, one grant).
    Replacing this stack never touches data: that lives in ``StatefulStack``.

    Example:
        >>> ApiStack(app, "PolarBaseApi", metadata=stateful.metadata,
        ...          super_admin_key=stateful.super_admin_key,
        ...          database=stateful.database, network=stateful.network,
        ...          realtime=stateful.realtime, audit=stateful.audit,
        ...          attachments=stateful.attachments,
        ...          core_layer_path=root / "layers/build/core",
        ...          deps_layer_path=root / "layers/deps",
        ...          functions_path=root / "functions")  # doctest: +SKIP
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        metadata: MetadataBucket,
        super_admin_key: SuperAdminKey,
        database: Database,
        network: Network | None,
        realtime: RealtimeTables,
        audit: AuditTable,
        attachments: AttachmentsBucket,
        core_layer_path: Path,
        deps_layer_path: Path,
        functions_path: Path,
        cors_origins: Sequence[str] = ("*",),
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self._metadata = metadata
        self._super_admin_key = super_admin_key
        self._database = database
        layers = Layers(self, "Layers", core_path=core_layer_path, deps_path=deps_layer_path)
        in_vpc: dict[str, Any] = {}
        if network is not None and database.client_security_group is not None:
            in_vpc = {
                "vpc": network.vpc,
                "subnets": network.function_subnets,
                "security_groups": [database.client_security_group],
            }

        websocket = WebSocketApi(
            self,
            "WebSocket",
            code_path=functions_path / "realtime",
            layers=layers.all,
            environment=self._function_environment(service="polarbase-realtime"),
            **in_vpc,
        )
        realtime_environment = {
            CONNECTIONS_TABLE: realtime.connections.table_name,
            EVENTS_TABLE: realtime.events.table_name,
            WEBSOCKET_ENDPOINT: websocket.management_url,
        }
        for name, value in realtime_environment.items():
            websocket.function.add_environment(name, value)
        changes = ChangeCapture(
            self,
            "Changes",
            code_path=functions_path / "changes",
            layers=layers.all,
            environment={
                **self._function_environment(service="polarbase-changes"),
                **realtime_environment,
            },
            **in_vpc,
        )
        rest = RestApi(
            self,
            "Rest",
            code_path=functions_path / "rest",
            layers=layers.all,
            environment={
                **self._function_environment(service="polarbase-rest"),
                CHANGES_FUNCTION: changes.function.function_name,
                FILES_BUCKET: attachments.bucket.bucket_name,
                CORS_ORIGINS: ",".join(cors_origins),
            },
            **in_vpc,
        )

        metadata.bucket.grant_read(rest.function, metadata.metadata_key)
        metadata.bucket.grant_put(rest.function, metadata.metadata_key)
        changes.function.grant_invoke(rest.function)
        for function in (rest.function, websocket.function, changes.function):
            self._grant_secrets(function)
        for function in (websocket.function, changes.function):
            metadata.bucket.grant_read(function, metadata.metadata_key)
        realtime.connections.grant_read_write_data(websocket.function)
        realtime.events.grant_read_data(websocket.function)
        realtime.connections.grant_read_data(changes.function)
        # Forgetting a gone connection deletes its items 25 at a time (BatchWriteItem, which IAM
        # cannot limit to deletes); the changes function never puts or updates one.
        realtime.connections.grant(
            changes.function, "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"
        )
        realtime.events.grant_write_data(changes.function)

        # MCP: its own function on the REST API's HTTP API. It reads the metadata (keys, UI
        # names) and writes the audit log; it changes tables and records as REST does, so it
        # starts the changes function after a write too.
        mcp = McpFunction(
            self,
            "Mcp",
            http_api=rest.http_api,
            code_path=functions_path / "mcp",
            layers=layers.all,
            environment={
                **self._function_environment(service="polarbase-mcp"),
                CHANGES_FUNCTION: changes.function.function_name,
            },
            **in_vpc,
        )
        metadata.bucket.grant_read(mcp.function, metadata.metadata_key)
        metadata.bucket.grant_put(mcp.function, metadata.metadata_key)
        # The audit log: written by the MCP function, read by the super admin through the REST
        # function (GET /rest/audit).
        mcp.function.add_environment(AUDIT_TABLE, audit.table.table_name)
        rest.function.add_environment(AUDIT_TABLE, audit.table.table_name)
        audit.table.grant_read_write_data(mcp.function)
        audit.table.grant_read_data(rest.function)
        changes.function.grant_invoke(mcp.function)
        self._grant_secrets(mcp.function)

        # Presigned POSTs and GETs are signed by the REST function's role: these grants are also
        # all a browser holding one may do.
        attachments.grant_objects(rest.function, *FILES_OBJECT_ACTIONS)
        attachments.grant_list(rest.function)
        collector = AttachmentsCollector(
            self,
            "Files",
            code_path=functions_path / "files",
            layers=layers.all,
            environment={
                **self._function_environment(service="polarbase-files"),
                FILES_BUCKET: attachments.bucket.bucket_name,
            },
            **in_vpc,
        )
        metadata.bucket.grant_read(collector.function, metadata.metadata_key)
        # The runtime's start reads the super admin key as well as the database's credentials.
        self._grant_secrets(collector.function)
        attachments.grant_objects(collector.function, *COLLECTOR_OBJECT_ACTIONS)
        attachments.grant_list(collector.function)

        # The management API is public and the VPC has no NAT gateway: only the poster, outside
        # any VPC, posts to connections, for the websocket and changes functions.
        poster = ConnectionPoster(
            self,
            "Poster",
            code_path=functions_path / "poster",
            layers=layers.all,
            environment={
                "POLARBASE_AWS_REGION": self.region,
                WEBSOCKET_ENDPOINT: websocket.management_url,
                "POWERTOOLS_SERVICE_NAME": "polarbase-poster",
                "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            },
        )
        websocket.stage.grant_management_api_access(poster.function)
        for sender in (websocket.function, changes.function):
            poster.function.grant_invoke(sender)
            sender.add_environment(POSTER_FUNCTION, poster.function.function_name)

        # What the studio's stack tells the studio (its config.json).
        self.api_endpoint: str = rest.http_api.api_endpoint
        self.websocket_url: str = websocket.url
        self.mcp_url: str = mcp.url

        CfnOutput(self, "RestApiUrl", value=rest.url, description="PolarBase REST API URL")
        CfnOutput(
            self,
            "McpUrl",
            value=mcp.url,
            description="PolarBase MCP endpoint (Streamable HTTP; the key in the x-api-key header)",
        )
        CfnOutput(
            self,
            "WebSocketUrl",
            value=websocket.url,
            description="PolarBase realtime WebSocket URL (wss://; the key in ?x-api-key=)",
        )
        CfnOutput(
            self,
            "AttachmentsBucketName",
            value=attachments.bucket.bucket_name,
            description="Bucket of the attachments (kept by cdk destroy: empty it, then delete it)",
        )
        CfnOutput(
            self,
            "SuperAdminKeySecretArn",
            value=super_admin_key.secret.secret_arn,
            description="Secret holding the super admin key (aws secretsmanager get-secret-value)",
        )

        # Later issues add their functions and APIs here, each on `layers.all` with
        # `_function_environment` and the grants it needs, and each with a CfnOutput for its URL:
        # - Agent: its own function and routes, so its imports never reach REST.

    def _grant_secrets(self, function: lambda_.IFunction) -> None:
        """The database's credentials, and the super admin key that every key check needs."""
        self._database.secret.grant_read(function)
        self._super_admin_key.secret.grant_read(function)

    def _function_environment(self, *, service: str) -> dict[str, str]:
        """What every function's runtime reads: ``polarbase.config.Settings`` and Powertools."""
        return {
            "POLARBASE_MODE": "aws",
            "POLARBASE_METADATA_BUCKET": self._metadata.bucket.bucket_name,
            "POLARBASE_METADATA_KEY": self._metadata.metadata_key,
            AUDIT_KEY: self._metadata.audit_key,
            "POLARBASE_DATABASE_SECRET_ARN": self._database.secret.secret_arn,
            "POLARBASE_SUPER_ADMIN_KEY_SECRET_ARN": self._super_admin_key.secret.secret_arn,
            "POLARBASE_AWS_REGION": self.region,
            "POWERTOOLS_SERVICE_NAME": service,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
        }
