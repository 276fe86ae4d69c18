"""The super admin key of a deployment: generated once by Secrets Manager, never in a template."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

__all__ = ["SuperAdminKey"]


class SuperAdminKey(Construct):
    """A generated secret holding the key that manages every other API key.

    Secrets Manager generates it at deploy time (64 letters and digits), so it appears in no
    template, no output and no log; the REST function reads it on its first request and stores
    only its hash in the metadata. Read it with ``aws secretsmanager get-secret-value
    --secret-id <SuperAdminKeySecretArn> --query SecretString --output text``.
    Rotating it is setting a new value: every function picks it up on its next cold start.
    Retained when the stack is deleted, like the metadata it guards.

    Attributes:
        secret: the secret; grant ``secret.grant_read`` to the functions that check keys.

    Example:
        >>> admin = SuperAdminKey(stack, "SuperAdminKey")  # doctest: +SKIP
        >>> admin.secret.grant_read(function)  # doctest: +SKIP
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.secret = secretsmanager.Secret(
            self,
            "Secret",
            description="PolarBase super admin API key (x-api-key); manages the other keys",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True, include_space=False
            ),
            removal_policy=RemovalPolicy.RETAIN,
        )
