"""The DXF layer (ezdxf): the CAM-ready writer, the layer names, the geometry lint every
written DXF passes, and the cutout job (cutout DXF and fit report of one part)."""
