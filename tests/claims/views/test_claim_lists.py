"""Triage and the claims list at the scale of a desk: filters, sorts, counts, bulk, previous/next, the chart."""

import datetime as dt
import itertools
import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from claims import selectors
from claims.forms import ClaimFilterForm
from claims.models import Claim, ClaimStatus
from tests.factories import ArticleFactory, ClaimFactory
from tests.helpers import require_postgresql

pytestmark = pytest.mark.django_db

SENTENCES = ["Le chômage a baissé de 2 %.", "La dette atteint 110 % du PIB.", "Les prix ont monté de 5 %."]
_EDITIONS = itertools.count()


def _claim(article=None, sentence=0, **kwargs) -> Claim:
    """A claim on one of SENTENCES of `article` (an article of all three by default)."""
    article = article or ArticleFactory(body=" ".join(SENTENCES) + f" Édition {next(_EDITIONS)}.")
    text = SENTENCES[sentence]
    start = article.body.index(text)
    return ClaimFactory(article=article, start=start, end=start + len(text), text=text, **kwargs)


def _ids(response) -> list[int]:
    return [claim.pk for claim in response.context["page"]]


def _triage(client, **params):
    response = client.get(reverse("claims:triage"), params)
    assert response.status_code == 200
    return response


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def editor_client(client, editor_user):
    client.force_login(editor_user)
    return client


# Filters, each through the page


def test_triage_filters_on_the_article(editor_client):
    one, other = _claim(), _claim()
    assert _ids(_triage(editor_client, article=one.article_id)) == [one.pk]
    assert _ids(_triage(editor_client, article=other.article_id)) == [other.pk]


def test_triage_filters_on_the_outlet_whatever_its_case(editor_client):
    monde = _claim(ArticleFactory(body=" ".join(SENTENCES), outlet="Le Monde"))
    _claim(ArticleFactory(body=" ".join(SENTENCES) + " 2", outlet="Libération"))
    response = _triage(editor_client, outlet="le monde")
    assert _ids(response) == [monde.pk]
    assert '<option value="Libération">' in response.content.decode()  # suggested from the desk's outlets


def test_triage_filters_on_a_score_range_both_ends_included(editor_client):
    low, middle, high = _claim(score=0.2), _claim(score=0.5), _claim(score=0.9)
    _claim(score=None, origin="manual")  # no score: outside any range
    assert set(_ids(_triage(editor_client, score_min="0.5"))) == {middle.pk, high.pk}
    assert set(_ids(_triage(editor_client, score_max="0.5"))) == {low.pk, middle.pk}
    assert _ids(_triage(editor_client, score_min="0.3", score_max="0.6")) == [middle.pk]


def test_triage_filters_on_a_claim_type(editor_client):
    quantity = _claim(types=["quantity", "comparison"])
    quote = _claim(types=["quote"])
    _claim(types=["reported_statement"])
    _claim(types=[])
    assert _ids(_triage(editor_client, claim_type="quantity")) == [quantity.pk]
    assert _ids(_triage(editor_client, claim_type="quote")) == [quote.pk]  # not "reported_statement", not "quantity"


def test_triage_filters_on_part_of_the_claimant(editor_client):
    minister = _claim(claimant="Le ministre de l'Économie")
    _claim(claimant="l'INSEE")
    assert _ids(_triage(editor_client, claimant="MINISTRE")) == [minister.pk]


def test_triage_filters_on_the_article_s_language(editor_client):
    french = _claim(ArticleFactory(body=" ".join(SENTENCES), language="fr"))
    english = _claim(ArticleFactory(body=" ".join(SENTENCES) + " 2", language="en"))
    assert _ids(_triage(editor_client, language="en")) == [english.pk]
    assert _ids(_triage(editor_client, language="fr")) == [french.pk]


