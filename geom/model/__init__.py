"""The model layer: parts, tolerances, the worst-case fit, contours, bodies as numbers,
millimetre text, the fit report and the note texts. Pure Python and numpy: nothing here
imports ezdxf, OpenCascade (OCP), PyMuPDF or cadquery, nor any other geom layer."""
