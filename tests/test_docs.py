"""The documentation stands on its own: every relative link in README.md and docs/*.md
leads to a file in the repository, and no page names a file outside it (`shared/...`) or
a tracker number ("issue 5")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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
