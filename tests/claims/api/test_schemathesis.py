"""Schemathesis generates requests from our OpenAPI schema: whatever it sends, no 500."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from factcheck.wsgi import application
from tests.factories import ArticleFactory, ClaimFactory, UserFactory

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = application


@pytest.fixture
def keep_test_connection():
    """As Django's test client does: requests must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def superuser_token(db, keep_test_connection):
    user = UserFactory(username="fuzz-root", is_superuser=True, is_staff=True)
    article = ArticleFactory()
    for status in ("detected", "to_check", "in_review", "approved"):
        ClaimFactory(article=ArticleFactory(), status=status)
    assert article.pk
    return Token.objects.create(user=user).key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_never_answers_with_a_server_error(case, superuser_token):
    response = case.call(headers={"Authorization": f"Token {superuser_token}"})
    case.validate_response(response, checks=[not_a_server_error])