def test_triage_filters_on_the_article_s_publication_date(editor_client):
    old = _claim(ArticleFactory(body=" ".join(SENTENCES), published_on=dt.date(2024, 3, 1)))
    recent = _claim(ArticleFactory(body=" ".join(SENTENCES) + " 2", published_on=dt.date(2026, 3, 1)))
    _claim(ArticleFactory(body=" ".join(SENTENCES) + " 3", published_on=None))
    params = {"date_on": "published"}
    assert _ids(_triage(editor_client, **params, date_from="2025-01-01")) == [recent.pk]
    assert _ids(_triage(editor_client, **params, date_to="2024-03-01")) == [old.pk]


def test_triage_filters_on_the_day_a_claim_was_found(editor_client):
    old, recent = _claim(), _claim()
    Claim.objects.filter(pk=old.pk).update(created_at=dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC))
    assert _ids(_triage(editor_client, date_from="2025-01-01")) == [recent.pk]  # "created" is the default
    assert _ids(_triage(editor_client, date_on="created", date_to="2024-03-01")) == [old.pk]


def test_filters_combine(editor_client):
    wanted = _claim(claimant="Le ministre", score=0.9, types=["quantity"])
    _claim(claimant="Le ministre", score=0.1, types=["quantity"])
    _claim(claimant="Le ministre", score=0.9, types=["quote"])
    assert _ids(_triage(editor_client, claimant="ministre", score_min="0.5", claim_type="quantity")) == [wanted.pk]


def test_triage_never_lists_claims_past_triage_whatever_the_filters(editor_client):
    detected = _claim()
    _claim(status=ClaimStatus.TO_CHECK)
    assert _ids(_triage(editor_client)) == [detected.pk]
    assert _ids(_triage(editor_client, status="to_check")) == [detected.pk]  # no status filter here


# Sorts


def test_triage_sorts_by_score_best_first_and_unscored_claims_first(editor_client):
    low, high = _claim(score=0.2), _claim(score=0.9)
    manual = _claim(score=None, origin="manual")  # added by a person: always worth a look
    assert _ids(_triage(editor_client)) == [manual.pk, high.pk, low.pk]
    assert _ids(_triage(editor_client, sort="score")) == [manual.pk, high.pk, low.pk]


def test_triage_sorts_by_newest(editor_client):
    first, second, third = _claim(), _claim(), _claim()
    for claim, day in ((first, 3), (second, 1), (third, 2)):
        Claim.objects.filter(pk=claim.pk).update(created_at=dt.datetime(2026, 1, day, tzinfo=dt.UTC))
    assert _ids(_triage(editor_client, sort="newest")) == [first.pk, third.pk, second.pk]


def test_triage_sorts_by_article_newest_first_then_in_reading_order(editor_client):
    older = ArticleFactory(body=" ".join(SENTENCES))
    newer = ArticleFactory(body=" ".join(SENTENCES) + " 2")
    claims = [_claim(older, 2, score=0.9), _claim(older, 0, score=0.1), _claim(newer, 1), _claim(newer, 0)]
    assert _ids(_triage(editor_client, sort="article")) == [claims[3].pk, claims[2].pk, claims[1].pk, claims[0].pk]


def test_the_form_s_sorts_are_the_selector_s():
    assert [key for key, _label in ClaimFilterForm.SORTS] == list(selectors.CLAIM_SORTS)
    assert ClaimFilterForm.SORTS[0][0] == selectors.DEFAULT_SORT


# Counts


def test_triage_says_how_many_claims_match_and_shows_the_chosen_number_per_page(editor_client):
    for _ in range(30):
        _claim(claimant="Le ministre")
    _claim(claimant="l'INSEE")
    response = _triage(editor_client, claimant="ministre", per_page="25")
    page = response.content.decode()
    assert len(_ids(response)) == 25
    assert "30 claims match." in page and "Showing 1–25." in page
    assert "claimant=ministre&amp;per_page=25&amp;page=2" in page  # the next page keeps the filters
    assert len(_ids(_triage(editor_client, claimant="ministre", per_page="25", page="2"))) == 5
    assert len(_ids(_triage(editor_client))) == 31  # 50 a page by default


