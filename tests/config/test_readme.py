"""The README and docs/ stand on their own for someone who has only cloned the repository (issue 17).

Nothing in them may lead outside the repository: no path climbing out of it with `../` (a link or a path in
the text alike), no link to an absolute path or a `file:` URL; and every Markdown link to a file of the
repository must find that file. Links to web pages (http, https, mailto) are not followed.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]


def documents(root: Path) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").rglob("*.md"))]


# Code is blanked out before links are looked for (a link in a code block is text, not a link), keeping the
# line breaks so that problems are reported on the right line.
FENCED_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[^\n]*$", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
INLINE_LINK = re.compile(
    r"\]\(\s*(?P<target><[^>\n]*>|[^\s()]+(?:\([^\s()]*\)[^\s()]*)*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(?P<target><[^>\n]*>|\S+)", re.MULTILINE)
AUTOLINK = re.compile(r"<(?P<target>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]{1,31}:")
# A path in the text, linked or not, that goes up a folder: `../shared/DOMAIN.md`, docs/../../x.
CLIMBING_PATH = re.compile(r"[^\s`'\"()<>\[\]]*\.\.[/\\][^\s`'\"()<>\[\]]*")


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def link_targets(text: str) -> list[tuple[int, str]]:
    """(line, target) of every Markdown link outside code: inline, reference definitions and autolinks."""
    prose = FENCED_CODE.sub(_blank, text)
    prose = CODE_SPAN.sub(_blank, prose)
    found = []
    for pattern in (INLINE_LINK, REFERENCE_DEFINITION, AUTOLINK):
        for match in pattern.finditer(prose):
            target = match.group("target")
            if target.startswith("<") and target.endswith(">"):
                target = target[1:-1]
            found.append((_line(prose, match.start("target")), target))
    return sorted(found)


def problems(document: Path, root: Path) -> list[str]:
    """What in `document` leads outside `root` or to a file that is not there, one message per problem."""
    text = document.read_text(encoding="utf-8")
    name = document.relative_to(root).as_posix()
    found = []
    for match in CLIMBING_PATH.finditer(text):
        if SCHEME.match(match.group(0)):
            continue  # a web address: its folders are the server's, not the repository's
        if not _inside(document.parent / match.group(0), root):
            found.append(f"{name}:{_line(text, match.start())}: {match.group(0)} leaves the repository")
    for line, target in link_targets(text):
        where = f"{name}:{line}: link to {target}"
        if SCHEME.match(target):
            if target.lower().startswith("file:"):
                found.append(f"{where} points at a file of one machine")
            continue  # a web address
        path = unquote(re.split(r"[?#]", target, maxsplit=1)[0])
        if not path:
            continue  # an anchor on the same page
        if path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[/\\]", path):
            found.append(f"{where} is an absolute path (link relatively)")
        elif not _inside(document.parent / path, root):
            found.append(f"{where} leaves the repository")
        elif not (document.parent / path).exists():
            found.append(f"{where}: no such file in the repository")
    return found


@pytest.mark.parametrize("document", documents(ROOT), ids=lambda path: path.relative_to(ROOT).as_posix())
def test_document_links_and_paths_stay_inside_the_repository_and_exist(document):
    assert problems(document, ROOT) == []


def test_readme_links_every_page_of_docs():
    readme = ROOT / "README.md"
    linked = {
        (ROOT / unquote(re.split(r"[?#]", target, maxsplit=1)[0])).resolve()
        for _line_number, target in link_targets(readme.read_text(encoding="utf-8"))
        if not SCHEME.match(target)
    }
    pages = [path for path in documents(ROOT) if path != readme]
    assert {"domain.md", "design.md", "demo-data.md"} <= {page.name for page in pages}
    assert [page.relative_to(ROOT).as_posix() for page in pages if page.resolve() not in linked] == []


def test_the_check_finds_paths_leaving_the_repository_and_links_to_missing_files(tmp_path):
    root = tmp_path / "repository"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "here.md").write_text("# Here\n", encoding="utf-8")
    (root / "README.md").write_text(
        "The domain is in `../shared/DOMAIN.md`.\n"  # 1: a path that climbs out, in code
        "[Design](../shared/DESIGN.md) and [here](docs/here.md#here) and [web](https://example.org/a/../b)\n"
        '[gone](docs/gone.md "A title")\n'  # 3
        "[abs](/work/shared/seeds/)\n"  # 4
        "<file:///work/shared/STYLE.md>\n"  # 5
        "```\n[not a link](docs/nowhere.md)\n```\n"  # 6-8: code, not a link
        "[ref]: docs/missing.md\n",  # 9
        encoding="utf-8",
    )
    (root / "docs" / "inside.md").write_text(
        "[back](../README.md), `../README.md`, [up](../../outside.md)\n", encoding="utf-8"
    )

    assert problems(root / "README.md", root) == [
        "README.md:1: ../shared/DOMAIN.md leaves the repository",
        "README.md:2: ../shared/DESIGN.md leaves the repository",
        "README.md:2: link to ../shared/DESIGN.md leaves the repository",
        "README.md:3: link to docs/gone.md: no such file in the repository",
        "README.md:4: link to /work/shared/seeds/ is an absolute path (link relatively)",
        "README.md:5: link to file:///work/shared/STYLE.md points at a file of one machine",
        "README.md:9: link to docs/missing.md: no such file in the repository",
    ]
    # From docs/, one folder up is still the repository; two are not.
    assert problems(root / "docs" / "inside.md", root) == [
        "docs/inside.md:1: ../../outside.md leaves the repository",
        "docs/inside.md:1: link to ../../outside.md leaves the repository",
    ]
