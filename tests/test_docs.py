"""The documentation stands on its own: every relative link in README.md and docs/*.md
leads to a file in the repository, and no page names a file outside it (`shared/...`) or
a tracker number ("issue 5")."""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from geom.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
INLINE_LINK = re.compile(r"!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.MULTILINE)
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)")
OUTSIDE = re.compile(r"\bshared/")
TRACKER = re.compile(r"\bissues? #?\d+", re.IGNORECASE)


def links(text: str) -> list[str]:
    """Link targets of a Markdown text, outside code blocks and code spans."""
    prose = CODE_SPAN.sub("", FENCE.sub("", text))
    return INLINE_LINK.findall(prose) + REFERENCE_LINK.findall(prose)


def relative_targets(page: Path) -> list[tuple[str, Path]]:
    """(link, file it names) for each link to a path: not a URL, not a bare #anchor."""
    out = []
    for link in links(page.read_text(encoding="utf-8")):
        if EXTERNAL.match(link) or link.startswith("#"):
            continue
        path = link.split("#", 1)[0].split("?", 1)[0]
        out.append((link, (page.parent / path).resolve()))
    return out


def test_the_pages_exist() -> None:
    names = {p.name for p in PAGES[1:]}
    assert {"README.md", "fit-model.md", "cam.md", "placement.md"} <= names
    assert {"templates.md", "panels.md"} <= names


def test_the_link_finder_finds_links_and_skips_code_blocks() -> None:
    text = (
        "See [fit](docs/fit-model.md#words) and ![pic](a.png 'x') and [web](https://x.y).\n"
        "[ref]: docs/cam.md\n"
        "`[not](a-link.md)`\n"
        "```\n[not](in-a-fence.md)\n```\n"
    )
    assert links(text) == ["docs/fit-model.md#words", "a.png", "https://x.y", "docs/cam.md"]


def test_the_patterns_catch_outside_files_and_tracker_numbers() -> None:
    assert OUTSIDE.search("as in ../shared/domain.md section 3")
    assert TRACKER.search("fixed in issue 5") and TRACKER.search("Issue #12")
    assert not TRACKER.search("the data sheet's issue date") and not OUTSIDE.search("unshared")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves_to_a_file_in_the_repo(page: Path) -> None:
    broken = []
    for link, target in relative_targets(page):
        if not target.is_relative_to(ROOT):
            broken.append(f"{link} (outside the repository)")
        elif not target.exists():
            broken.append(f"{link} (no such file)")
    assert not broken, f"{page.relative_to(ROOT)}: broken links: {', '.join(broken)}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_names_files_outside_the_repo_or_tracker_numbers(page: Path) -> None:
    found = []
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
        for pattern in (OUTSIDE, TRACKER):
            found += [f"line {number}: {m.group(0)!r}" for m in pattern.finditer(line)]
    assert not found, f"{page.relative_to(ROOT)}: {'; '.join(found)}"


# --- the blocks run -----------------------------------------------------------------------
# Every ```sh, ```console and ```python block of README.md and docs/*.md runs here, one
# temporary folder per page. A block that cannot run as it stands (installing, `make`, a
# Dask cluster) has `<!-- not run: REASON -->` on the line before it; a shell line names
# `geom` and nothing else. `geom build` lines are the catalog build: the shared `catalog`
# fixture is that run (every template and panel), its folder is `output/` here, and the
# lines themselves are not run again. A trailing `# exit N` comment states the exit status
# a line expects (0 otherwise); a console block's shown lines (but `...`) must be printed.

