import pytest
from django.db import transaction
from django.utils import timezone

from claims.models import ClaimStatus, Evidence, Review, Verdict
from factcheck.celery import app as celery_app
from tests.factories import ArticleFactory, ClaimFactory, UserFactory, checker, editor
from tests.worker import Worker


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Tests never reach the network: any socket to a non-local address fails loudly."""
    import socket

    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")
        ):
            raise RuntimeError(f"network blocked in tests: {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached figures (the dashboard's) never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_matching_index():
    """Each test's database starts over (ids are reused), so the process's match index must too."""
    from claims.services.matching import matching_index_reset

    matching_index_reset()
    yield
    matching_index_reset()


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Service messages are asserted in English; requests still negotiate their own language."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def editor_user(db):
    return editor()


@pytest.fixture
def second_editor(db):
    return editor("editor2")


@pytest.fixture
def checker_user(db):
    return checker()


@pytest.fixture
def other_checker(db):
    return checker("checker2")


@pytest.fixture
def outsider(db):
    """Logged in, but no desk role."""
    return UserFactory(username="outsider")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def claim(db):
    return ClaimFactory()


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real `celery worker` process on the configured broker and the test database."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker = Worker(tmp_path / "worker.log").start()
    try:
        yield worker
    finally:
        celery_app.conf.task_always_eager = eager
        worker.stop()


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
            verdict=False,  # this fixture writes its own verdicts and reviews
            **kwargs,
        )

    with transaction.atomic():  # PostgreSQL checks approved claims and their verdicts at commit
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


@pytest.fixture
def people(db):
    """The six roles of the permission matrices, and the author of the verdicts they review."""
    return {
        "anonymous": None,
        "outsider": UserFactory(username="outsider"),
        "checker": checker("assigned"),
        "other_checker": checker("other"),
        "editor": editor("editor"),
        "superuser": UserFactory(username="root", is_superuser=True, is_staff=True),
        "author": checker("verdict_author"),
    }
