"""`geom serve FILE`: a panel file (flat or bent) in a live browser workspace (geom.serve, loaded
only by this command)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from geom.errors import InputError

DEFAULT_PORT = 8765


def add_serve(sub: Any) -> None:
    serve = sub.add_parser(
        "serve",
        help="edit a panel file in the browser, with the layout's verdict always on",
        description="Serve the panel file FILE as a page: the panel at true scale (mm; a "
        "bent panel as its flat pattern with its faces and bends), the parts library, "
        "placing and moving parts, and the verdict of the same layout check `geom panel` "
        "runs after every edit. Every accepted edit is written back to FILE (its comments "
        "and order kept); an edit of FILE in a text editor shows in the page; the DXF, "
        "STEP, assembly and drawing download as `geom panel` writes them. Enclosure faces "
        "are not served yet. Stop it with Ctrl-C. Exit status: 0 stopped, 2 bad input.",
    )
    serve.add_argument("file", metavar="FILE", type=Path, help="panel file, flat or bent (TOML)")
    serve.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"TCP port to listen on (default {DEFAULT_PORT}; 0: any free port)",
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this computer only; another "
        "address lets other computers edit FILE, with a warning)",
    )
    serve.add_argument("--open", action="store_true", help="open the page in the web browser")
    serve.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from geom.data.templates import load_catalog
    from geom.serve.server import LOOPBACK, Server
    from geom.serve.workspace import Workspace

    if not 0 <= args.port <= 65535:
        raise InputError("command line", "--port", args.port, "not a port", "0 .. 65535")
    from geom.data.checked import read_toml

    workspace = Workspace(args.file, load_catalog())
    workspace.load("", read_toml(args.file))  # a file the reader refuses: exit 2
    try:
        server = Server(workspace, args.host, args.port)
    except OSError as exc:
        raise InputError(
            "command line",
            "--port",
            args.port,
            f"not free on {args.host} ({exc.strerror})",
            "a free port, or 0 for any",
        ) from None
    if args.host not in LOOPBACK:
        print(
            f"geom: warning: listening on {args.host}: anyone who can reach this address "
            f"and open the page can edit {args.file}",
            file=sys.stderr,
        )
    print(f"geom serve: {server.url} ({args.file}; Ctrl-C stops)", flush=True)
    if args.open:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
