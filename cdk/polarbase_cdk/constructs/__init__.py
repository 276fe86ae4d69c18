"""PolarBase's infrastructure, one construct per concern; the stacks compose and wire them."""

from polarbase_cdk.constructs.database import Database
from polarbase_cdk.constructs.layers import Layers
from polarbase_cdk.constructs.metadata_bucket import MetadataBucket
from polarbase_cdk.constructs.network import Network
from polarbase_cdk.constructs.rest_api import RestApi
from polarbase_cdk.constructs.super_admin_key import SuperAdminKey

__all__ = ["Database", "Layers", "MetadataBucket", "Network", "RestApi", "SuperAdminKey"]

# Later issues add one module each here: WebSocketApi (API Gateway WebSocket API, its function and
# the DynamoDB connections table), ChangeCapture (the changes function draining the slot, on a
# schedule and invoked after writes), Mcp and Agent (their own functions, so their imports stay
# off the REST path), Attachments (S3 bucket with presigned URLs), StaticSite (S3 + CloudFront).
