"""geom's Hypothesis profiles: every setting that decides which examples run is stated.

`geom-ci` (the default: what `pytest` and CI run) and `geom-deep` (`pytest
--hypothesis-profile=geom-deep`, or HYPOTHESIS_PROFILE=geom-deep) are registered with
Hypothesis's `default` profile as their explicit parent, so neither depends on the
environment (Hypothesis loads its own `ci` profile, with other settings, whenever a CI
variable is set; these names are not `ci` so that one never stands in for them).

`geom-ci` is derandomized with no example database; each property's seed comes from its
module and name (tests/conftest.py applies it), not from a hash of its source, so
editing a test's body does not move its examples. Nothing in it reads a clock: no
deadline, the too-slow health check (a time measurement) off, and the search stops at
the first failing example (`report_multiple_bugs=False`: Hypothesis otherwise keeps
searching for other bugs for up to 10 s of wall time). Failing examples print with the
blob that replays them (`@reproduce_failure`). `geom-deep` draws five times as many
examples at random and keeps failing examples in .hypothesis/ to replay them first.

Hypothesis also draws constants it finds in the source of the local modules imported so
far (`_get_local_constants`, an internal of the pinned version): which modules those are
depends on what ran before in the process, and the pool changes whenever a test's text
does. `no_local_constants` turns that off in a derandomized run, so a property draws
from its seed, its strategies and Hypothesis's own constants only.

Kernel properties (OpenCascade builds per example, seconds each) use `kernel_property`:
`KERNEL_EXAMPLES` examples in `geom-ci`, the profile's count otherwise, and no shrinking
(Hypothesis stops shrinking after 300 s of wall time, which a kernel example reaches).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import HealthCheck, Phase, settings

CI = "geom-ci"
DEEP = "geom-deep"
PROFILE_EXAMPLES = 200
"""Examples per property in `geom-ci` (`geom-deep`: five times as many)."""
KERNEL_EXAMPLES = 50
"""Examples per kernel property in `geom-ci`."""

_STATED: dict[str, Any] = {
    "deadline": None,
    "print_blob": True,
    "report_multiple_bugs": False,
    "suppress_health_check": (HealthCheck.too_slow,),
    "phases": (Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink),
    "backend": "hypothesis",
}


def register() -> None:
    default = settings.get_profile("default")
    settings.register_profile(
        CI,
        parent=default,
        derandomize=True,
        database=None,
        max_examples=PROFILE_EXAMPLES,
        **_STATED,
    )
    settings.register_profile(
        DEEP,
        parent=default,
        derandomize=False,
        max_examples=5 * PROFILE_EXAMPLES,
        **_STATED,
    )


def seed_of(name: str) -> int:
    """A property's seed: from its module and name (`tests/test_x.py::test_y`), stable
    when its body changes."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")


F = TypeVar("F", bound=Callable[..., Any])


def kernel_settings() -> settings:
    """The loaded profile for a property that runs OpenCascade: `KERNEL_EXAMPLES` in
    `geom-ci` (the profile's count in any other), no shrinking."""
    current = settings()
    count = KERNEL_EXAMPLES if settings.get_current_profile_name() == CI else None
    phases = tuple(p for p in current.phases if p is not Phase.shrink)
    return settings(current, max_examples=count or current.max_examples, phases=phases)


def kernel_property(test: F) -> F:
    """`kernel_settings` as a decorator, above @given like any settings decorator."""
    return kernel_settings()(test)


def no_local_constants() -> None:
    """Draw no constants from the local modules' source (see the module doc)."""
    from hypothesis.internal.conjecture import providers
    from hypothesis.internal.constants_ast import Constants

    if not hasattr(providers, "_get_local_constants"):  # a new Hypothesis: look again
        raise RuntimeError("hypothesis.internal.conjecture.providers._get_local_constants")
    empty = Constants()
    providers._get_local_constants = lambda: empty  # type: ignore[attr-defined]
