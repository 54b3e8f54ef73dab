"""The README and docs/ are checked against the real tool (commands, sample output, CI, links),
and the code against ruff."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from typer.testing import CliRunner

from rehearse.cli import app

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
NOTES_DOC = (ROOT / "docs" / "notes.md").read_text(encoding="utf-8")  # slide decks in detail


def _commands() -> list[tuple[str, str]]:
    """(name, docstring) of every command, `models` subcommands included."""
    out = []
    for info in app.registered_commands:
        out.append((info.name or info.callback.__name__, info.callback.__doc__ or ""))
    for group in app.registered_groups:
        for info in group.typer_instance.registered_commands:
            out.append((f"{group.name} {info.name}", info.callback.__doc__ or ""))
    return out


def test_every_command_has_help_with_an_example_and_is_in_the_readme():
    for name, doc in _commands():
        assert doc.strip() and "Example: rehearse " in doc, name
        assert f"rehearse {name.split()[0]}" in README, name


def test_readme_points_output_is_real():
    command = re.search(r"For example, `rehearse (points [^`]+)` prints", README).group(1)
    block = re.search(r"<!-- points-output -->\n```text\n(.*?)```", README, re.S).group(1)
    result = CliRunner().invoke(app, command.split(), env={"COLUMNS": "100"})
    assert result.exit_code == 0
    real = "\n".join(line.rstrip() for line in result.output.splitlines())
    assert real.strip() == block.strip()


def test_readme_history_output_is_real(tmp_path, monkeypatch):
    """The three shared rehearsals as schema 1 reports (tests/data/schema1), rebuilt into a
    history, then `rehearse history` as the README shows it."""
    import shutil

    reports = tmp_path / "reports"
    for name in ("pl-full", "pl-skips", "pl-reorder"):
        folder = reports / "kilka-zdan-o-sobie" / name
        folder.mkdir(parents=True)
        shutil.copy(ROOT / "tests" / "data" / "schema1" / f"{name}.json", folder / "analysis.json")
    monkeypatch.chdir(ROOT)  # schema 1 names its notes relative to where rehearse ran
    assert CliRunner().invoke(app, ["history", "--rebuild", str(reports)]).exit_code == 0
    monkeypatch.chdir(tmp_path)
    command = "history " + str(ROOT / "notes" / "kilka-zdan-o-sobie.md")
    result = CliRunner().invoke(app, command.split(), env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    block = re.search(r"<!-- history-output -->\n```text\n(.*?)```", README, re.S).group(1)
    real = "\n".join(line.rstrip() for line in result.output.splitlines())
    assert real.strip() == block.strip()
    assert "`rehearse history NOTES` shows your" in README.replace("\n", " ")
    assert (reports / "kilka-zdan-o-sobie" / "progress.png").exists()


def test_readme_deck_examples_are_real():
    """The example deck's points table, and the start of its Markdown export (lines cut at
    '…' in the README)."""
    block = re.search(r"<!-- deck-points-output -->\n```text\n(.*?)```", NOTES_DOC, re.S)[1]
    deck = str(ROOT / "notes" / "kilka-zdan-o-sobie.pptx")
    result = CliRunner().invoke(app, ["points", deck], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    real = "\n".join(line.rstrip() for line in result.output.splitlines())
    assert real.strip() == block.strip()
    block = re.search(r"<!-- deck-notes-output -->\n```markdown\n(.*?)```", NOTES_DOC, re.S)[1]
    exported = CliRunner().invoke(app, ["notes", deck])
    assert exported.exit_code == 0, exported.output
    shown, lines = block.rstrip("\n").split("\n"), exported.stdout.split("\n")
    assert len(lines) > len(shown)
    for line, real_line in zip(shown, lines[: len(shown)], strict=True):
        assert real_line.startswith(line[:-1]) if line.endswith("…") else real_line == line


def test_readme_and_docs_link_to_files_that_exist():
    """The README links to the docs, and the docs to each other and to the repository's
    files (images, notes); a link's #anchor must be a heading of its target."""
    docs = sorted((ROOT / "docs").glob("*.md"))
    assert {d.name for d in docs} >= {"how-it-works.md", "coverage.md", "json.md", "development.md"}
    for page in [ROOT / "README.md", *docs]:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http://", "https://")):
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            assert linked.exists(), f"{page.name}: {target}"
            if anchor and linked.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", linked.read_text(encoding="utf-8"), re.M)
                slugs = {re.sub(r"[^\w\- ]", "", h).strip().lower() for h in headings}
                slugs = {slug.replace(" ", "-") for slug in slugs}
                assert anchor in slugs, f"{page.name}: {target}"
    assert "docs/coverage.md" in README


def test_ci_runs_the_readme_test_command():
    fence = re.search(r"```bash\n(.*?)```", README, re.S).group(1)
    demo, tests = (line.split("#")[0].strip() for line in fence.strip().splitlines()[:2])
    assert demo.endswith("rehearse demo") and "pytest" in tests
    assert tests in (ROOT / ".ci" / "run").read_text()
    assert (ROOT / "scripts" / "setup.sh").stat().st_mode & 0o111


def test_the_code_is_ruff_clean():
    import subprocess
    import sys

    for args in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "rehearse", "tests", "benchmarks"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_module_table_names_every_module_of_the_tree():
    """docs/how-it-works.md's table of packages and modules is the tree: every module file
    under rehearse/ is named in it, and every module it names exists."""
    text = (ROOT / "docs" / "how-it-works.md").read_text(encoding="utf-8")
    table = re.search(r"^\| package \| module \| stage \|\n\|[-|]+\|\n((?:\|.*\n)+)", text, re.M)
    assert table, "no | package | module | stage | table in docs/how-it-works.md"
    named = []
    for row in table.group(1).splitlines():
        package, modules = (cell.strip() for cell in row.strip("|").split("|")[:2])
        folder = re.fullmatch(r"`(rehearse/(?:[a-z_]+/)*)`", package)
        assert folder, row
        named += [folder.group(1) + m for m in re.findall(r"`([a-z_]+\.py)`", modules)]
    assert len(named) == len(set(named)), "a module is named twice"
    tree = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "rehearse").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert not tree - set(named), f"not in the table: {sorted(tree - set(named))}"
    assert not set(named) - tree, f"in the table, not in the tree: {sorted(set(named) - tree)}"


def test_the_cli_reference_is_up_to_date():
    """docs/cli.md is what scripts/cli_reference.py writes from the commands' own help."""
    path = ROOT / "scripts" / "cli_reference.py"
    spec = importlib.util.spec_from_file_location("cli_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert written == module.reference(), (
        "docs/cli.md is out of date: python scripts/cli_reference.py"
    )
