"""schemathesis against the OpenAPI schema: generated requests (valid and invalid)
to every API operation must get no 5xx and responses that match the schema."""
from __future__ import annotations

import pytest
import schemathesis
from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from app.cli import main
from app.db import make_engine
from app.web import create_app

ARTICLES = {
    "kursk.md": "---\ntitle: Kursk\nurl: https://a.example/kursk\npublished: 2024-08-07\n---\n"
                "Ukraine launched an offensive into Russia's Kursk region on 6 August 2024, officials said.\n\n"
                "Russia moved reserves from the Donbas front on 9 August 2024.\n",
    "atacms.md": "---\ntitle: ATACMS\npublished: 2024-11-18\n---\n"
                 "Joe Biden allowed Ukraine to fire ATACMS missiles into Russia on 17 November 2024.\n\n"
                 "Ukraine fired ATACMS at a depot in the Bryansk region on 19 November 2024, Moscow said.\n",
}


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    folder = tmp_path_factory.mktemp("articles")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = f"sqlite:///{tmp_path_factory.mktemp('db') / 'api.db'}"
    assert CliRunner().invoke(main, ["ingest", str(folder), "--db", db]).exit_code == 0
    engine = make_engine(db)
    yield schemathesis.openapi.from_asgi("/openapi.json", create_app(engine))
    engine.dispose()


schema = schemathesis.pytest.from_fixture("api")


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_matches_its_schema_and_never_fails(case):
    # No server error; status codes, content types, headers and bodies as the schema
    # documents them, for valid and invalid requests alike. Two checks are left out:
    # "schema-valid input accepted", because some rules cannot be said in OpenAPI
    # (`from` must be a real calendar day and not after `to`: a documented 400, see
    # test_security.py); and "schema-invalid input refused", because a query string
    # cannot tell a list from a scalar (`weapon=true` is a valid one-item list).
    case.call_and_validate(excluded_checks=[positive_data_acceptance, negative_data_rejection])
