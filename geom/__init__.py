"""geom: panel cutout DXFs, simplified STEP bodies and worst-case fit checks.

Millimetres are the one unit throughout. The part model, fit arithmetic and DXF output
are plain Python (+ ezdxf); cadquery is imported only by the 3D adapter, on demand.
"""

__version__ = "0.1.0"
