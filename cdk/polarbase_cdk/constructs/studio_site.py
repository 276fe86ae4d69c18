"""The studio on AWS: its build in a private S3 bucket behind CloudFront, with the API's URLs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3deploy
from constructs import Construct

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

__all__ = ["StudioSite"]

# Vite names what it builds under assets/ by content: such a file never changes.
_ASSETS_CACHE = s3deploy.CacheControl.from_string("public, max-age=31536000, immutable")
# The page and its configuration must be read again, or a new build never reaches a browser.
_PAGE_CACHE = s3deploy.CacheControl.from_string("no-cache")


class StudioSite(Construct):
    """A private, encrypted bucket holding the studio's build (``site_path``: ``static_site/dist``),
    served only through a CloudFront distribution (origin access control, HTTPS).

    ``config`` is written beside the build as ``/config.json`` at deploy time (the API's URLs are
    known only then): the studio reads ``apiUrl`` from it. A path that names no file (one of the
    app's screens) answers ``index.html``, as ``polarbase serve`` does. The bucket holds nothing
    that is not rebuilt by a deploy, so it goes with the stack.

    Attributes:
        bucket: the bucket.
        distribution: the CloudFront distribution.
        url: the studio's URL (``https://<id>.cloudfront.net``).

    Raises:
        FileNotFoundError: when ``site_path`` has no ``index.html`` (run ``make studio``).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        site_path: Path,
        config: Mapping[str, str],
    ) -> None:
        super().__init__(scope, construct_id)
        if not (site_path / "index.html").is_file():
            raise FileNotFoundError(
                f"{site_path / 'index.html'} is missing: build the studio (make studio)"
            )
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=True,
        )
        # A screen's path is no object: S3 answers 403 through the origin access control.
        spa_fallback = [
            cloudfront.ErrorResponse(
                http_status=status,
                response_http_status=200,
                response_page_path="/index.html",
                ttl=Duration.seconds(0),
            )
            for status in (403, 404)
        ]
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="PolarBase studio",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                compress=True,
            ),
            error_responses=spa_fallback,
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
        )
        assets = s3deploy.BucketDeployment(
            self,
            "Assets",
            sources=[s3deploy.Source.asset(str(site_path), exclude=["index.html"])],
            destination_bucket=self.bucket,
            cache_control=[_ASSETS_CACHE],
            prune=False,
        )
        page = s3deploy.BucketDeployment(
            self,
            "Page",
            sources=[
                s3deploy.Source.asset(str(site_path), exclude=["*", "!index.html"]),
                s3deploy.Source.json_data("config.json", dict(config)),
            ],
            destination_bucket=self.bucket,
            cache_control=[_PAGE_CACHE],
            prune=False,
            distribution=self.distribution,
            distribution_paths=["/index.html", "/config.json"],
        )
        # The page names the assets: they are in place before it changes.
        page.node.add_dependency(assets)
        self.url: str = f"https://{self.distribution.distribution_domain_name}"
