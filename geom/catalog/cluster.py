"""The catalog on a Dask cluster: `geom build --all --scheduler ADDRESS`.

Each catalog job (a part's files, a panel's files) is one Dask task, submitted through
the cluster's concurrent.futures executor (distributed.Client.get_executor) to the pool
that runs them locally otherwise (geom.catalog.pool): the same jobs and the same bytes.
The workers write the files themselves, into the output folder, which every worker must
reach at the same path (a shared file system). Each worker needs geom, at the same
version and with the same templates, and Dask's distributed package: `pip install
'geom-panel[dask]'`. Dask is imported only here, only when a scheduler is given.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from geom.errors import InputError

WHERE = "command line"
FIELD = "--scheduler"
CONNECT_SECONDS = 10
"""How long to wait for the scheduler before giving up (s)."""


@contextmanager
def dask_executor(address: str) -> Iterator[Executor]:
    """A concurrent.futures Executor on the Dask scheduler at `address` (e.g.
    tcp://host:8786), closed afterwards. Dask missing or the scheduler unreachable is
    bad input (InputError naming --scheduler)."""
    try:
        from distributed import Client
    except ImportError:
        missing = "given but Dask is not installed"
        raise InputError(WHERE, FIELD, address, missing, "pip install 'geom-panel[dask]'") from None
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        allowed = "the address of a running Dask scheduler"
        raise InputError(WHERE, FIELD, address, f"not reachable ({exc})", allowed) from None
    with client:
        # pure=False: every job runs (Dask would otherwise hash the catalog to name it).
        yield client.get_executor(pure=False)  # type: ignore[no-untyped-call]
