import pytest
from django.utils import timezone

from claims.models import ClaimStatus, Evidence, Review, Verdict
from tests.factories import ArticleFactory, ClaimFactory


@pytest.fixture
def reviewed_article(db, editor_user, checker_user):
    """An article after the story: approved, approved unverifiable, pending, dismissed claims."""
    body = (
        "Le chômage a baissé de 2 % en 2023, selon l'INSEE. "
        '=HYPERLINK("http://evil") Le ministre a affirmé que 300 000 emplois ont été créés. '
        "La dette atteindra 120 % du PIB en 2030. "
        "Il fait beau."
    )
    article = ArticleFactory(
        body=body,
        outlet="Le Monde",
        url="https://www.lemonde.fr/a",
        title="Emploi",
        published_on=timezone.localdate().replace(day=1),
        published_precision="month",
    )

    def claim(sentence, status, **kwargs):
        start = body.index(sentence)
        return ClaimFactory(
            article=article,
            start=start,
            end=start + len(sentence),
            text=sentence,
            status=status,
            assignee=checker_user,
            **kwargs,
        )

    approved = claim(
        "Le chômage a baissé de 2 % en 2023, selon l'INSEE.",
        ClaimStatus.APPROVED,
        claimant="l'INSEE",
        entities=[{"text": "INSEE", "label": "ORG", "start": 43, "end": 48}],
    )
    unverifiable = claim(
        "Le ministre a affirmé que 300 000 emplois ont été créés.", ClaimStatus.APPROVED, claimant="Le ministre"
    )
    pending = claim("La dette atteindra 120 % du PIB en 2030.", ClaimStatus.IN_REVIEW)
    dismissed = claim("Il fait beau.", ClaimStatus.DISMISSED)
    for item, rating, summary in (
        (approved, "mostly_true", "Presque : 1,9 %."),
        (unverifiable, "unverifiable", "Aucune source."),
        (pending, "false", "Brouillon du vérificateur."),
    ):
        verdict = Verdict.objects.create(
            claim=item,
            rating=rating,
            summary=summary,
            rationale="Selon les chiffres.",
            author=checker_user,
            submitted_at=timezone.now(),
        )
        if item.status == ClaimStatus.APPROVED:
            Review.objects.create(verdict=verdict, reviewer=editor_user, decision="approve")
    Evidence.objects.create(
        claim=approved,
        url="https://www.insee.fr/chomage",
        title="Taux de chômage INSEE",
        stance="supports",
        added_by=checker_user,
    )
    return {
        "article": article,
        "approved": approved,
        "unverifiable": unverifiable,
        "pending": pending,
        "dismissed": dismissed,
    }
