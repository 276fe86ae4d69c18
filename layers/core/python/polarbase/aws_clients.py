"""The AWS clients of one process, each made on first use from one botocore session."""

from __future__ import annotations

from typing import Any

__all__ = ["AwsClients"]


class AwsClients:
    """botocore clients for the aws mode, each made once, all from one botocore session.

    botocore directly, not boto3: its import and default session cost about 60 ms more of a
    cold start, for resource and transfer layers PolarBase does not use. Making a client loads
    its service model (S3's alone is tens of ms), so each is made once per process; the
    session loads the shared endpoint data once for all of them.

    Example:
        >>> clients = AwsClients(region="eu-west-1")
        >>> clients.s3().get_object(Bucket="b", Key="k")
    """

    def __init__(self, *, region: str | None = None, s3_endpoint_url: str | None = None) -> None:
        self.region = region
        self.s3_endpoint_url = s3_endpoint_url
        self._session: Any = None
        self._clients: dict[str, Any] = {}

    def _client(self, service: str, **options: Any) -> Any:
        client = self._clients.get(service)
        if client is None:
            if self._session is None:
                import botocore.session  # the aws mode only: local never imports it

                self._session = botocore.session.get_session()
            client = self._session.create_client(service, region_name=self.region, **options)
            self._clients[service] = client
        return client

    def s3(self) -> Any:
        """The S3 client (for the metadata file; ``s3_endpoint_url`` for a test server)."""
        from botocore.config import Config

        # SigV4: file links are presigned, and S3 takes no other signature in new regions.
        return self._client(
            "s3", endpoint_url=self.s3_endpoint_url, config=Config(signature_version="s3v4")
        )

    def secrets_manager(self) -> Any:
        return self._client("secretsmanager")

    def dynamodb(self) -> Any:
        return self._client("dynamodb")

    def lambda_(self) -> Any:
        """Lambda, for invoking the realtime functions (short timeouts: an invoke is quick)."""
        from botocore.config import Config

        return self._client(
            "lambda", config=Config(connect_timeout=2, read_timeout=30, retries={"max_attempts": 2})
        )

    def management_api(self, endpoint_url: str) -> Any:
        """The WebSocket API's management API (``@connections``), pooled for parallel posts."""
        from botocore.config import Config

        return self._client(
            "apigatewaymanagementapi",
            endpoint_url=endpoint_url,
            config=Config(max_pool_connections=32, retries={"max_attempts": 2}),
        )
