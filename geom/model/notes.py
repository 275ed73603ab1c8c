"""The fixed note texts every output shares: the cutout and panel DXFs' NOTES layer, the
drawings and the fit reports print these same words."""

VERIFY_NOTE = "ASSUMED cut dimensions: verify against the manufacturer's drawing before cutting"
"""When any number that shapes the cut is assumed."""
KERF_NOTE = "nominal geometry: kerf compensation is the CAM's job"
NO_COLLAR_NOTE = (
    "a hole given by its shape alone: no collar, so the clearance, flange cover and latch "
    "checks did not run (give the collar to run them)"
)
"""For a part given inline by its shape without a collar."""
MASKED_NOTE = "openings masked from the coating: edges bare, faces coated"

FORCED_NOTE = "FIT FAILS - forced"
"""The mark of an output written only because of --force (the fit or a layout rule
fails): on the DXF's NOTES layer, on the drawing, and first in the report's notes."""
