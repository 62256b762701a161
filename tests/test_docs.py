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