def test_the_count_speaks_french(editor_client):
    _claim()
    page = editor_client.get(reverse("claims:triage"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "1 affirmation correspond." in page


# Bad values: ignored, the rest still apply, never a 500

BAD = [
    {"article": "abc"},
    {"article": str(10**30)},
    {"article": "-1"},
    {"article": "1\x00"},
    {"score_min": "2"},
    {"score_min": "nan"},
    {"score_max": "inf"},
    {"score_max": "1e999"},
    {"claim_type": "'; DROP TABLE claims_claim; --"},
    {"language": "xx"},
    {"date_from": "2024-13-45"},
    {"date_to": "\x00"},
    {"date_on": "deleted_at"},
    {"sort": "-id"},
    {"sort": "__class__"},
    {"per_page": "100000"},
    {"per_page": "0"},
    {"page": "-1"},
    {"page": "99999999999999999999999"},
    {"outlet": "x" * 5000},
    {"claimant": "\x00\x01\x1f"},
    {"status": ["a", "b"]},
]


@pytest.mark.parametrize("bad", BAD, ids=lambda bad: repr(bad)[:40])
@pytest.mark.parametrize("url_name", ["claims:triage", "claims:claim-list"])
def test_a_bad_filter_value_is_ignored_and_the_others_still_apply(editor_client, url_name, bad):
    wanted = _claim(claimant="Le ministre", score=0.9)
    _claim(claimant="l'INSEE", score=0.9)
    response = editor_client.get(reverse(url_name), {"claimant": "ministre", **bad})
    assert response.status_code == 200
    if "claimant" in bad:  # nothing left once stripped: no filter
        assert len(_ids(response)) == 2
    else:
        assert _ids(response) == [wanted.pk]


def test_nul_and_control_characters_are_stripped_from_the_claimant(editor_client):
    wanted = _claim(claimant="Le ministre")
    _claim(claimant="l'INSEE")
    response = _triage(editor_client, claimant="mini\x00st\x1bre\x7f")
    assert _ids(response) == [wanted.pk]
    assert "claimant=ministre" in response.content.decode()  # links carry the cleaned value


def test_an_ignored_value_says_why_and_links_leave_it_out(editor_client):
    claim = _claim(claimant="Le ministre")
    page = _triage(editor_client, score_min="2", claimant="ministre").content.decode()
    assert "Ensure this value is less than or equal to 1" in page
    assert f'href="/claims/{claim.pk}/?from=triage&amp;claimant=ministre"' in page


# Select all and bulk


def test_the_header_checkbox_and_the_bulk_bar_are_on_the_page(editor_client):
    _claim()
    page = _triage(editor_client).content.decode()
    assert re.search(r"<th><input type=\"checkbox\" data-select-all hidden aria-label=\"[^\"]+\"></th>", page)
    assert 'class="panel filters bulk-bar"' in page and "data-selected-count" in page


def test_bulk_keep_applies_to_the_selected_claims_and_returns_to_the_same_filtered_list(editor_client):
    chosen = [_claim(claimant="Le ministre") for _ in range(3)]
    untouched = _claim(claimant="Le ministre")
    listing = reverse("claims:triage") + "?claimant=ministre&sort=newest&per_page=25&page=1"
    response = editor_client.post(
        reverse("claims:triage-bulk"), {"action": "keep", "claims": [c.pk for c in chosen], "next": listing}
    )
    assert response.status_code == 302 and response.url == listing
    statuses = dict(Claim.objects.values_list("pk", "status"))
    assert [statuses[c.pk] for c in chosen] == [ClaimStatus.TO_CHECK] * 3
    assert statuses[untouched.pk] == ClaimStatus.DETECTED
    assert _ids(editor_client.get(listing)) == [untouched.pk]


def test_the_list_s_own_page_is_where_bulk_returns(editor_client):
    _claim(claimant="Le ministre")
    page = _triage(editor_client, claimant="ministre").content.decode()
    assert '<input type="hidden" name="next" value="/triage/?claimant=ministre">' in page


@pytest.mark.parametrize(
    "target", ["https://evil.example/triage/", "//evil.example/", "javascript:alert(1)", "/\\evil.example"]
)
def test_bulk_never_returns_to_another_site(editor_client, target):
    claim = _claim()
    for data in ({"action": "keep", "claims": [claim.pk]}, {"action": "keep"}):  # done, then refused
        response = editor_client.post(reverse("claims:triage-bulk"), {**data, "next": target})
        assert response.status_code == 302 and response.url == reverse("claims:triage")


def test_an_invalid_bulk_returns_to_the_filtered_list_with_a_message(editor_client):
    _claim()
    listing = reverse("claims:triage") + "?claimant=ministre"
    response = editor_client.post(reverse("claims:triage-bulk"), {"action": "keep", "next": listing}, follow=True)
    assert response.redirect_chain == [(listing, 302)]
    assert "Choose at least one claim and an action." in response.content.decode()


# Previous and next on the claim page


def _walk(client, claim, query: str):
    page = client.get(f"{claim.get_absolute_url()}?{query}").content.decode()
    found = {}
    for name in ("previous", "next"):
        match = re.search(rf'<a href="/claims/(\d+)/\?([^"]*)" rel="[a-z]+" data-walk="{name}"', page)
        found[name] = (int(match.group(1)), match.group(2).replace("&amp;", "&")) if match else None
    return page, found


@pytest.mark.parametrize("sort", ["score", "newest", "article"])
def test_next_and_previous_walk_the_whole_filtered_list_in_its_order(editor_client, sort):
    articles = [ArticleFactory(body=" ".join(SENTENCES) + f" {n}") for n in range(3)]
    scores = [0.5, 0.9, None, 0.5, 0.5, 0.1, 0.9, None, 0.3]  # ties and unscored claims
    for n, score in enumerate(scores):
        claim = _claim(articles[n % 3], n // 3, score=score, claimant="Le ministre", origin="manual")
        Claim.objects.filter(pk=claim.pk).update(created_at=dt.datetime(2026, 1, 1 + n % 4, tzinfo=dt.UTC))
    _claim(claimant="l'INSEE")  # filtered out
    _claim(articles[0], 0, claimant="Le ministre", status=ClaimStatus.TO_CHECK, origin="manual")  # past triage
    params = {"claimant": "ministre", **({"sort": sort} if sort != "score" else {})}
    query = urlencode(params)
    listed = _ids(_triage(editor_client, **params, per_page="200"))
    assert len(listed) == 9

    walked, current = [listed[0]], Claim.objects.get(pk=listed[0])
    _page, links = _walk(editor_client, current, f"from=triage&{query}")
    assert links["previous"] is None
    while links["next"]:
        pk, carried = links["next"]
        assert carried == f"from=triage&{query}"
        walked.append(pk)
        _page, links = _walk(editor_client, Claim.objects.get(pk=pk), carried)
    assert walked == listed

    back = [walked[-1]]
    _page, links = _walk(editor_client, Claim.objects.get(pk=walked[-1]), f"from=triage&{query}")
    while links["previous"]:
        back.append(links["previous"][0])
        _page, links = _walk(editor_client, Claim.objects.get(pk=back[-1]), f"from=triage&{query}")
    assert back == listed[::-1]


def test_a_claim_just_kept_still_leads_to_its_neighbours_in_triage(editor_client):
    high, middle, low = _claim(score=0.9), _claim(score=0.5), _claim(score=0.1)
    editor_client.post(reverse("claims:claim-transition", args=[middle.pk, "keep"]))
    _page, links = _walk(editor_client, middle, "from=triage")
    assert (links["previous"][0], links["next"][0]) == (high.pk, low.pk)


def test_the_claim_page_links_back_to_the_filtered_list_and_keeps_it_through_an_action(editor_client):
    claim, following = _claim(score=0.9, claimant="Le ministre"), _claim(score=0.5, claimant="Le ministre")
    page, _links = _walk(editor_client, claim, "from=triage&claimant=ministre")
    assert 'href="/triage/?claimant=ministre" data-walk="list"' in page
    assert f'<input type="hidden" name="next" value="/claims/{claim.pk}/?from=triage&amp;claimant=ministre">' in page
    response = editor_client.post(
        reverse("claims:claim-transition", args=[claim.pk, "keep"]),
        {"next": f"/claims/{claim.pk}/?from=triage&claimant=ministre"},
    )
    assert response.url == f"/claims/{claim.pk}/?from=triage&claimant=ministre"
    assert _walk(editor_client, claim, "from=triage&claimant=ministre")[1]["next"][0] == following.pk


def test_triage_rows_link_to_the_claim_page_with_the_list_s_query(editor_client):
    claim = _claim(claimant="Le ministre")
    page = _triage(editor_client, claimant="ministre", sort="newest").content.decode()
    assert f'href="/claims/{claim.pk}/?from=triage&amp;claimant=ministre&amp;sort=newest"' in page


def test_a_row_decided_with_htmx_keeps_the_list_s_query_in_its_link(editor_client):
    claim = _claim(claimant="Le ministre")
    response = editor_client.post(
        reverse("claims:claim-transition", args=[claim.pk, "keep"]),
        {"next": "/triage/?claimant=ministre&bogus=1&score_min=9"},
        HTTP_HX_REQUEST="true",
    )
    assert f'href="/claims/{claim.pk}/?from=triage&amp;claimant=ministre"' in response.content.decode()


def test_a_claim_opened_from_elsewhere_has_no_previous_or_next(editor_client):
    claim = _claim()
    _claim()
    for query in ("", "?from=nowhere", "?from=triage&sort=__class__&article=x"):
        page = editor_client.get(claim.get_absolute_url() + query).content.decode()
        assert ('data-walk="list"' in page) is (query.startswith("?from=triage"))


def test_a_checker_sent_a_triage_link_gets_the_claim_without_the_triage_walk(client, checker_user):
    claim = _claim()
    _claim(score=0.1)
    client.force_login(checker_user)
    response = client.get(claim.get_absolute_url() + "?from=triage")
    assert response.status_code == 200 and 'data-walk="' not in response.content.decode()
    assert client.get(reverse("claims:triage")).status_code == 403


def test_the_claims_list_walks_any_status_for_every_desk_member(client, checker_user):
    first = _claim(status=ClaimStatus.TO_CHECK, score=0.9)
    second = _claim(status=ClaimStatus.TO_CHECK, score=0.4)
    _claim(status=ClaimStatus.DETECTED, score=0.5)
    client.force_login(checker_user)
    response = client.get(reverse("claims:claim-list"), {"status": "to_check"})
    assert _ids(response) == [first.pk, second.pk]
    assert f'href="/claims/{first.pk}/?from=claims&amp;status=to_check"' in response.content.decode()
    assert _walk(client, first, "from=claims&status=to_check")[1]["next"] == (second.pk, "from=claims&status=to_check")


# The dashboard's chart opens the matching list


def test_each_bar_of_the_chart_opens_the_claims_in_its_status(client, editor_user, checker_user):
    to_check = _claim(status=ClaimStatus.TO_CHECK)
    _claim(status=ClaimStatus.DETECTED)
    client.force_login(checker_user)
    page = client.get(reverse("claims:dashboard")).content.decode()
    for status in ClaimStatus:
        assert f'<a href="/claims/?status={status.value}" data-status="{status.value}"' in page
    assert _ids(client.get(reverse("claims:claim-list"), {"status": "to_check"})) == [to_check.pk]

    client.force_login(editor_user)  # who triages: the detected bar opens triage, where they are decided
    page = client.get(reverse("claims:dashboard")).content.decode()
    assert '<a href="/triage/" data-status="detected"' in page
    assert '<a href="/claims/?status=to_check" data-status="to_check"' in page


# Speed on a big desk


def _count_queries(client, url, django_assert_max_num_queries) -> int:
    from django.core.cache import cache

    cache.clear()  # count the outlets suggested too, not a cached copy
    with django_assert_max_num_queries(25) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


ALL_FILTERS = (
    "?outlet=le+monde&score_min=0.1&score_max=1&claim_type=quantity&claimant=ministre&language=fr"
    "&date_on=published&date_from=2020-01-01&date_to=2030-01-01"
)


@pytest.mark.parametrize("url_name", ["claims:triage", "claims:claim-list"])
@pytest.mark.parametrize("sort", ["score", "newest", "article"])
def test_a_filtered_list_uses_a_constant_number_of_queries(
    editor_client, url_name, sort, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            body = " ".join(SENTENCES) + f" Édition {next(_EDITIONS)}."
            article = ArticleFactory(body=body, outlet="Le Monde", published_on=dt.date(2026, 1, 1))
            _claim(article, score=0.5, types=["quantity"], claimant="Le ministre")

    url = reverse(url_name) + ALL_FILTERS + f"&sort={sort}"
    add(2)
    few = _count_queries(editor_client, url, django_assert_max_num_queries)
    add(20)
    assert _count_queries(editor_client, url, django_assert_max_num_queries) == few
    assert len(_ids(editor_client.get(url))) == 22


def test_previous_and_next_cost_two_queries_whatever_the_list_s_length(editor_client, django_assert_max_num_queries):
    claims = [_claim(score=0.5) for _ in range(3)]
    url = claims[1].get_absolute_url()
    alone = _count_queries(editor_client, url, django_assert_max_num_queries)
    walking = _count_queries(editor_client, url + "?from=triage", django_assert_max_num_queries)
    for _ in range(20):
        _claim(score=0.5)
    assert _count_queries(editor_client, url + "?from=triage", django_assert_max_num_queries) == walking == alone + 2


def _plan(sql: str, params=(), off=("seqscan", "bitmapscan", "sort")) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        # A test database is tiny: make the planner show what it can do on a big desk's indexes.
        cursor.execute("; ".join(f"SET LOCAL enable_{name} = off" for name in off))
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_on_postgresql_triage_and_previous_next_read_the_triage_index_in_its_order():
    require_postgresql()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    claims = [_claim(score=score) for score in (0.9, 0.5, 0.5, 0.1)]
    page = _plan(*selectors.claim_list_for_triage().prefetch_related(None)[:50].query.sql_with_params())
    assert "Index Scan using claim_triage_order" in page
    assert not re.search(r"(^|->  )Sort ", page, re.MULTILINE)  # read in order, not sorted (incremental is fine)
    with CaptureQueriesContext(connection) as walk:
        assert selectors.claim_neighbours(claim=claims[1], claims=selectors.claim_list_for_triage()) == (
            claims[0].pk,
            claims[2].pk,
        )
    for query in walk.captured_queries:
        plan = _plan(query["sql"])
        assert re.search(r"Index Scan (Backward )?using claim_triage_order", plan), plan
        assert re.search(r"Index Cond: .*score [<>]=", plan), plan  # starts at the claim, not at the top


def test_on_postgresql_the_outlet_and_claimant_filters_have_their_indexes():
    require_postgresql()
    from claims.models import Article

    _claim(claimant="Le ministre")
    claims = Claim.objects.filter(claimant__icontains="ministre").order_by().values("id")
    assert "claim_claimant_trgm" in _plan(*claims.query.sql_with_params(), off=["seqscan"])  # GIN: bitmap scans
    articles = Article.objects.filter(outlet__iexact="le monde").order_by().values("id")
    assert "article_outlet_upper" in _plan(*articles.query.sql_with_params())


def test_an_unknown_claim_filter_is_an_error_not_a_filter_silently_ignored():
    with pytest.raises(TypeError, match="bogus"):
        Claim.objects.filtered(bogus=1)
    assert list(Claim.objects.filtered(status="", article=None, claim_type="")) == []  # empty values do not filter
