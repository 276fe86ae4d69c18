"""The stack of stateless parts: the layers, the functions and the APIs in front of them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_cdk import CfnOutput, Stack

from polarbase_cdk.constructs import Layers, RestApi

if TYPE_CHECKING:
    from pathlib import Path

    from constructs import Construct

    from polarbase_cdk.constructs import Database, MetadataBucket, Network, SuperAdminKey

__all__ = ["ApiStack"]

METRICS_NAMESPACE = "PolarBase"
"""CloudWatch namespace of every function's Powertools metrics."""


class ApiStack(Stack):
    """The REST function on its two layers behind an HTTP API, with least-privilege grants.

    The function reads and writes the metadata object only (no other key, no delete), reads the
    database secret, and joins the database's VPC and client security group when the database was
    created here. Replacing this stack never touches data: that lives in ``StatefulStack``.

    Example:
        >>> ApiStack(app, "PolarBaseApi", metadata=stateful.metadata,
        ...          super_admin_key=stateful.super_admin_key,
        ...          database=stateful.database, network=stateful.network,
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
        core_layer_path: Path,
        deps_layer_path: Path,
        functions_path: Path,
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

        rest = RestApi(
            self,
            "Rest",
            code_path=functions_path / "rest",
            layers=layers.all,
            environment=self._function_environment(service="polarbase-rest"),
            **in_vpc,
        )
        metadata.bucket.grant_read(rest.function, metadata.metadata_key)
        metadata.bucket.grant_put(rest.function, metadata.metadata_key)
        database.secret.grant_read(rest.function)
        super_admin_key.secret.grant_read(rest.function)
        CfnOutput(self, "RestApiUrl", value=rest.url, description="PolarBase REST API URL")
        CfnOutput(
            self,
            "SuperAdminKeySecretArn",
            value=super_admin_key.secret.secret_arn,
            description="Secret holding the super admin key (aws secretsmanager get-secret-value)",
        )

        # Later issues add their functions and APIs here, each on `layers.all` with
        # `_function_environment` and the grants it needs, and each with a CfnOutput for its URL:
        # - WebSocketApi: API Gateway WebSocket API ($connect, $disconnect, $default) and its
        #   function; grant_manage_connections; the connections table from StatefulStack.
        # - ChangeCapture: the changes function draining the logical slot (in the VPC), on a
        #   schedule and invoked asynchronously by the REST function after a write.
        # - Mcp and Agent: their own functions and routes, so their imports never reach REST.
        # - Attachments: grants on the attachments bucket for presigned upload and download URLs.
        # - StaticSite: the web UI on S3 + CloudFront, with the API URLs in its config.

    def _function_environment(self, *, service: str) -> dict[str, str]:
        """What every function's runtime reads: ``polarbase.config.Settings`` and Powertools."""
        return {
            "POLARBASE_MODE": "aws",
            "POLARBASE_METADATA_BUCKET": self._metadata.bucket.bucket_name,
            "POLARBASE_METADATA_KEY": self._metadata.metadata_key,
            "POLARBASE_DATABASE_SECRET_ARN": self._database.secret.secret_arn,
            "POLARBASE_SUPER_ADMIN_KEY_SECRET_ARN": self._super_admin_key.secret.secret_arn,
            "POLARBASE_AWS_REGION": self.region,
            "POWERTOOLS_SERVICE_NAME": service,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
        }