BLOCK = re.compile(
    r"(?:^<!--\s*not run:\s*(?P<skip>[^\n]*?)\s*-->\s*\n)?"
    r"^```(?P<lang>sh|console|python)[^\n]*\n(?P<body>.*?)^```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
EXIT = re.compile(r"#\s*exit (\d)")
LID = """[face]
select = ">Z"
shop_tolerance = 0.02

[[place]]
part = "gland-M12"
x = 40.0
y = 40.0
"""


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    lang: str
    body: str
    skip: str | None


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    return [
        Block(page, text.count("\n", 0, m.start("lang")) + 1, m["lang"], m["body"], m["skip"])
        for m in BLOCK.finditer(text)
    ]


ALL_BLOCKS = [b for page in PAGES for b in blocks(page)]
SKIPPED = [b for b in ALL_BLOCKS if b.skip is not None]


def shell_lines(block: Block) -> list[tuple[list[str], int]]:
    """(argv, expected exit) of each command of a shell block; a console block's commands
    are its `$ ` lines."""
    text = block.body.replace("\\\n", " ")
    lines = text.splitlines()
    if block.lang == "console":
        lines = [line[2:] for line in lines if line.startswith("$ ")]
    out = []
    for line in lines:
        argv = shlex.split(line, comments=True)
        if argv:
            found = EXIT.search(line)
            out.append((argv, int(found.group(1)) if found else 0))
    return out


def test_the_block_finder_reads_blocks_skips_and_commands() -> None:
    page = ROOT / "x.md"
    text = (
        "```sh\ngeom list   # every part\ngeom check a \\\n  --json  # exit 1\n```\n"
        "<!-- not run: needs a cluster -->\n```python\nprint(1)\n```\n```toml\n[a]\n```\n"
        "```console\n$ geom list\nid ...\n```\n"
    )
    found = [
        Block(page, text.count("\n", 0, m.start("lang")) + 1, m["lang"], m["body"], m["skip"])
        for m in BLOCK.finditer(text)
    ]
    assert [(b.lang, b.line, b.skip) for b in found] == [
        ("sh", 1, None),
        ("python", 7, "needs a cluster"),
        ("console", 13, None),
    ]
    assert shell_lines(found[0]) == [(["geom", "list"], 0), (["geom", "check", "a", "--json"], 1)]
    assert shell_lines(found[2]) == [(["geom", "list"], 0)]


def test_few_blocks_are_skipped_and_each_says_why() -> None:
    assert len(SKIPPED) <= len(ALL_BLOCKS) // 3, [f"{b.page.name}:{b.line}" for b in SKIPPED]
    assert all(len(b.skip or "") >= 10 for b in SKIPPED)


@pytest.fixture(scope="module")
def box_step(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 120 x 80 x 40 mm box, 1.5 mm walls, open at the bottom, as STEP (CadQuery)."""
    import cadquery as cq

    path = tmp_path_factory.mktemp("box") / "box.step"
    box = cq.Workplane().box(120, 80, 40).faces("<Z").shell(-1.5)
    cq.exporters.export(box, str(path))
    return path


def channel() -> str:
    """The bent panel file of docs/bends.md (its only TOML block), as `channel.toml`."""
    text = (ROOT / "docs" / "bends.md").read_text(encoding="utf-8")
    (found,) = re.findall(r"^```toml\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    return str(found)


def _folder(tmp_path: Path, catalog: tuple[Path, str], box_step: Path) -> Path:
    """A user's folder: the shipped templates, the catalog as `output/`, the files the
    docs name: the bent channel of docs/bends.md, a panel (the shipped example), a box
    and a lid layout."""
    (tmp_path / "templates").symlink_to(ROOT / "templates")
    (tmp_path / "output").mkdir()  # the catalog's files linked one by one: a command
    for built in catalog[0].iterdir():  # that writes into output/ leaves the catalog be
        (tmp_path / "output" / built.name).symlink_to(built)
    (tmp_path / "channel.toml").write_text(channel(), encoding="utf-8")
    shutil.copy(ROOT / "templates" / "panels" / "example.toml", tmp_path / "my-panel.toml")
    shutil.copy(box_step, tmp_path / "box.step")
    (tmp_path / "lid.toml").write_text(LID, encoding="utf-8")
    return tmp_path


def _run_shell(block: Block, folder: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    wrong = []
    for argv, expected in shell_lines(block):
        where = f"{block.page.name}:{block.line}: {shlex.join(argv)}"
        if argv[0] != "geom":
            wrong.append(f"{where}: not a geom command (mark the block `not run`)")
            continue
        if argv[1:2] == ["build"]:
            assert any(folder.glob("output/*-fit.json")), where  # the catalog fixture ran it
            continue
        code = main(argv[1:])
        captured = capsys.readouterr()
        if block.lang == "console":
            printed = {line.strip() for line in captured.out.splitlines()}
            missing = [
                line
                for line in block.body.splitlines()[1:]
                if line.strip() and "..." not in line and line.strip() not in printed
            ]
            if missing or code not in (0, 1):
                wrong.append(f"{where}: exit {code}, not printed: {missing}")
        elif code != expected:
            wrong.append(f"{where}: exit {code}, expected {expected}: {captured.err.strip()}")
    return wrong


def _run_python(block: Block, folder: Path) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", block.body], cwd=folder, env=env, capture_output=True, text=True
    )
    where = f"{block.page.name}:{block.line}"
    if done.returncode != 0 or done.stderr.strip():
        return [f"{where}: exit {done.returncode}: {done.stderr.strip()[-2000:]}"]
    return []


RUN_PAGES = [p for p in PAGES if any(b.skip is None for b in blocks(p))]


@pytest.mark.parametrize("page", RUN_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_block_of_the_page_runs(
    page: Path,
    tmp_path: Path,
    catalog: tuple[Path, str],
    box_step: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each shell line through the CLI in-process, each Python block in a fresh
    interpreter (nothing on stderr: no warning reaches the user), one folder per page."""
    runnable = [b for b in blocks(page) if b.skip is None]
    folder = _folder(tmp_path, catalog, box_step)
    monkeypatch.chdir(folder)
    wrong: list[str] = []
    for block in runnable:
        if block.lang == "python":
            wrong += _run_python(block, folder)
        else:
            wrong += _run_shell(block, folder, capsys)
    assert not wrong, "\n".join(wrong)


# --- the --help texts ---------------------------------------------------------------------

INLINE_GEOM = re.compile(r"`geom ([a-z]+)((?: [^`]*)?)`")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    from geom.cli.app import _build_parser

    (sub,) = [a for a in _build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def _help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as done:
        main([*args, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def test_geom_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys)
    assert set(_subcommands()) == {"list", "check", "cutout", "body", "build", "preview"} | {
        "panel",
        "cut",
        "tayda",
        "serve",
    }
    assert all(re.search(rf"\b{name}\b", text) for name in _subcommands())
    assert "snap-in panel parts" not in text


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_each_commands_help_lists_every_option_it_takes(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    text = _help(capsys, name)
    options = [
        option
        for action in _subcommands()[name]._actions
        if action.help != argparse.SUPPRESS
        for option in action.option_strings
    ]
    assert options and all(re.search(rf"{re.escape(o)}\b", text) for o in options), name
    positionals = [a.dest for a in _subcommands()[name]._actions if not a.option_strings]
    assert all(p.upper() in text or p in text for p in positionals), name


def test_every_option_the_docs_name_exists() -> None:
    """Every `--option` in a `geom COMMAND ...` code span or shell line of the docs is
    an option of that command."""
    commands = _subcommands()
    wrong = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        named = INLINE_GEOM.findall(text)
        named += [
            (argv[1], " ".join(argv[2:]))
            for block in blocks(page)
            if block.lang != "python"
            for argv, _ in shell_lines(block)
            if argv[0] == "geom" and len(argv) > 1
        ]
        for command, rest in named:
            if command not in commands:
                wrong.append(f"{page.name}: geom {command}: no such command")
                continue
            known = {o for a in commands[command]._actions for o in a.option_strings}
            wrong += [
                f"{page.name}: geom {command} {o}"
                for o in re.findall(r"(?<![\w-])--?[a-z][a-z0-9-]*", rest)
                if o not in known
            ]
    assert not wrong, wrong


def test_the_catalog_counts_in_outputs_md_are_a_real_runs(catalog: tuple[Path, str]) -> None:
    """docs/outputs.md's parts, panels and files of the shipped catalog, and the summary
    line it quotes, against the catalog built here (`geom build --all`, as `make run`)."""
    out, summary = catalog
    text = " ".join((ROOT / "docs" / "outputs.md").read_text(encoding="utf-8").split())
    stated = re.search(r"shipped catalog \((\d+) parts, (\d+) panels?\) gives (\d+) files", text)
    quoted = re.search(r"summary's last line says `([^`]+)`", text)
    assert stated and quoted
    assert quoted.group(1) in summary
    parts, panels, files = (int(n) for n in stated.groups())
    assert f"{parts} parts, {panels} panels, {files} files, 0 failures" in summary
    written = sorted(p.name for p in out.iterdir() if p.name != "index.html")
    assert len(written) == files
    assert len({n for n in written if n.endswith("-fit.json")}) == parts
    assert len({n for n in written if n.endswith("-report.json")}) == panels
