"""The 3D adapter: the only package that imports OpenCascade (OCP) or cadquery.

Import its modules only from code paths that need 3D (`geom body`, `geom build`,
`geom check --3d`); `geom list/check/cutout` never load the kernel (tests prove it).
The CLI path uses OCP directly: `import cadquery` alone costs 2-3 s here, the few OCP
modules needed about 0.9 s.
"""
