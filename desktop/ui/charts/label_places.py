"""Where each point's name goes so that names do not cover one another or the other points.

In pixels: each name tries the places around its point in a fixed order of preference (right, left, above,
below, the four corners, then right or left a line up or down) and takes the first one that overlaps no
name already placed and no other point, or the least covered; then a few rounds move each name to its best
place given all the others. Fine for the dozens of names a chart shows; no Qt here, so it is tested on
numbers alone.
"""

from __future__ import annotations

from dataclasses import dataclass

# pyqtgraph TextItem anchors: (0, 0) puts the text's top-left at the point, (1, 1) its bottom-right.
# Screen y grows downwards, so "above" is an anchor whose y is 1 (the text ends at the point).
ANCHORS: tuple[tuple[float, float], ...] = (
    (-0.15, 0.5),  # right
    (1.15, 0.5),  # left
    (0.5, 1.25),  # above
    (0.5, -0.25),  # below
    (-0.1, 1.1),  # above right
    (-0.1, -0.1),  # below right
    (1.1, 1.1),  # above left
    (1.1, -0.1),  # below left
    (-0.15, 1.6),  # right, a line up
    (-0.15, -0.6),  # right, a line down
    (1.15, 1.6),  # left, a line up
    (1.15, -0.6),  # left, a line down
)
POINT_RADIUS = 4.0  # pixels around a point that a name should leave clear
GAP = 1.0  # pixels kept clear around a name
ROUNDS = 6  # rounds of moving names after the first placing


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlap(self, other: Box) -> float:
        width = min(self.right, other.right) - max(self.left, other.left)
        height = min(self.bottom, other.bottom) - max(self.top, other.top)
        return width * height if width > 0 and height > 0 else 0.0


def box_at(x: float, y: float, width: float, height: float, anchor: tuple[float, float]) -> Box:
    """The pixels a name of `width` × `height` covers when anchored at `anchor` to the point (x, y), with GAP
    to spare all round (the text is drawn at whole pixels, a little off where it was placed)."""
    left = x - anchor[0] * width
    top = y - anchor[1] * height
    return Box(left - GAP, top - GAP, left + width + GAP, top + height + GAP)


def place_labels(points: list[tuple[float, float]], sizes: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The anchor for each point's name (points and sizes in pixels, in the order of preference: earlier
    names get the better places). Placed greedily, then each name moved in turn to its least covered place
    given all the others, a few rounds, until nothing moves."""
    dots = [Box(x - POINT_RADIUS, y - POINT_RADIUS, x + POINT_RADIUS, y + POINT_RADIUS) for x, y in points]
    choices = [
        [box_at(x, y, width, height, anchor) for anchor in ANCHORS]
        for (x, y), (width, height) in zip(points, sizes, strict=True)
    ]
    chosen: list[int] = []
    for k in range(len(points)):
        chosen.append(_least_covered(k, choices, chosen, dots))
    for _round in range(ROUNDS):
        moved = False
        for k in range(len(points)):
            best = _least_covered(k, choices, chosen, dots)
            if best != chosen[k]:
                chosen[k], moved = best, True
        if not moved:
            break
    return [ANCHORS[c] for c in chosen]


def _least_covered(k: int, choices: list[list[Box]], chosen: list[int], dots: list[Box]) -> int:
    """The first of point k's places that covers the least of the other names placed so far and the other
    points."""
    names = [choices[j][c] for j, c in enumerate(chosen) if j != k]
    others = [dot for j, dot in enumerate(dots) if j != k]
    best, best_cost = 0, float("inf")
    for index, box in enumerate(choices[k]):
        cost = sum(box.overlap(name) for name in names) + sum(box.overlap(dot) for dot in others)
        if cost < best_cost:
            best, best_cost = index, cost
        if cost == 0:
            break
    return best
