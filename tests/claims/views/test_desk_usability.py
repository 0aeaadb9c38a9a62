"""What a person trips on in their first hour at the desk (issue "The desk a newsroom works in all day")."""

import re

import pytest
from django.urls import reverse

from claims.forms import VerdictForm
from claims.models import ClaimStatus
from claims.templatetags.claims_extras import shade
from tests.factories import ClaimFactory
from tests.helpers import ROOT

pytestmark = pytest.mark.django_db


def test_the_article_page_shades_claims_darker_as_their_score_rises():
    css = (ROOT / "static" / "claims" / "app.css").read_text(encoding="utf-8")
    rules = re.findall(r"mark\.claim\.shade-(\d) \{ background: rgba\([^)]*, ([\d.]+)\)", css)
    alpha = {int(n): float(a) for n, a in rules}
    assert sorted(alpha) == list(range(10))
    assert [alpha[n] for n in range(10)] == sorted(alpha[n] for n in range(10))
    assert shade(0.95) == "shade-9" and shade(0.05) == "shade-0" and shade(None) == "shade-none"


def test_reassigning_shows_the_current_checker_and_an_iso_due_date(client, editor_user, checker_user):
    import datetime as dt

    checker_user.first_name, checker_user.last_name = "Chloé", "Durand"
    checker_user.save()
    claim = ClaimFactory(status=ClaimStatus.ASSIGNED, assignee=checker_user, due_date=dt.date(2026, 12, 2))
    client.force_login(editor_user)
    page = client.get(claim.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'value="2026-12-02"' in page  # what <input type=date> accepts, whatever the language
    assert re.search(rf'<option value="{checker_user.pk}" selected>Chloé Durand</option>', page)
    response = client.post(
        reverse("claims:claim-assign", args=[claim.pk]),
        {"assignee": checker_user.pk, "due_date": "2026-12-02", "note": "Relancer l'ambassade"},
        follow=True,
    )
    assert "Chloé Durand" in response.content.decode() and "checker" not in str(list(response.context["messages"]))
    claim.refresh_from_db()
    assert (claim.assignee, claim.due_date) == (checker_user, dt.date(2026, 12, 2))


def test_no_rating_is_preselected_and_a_verdict_without_one_is_refused():
    form = VerdictForm()
    assert form.fields["rating"].choices[0][0] == ""
    assert "selected" not in str(form["rating"]).split("</option>")[1]
    assert VerdictForm({"rating": "", "summary": "Faux."}).is_valid() is False


def test_the_assignment_note_and_the_evidence_note_have_different_labels():
    from claims.forms import AssignForm, EvidenceForm

    assert AssignForm().fields["note"].label != EvidenceForm().fields["note"].label


def test_a_claim_s_updated_at_moves_whenever_its_history_does(editor_user):
    import datetime as dt

    from claims.models import Claim
    from claims.services.transitions import claim_transition

    claim = ClaimFactory()
    Claim.objects.filter(pk=claim.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    claim_transition(claim=claim, actor=editor_user, action="keep")
    assert Claim.objects.get(pk=claim.pk).updated_at.year > 2020


def test_the_report_tells_untriaged_sentences_from_dismissed_ones(client, editor_user):
    from tests.factories import ArticleFactory

    sentences = ["Le chômage a baissé de 2 %.", "La dette atteint 110 %.", "Les prix ont monté de 5 %."]
    article = ArticleFactory(body=" ".join(sentences))
    statuses = [ClaimStatus.DISMISSED, ClaimStatus.DETECTED, ClaimStatus.DETECTED]
    for sentence, status in zip(sentences, statuses, strict=True):
        start = article.body.index(sentence)
        ClaimFactory(article=article, start=start, end=start + len(sentence), text=sentence, status=status)
    client.force_login(editor_user)
    page = client.get(reverse("claims:article-report", args=[article.pk]) + "?lang=en").content.decode()
    assert "1 other sentence was not kept for checking." in page
    assert "2 detected sentences have not been triaged yet." in page


def test_a_page_outside_one_s_role_explains_itself_in_the_desk_s_look(client, checker_user):
    client.force_login(checker_user)
    response = client.get(reverse("claims:triage"), HTTP_ACCEPT_LANGUAGE="fr")
    page = response.content.decode()
    assert response.status_code == 403
    assert 'href="/static/claims/app.css"' in page or "app." in page  # the desk's stylesheet
    assert reverse("claims:queue") in page  # a way back
    assert "403 Forbidden" not in page


def test_a_missing_claim_gets_a_styled_page_with_a_way_back(client, checker_user):
    client.force_login(checker_user)
    response = client.get("/claims/999999/")
    assert response.status_code == 404
    assert reverse("claims:dashboard") in response.content.decode()


def test_a_server_error_gets_a_styled_page(client):
    from django.template.loader import render_to_string

    page = render_to_string("500.html")  # rendered with no request, as Django's handler does
    assert "app." in page and "Factcheck" in page


def test_the_timeline_shows_labels_not_codes(client, checker_user, editor_user):
    from claims.services import verification

    checker_user.first_name, checker_user.last_name = "Chloé", "Durand"
    checker_user.save()
    claim = ClaimFactory(status=ClaimStatus.TO_CHECK)
    from claims.services.assignment import claim_assign

    claim_assign(claim=claim, actor=editor_user, assignee=checker_user)
    verification.verdict_submit(claim=claim, actor=checker_user, rating="mostly_true", summary="Plutôt.")
    verification.blind_rating_record(claim=claim, actor=editor_user, rating="true")
    verification.review_submit(claim=claim, actor=editor_user, decision="approve")
    client.force_login(editor_user)
    page = client.get(claim.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    timeline = page.split('id="timeline"')[1]
    assert "Mostly true" in timeline and "Approve" in timeline and "Chloé Durand" in timeline
    assert not re.search(r"\bmostly_true\b|<br>approve\b|\bchecker\b", timeline)


def test_a_link_stored_before_the_validator_existed_is_never_rendered_as_a_script_link(client, editor_user):
    from claims.models import Article

    claim = ClaimFactory()
    Article.objects.filter(pk=claim.article_id).update(url="javascript:alert(1)")  # an old row, saved unchecked
    client.force_login(editor_user)
    page = client.get(claim.article.get_absolute_url()).content.decode()
    assert "javascript:" not in page
