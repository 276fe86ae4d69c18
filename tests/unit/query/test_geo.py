"""Great-circle distances and the box around a circle, as the geo filters use them."""

from __future__ import annotations

import pytest

from polarbase.query.geo import Box, Near, great_circle_meters

PARIS = (2.3522, 48.8566)
LONDON = (-0.1276, 51.5072)


def test_distances_match_known_ones():
    assert great_circle_meters(*PARIS, *LONDON) == pytest.approx(343_500, rel=0.002)
    assert great_circle_meters(*PARIS, *PARIS) == 0
    # A quarter of the equator, and pole to pole
    assert great_circle_meters(0, 0, 90, 0) == pytest.approx(10_007_557, rel=1e-6)
    assert great_circle_meters(0, -90, 0, 90) == pytest.approx(20_015_114, rel=1e-6)


@pytest.mark.parametrize("meters", [1, 1_000, 50_000, 343_500, 1_500_000])
def test_the_box_of_a_circle_holds_every_point_of_it(meters):
    near = Near(*PARIS, meters)
    box = near.bounding_box()
    assert box is not None
    # Points on the circle, every 10 degrees of bearing, found by bisection along the meridian
    # and the parallel through the centre and the four diagonal corners of the box
    for x, y in _points_on(near):
        assert box.contains(x, y), (x, y)


def _points_on(near: Near) -> list[tuple[float, float]]:
    points = []
    for dx, dy in [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)]:
        low, high = 0.0, 90.0
        for _ in range(60):
            middle = (low + high) / 2
            x, y = near.x + dx * middle, near.y + dy * middle
            if abs(y) > 90 or great_circle_meters(near.x, near.y, x, y) > near.meters:
                high = middle
            else:
                low = middle
        points.append((near.x + dx * low, near.y + dy * low))
    return points


def test_no_box_where_the_circle_reaches_a_pole_or_the_antimeridian():
    assert Near(0, 89.9, 50_000).bounding_box() is None
    assert Near(179.99, 0, 5_000).bounding_box() is None
    assert Near(0, 0, 5_000).bounding_box() is not None


def test_a_box_contains_its_edges():
    box = Box(0, 0, 1, 1)
    assert box.contains(0, 0)
    assert box.contains(1, 1)
    assert not box.contains(1.000001, 0.5)
