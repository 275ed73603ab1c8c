"""`geom serve`'s HTTP endpoints without a browser: the server runs in a thread on a free
port of 127.0.0.1 and the tests talk to it with http.client. The file is the source: each
test reads FILE's bytes back, and compares the DXF and the error lines with what `geom
panel` writes and prints for the same file."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geom.cli import main
from geom.cli.app import _build_parser
from geom.data.templates import load_catalog
from geom.serve.server import TOKEN_HEADER, Server
from geom.serve.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "templates" / "panels" / "example.toml"

SMALL = """\
# A small front: two sockets.
[panel]
width = 200.0   # mm
height = 100.0  # mm
sheet = 1.5
process = "laser"
shop_tolerance = 0.05

# the left socket
[[place]]
part = "770-744/064-000"
x = 50.0   # centre
y = 50.0
label = "X1"

# a row of two
[[array]]
part = "770-1242/076-000"
x = 120.0
y = 30.0
cols = 2
rows = 1
pitch_x = 40.0

# the right socket, after the array
[[place]]
part = "770-744/064-000"
x = 150.0
y = 75.0

# the end
"""


class Client:
    """Requests to one running server; `token` False sends none."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.port = int(server.server_address[1])

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: bool | str = True,
        host: str | None = None,
    ) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/json"}
        if token:
            headers[TOKEN_HEADER] = self.server.token if token is True else str(token)
        if host is not None:
            headers["Host"] = host
        data = None if body is None else json.dumps(body).encode()
        try:
            conn.request(method, path, body=data, headers=headers)
            reply = conn.getresponse()
            return reply.status, reply.read()
        finally:
            conn.close()

    def json(self, method: str, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        status, data = self.request(method, path, body, **kw)
        return status, json.loads(data)

    def edit(self, **request: Any) -> tuple[int, Any]:
        return self.json("POST", "/api/edit", request)


@contextlib.contextmanager
def serving(path: Path) -> Iterator[Client]:
    server = Server(Workspace(path, load_catalog()))
    server.start()
    try:
        yield Client(server)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def small(tmp_path: Path) -> Iterator[tuple[Path, Client]]:
    path = tmp_path / "front.toml"
    path.write_text(SMALL)
    with serving(path) as client:
        yield path, client


def test_default_bind_is_loopback(tmp_path: Path) -> None:
    args = _build_parser().parse_args(["serve", "front.toml"])
    assert args.host == "127.0.0.1"
    path = tmp_path / "front.toml"
    path.write_text(SMALL)
    server = Server(Workspace(path, load_catalog()))
    try:
        assert server.server_address[0] == "127.0.0.1"
        assert server.url.startswith("http://127.0.0.1:")
    finally:
        server.server_close()


@pytest.mark.parametrize("host", [None, "0.0.0.0"])
def test_the_command_prints_its_url_and_warns_off_loopback(
    tmp_path: Path, host: str | None
) -> None:
    path = tmp_path / "front.toml"
    path.write_text(SMALL)
    argv = [sys.executable, "-m", "geom", "serve", str(path), "--port", "0"]
    argv += ["--host", host] if host else []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.split()[2]
        assert url.startswith(f"http://{host or '127.0.0.1'}:")
        port = int(url.rsplit(":", 1)[1].strip("/"))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/api/version")
        answer = conn.getresponse()
        assert answer.status == 200 and answer.read()
        conn.close()
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    if host:
        assert err.startswith("geom: warning: listening on 0.0.0.0") and err.count("\n") == 1
    else:
        assert err == ""


def test_state_is_the_panel_and_the_plan(small: tuple[Path, Client]) -> None:
    _, client = small
    status, state = client.json("GET", "/api/state")
    assert status == 200 and state["error"] is None
    assert state["panel"]["width"] == 200.0 and state["panel"]["height"] == 100.0
    entries = [p["entry"] for p in state["places"]]
    assert entries == ["place[0]", "place[1]", "array[0][r0,c0]", "array[0][r0,c1]"]
    assert [p["editable"] for p in state["places"]] == [True, True, False, False]
    assert state["ok"] is True and state["violations"] == []
    # The cutout's contour spans the cut as drawn: 770-744 on 1.5 mm, 41.55 x 15.55 mm.
    xs = [v[0] for v in state["places"][0]["cutout"]]
    ys = [v[1] for v in state["places"][0]["cutout"]]
    assert max(xs) - min(xs) == pytest.approx(41.55, abs=1e-6)
    assert max(ys) - min(ys) == pytest.approx(15.55, abs=1e-6)
    assert state["fits"]["770-744/064-000"]["ok"] is True


def test_library_lists_shipped_and_user_parts(tmp_path: Path, monkeypatch: Any) -> None:
    user = tmp_path / "mine"
    user.mkdir()
    shutil.copy(ROOT / "templates" / "apem-kl.toml", user / "apem-kl.toml")
    text = (user / "apem-kl.toml").read_text()
    (user / "apem-kl.toml").write_text(text.replace('id = "apem-kl"', 'id = "my-rocker"'))
    monkeypatch.setenv("GEOM_TEMPLATES", str(user))
    path = tmp_path / "front.toml"
    path.write_text(SMALL)
    with serving(path) as client:
        status, body = client.json("GET", "/api/library")
    assert status == 200
    by_id = {p["id"]: p for p in body["parts"]}
    assert set(by_id) == set(load_catalog().parts)
    assert by_id["my-rocker"]["source"] == str(user.resolve())
    assert by_id["770-744/064-000"]["source"] == "shipped"
    assert by_id["gland-M20"]["family"] == "cable-glands-metric"


def test_add_appends_a_place_and_keeps_every_other_byte(small: tuple[Path, Client]) -> None:
    path, client = small
    status, state = client.edit(op="add", part="gland-M20", x=100.0, y=70.0)
    assert status == 200, state
    assert path.read_text() == SMALL + '\n[[place]]\npart = "gland-M20"\nx = 100.0\ny = 70.0\n'
    assert [p["entry"] for p in state["places"]][2] == "place[2]"
    assert state["version"] == client.json("GET", "/api/version")[1]["version"]


def test_move_changes_one_line_keeping_its_comment(small: tuple[Path, Client]) -> None:
    path, client = small
    status, _ = client.edit(op="move", entry="place[0]", x=55.5, y=50.0)
    assert status == 200
    assert path.read_text() == SMALL.replace("x = 50.0   # centre", "x = 55.5   # centre")


def test_rotate_label_set_and_delete(small: tuple[Path, Client]) -> None:
    path, client = small
    assert client.edit(op="rotate", entry="place[1]", rotation=90)[0] == 200
    assert client.edit(op="label", entry="place[1]", label="X2")[0] == 200
    after = SMALL.replace("y = 75.0\n", 'y = 75.0\nrotation = 90\nlabel = "X2"\n')
    assert path.read_text() == after
    assert client.edit(op="label", entry="place[0]", label="")[0] == 200
    assert path.read_text() == after.replace('label = "X1"\n', "")
    assert client.edit(op="delete", entry="place[1]")[0] == 200
    text = path.read_text()
    assert "part" not in text.split("# the right socket, after the array")[1]
    # Every comment of the file is still there.
    comments = [ln for ln in SMALL.splitlines() if ln.lstrip().startswith("#")]
    assert all(c in text.splitlines() for c in comments)


def test_duplicate_then_undo_redo(small: tuple[Path, Client]) -> None:
    path, client = small
    status, state = client.edit(op="duplicate", entry="place[0]", x=50.0, y=20.0)
    assert status == 200, state
    added = SMALL + '\n[[place]]\npart = "770-744/064-000"\nx = 50.0\ny = 20.0\n'
    assert path.read_text() == added
    assert client.edit(op="undo")[0] == 200
    assert path.read_text() == SMALL
    status, state = client.edit(op="redo")
    assert status == 200 and path.read_text() == added and state["undo"] == 1


def test_refused_edit_is_the_readers_line_and_writes_nothing(
    small: tuple[Path, Client], tmp_path: Path, capsys: Any
) -> None:
    path, client = small
    before = path.read_bytes()
    status, body = client.edit(op="move", entry="place[0]", x=-5.0, y=50.0)
    assert status == 422
    assert path.read_bytes() == before
    # `geom panel` on the file with that edit made by hand prints the same line.
    path.write_text(SMALL.replace("x = 50.0   # centre", "x = -5.0   # centre"))
    capsys.readouterr()
    assert main(["panel", str(path), "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.strip() == body["error"]


def test_a_second_part_too_close_breaks_the_web_rule(small: tuple[Path, Client]) -> None:
    _, client = small
    # 41.55 mm wide cuts 42.55 mm apart leave a 1 mm web: less than 1.5 mm (laser, t).
    status, state = client.edit(op="add", part="770-744/064-000", x=92.55, y=50.0)
    assert status == 200
    web = [v for v in state["violations"] if v["rule"] == "web"]
    assert len(web) == 1 and web[0]["entries"] == ["place[0]", "place[2]"]
    assert web[0]["figures"]["web"] == pytest.approx(1.0, abs=1e-9)
    status, state = client.edit(op="move", entry="place[2]", x=97.55, y=50.0)
    assert [v["rule"] for v in state["violations"]] == []


def test_write_without_token_is_403_and_file_unchanged(small: tuple[Path, Client]) -> None:
    path, client = small
    before = path.read_bytes()
    for token in (False, "not-the-token"):
        status, _ = client.request(
            "POST", "/api/edit", {"op": "add", "part": "gland-M20", "x": 100, "y": 70}, token=token
        )
        assert status == 403
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "path", ["/../x", "/assets/../pyproject.toml", "/%2e%2e/etc/passwd", "/assets/server.py"]
)
def test_paths_outside_the_page_are_4xx(small: tuple[Path, Client], path: str) -> None:
    _, client = small
    status, _ = client.request("GET", path)
    assert 400 <= status < 500


def test_a_foreign_host_name_is_refused(small: tuple[Path, Client]) -> None:
    _, client = small
    assert client.request("GET", "/api/state", host="attacker.example:80")[0] == 403
    assert client.request("GET", "/api/state", host=f"localhost:{client.port}")[0] == 200


def test_a_stale_edit_is_409_and_loses_nothing(small: tuple[Path, Client]) -> None:
    path, client = small
    _, state = client.json("GET", "/api/state")
    edited = SMALL.replace("y = 75.0", "y = 70.0")
    path.write_text(edited)  # a text editor's change
    status, body = client.edit(op="move", entry="place[0]", x=60.0, y=50.0, base=state["version"])
    assert status == 409 and body["state"]["places"][1]["y"] == 70.0
    assert path.read_text() == edited


def test_an_array_part_is_not_edited_here(small: tuple[Path, Client]) -> None:
    path, client = small
    status, body = client.edit(op="move", entry="array[0][r0,c1]", x=1.0, y=1.0)
    assert status == 400 and "an [[array]] is edited in the file" in body["error"]
    assert path.read_text() == SMALL


def test_export_dxf_is_geom_panels_bytes(tmp_path: Path) -> None:
    path = tmp_path / "front.toml"
    path.write_text(SMALL)
    assert main(["panel", str(path), "-o", str(tmp_path / "out")]) == 0
    with serving(path) as client:
        status, data = client.request("GET", "/api/export/dxf")
    assert status == 200
    assert data == (tmp_path / "out" / "front-panel.dxf").read_bytes()


def test_export_takes_geom_panels_dxf_options(tmp_path: Path) -> None:
    path = tmp_path / "front.toml"
    path.write_text(SMALL)
    assert main(["panel", str(path), "-o", str(tmp_path / "out"), "--dxf-version", "r12"]) == 0
    with serving(path) as client:
        status, data = client.request("GET", "/api/export/dxf?version=r12")
        assert status == 200 and data == (tmp_path / "out" / "front-panel.dxf").read_bytes()
        assert client.request("GET", "/api/export/dxf?version=r14")[0] == 400


def test_export_of_a_failing_layout_is_withheld(small: tuple[Path, Client]) -> None:
    _, client = small
    client.edit(op="add", part="770-744/064-000", x=92.55, y=50.0)
    status, body = client.json("GET", "/api/export/dxf")
    assert status == 409 and "withheld" in body["error"]


OUTPUTS = {
    "step": ("front-panel.step", "model/step"),
    "assembly": ("front-assembly.step", "model/step"),
    "drawing": ("front-panel-drawing.pdf", "application/pdf"),
    "template": ("front-template.pdf", "application/pdf"),
}


def test_every_export_is_geom_panels_bytes(tmp_path: Path) -> None:
    """The plate STEP, the assembly and the drawing PDF from the page are the files `geom
    panel FILE -o DIR` writes for the same file, byte for byte."""
    path = tmp_path / "front.toml"
    path.write_text(SMALL)
    assert main(["panel", str(path), "-o", str(tmp_path / "out")]) == 0
    with serving(path) as client:
        for kind, (name, content_type) in OUTPUTS.items():
            conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=120)
            conn.request("GET", f"/api/export/{kind}")
            reply = conn.getresponse()
            data = reply.read()
            conn.close()
            assert reply.status == 200, data[:200]
            assert reply.getheader("Content-Type") == content_type
            assert f'filename="{name}"' in (reply.getheader("Content-Disposition") or "")
            assert data == (tmp_path / "out" / name).read_bytes(), kind
        status, body = client.json("GET", "/api/export/gerber")
        assert status == 404 and "export: 'gerber' is not an output" in body["error"]
    assert path.read_text() == SMALL


def test_exports_of_a_failing_layout_are_withheld_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "front.toml"
    path.write_text(SMALL)
    with serving(path) as client:
        status, _ = client.edit(op="add", part="770-744/064-000", x=92.55, y=50.0)
        assert status == 200
        assert main(["panel", str(path), "-o", str(tmp_path / "out"), "--force"]) == 1
        for kind in OUTPUTS:
            status, body = client.json("GET", f"/api/export/{kind}")
            assert status == 409 and "withheld (force=1" in body["error"], kind
        status, data = client.request("GET", "/api/export/drawing?force=1")
    assert status == 200
    assert data == (tmp_path / "out" / "front-panel-drawing.pdf").read_bytes()


def test_enclosure_faces_are_refused(tmp_path: Path, capsys: Any) -> None:
    face = tmp_path / "lid.toml"
    face.write_text('[face]\nselect = ">Z"\n')
    box = tmp_path / "pedal.toml"
    box.write_text('[box]\nmodel = "1590BB"\n')
    for path in (face, box):
        capsys.readouterr()
        assert main(["serve", str(path), "--port", "0"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "'an enclosure face layout' is not served yet" in err


BENT = """\
# A channel: a base and a bottom flange.
[panel]
width = 200.0
height = 80.0
sheet = 1.5
process = "laser"
shop_tolerance = 0.05

[[flange]]
edge = "bottom"
height = 40.0
angle = 90.0
direction = "down"

# on the flange
[[place]]
part = "770-744/064-000"
face = "bottom"   # its frame
x = 100.0
y = 22.0
"""


def test_a_bent_panel_is_served_as_its_flat_pattern(tmp_path: Path) -> None:
    """The view is the flat pattern: the faces, the bend zone, the openings where the flat
    DXF has them; the verdict is `geom panel`'s; the DXF is its flat DXF."""
    import ezdxf

    path = tmp_path / "channel.toml"
    path.write_text(BENT)
    code = main(["panel", str(path), "-o", str(tmp_path / "out"), "--force"])
    report = json.loads((tmp_path / "out" / "channel-report.json").read_text())
    doc = ezdxf.readfile(tmp_path / "out" / "channel-flat.dxf")
    with serving(path) as client:
        status, state = client.json("GET", "/api/state")
        assert status == 200 and state["error"] is None and state["panel"]["bent"]
        assert [f["name"] for f in state["faces"]] == ["base", "bottom"]
        assert [b["edge"] for b in state["bends"]] == ["bottom"]
        rules = [v["rule"] for v in state["violations"]]
        assert rules == [v["rule"] for v in report["violations"]]
        assert (code == 0) == state["ok"]
        # the blank and the cutout where the flat DXF has them (mm)
        box = ezdxf.bbox.extents(doc.modelspace().query("*[layer=='CUT']"))
        assert state["view"]["width"] == pytest.approx(box.extmax.x - box.extmin.x, abs=1e-6)
        assert state["view"]["height"] == pytest.approx(box.extmax.y - box.extmin.y, abs=1e-6)
        (place,) = state["places"]
        assert (place["face"], place["x"], place["y"]) == ("bottom", 100.0, 22.0)
        xs = [v[0] for v in place["cutout"]]
        ys = [v[1] for v in place["cutout"]]
        assert place["vx"] == pytest.approx((min(xs) + max(xs)) / 2, abs=1e-6)
        assert place["vy"] == pytest.approx((min(ys) + max(ys)) / 2, abs=1e-6)
        # the bottom flange unfolds below the base: its part lies below the bend zone
        zone = state["bends"][0]["zone"]
        assert max(ys) < zone[1]
        status, data = client.request("GET", "/api/export/dxf?force=1")
        assert status == 200 and data == (tmp_path / "out" / "channel-flat.dxf").read_bytes()
        for kind, name in (
            ("step", "channel-folded.step"),
            ("drawing", "channel-flat-drawing.pdf"),
        ):
            status, data = client.request("GET", f"/api/export/{kind}?force=1")
            assert status == 200 and data == (tmp_path / "out" / name).read_bytes(), kind
        # dragged 10 mm right and 4 mm down in the view: the face's frame, written back
        status, after = client.edit(
            op="move", entry="place[0]", x=place["vx"] + 10, y=place["vy"] - 4, frame="view"
        )
        assert status == 200, after
        moved = after["places"][0]
        assert moved["vx"] == pytest.approx(place["vx"] + 10, abs=1e-6)
        assert moved["vy"] == pytest.approx(place["vy"] - 4, abs=1e-6)
        text = path.read_text()
        assert (
            text.replace(f"x = {moved['x']!r}", "x = 100.0").replace(
                f"y = {moved['y']!r}", "y = 22.0"
            )
            == BENT
        )
        # a part dropped on the flange is placed on it, in its frame
        status, added = client.edit(
            op="add", part="770-744/064-000", x=place["vx"] - 60, y=place["vy"], frame="view"
        )
        assert status == 200, added
        new = added["places"][1]
        assert new["face"] == "bottom" and new["y"] == pytest.approx(22.0, abs=1e-6)
        assert 'face = "bottom"' in path.read_text().split("[[place]]")[-1]


def test_a_missing_or_broken_file_is_one_line(tmp_path: Path, capsys: Any) -> None:
    capsys.readouterr()
    assert main(["serve", str(tmp_path / "none.toml"), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "none.toml:(file):" in err
    path = tmp_path / "front.toml"
    path.write_bytes(SMALL.encode() + b"# \xff\n")
    with serving(path) as client:
        status, state = client.json("GET", "/api/state")
        assert status == 200 and "not UTF-8 text" in state["error"]
        status, body = client.edit(op="move", entry="place[0]", x=60.0, y=50.0)
    assert status == 422 and body["error"] == state["error"]
    assert path.read_bytes() == SMALL.encode() + b"# \xff\n"


def test_geom_and_its_cli_do_not_load_the_server() -> None:
    probe = "import sys, geom, geom.cli; print(sorted(m for m in sys.modules if 'serve' in m))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "['geom.cli.serve']"
