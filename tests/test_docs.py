"""Every command and every API route is documented where users look for it."""

import re

from reception.cli import main

from .conftest import ROOT


def test_docs_name_every_command():
    documented = (ROOT / "docs" / "cli.md").read_text()
    for name in main.commands:
        assert f"`reception {name}" in documented, name


def test_docs_name_every_api_route():
    from reception.web.api import api

    documented = (ROOT / "docs" / "site.md").read_text()
    for path in api._routers[0][1].path_operations:
        route = re.sub(r"\{\w+\}", "{id}", path)
        assert route in documented, route


def _command_rows(doc: str) -> dict[str, str]:
    """Each command's row of docs/cli.md's table, by name."""
    rows = {}
    for line in doc.splitlines():
        for name in main.commands:
            if line.startswith(f"| `reception {name}"):
                rows[name] = line
    return rows


def test_docs_name_every_cli_option():
    import click

    documented = (ROOT / "docs" / "cli.md").read_text()
    rows = _command_rows(documented)
    for name, command in main.commands.items():
        for param in command.params:
            if not isinstance(param, click.Option):
                continue
            flags = param.opts + param.secondary_opts
            # --db is every command's, documented once above the table.
            where = documented if "--db" in flags else rows[name]
            assert any(flag in where for flag in flags), (name, flags)
            assert param.help, (name, flags)  # and `reception NAME --help` explains it


def test_docs_name_every_setting():
    from reception.config import TABLE

    readme = (ROOT / "README.md").read_text()
    for setting in TABLE:
        assert f"`{setting.name}`" in readme, setting.name


def test_docs_name_every_error_code_and_every_code_raised_is_catalogued():
    from reception.errors import CATALOGUE

    documented = (ROOT / "docs" / "cli.md").read_text()
    for code in CATALOGUE:
        assert f"| {code} |" in documented, code
    raised = set()
    for path in (ROOT / "src" / "reception").rglob("*.py"):
        raised |= set(re.findall(r"[\"'](E\d{3})[\"']", path.read_text()))
    assert raised and raised <= set(CATALOGUE), raised - set(CATALOGUE)
