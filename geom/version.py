"""The version of geom (the distribution geom-panel): one place for it."""

__version__ = "0.1.0"
