"""Rows written in Python (claims/templatetags/claim_rows.py) give exactly the markup the templates gave."""

import pytest
from django.template import engines
from django.utils import translation

from claims.models import ClaimStatus
from claims.views.articles import highlight_segments
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

# The templates as they were before the rows moved to Python.
BODY_TEMPLATE = (
    "{% load claims_extras %}{% for text, claim in segments %}{% if claim %}"
    '<mark class="claim {{ claim.score|shade }}" id="claim-{{ claim.pk }}" data-claim="{{ claim.pk }}" '
    'title="{% if claim.score is not None %}{{ claim.score|floatformat:2 }} · {% endif %}'
    '{{ claim.get_status_display }}">'
    '<a href="{{ claim.get_absolute_url }}">{{ text }}</a></mark>{% else %}{{ text }}{% endif %}{% endfor %}'
)
LIST_TEMPLATE = """{% for claim in claims %}
      <li><a href="{{ claim.get_absolute_url }}">{{ claim.display_text|truncatechars:90 }}</a>
        <span class="badge status-{{ claim.status }}">{{ claim.get_status_display }}</span>{% if claim.score is not None %} <span class="muted">{{ claim.score|floatformat:2 }}</span>{% endif %}
        {% if claim.claimant %}<br><span class="muted">— {{ claim.claimant }}</span>{% endif %}</li>
    {% endfor %}"""  # noqa: E501


def _render(source, **context):
    return engines["django"].from_string(source).render(context)


@pytest.fixture
def claims():
    sentences = [
        "Le <b>chômage</b> a baissé de 2 % & plus.",
        "Une phrase qui n'a pas de score, ajoutée par une personne.",
        "Un texte très long " + "qui dépasse quatre-vingt-dix caractères " * 3 + "et se coupe.",
        "Cafe\u0301 décomposé, « guillemets » et 'apostrophes'.",
    ]
    body = " Entre deux <i>phrases</i>. ".join(sentences) + " Fin."
    article = ArticleFactory(body=body)
    made = []
    for i, (sentence, score) in enumerate(zip(sentences, [0.735, None, 0.125, 0.999], strict=True)):
        start = body.index(sentence)
        made.append(
            ClaimFactory(
                article=article,
                text=sentence,
                start=start,
                end=start + len(sentence),
                score=score,
                status=[ClaimStatus.DETECTED, ClaimStatus.IN_REVIEW, ClaimStatus.TO_CHECK, ClaimStatus.APPROVED][i],
                claimant=["Le <ministre>", "", "l'Insee & co", ""][i],
                wording="Reformulée <ici>" if i == 3 else "",
            )
        )
    return article, made


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_article_s_highlighted_text_and_claim_list_are_the_templates_markup(claims, language):
    article, made = claims
    segments = highlight_segments(article.body, made)
    with translation.override(language):
        assert _render("{% load claim_rows %}{% highlighted_body segments %}", segments=segments) == _render(
            BODY_TEMPLATE, segments=segments
        )
        assert _render("{% load claim_rows %}{% article_claim_items claims %}", claims=made) == _render(
            LIST_TEMPLATE, claims=made
        )
