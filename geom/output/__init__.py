"""How every door writes its files: one policy (geom.output.gate: withheld when a check
fails or cannot be decided, FORCED with --force) and one transaction per run
(geom.output.transaction: staged, locked, swapped in whole; reports with the schema and
the SHA-256 of their files)."""

from geom.output.gate import Verdict, decide
from geom.output.transaction import OutputSet, opened, output_set, recover

__all__ = ["OutputSet", "Verdict", "decide", "opened", "output_set", "recover"]
