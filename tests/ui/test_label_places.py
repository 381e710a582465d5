"""Names beside points: the first choice when it is clear, another place when a name or point is in the way."""

from __future__ import annotations

import itertools

from desktop.ui.charts.label_places import ANCHORS, box_at, place_labels

SIZE = (40.0, 16.0)


def test_a_lone_point_has_its_name_on_its_right() -> None:
    assert place_labels([(100.0, 100.0)], [SIZE]) == [ANCHORS[0]]


def test_names_of_points_close_together_do_not_cover_one_another() -> None:
    points = [(100.0, 100.0), (112.0, 101.0), (104.0, 110.0), (96.0, 94.0), (120.0, 96.0)]
    anchors = place_labels(points, [SIZE] * len(points))
    boxes = [box_at(x, y, *SIZE, anchor) for (x, y), anchor in zip(points, anchors, strict=True)]
    assert all(a.overlap(b) == 0 for a, b in itertools.combinations(boxes, 2))
    assert anchors[0] != ANCHORS[0], "the right of the first point is where the second point is"


def test_when_nothing_is_clear_the_least_covered_place_is_taken() -> None:
    # A point boxed in by points all round: every place overlaps something; the answer is still a place.
    ring = [(100.0 + dx, 100.0 + dy) for dx in (-30.0, 0.0, 30.0) for dy in (-14.0, 0.0, 14.0)]
    anchors = place_labels(ring, [SIZE] * len(ring))
    assert len(anchors) == len(ring) and all(anchor in ANCHORS for anchor in anchors)
