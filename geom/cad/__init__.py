"""The 3D adapter: the only package of geom that imports OpenCascade (OCP), besides the
CadQuery plugin geom.cq; it imports no cadquery (an import contract says so).

Import its modules only from code paths that need 3D (`geom body`, `geom build`,
`geom check --3d`, `geom panel`, `geom cut`); `geom list/check/cutout` never load the
kernel (tests prove it). OCP directly: `import cadquery` alone costs 2-3 s here, the few
OCP modules needed about 0.9 s, and the README's plain install has no CadQuery.
"""
