"""Geo-point filters: a box, and a great-circle distance from a point (x = longitude, y =
latitude, in degrees, as PostGIS has them). The same math for SQL and for Python predicates."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["EARTH_RADIUS_METERS", "Box", "Near", "great_circle_meters"]

EARTH_RADIUS_METERS = 6_371_008.8
"""The mean radius (IUGG), as PostGIS's spheroid-free distances use."""
HALF_CIRCUMFERENCE_METERS = math.pi * EARTH_RADIUS_METERS


@dataclass(frozen=True, slots=True)
class Box:
    """``{"withinBox": {"minX", "minY", "maxX", "maxY"}}``: the points inside, edges included."""

    min_x: float
    min_y: float
    max_x: float
    max_y: float

    def contains(self, x: float, y: float) -> bool:
        return self.min_x <= x <= self.max_x and self.min_y <= y <= self.max_y


@dataclass(frozen=True, slots=True)
class Near:
    """``{"near": {"x", "y", "meters"}}``: points at most ``meters`` away along the sphere."""

    x: float
    y: float
    meters: float

    def contains(self, x: float, y: float) -> bool:
        return great_circle_meters(self.x, self.y, x, y) <= self.meters

    def bounding_box(self) -> Box | None:
        """A box holding every point of the circle, for an index to narrow the search; None when
        the circle reaches a pole or crosses the antimeridian (the box would be wrong there)."""
        latitude_span = math.degrees(self.meters / EARTH_RADIUS_METERS)
        min_y, max_y = self.y - latitude_span, self.y + latitude_span
        if min_y <= -90 or max_y >= 90:
            return None
        # The widest the circle gets is at its latitude farthest from the equator.
        widest = max(abs(min_y), abs(max_y))
        longitude_span = math.degrees(
            self.meters / (EARTH_RADIUS_METERS * math.cos(math.radians(widest)))
        )
        min_x, max_x = self.x - longitude_span, self.x + longitude_span
        if min_x < -180 or max_x > 180:
            return None
        return Box(min_x, min_y, max_x, max_y)


def great_circle_meters(x1: float, y1: float, x2: float, y2: float) -> float:
    """The haversine distance between two (longitude, latitude) points, in meters."""
    phi1, phi2 = math.radians(y1), math.radians(y2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(x2 - x1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_METERS * math.asin(min(1.0, math.sqrt(a)))
