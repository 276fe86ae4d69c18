"""PolarBase's infrastructure, one construct per concern; the stacks compose and wire them."""

from polarbase_cdk.constructs.attachments_bucket import AttachmentsBucket
from polarbase_cdk.constructs.attachments_collector import AttachmentsCollector
from polarbase_cdk.constructs.audit_table import AuditTable
from polarbase_cdk.constructs.change_capture import ChangeCapture
from polarbase_cdk.constructs.connection_poster import ConnectionPoster
from polarbase_cdk.constructs.database import Database
from polarbase_cdk.constructs.layers import Layers
from polarbase_cdk.constructs.mcp_function import McpFunction
from polarbase_cdk.constructs.metadata_bucket import MetadataBucket
from polarbase_cdk.constructs.network import Network
from polarbase_cdk.constructs.realtime_tables import RealtimeTables
from polarbase_cdk.constructs.rest_api import RestApi
from polarbase_cdk.constructs.studio_site import StudioSite
from polarbase_cdk.constructs.super_admin_key import SuperAdminKey
from polarbase_cdk.constructs.websocket_api import WebSocketApi

__all__ = [
    "AttachmentsBucket",
    "AttachmentsCollector",
    "AuditTable",
    "ChangeCapture",
    "ConnectionPoster",
    "Database",
    "Layers",
    "McpFunction",
    "MetadataBucket",
    "Network",
    "RealtimeTables",
    "RestApi",
    "StudioSite",
    "SuperAdminKey",
    "WebSocketApi",
]

# Later issues add one module each here: Agent (its own function, so its imports stay off the
# REST path).
