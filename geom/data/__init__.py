"""The data layer: part templates (TOML) read into model parts, checked input (numbers and
tables with one-line errors), the part given inline on the command line, and atomic file
writing. Imports the model layer only; no ezdxf, OCP, PyMuPDF or cadquery."""
