"""The PostgreSQL PolarBase serves: created on RDS, or an existing one known by its secret."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

__all__ = ["Database"]

_PORT = 5432


class Database(Construct):
    """PostgreSQL with logical replication on, and its credentials in Secrets Manager.

    Give ``vpc`` to create an RDS PostgreSQL instance in its isolated subnets, or
    ``existing_secret_arn`` (the complete ARN, with its six-character suffix) to use a database that
    already exists. Either way the functions read ``secret``: the JSON RDS writes for a generated
    secret (``host``, ``port``, ``dbname``, ``username``, ``password``), ``{"url": ...}`` or a
    ``postgresql://`` URL (``polarbase.secrets``).

    Created, the instance runs ``rds.logical_replication=1`` (realtime reads a logical decoding
    slot), stores encrypted, keeps a week of backups, is protected from deletion, and leaves a
    snapshot when its stack removes it. Only members of ``client_security_group`` may reach its
    port.

    Attributes:
        secret: the credentials the functions read.
        instance: the RDS instance, or None for an existing database.
        parameter_group: its parameter group, or None for an existing database.
        vpc: the VPC functions join to reach the database, or None for an existing database
            (reached at the host its secret names).
        client_security_group: the group functions join to reach the database, or None.

    Raises:
        ValueError: unless exactly one of ``vpc`` and ``existing_secret_arn`` is given.

    Example:
        >>> database = Database(stack, "Database", vpc=network.vpc)  # doctest: +SKIP
        >>> database.secret.grant_read(function)  # doctest: +SKIP
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc | None = None,
        existing_secret_arn: str | None = None,
        engine_version: rds.PostgresEngineVersion = rds.PostgresEngineVersion.VER_17,
        instance_type: ec2.InstanceType | None = None,
        database_name: str = "polarbase",
        allocated_storage_gib: int = 20,
        max_allocated_storage_gib: int = 100,
        backup_days: int = 7,
    ) -> None:
        super().__init__(scope, construct_id)
        if (vpc is None) == (existing_secret_arn is None):
            raise ValueError("Database needs exactly one of vpc (create) and existing_secret_arn")
        self.vpc = vpc
        self.instance: rds.DatabaseInstance | None = None
        self.parameter_group: rds.ParameterGroup | None = None
        self.client_security_group: ec2.SecurityGroup | None = None
        if existing_secret_arn is not None:
            self.secret: secretsmanager.ISecret = secretsmanager.Secret.from_secret_complete_arn(
                self, "Secret", existing_secret_arn
            )
            return

        assert vpc is not None
        engine = rds.DatabaseInstanceEngine.postgres(version=engine_version)
        self.parameter_group = rds.ParameterGroup(
            self,
            "Parameters",
            engine=engine,
            description="PolarBase: logical replication on, for realtime change capture",
            parameters={"rds.logical_replication": "1"},
        )
        self.client_security_group = ec2.SecurityGroup(
            self,
            "ClientSecurityGroup",
            vpc=vpc,
            description="PolarBase functions that may connect to the database",
            allow_all_outbound=True,
        )
        server_security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description="PolarBase database",
            allow_all_outbound=False,
        )
        server_security_group.add_ingress_rule(
            self.client_security_group, ec2.Port.tcp(_PORT), "PostgreSQL from PolarBase functions"
        )
        self.instance = rds.DatabaseInstance(
            self,
            "Instance",
            engine=engine,
            instance_type=instance_type
            or ec2.InstanceType.of(ec2.InstanceClass.BURSTABLE4_GRAVITON, ec2.InstanceSize.MICRO),
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            security_groups=[server_security_group],
            port=_PORT,
            credentials=rds.Credentials.from_generated_secret("polarbase"),
            database_name=database_name,
            parameter_group=self.parameter_group,
            storage_type=rds.StorageType.GP3,
            allocated_storage=allocated_storage_gib,
            max_allocated_storage=max_allocated_storage_gib,
            storage_encrypted=True,
            publicly_accessible=False,
            multi_az=False,
            backup_retention=Duration.days(backup_days),
            deletion_protection=True,
            removal_policy=RemovalPolicy.SNAPSHOT,
        )
        assert self.instance.secret is not None
        self.secret = self.instance.secret
        # A later issue may put RDS Proxy in front of the instance (the runtime keeps no session
        # state that would pin a connection); functions would then read the proxy's endpoint.
