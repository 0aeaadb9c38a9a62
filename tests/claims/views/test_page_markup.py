"""Rows written in Python (claims/templatetags/claim_rows.py) give exactly the markup the templates gave."""

from pathlib import Path

import pytest
from django.template import engines
from django.utils import timezone, translation

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


def _triage_claims(editor_user, checker_user):
    """Claims in every shape a triage row takes: matches to an approved claim, to a published
    fact-check with a mapped rating, with only its rating as published, without publisher."""
    from claims.models import ClaimMatch, FactCheck, MatchStatus, Review, Verdict

    def claim(text, **kwargs):
        return ClaimFactory(
            article=ArticleFactory(body=text, title="Un <titre> d'article assez long pour être coupé"),
            text=text,
            start=0,
            end=len(text),
            **kwargs,
        )

    earlier = claim("La dette atteindra 120 % du PIB.", status=ClaimStatus.APPROVED)
    verdict = Verdict.objects.create(
        claim=earlier, rating="false", summary="Non.", author=checker_user, submitted_at=timezone.now()
    )
    Review.objects.create(verdict=verdict, reviewer=editor_user, decision="approve")
    rows = [
        claim(
            "Le <chômage> & l'emploi.",
            score=0.735,
            claimant="Le « ministre »",
            reasons=[
                {"code": "figure", "params": {"items": "2 % <b>"}},
                {"code": "quote"},
                "texte ancien",
                {"code": "lede"},
            ],
        ),
        claim("Sans score ni raisons."),
        claim("Repris d'un fact-check.", score=0.5),
        claim("Repris d'un autre.", score=0.25),
        claim("Repris d'un troisième.", score=0.125),
    ]
    ClaimMatch.objects.create(claim=rows[0], earlier_claim=earlier, score=0.951, status=MatchStatus.SUGGESTED)
    checks = [
        FactCheck.objects.create(
            claim_reviewed="x",
            url="https://example.org/a?x=1&y=2",
            publisher="AFP <Factuel>",
            rating="mostly_true",
            fingerprint="a",
        ),
        FactCheck.objects.create(
            claim_reviewed="y", url="javascript:alert(1)", rating_text="Trompeur", fingerprint="b"
        ),
        FactCheck.objects.create(claim_reviewed="z", url="https://example.org/c", fingerprint="c"),
    ]
    for row, check in zip(rows[2:], checks, strict=True):
        ClaimMatch.objects.create(
            claim=row, fact_check=check, score=None if check.fingerprint == "c" else 0.9, status=MatchStatus.CONFIRMED
        )
    return rows


@pytest.mark.parametrize("language", ["fr", "en"])
def test_triage_rows_are_the_templates_markup_to_decide_and_decided(rf, editor_user, checker_user, language):
    from claims.selectors import claim_list_for_triage

    rows = _triage_claims(editor_user, checker_user)
    detected = list(claim_list_for_triage().filter(pk__in=[c.pk for c in rows]))
    before = (Path(__file__).parents[2] / "fixtures/templates/triage_row_before.html").read_text()
    request = rf.get("/triage/?outlet=le+monde&page=2")
    decided = []
    for claim, status in zip(rows, [ClaimStatus.TO_CHECK, ClaimStatus.DISMISSED, ClaimStatus.APPROVED], strict=False):
        claim.status = status
        decided.append(claim)
    with translation.override(language):
        for claim, done, list_query in [(c, False, "outlet=le+monde&sort=newest") for c in detected] + [
            (c, True, "") for c in decided
        ]:
            context = {"claim": claim, "done": done, "list_query": list_query, "request": request}
            assert _render("{% load claim_rows %}{% triage_row claim %}", **context) == _render(before, **context)
    shown = _render("{% load claim_rows %}{% for claim in claims %}{% triage_row claim %}{% endfor %}", claims=detected)
    assert shown.count("data-checked-before") == 4 and "AFP &lt;Factuel&gt;" in shown and 'href="#"' in shown


TABLE_ROWS_BEFORE = """{% for claim in claims %}
    <tr><td><a href="{{ claim.get_absolute_url }}">{{ claim.display_text|truncatechars:120 }}</a></td>
      <td><span class="badge status-{{ claim.status }}">{{ claim.get_status_display }}</span></td>
      <td class="{% if claim.is_overdue %}overdue{% endif %}">{{ claim.due_date|default:"" }}</td>
      <td><a href="{{ claim.article.get_absolute_url }}">{{ claim.article|truncatechars:40 }}</a></td></tr>
  {% empty %}<tr><td colspan="4" class="muted">{% translate "Nothing here." %}</td></tr>{% endfor %}"""


@pytest.mark.parametrize("language", ["fr", "en"])
def test_queue_rows_are_the_templates_markup(claims, language):
    import datetime as dt

    _article, made = claims
    today = timezone.localdate()
    for claim, due in zip(
        made, [today - dt.timedelta(days=3), today + dt.timedelta(days=40), None, today], strict=True
    ):
        claim.due_date = due
    after = "{% load i18n claim_rows %}{% claim_table_rows claims %}{% if not claims %}" + (
        '<tr><td colspan="4" class="muted">{% translate "Nothing here." %}</td></tr>{% endif %}'
    )
    with translation.override(language):
        for rows in (made, []):
            assert _render(after, claims=rows) == _render("{% load i18n %}" + TABLE_ROWS_BEFORE, claims=rows)


