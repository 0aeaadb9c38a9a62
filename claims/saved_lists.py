"""The lists whose filters a person can save, and what a saved search shows in the navigation.

Each list is declared once here: its page, its filter form (which validates and normalises a query
string: unknown keys dropped, a bad value refused), who may open it, and how its claims (or articles) are
counted. A saved search whose list or filters no longer exist (a list removed, a tag deleted, a filter
renamed) is shown as broken, never followed into an error.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse

from claims import forms, selectors, workflow
from claims.models import Claim, ClaimStatus, SavedList, SavedSearch

COUNT_CACHE_PREFIX = "claims:saved-count:"
NAV_LIMIT = 20  # saved searches in the navigation; the page lists them all


@dataclass(frozen=True)
class SavableList:
    url_name: str
    form: Callable[[QueryDict], object]  # a bound filter form
    count: Callable[[object], int]  # of the valid form's filters
    may_open: Callable = workflow.is_desk_member


def _claims_form(data):
    return forms.ClaimFilterForm(data)


def _triage_form(data):
    return forms.ClaimFilterForm(data, with_status=False)


def _articles_form(data):
    return forms.ArticleFilterForm(data, outlets=selectors.outlet_suggestions())


LISTS: dict[str, SavableList] = {
    SavedList.CLAIMS: SavableList(
        "claims:claim-list", _claims_form, lambda f: Claim.objects.filtered(**f.filters()).count()
    ),
    SavedList.TRIAGE: SavableList(
        "claims:triage",
        _triage_form,
        lambda f: Claim.objects.filtered(**f.filters(), status=ClaimStatus.DETECTED).count(),
        may_open=workflow.is_editor,
    ),
    SavedList.ARTICLES: SavableList(
        "claims:article-list", _articles_form, lambda f: selectors.article_filtered(**f.filters()).count()
    ),
}


class BadFilters(ValueError):
    """The filters cannot be saved (or no longer apply): the message says which."""


def normalised_query(list_name: str, query: str) -> str:
    """The list's query string as its filter form writes it: only its own fields, valid, in its order.

    Anything else in `query` (next=, a javascript: URL, another list's field, a page number) is dropped;
    a value the form refuses raises BadFilters.
    """
    kind = LISTS.get(list_name)
    if kind is None:
        raise BadFilters(list_name)
    form = kind.form(QueryDict(query))
    if not form.is_valid():
        raise BadFilters("; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()))
    return form.querystring()


@dataclass(frozen=True)
class SavedEntry:
    saved: SavedSearch
    url: str
    count: int | None  # None when broken

    @property
    def broken(self) -> bool:
        return self.count is None


def saved_search_entry(saved: SavedSearch) -> SavedEntry:
    """The saved search's link and count, or broken (count None, link to its list page, or none)."""
    kind = LISTS.get(saved.list_name)
    if kind is None:
        return SavedEntry(saved, "", None)
    base = reverse(kind.url_name)
    form = kind.form(QueryDict(saved.query))
    if not form.is_valid() or form.querystring() != saved.query:
        return SavedEntry(saved, base, None)
    key = COUNT_CACHE_PREFIX + hashlib.sha256(f"{saved.list_name}?{saved.query}".encode()).hexdigest()
    count = cache.get_or_set(key, lambda: kind.count(form), settings.FACTCHECK_DASHBOARD_CACHE_SECONDS)
    return SavedEntry(saved, f"{base}?{saved.query}" if saved.query else base, count)


def saved_searches_for(*, user):
    """A person's own saved searches and the desk's, of lists they may open, by name: one query."""
    searches = SavedSearch.objects.filter(Q(owner=user) | Q(desk_wide=True)).select_related("owner")
    return [s for s in searches if s.list_name not in LISTS or LISTS[s.list_name].may_open(user)]


def saved_search_entries(*, user) -> list[SavedEntry]:
    """The navigation's saved searches: the query above (the first NAV_LIMIT), counts from the cache."""
    return [saved_search_entry(saved) for saved in saved_searches_for(user=user)[:NAV_LIMIT]]
