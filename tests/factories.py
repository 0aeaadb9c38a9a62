import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from claims.models import Article, Claim, ClaimStatus, Review, ReviewDecision, Verdict
from claims.workflow import CHECKER_GROUP, EDITOR_GROUP

WORKED_STATUSES = (ClaimStatus.ASSIGNED, ClaimStatus.IN_PROGRESS, ClaimStatus.IN_REVIEW)

BODY = (
    "Le chômage a baissé de 2 % en 2023, selon l'INSEE.\n\n"
    "Le ministre a déclaré que 300 000 emplois avaient été créés. Il fait beau."
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw-for-tests-only")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))


def editor(username="editor") -> object:
    return UserFactory(username=username, role=EDITOR_GROUP)


def checker(username="checker") -> object:
    return UserFactory(username=username, role=CHECKER_GROUP)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    body = factory.Sequence(lambda n: f"{BODY} Édition {n}.")
    language = "fr"
    extraction_status = "extracted"


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim on the first sentence of its article (offsets always exact)."""

    class Meta:
        model = Claim
        skip_postgeneration_save = True

    article = factory.SubFactory(ArticleFactory)
    start = 0
    end = factory.LazyAttribute(lambda c: c.article.body.index(".") + 1)
    text = factory.LazyAttribute(lambda c: c.article.body[c.start : c.end])
    score = 0.8
    status = ClaimStatus.DETECTED
    # The database refuses a claim being worked on with nobody assigned: give it a checker.
    assignee = factory.LazyAttribute(lambda c: checker("factory_checker") if c.status in WORKED_STATUSES else None)

    @classmethod
    def _generate(cls, strategy, params):
        # The claim and its verdict arrive together: PostgreSQL checks them at commit, and in
        # transactional tests every statement outside a block is its own commit.
        with transaction.atomic():
            return super()._generate(strategy, params)

    @factory.post_generation
    def verdict(self, create, extracted, **kwargs):
        """A claim in review has a submitted verdict, an approved one a second person's approval, as
        the database demands (PostgreSQL checks it when a test's transaction is checked or committed).
        `verdict=False` skips it."""
        if not create or extracted is False or self.status not in (ClaimStatus.IN_REVIEW, ClaimStatus.APPROVED):
            return
        author = self.assignee or checker("factory_checker")
        made = Verdict.objects.create(
            claim=self, rating="false", summary="Faux.", author=author, submitted_at=timezone.now()
        )
        if self.status == ClaimStatus.APPROVED:
            Review.objects.create(verdict=made, reviewer=editor("factory_editor"), decision=ReviewDecision.APPROVE)