DASHBOARD_BEFORE = {
    "dashboard_queue_items": '{% for claim in items %}<li><a href="{{ claim.get_absolute_url }}">{{ claim.display_text|truncatechars:80 }}</a> <span class="badge status-{{ claim.status }}">{{ claim.get_status_display }}</span>{% if claim.due_date %} <span class="{% if claim.is_overdue %}overdue{% endif %}">{{ claim.due_date }}</span>{% endif %}</li>{% empty %}<li class="muted">{% translate "Nothing assigned to you." %}</li>{% endfor %}',  # noqa: E501
    "dashboard_overdue_items": '{% for claim in items %}<li><a href="{{ claim.get_absolute_url }}">{{ claim.display_text|truncatechars:70 }}</a> <span class="overdue">{{ claim.due_date }}</span> {{ claim.assignee|person }}</li>{% empty %}<li class="muted">{% translate "Nothing overdue." %}</li>{% endfor %}',  # noqa: E501
    "dashboard_recent_items": '{% for event in items %}<li>{{ event.created_at|date:"SHORT_DATETIME_FORMAT" }} · {{ event.actor|person|default:_("system") }} · {{ event.get_kind_display }} · <a href="{{ event.claim.get_absolute_url }}">{{ event.claim.display_text|truncatechars:50 }}</a></li>{% empty %}<li class="muted">{% translate "No activity yet." %}</li>{% endfor %}',  # noqa: E501
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_dashboard_s_lists_are_the_templates_markup(claims, editor_user, checker_user, language):
    import datetime as dt

    from claims.models import ClaimEvent

    _article, made = claims
    checker_user.first_name, checker_user.last_name = "Léa", "<Dupont>"
    for claim, due, assignee in zip(
        made, [-3, 40, None, 0], [checker_user, editor_user, None, checker_user], strict=True
    ):
        claim.due_date = None if due is None else timezone.localdate() + dt.timedelta(days=due)
        claim.assignee = assignee
    for claim, actor in zip(made, [editor_user, None, checker_user, editor_user], strict=True):
        ClaimEvent.objects.create(claim=claim, actor=actor, kind="status", to_status=claim.status)
    events = list(ClaimEvent.objects.select_related("actor", "claim").order_by("-created_at", "-id"))
    with translation.override(language), timezone.override("Europe/Paris"):
        for tag, before in DASHBOARD_BEFORE.items():
            for items in (events if tag == "dashboard_recent_items" else made, []):
                after = _render("{% load claim_rows %}{% " + tag + " items %}", items=items)
                assert after == _render("{% load i18n claims_extras %}" + before, items=items)


@pytest.mark.parametrize("with_status", [True, False])
def test_the_filter_fields_rendered_once_per_query_are_those_of_the_form(with_status):
    from django.http import QueryDict

    from claims.forms import ClaimFilterForm
    from claims.templatetags import claim_rows

    loop = (
        '{% for field in filter_form %}<div><label for="{{ field.id_for_label }}">{{ field.label }}</label>'
        "{{ field }}{{ field.errors }}</div>{% endfor %}"
    )
    queries = ["", "outlet=Le+<Monde>&score_min=2&sort=newest", "date_from=hier&claim_type=quantity&per_page=25"]
    claim_rows._FILTER_FIELDS.clear()
    for _ in range(2):  # rendered, then from the memo
        for language in ("fr", "en"):
            with translation.override(language):
                for query in queries:
                    form = ClaimFilterForm(QueryDict(query), with_status=with_status)
                    form.filters()
                    tag = _render("{% load claim_rows %}{% claim_filter_fields filter_form %}", filter_form=form)
                    assert tag == _render(loop, filter_form=form)
    assert len(claim_rows._FILTER_FIELDS) == 2 * len(queries)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_fast_truncation_gives_exactly_what_truncatechars_gives(language):
    from django.template.defaultfilters import truncatechars

    from claims.templatetags.claim_rows import truncated

    texts = [
        "",
        "court",
        "Le chômage a baissé de 2 % en 2023, selon l’Insee, « une première » depuis dix ans — dit-il.",
        "Cafe\u0301 de\u0301compose\u0301 " * 8,  # combining accents: NFC composes them
        "a\u0301\u0302\u0303" * 60,  # combinations NFC leaves as marks, which Truncator does not count
        "x" * 39 + "\u0308" + "y" * 50,  # a mark just inside the part that is read
        "x" * 41 + "\u0308" + "y" * 50,  # and just past it
        "emoji 🙂👍🏽 " * 20,
        "\u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd " * 20,  # Hebrew with points
    ]
    with translation.override(language):
        for text in texts:
            for length in (0, 1, 2, 39, 40, 41, 90, 120, 500):
                assert truncated(text, length) == truncatechars(text, length), (text[:20], length)
