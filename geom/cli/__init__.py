"""The geom command line: `geom.cli.main` is the console script (`geom`) and what
`python -m geom` runs. One module per command group; shared options in `options`."""

from geom.cli.app import main

__all__ = ["main"]
