import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from claims.models import Article, Claim
from claims.workflow import CHECKER_GROUP, EDITOR_GROUP

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

    article = factory.SubFactory(ArticleFactory)
    start = 0
    end = factory.LazyAttribute(lambda c: c.article.body.index(".") + 1)
    text = factory.LazyAttribute(lambda c: c.article.body[c.start : c.end])
    score = 0.8
