"""Writes for saved searches: a list's filters under a name, for oneself or (editors) the whole desk."""

import re

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from claims import workflow
from claims.models import SavedSearch
from claims.models.tags import SAVED_NAME_MAX, SAVED_QUERY_MAX
from claims.saved_lists import LISTS, BadFilters, normalised_query

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class SavedSearchError(workflow.WorkflowError):
    """A saved search the desk cannot take; the message says why."""


def _name(name: str) -> str:
    name = " ".join(_CONTROL.sub(" ", name or "").split())
    if not name:
        raise SavedSearchError(_("Give the saved search a name."))
    if len(name) > SAVED_NAME_MAX:
        raise SavedSearchError(_("A saved search's name has at most %(n)s characters.") % {"n": SAVED_NAME_MAX})
    return name


def _check_free(name: str, *, owner, desk_wide: bool, exclude: int | None = None) -> None:
    same = SavedSearch.objects.annotate(lower=Lower("name")).filter(lower=name.lower(), desk_wide=desk_wide)
    if not desk_wide:
        same = same.filter(owner=owner)
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise SavedSearchError(_("There is already a saved search named “%(name)s”.") % {"name": name})


def saved_search_create(*, owner, name: str, list_name: str, query: str, desk_wide: bool = False) -> SavedSearch:
    """Save `query` (a list's query string, normalised by its filter form) under `name`."""
    if not workflow.is_desk_member(owner):
        raise workflow.NotAllowed(_("You have no role on this desk."))
    if desk_wide and not workflow.can_save_desk_searches(owner):
        raise workflow.NotAllowed(_("Only editors can save a search for the whole desk."))
    kind = LISTS.get(list_name)
    if kind is None or not kind.may_open(owner):
        raise SavedSearchError(_("This list cannot be saved."))
    if len(query or "") > SAVED_QUERY_MAX:
        raise SavedSearchError(_("These filters are too long to save."))
    try:
        query = normalised_query(list_name, query or "")
    except BadFilters as error:
        raise SavedSearchError(_("These filters cannot be saved: %(errors)s") % {"errors": error}) from error
    name = _name(name)
    _check_free(name, owner=owner, desk_wide=desk_wide)
    try:
        with transaction.atomic():
            return SavedSearch.objects.create(
                name=name, owner=owner, desk_wide=desk_wide, list_name=list_name, query=query
            )
    except IntegrityError as error:
        raise SavedSearchError(_("There is already a saved search named “%(name)s”.") % {"name": name}) from error


def saved_search_rename(*, saved: SavedSearch, actor, name: str) -> SavedSearch:
    workflow.check_can_change_saved_search(saved=saved, user=actor)
    name = _name(name)
    _check_free(name, owner=saved.owner, desk_wide=saved.desk_wide, exclude=saved.pk)
    saved.name = name
    try:
        with transaction.atomic():
            saved.save(update_fields=["name", "updated_at"])
    except IntegrityError as error:
        raise SavedSearchError(_("There is already a saved search named “%(name)s”.") % {"name": name}) from error
    return saved


def saved_search_delete(*, saved: SavedSearch, actor) -> None:
    workflow.check_can_change_saved_search(saved=saved, user=actor)
    saved.delete()
