"""The VPC a created database and the functions that reach it share."""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

__all__ = ["Network"]


class Network(Construct):
    """Isolated subnets (no internet route, no NAT gateway) with endpoints for the AWS APIs used.

    Functions in these subnets reach S3 and DynamoDB (the realtime tables) through gateway
    endpoints (free), Secrets Manager and Lambda (the REST function starting the changes
    function, the functions in the VPC handing frames to the connection poster) through interface
    endpoints, so the data path never leaves the VPC and no NAT gateway is paid for. The subnets
    span ``max_azs`` availability zones (RDS requires two at least).

    No endpoint can reach the API Gateway management API (``@connections``) of a WebSocket API:
    an ``execute-api`` interface endpoint serves private REST APIs only, and with its private DNS
    it would break every call to a public API from the VPC (403). Posting to WebSocket
    connections is therefore left to a function outside the VPC (``ConnectionPoster``).

    Attributes:
        vpc: the VPC.
        function_subnets: where functions that reach the database are placed.

    Example:
        >>> network = Network(stack, "Network")  # doctest: +SKIP
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        cidr: str = "10.0.0.0/16",
        max_azs: int = 2,
    ) -> None:
        super().__init__(scope, construct_id)
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(cidr),
            max_azs=max_azs,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="Isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=20
                )
            ],
        )
        self.function_subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        self.vpc.add_gateway_endpoint("S3", service=ec2.GatewayVpcEndpointAwsService.S3)
        self.vpc.add_gateway_endpoint("DynamoDb", service=ec2.GatewayVpcEndpointAwsService.DYNAMODB)
        self.vpc.add_interface_endpoint(
            "SecretsManager", service=ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER
        )
        self.vpc.add_interface_endpoint(
            "Lambda", service=ec2.InterfaceVpcEndpointAwsService.LAMBDA_
        )
