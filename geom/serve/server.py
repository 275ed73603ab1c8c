"""The HTTP side of `geom serve` (the standard library's ThreadingHTTPServer): the page,
its own assets, and the JSON endpoints docs/serve.md lists.

Safe by default: it listens on 127.0.0.1 unless told otherwise; a request whose Host is
not this loopback address is refused (a web page elsewhere cannot reach it by a name it
points here); every write carries the run's random token (in the page) or gets 403;
only the shipped assets are served; a path with `..` or an unknown path gets a 4xx.
"""

from __future__ import annotations

import hmac
import json
import secrets
import sys
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from geom.serve.workspace import Refused, Workspace, library

ASSETS = Path(__file__).parent / "assets"
SHIPPED = {"app.js": "text/javascript", "app.css": "text/css"}
"""The page's assets (geom/serve/assets), each with its content type."""
EXPORT_TYPES = {
    "step": "model/step",
    "assembly": "model/step",
    "drawing": "application/pdf",
    "template": "application/pdf",
}
"""The content type of each export besides the DXF (geom.serve.workspace.EXPORTS)."""
TOKEN_HEADER = "X-Geom-Token"
MAX_BODY = 64 * 1024
"""Bytes of one edit request: far more than any edit needs."""
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Server(ThreadingHTTPServer):
    """One served file: its workspace, the run's token, the Host names it answers to."""

    daemon_threads = True

    def __init__(self, workspace: Workspace, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__((host, port), Handler)
        self.workspace = workspace
        self.token = secrets.token_urlsafe(24)
        self.loopback = host in LOOPBACK
        self.library = library(workspace.catalog)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that closes its connection mid-answer (a reload, a closed tab, an
        aborted poll) is no error; anything else is printed as the standard server does."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), int(self.server_address[1])
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def start(self) -> threading.Thread:
        """Serve in a background thread (tests; `serve_forever` in the foreground is the
        command's)."""
        thread = threading.Thread(target=self.serve_forever, daemon=True)
        thread.start()
        return thread


class Handler(BaseHTTPRequestHandler):
    server: Server
    server_version = "geom-serve"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """No line per request: stderr carries geom's own lines only."""

    # --- routing -------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._answer(self._get)

    def do_POST(self) -> None:
        self._answer(self._post)

    def _answer(self, route: Callable[[], None]) -> None:
        """Route the request; a bug in geom is a 500 with its one line, never a dropped
        connection or a traceback on the server's stderr."""
        try:
            route()
        except Exception as exc:  # the request is answered whatever went wrong
            self.close_connection = True
            self._json(500, {"error": f"geom: internal error: {type(exc).__name__}: {exc}"})

    def _get(self) -> None:
        path = self._path()
        if path is None:
            return
        ws = self.server.workspace
        query = parse_qs(urlsplit(self.path).query)
        try:
            if path == "/":
                self._page()
            elif path.startswith("/assets/") and path[len("/assets/") :] in SHIPPED:
                name = path[len("/assets/") :]
                self._send(200, (ASSETS / name).read_bytes(), SHIPPED[name])
            elif path == "/api/state":
                self._json(200, ws.state())
            elif path == "/api/version":
                self._json(200, ws.version())
            elif path == "/api/library":
                self._json(200, {"parts": self.server.library})
            elif path == "/api/export/dxf":
                name, data = ws.dxf(
                    query.get("version", ["r2000"])[0],
                    query.get("explode", ["0"])[0] == "1",
                    query.get("force", ["0"])[0] == "1",
                )
                self._send(
                    200,
                    data,
                    "application/dxf",
                    {"Content-Disposition": f'attachment; filename="{name}"'},
                )
            elif path.startswith("/api/export/"):
                kind = path[len("/api/export/") :]
                name, data = ws.export(
                    kind,
                    query.get("version", ["r2000"])[0],
                    query.get("explode", ["0"])[0] == "1",
                    query.get("force", ["0"])[0] == "1",
                )
                self._send(
                    200,
                    data,
                    EXPORT_TYPES[kind],
                    {"Content-Disposition": f'attachment; filename="{name}"'},
                )
            else:
                self._json(404, {"error": f"geom: {path}: not found"})
        except Refused as exc:
            self._json(exc.status, {"error": exc.message, "state": exc.state})

    def _post(self) -> None:
        path = self._path()
        if path is None:
            return
        if path != "/api/edit":
            self._json(404, {"error": f"geom: {path}: not found"})
            return
        token = self.headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(token.encode(), self.server.token.encode()):
            self.close_connection = True  # its body is left unread
            self._json(403, {"error": f"geom: request:{TOKEN_HEADER}: missing or wrong"})
            return
        length = self.headers.get("Content-Length") or "0"
        size = int(length) if length.isdigit() else 0
        if not 0 < size <= MAX_BODY:
            self.close_connection = True
            self._json(400, {"error": f"geom: request:(body): {size} bytes is not an edit"})
            return
        try:
            request = json.loads(self.rfile.read(size))
        except (ValueError, UnicodeDecodeError):
            self._json(400, {"error": "geom: request:(body): not JSON"})
            return
        try:
            self._json(200, self.server.workspace.edit(request))
        except Refused as exc:
            self._json(exc.status, {"error": exc.message, "state": exc.state})

    def do_PUT(self) -> None:
        self._json(405, {"error": "geom: request:method: PUT is not served"})

    do_DELETE = do_PATCH = do_PUT

    # --- checks and replies ----------------------------------------------------------------

    def _path(self) -> str | None:
        """The request's path, or None after a 4xx: a Host this run does not answer to,
        a path that climbs (`..`) or is not absolute."""
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]")
        if self.server.loopback and host not in LOOPBACK:
            self._json(403, {"error": f"geom: request:Host: {host!r} is not this computer"})
            return None
        path = unquote(urlsplit(self.path).path)
        if not path.startswith("/") or ".." in path.split("/") or "\\" in path:
            self._json(400, {"error": f"geom: request:path: {path!r} is outside the page"})
            return None
        return path

    def _page(self) -> None:
        html = (ASSETS / "index.html").read_text("utf-8")
        html = html.replace("{{TOKEN}}", self.server.token)
        html = html.replace("{{FILE}}", self.server.workspace.path.name)
        self._send(200, html.encode("utf-8"), "text/html; charset=utf-8")

    def _json(self, status: int, body: Any) -> None:
        data = json.dumps(body, separators=(",", ":")).encode("utf-8")
        self._send(status, data, "application/json")

    def _send(
        self, status: int, data: bytes, kind: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(HTTPStatus(status))
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
