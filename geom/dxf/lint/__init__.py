"""Geometry lint for DXF cut layers: what a sheet-metal CAM needs.

`lint(doc)` checks the modelspace entities on layer `CUT` (layer names compare without
case) and returns one `Problem` per finding, in a fixed order:

- entity types: only LWPOLYLINE, 2D POLYLINE, LINE, ARC and CIRCLE, flat in the XY plane
  (extrusion (0, 0, 1) or the mirrored (0, 0, -1)); anything else (SPLINE, ELLIPSE, TEXT,
  INSERT, 3D polylines, ...) is a problem;
- zero-length segments: a segment (or arc) no longer than `TOL_MM`;
- closed contours: a closed polyline or CIRCLE is a contour by itself; LINE, ARC and open
  polylines are chained end to end, ends joining within `TOL_MM`. A chain end that joins
  nothing is an open end (a gap when another open end lies within `GAP_MM`); three or more
  ends at one point are a branch;
- overlap: two segments anywhere (same or different contours) that share a length over
  `TOL_MM` (collinear lines, co-circular arcs): a duplicate when they cover each other;
- self-intersection: two segments of one contour that cross or come within `TOL_MM`
  anywhere except at the vertex they share;
- crossing: segments of two contours that cross or come within `TOL_MM` (touching).
  Nesting (cutouts inside a panel outline) is fine: only boundaries are compared.

Arcs are handled exactly (centre, radius, span), never flattened; the only tolerance is
`TOL_MM` = 1e-6 mm for joins, touches and lengths (angles on an arc: `TOL_MM` / radius).
A bulge whose arc rises less than 1e-9 mm off its chord is taken as a straight line.

Speed: segments are binned into a uniform grid (cell about twice the median segment size)
and only pairs that share a cell and whose bounding boxes overlap are compared, in numpy;
never all pairs. Units: mm throughout.
"""

from geom.dxf.lint.checks import check, lint, lint_file
from geom.dxf.lint.problems import GAP_MM, TOL_MM, Problem

__all__ = ["GAP_MM", "TOL_MM", "Problem", "check", "lint", "lint_file"]
