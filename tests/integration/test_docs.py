"""The code points into docs/, and every pointer lands (docs/README.md).

Comments cite `docs/<page>.md#<heading>`, never the product brief the project started from:
that document is not in the repository, so a newcomer could not follow the citation. Anchors
are GitHub's: the heading in lower case, punctuation dropped, spaces turned into hyphens.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from functools import cache
from pathlib import Path

#: How the brief was cited ("DESIGN 3.3", "DESIGN section 2").
BRIEF = re.compile(r"\bDESIGN\b")
POINTER = re.compile(r"(?<![\w./-])docs/([\w./-]+?\.md)(?:#([\w-]+))?")
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


@cache
def root() -> Path:
    top = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=Path(__file__).parent,
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(top.stdout.strip())


@cache
def tracked_texts() -> dict[str, str]:
    """Every tracked file that is text, by its path in the repository."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=root(), capture_output=True, check=True
    ).stdout
    texts = {}
    for name in listed.decode("utf-8").split("\0"):
        path = root() / name
        if not name or not path.is_file():
            continue
        try:
            texts[name] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # an icon or another binary file
    return texts


def anchor(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@cache
def anchors(page: Path) -> frozenset[str]:
    """The anchors GitHub gives the page's headings; a repeated heading gets -1, -2, …"""
    seen: Counter[str] = Counter()
    found = set()
    in_code = False
    for line in page.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            in_code = not in_code
            continue
        heading = None if in_code else HEADING.match(line)
        if heading:
            slug = anchor(heading.group(1))
            found.add(f"{slug}-{seen[slug]}" if seen[slug] else slug)
            seen[slug] += 1
    return frozenset(found)


def missing(page: Path, fragment: str) -> str | None:
    """What is wrong with a pointer to `page`#`fragment`, or None when it lands."""
    if not page.is_file():
        return "no such page"
    if fragment and page.suffix == ".md" and fragment not in anchors(page):
        return f"no heading with the anchor #{fragment}"
    return None


def test_no_tracked_file_outside_docs_cites_the_brief() -> None:
    here = Path(__file__).resolve().relative_to(root()).as_posix()
    citations = [
        f"{name}:{number}: {line.strip()}"
        for name, text in tracked_texts().items()
        if not name.startswith("docs/") and name != here
        for number, line in enumerate(text.splitlines(), 1)
        if BRIEF.search(line)
    ]
    assert not citations, "cite a page in docs/ instead:\n" + "\n".join(citations)


def test_every_pointer_into_docs_names_a_page_and_a_heading_there() -> None:
    broken = [
        f"{name}: docs/{page}{'#' + fragment if fragment else ''}: {problem}"
        for name, text in tracked_texts().items()
        for page, fragment in POINTER.findall(text)
        if (problem := missing(root() / "docs" / page, fragment))
    ]
    assert not broken, "\n".join(broken)


def test_every_link_in_docs_lands() -> None:
    broken = []
    for name, text in tracked_texts().items():
        if not (name.startswith("docs/") and name.endswith(".md")):
            continue
        page = root() / name
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            path, _, fragment = target.partition("#")
            problem = missing((page.parent / path).resolve() if path else page, fragment)
            if problem:
                broken.append(f"{name}: {target}: {problem}")
    assert not broken, "\n".join(broken)


def test_an_anchor_is_githubs() -> None:
    assert anchor("5. The pulse: what is published") == "5-the-pulse-what-is-published"
    assert anchor("Who may see `puls` — and why") == "who-may-see-puls--and-why"
    assert anchor("Språk og §-regler") == "språk-og--regler"
