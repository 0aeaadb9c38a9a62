import json

import pytest

from claims.exporters.claimreview_reader import ClaimReviewError, rating_for, read


def review(**overrides) -> dict:
    item = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://factuel.afp.com/a",
        "claimReviewed": "Le vaccin contient une puce 5G.",
        "datePublished": "2024-03-02",
        "inLanguage": "fr",
        "author": {"@type": "Organization", "name": "AFP Factuel"},
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "Faux",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
        },
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Un internaute"}},
    }
    return item | overrides


def test_one_claim_review_is_read_with_its_rating_mapped_onto_our_scale():
    checks, problems = read(json.dumps(review()).encode())
    assert problems == []
    [check] = checks
    assert (check.claim_reviewed, check.url, check.publisher, check.claimant) == (
        "Le vaccin contient une puce 5G.",
        "https://factuel.afp.com/a",
        "AFP Factuel",
        "Un internaute",
    )
    assert (check.rating, check.rating_text, str(check.date_published), check.language) == (
        "false",
        "Faux",
        "2024-03-02",
        "fr",
    )


@pytest.mark.parametrize(
    "wrap",
    [
        lambda items: json.dumps(items),
        lambda items: json.dumps({"@context": "https://schema.org", "@graph": items}),
        lambda items: "\n".join(json.dumps(i) for i in items),
    ],
    ids=["list", "graph", "json-lines"],
)
def test_lists_graphs_and_json_lines_are_read(wrap):
    items = [review(), review(url="https://factuel.afp.com/b", claimReviewed="Autre affirmation.")]
    checks, _problems = read(wrap(items).encode())
    assert [c.url for c in checks] == ["https://factuel.afp.com/a", "https://factuel.afp.com/b"]


def test_the_google_fact_check_tools_export_is_read():
    data = {
        "claims": [
            {
                "text": "Biden a annulé la fête de Pâques.",
                "claimant": "Un blog",
                "claimReview": [
                    {
                        "publisher": {"name": "Les Décodeurs"},
                        "url": "https://www.lemonde.fr/x",
                        "title": "Non, Pâques n'est pas annulé",
                        "textualRating": "Plutôt faux",
                        "languageCode": "fr",
                        "reviewDate": "2024-04-01T10:00:00Z",
                    }
                ],
            }
        ]
    }
    [check] = read(json.dumps(data).encode())[0]
    assert (check.publisher, check.rating, check.claimant, str(check.date_published)) == (
        "Les Décodeurs",
        "mostly_false",
        "Un blog",
        "2024-04-01",
    )


@pytest.mark.parametrize(
    ("name", "value", "best", "worst", "expected"),
    [
        ("Pants on Fire!", None, None, None, "false"),
        ("Plutôt vrai", None, None, None, "mostly_true"),
        ("Missing context", None, None, None, "misleading"),
        ("Invérifiable", None, None, None, "unverifiable"),
        ("", 2, 5, 1, "mostly_false"),
        ("", 5, 5, 1, "true"),
        ("", 0, 10, 0, "false"),
        ("Satire", None, None, None, ""),
        ("", 7, 5, 1, ""),
    ],
)
def test_ratings_map_by_name_first_then_by_value_on_their_scale(name, value, best, worst, expected):
    assert rating_for(name, value, best, worst) == expected


def test_reviews_without_a_claim_or_an_http_url_are_reported_and_skipped():
    items = [
        review(),
        review(claimReviewed=""),
        review(url="javascript:alert(1)"),
        review(url="http://"),
        review(url="https://factuel.afp.com/" + "a" * 1000),
    ]
    checks, problems = read(json.dumps(items).encode())
    assert len(checks) == 1
    assert problems == [
        "review 2: no claimReviewed",
        "review 3: Only http and https addresses are accepted, not “javascript:alert(1)”.",
        "review 4: “http://” is not a valid web address.",
        "review 5: The URL is 1,024 characters long; the limit is 1,000. Give the page's shorter address.",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00binary", "not UTF-8"),
        (b"{not json", "not JSON"),
        (b'{"@type": "NewsArticle"}', "no ClaimReview"),
        (b"[]", "no ClaimReview"),
        (b'{"a": 1}\n{oops', "neither JSON nor JSON Lines"),
    ],
)
def test_a_file_that_cannot_be_read_raises_a_clear_error(data, message):
    with pytest.raises(ClaimReviewError, match=message):
        read(data)


WRONG = [None, True, 7, 1e308, "x", "", [], [1, "x"], {}, {"name": 5}, [{"name": None}], [[{}]]]
FIELDS = ["url", "claimReviewed", "datePublished", "inLanguage", "author", "reviewRating", "itemReviewed", "headline"]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("value", WRONG, ids=repr)
def test_a_field_of_any_type_is_read_or_the_review_skipped_never_an_exception(field, value):
    checks, problems = read(json.dumps([review(**{field: value}), review(url="https://x.org/2")]).encode())
    assert len(checks) + len(problems) == 2 and checks[-1].url == "https://x.org/2"
    for check in checks:
        assert all(isinstance(getattr(check, f), str) for f in ("claim_reviewed", "url", "publisher", "rating"))


@pytest.mark.parametrize("value", WRONG, ids=repr)
@pytest.mark.parametrize("where", ["claims", "claim", "claimReview", "review", "rating", "publisher", "text"])
def test_a_google_export_with_wrong_types_anywhere_is_read_or_its_items_skipped(where, value):
    review_ = {"publisher": {"name": "AFP"}, "url": "https://x.org/a", "textualRating": "Faux"}
    claim = {"text": "Une affirmation.", "claimReview": [review_]}
    if where in ("rating", "publisher"):
        review_["textualRating" if where == "rating" else "publisher"] = value
    elif where == "text":
        claim["text"] = value
    elif where == "claimReview":
        claim["claimReview"] = value
    document = {"claims": value if where == "claims" else [value if where == "claim" else claim]}
    if where == "review":
        claim["claimReview"] = [value]
        document = {"claims": [claim]}
    try:
        checks, problems = read(json.dumps(document).encode())
    except ClaimReviewError:
        return  # nothing readable at all: refused whole, with a message
    assert all(p.startswith("review ") for p in problems)


@pytest.mark.parametrize(
    ("value", "best", "worst"), [("inf", 5, 1), (1, "inf", 1), (3, 5, "-inf"), ("nan", 5, 1), ("1e999", 5, 1)]
)
def test_ratings_outside_any_finite_scale_are_not_understood(value, best, worst):
    assert rating_for("", value, best, worst) == ""


def test_json_lines_are_split_at_newlines_only_so_a_line_separator_inside_a_string_is_text():
    first = json.dumps(review(claimReviewed="Première\u2028affirmation."), ensure_ascii=False)
    data = "\r\n".join([first, json.dumps(review(url="https://factuel.afp.com/b"))]).encode()
    checks, problems = read(data)
    assert problems == [] and [c.claim_reviewed for c in checks] == ["Première affirmation.", review()["claimReviewed"]]


def test_control_characters_and_lone_surrogates_in_published_text_become_spaces():
    [check] = read(json.dumps(review(claimReviewed="Le vaccin\x00 contient\ud800 une puce.")).encode())[0]
    assert check.claim_reviewed == "Le vaccin contient une puce."


def test_a_file_nested_deeper_than_the_desk_reads_is_refused_whole():
    with pytest.raises(ClaimReviewError, match="nested more than 64 levels"):
        read(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(ClaimReviewError, match="nested more than 64 levels"):
        read(("[" * 70 + json.dumps(review()) + "]" * 70).encode())
