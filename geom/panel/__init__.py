"""The panel layer: the panel file read into a model (`model`), the layout rules a
sheet-metal shop checks (`layout`), and the panel job: panel DXF, plate and assembly
STEP, BOM and report (`job`)."""
