"""The AWS clients of one process, each made on first use: botocore's from one session, and the
botocore-free calls of every cold start (``aws_http``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .aws_http import AwsHttp, S3Objects

__all__ = ["AwsClients"]


class AwsClients:
    """botocore clients for the aws mode, each made once, all from one botocore session.

    botocore directly, not boto3: its import and default session cost about 60 ms more of a
    cold start, for resource and transfer layers PolarBase does not use. Making a client loads
    its service model (S3's alone is tens of ms), so each is made once per process; the
    session loads the shared endpoint data once for all of them. In the built layer, the
    session reads that data trimmed to what PolarBase uses (``polarbase.aws_models``), from
    ``botocore_data``. The metadata files and the secrets, which every cold start reads, go
    through ``http()`` instead, without botocore.

    Example:
        >>> clients = AwsClients(region="eu-west-1")
        >>> clients.s3().get_object(Bucket="b", Key="k")
    """

    def __init__(
        self,
        *,
        region: str | None = None,
        s3_endpoint_url: str | None = None,
        botocore_data: Path | None = None,
    ) -> None:
        self.region = region
        self.s3_endpoint_url = s3_endpoint_url
        # None: the built layer's folder (polarbase.aws_models.FOLDER), when there is one.
        self.botocore_data = botocore_data
        self._session: Any = None
        self._clients: dict[str, Any] = {}
        self._http: AwsHttp | None = None

    def http(self) -> AwsHttp:
        """Signed requests without botocore, for the calls of every cold start (``aws_http``)."""
        if self._http is None:
            region = (
                self.region
                or os.environ.get("AWS_REGION")
                or os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
            )
            self._http = AwsHttp(region=region)
        return self._http

    def objects(self) -> S3Objects:
        """The metadata files' S3 (``s3_endpoint_url`` for a test server), without botocore."""
        return S3Objects(self.http(), self.s3_endpoint_url)

    def _client(self, service: str, **options: Any) -> Any:
        client = self._clients.get(service)
        if client is None:
            if self._session is None:
                self._session = self._new_session()
            client = self._session.create_client(service, region_name=self.region, **options)
            self._clients[service] = client
        return client

    def _new_session(self) -> Any:
        import botocore.session  # the aws mode only: local never imports it

        from . import aws_models

        session = botocore.session.get_session()
        # AWS_DATA_PATH names models of the user's own: botocore's loader then, as they asked.
        if session.get_config_variable("data_path") is None:
            loader = aws_models.trimmed_loader(self.botocore_data or aws_models.FOLDER)
            if loader is not None:
                # This session's only, before its first client loads anything.
                session.register_component("data_loader", loader)
        return session

    def s3(self) -> Any:
        """The S3 client (for the metadata file; ``s3_endpoint_url`` for a test server)."""
        from botocore.config import Config

        # SigV4: file links are presigned, and S3 takes no other signature in new regions.
        return self._client(
            "s3", endpoint_url=self.s3_endpoint_url, config=Config(signature_version="s3v4")
        )

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
