"""The render layer (ezdxf's drawing add-on, PyMuPDF): previews (SVG, PNG, PDF) of any DXF,
the dimensioned part drawing, the panel drawing and the drawing sheet they share."""
