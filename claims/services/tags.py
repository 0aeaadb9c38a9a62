"""Writes for the desk's tags: create, rename, delete, and put on (or take off) claims and articles.

Every entry point (the claim and article pages, the bulk forms, the tag page) comes through here, and
each function asks the workflow (`can_tag`) first. A claim's tags are part of its history: each change is a
ClaimEvent, recorded in bulk for bulk changes.
"""

import re

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from claims import workflow
from claims.models import Article, ArticleTag, Claim, ClaimEvent, ClaimTag, Tag, TagColour
from claims.models.history import EventKind
from claims.models.tags import TAG_NAME_MAX

TAGS_CACHE_KEY = "claims:tags"  # selectors.tag_choices: its generation, replaced when a tag changes (signals.py)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class TagError(workflow.WorkflowError):
    """A tag name or colour the desk cannot take; the message says why."""


def tag_name_clean(name: str) -> str:
    """The name as stored: control characters dropped, spaces collapsed; refused if empty or too long."""
    name = " ".join(_CONTROL.sub(" ", name or "").split())
    if not name:
        raise TagError(_("Give the tag a name."))
    if len(name) > TAG_NAME_MAX:
        raise TagError(_("A tag's name has at most %(n)s characters.") % {"n": TAG_NAME_MAX})
    return name


def _check(actor) -> None:
    if not workflow.can_tag(actor):
        raise workflow.NotAllowed(_("Only editors can create, change or apply tags."))


def _check_unique(name: str, exclude: int | None = None) -> None:
    same = Tag.objects.annotate(lower=Lower("name")).filter(lower=name.lower())
    if exclude is not None:
        same = same.exclude(pk=exclude)
    if same.exists():
        raise TagError(_("There is already a tag named “%(name)s”.") % {"name": name})


def _slug_for(name: str) -> str:
    base = slugify(name)[:50].strip("-") or "tag"
    taken = set(Tag.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _colour(colour: str) -> str:
    if colour not in TagColour.values:
        raise TagError(_("Choose one of the palette's colours."))
    return colour


def tag_create(*, name: str, actor, colour: str = TagColour.GREY) -> Tag:
    _check(actor)
    name, colour = tag_name_clean(name), _colour(colour or TagColour.GREY)
    _check_unique(name)
    try:
        with transaction.atomic():
            tag = Tag.objects.create(name=name, slug=_slug_for(name), colour=colour, created_by=actor)
    except IntegrityError as error:  # the same name written meanwhile: the database's constraint says no
        raise TagError(_("There is already a tag named “%(name)s”.") % {"name": name}) from error
    return tag


def tag_update(*, tag: Tag, name: str, actor, colour: str | None = None) -> Tag:
    """Rename (and recolour) a tag; its slug stays, so filters and saved searches keep working."""
    _check(actor)
    name = tag_name_clean(name)
    _check_unique(name, exclude=tag.pk)
    tag.name = name
    if colour is not None:
        tag.colour = _colour(colour)
    try:
        with transaction.atomic():
            tag.save(update_fields=["name", "colour", "updated_at"])
    except IntegrityError as error:
        raise TagError(_("There is already a tag named “%(name)s”.") % {"name": name}) from error
    return tag


def tag_delete(*, tag: Tag, actor) -> None:
    """The tag leaves every claim and article; the claims' history keeps the record that they had it."""
    _check(actor)
    tag.delete()


def claims_tag(*, claims, tag: Tag, actor) -> int:
    """Put `tag` on every claim of `claims` that lacks it; the number newly tagged."""
    _check(actor)
    ids = {claim.pk for claim in claims}
    with transaction.atomic():
        new = sorted(ids - set(ClaimTag.objects.filter(tag=tag, claim_id__in=ids).values_list("claim_id", flat=True)))
        ClaimTag.objects.bulk_create([ClaimTag(claim_id=pk, tag=tag, added_by=actor) for pk in new])
        _record(new, actor, {"added": [tag.name]})
    return len(new)


def claims_untag(*, claims, tag: Tag, actor) -> int:
    """Take `tag` off every claim of `claims` that has it; the number untagged."""
    _check(actor)
    ids = {claim.pk for claim in claims}
    with transaction.atomic():
        links = ClaimTag.objects.filter(tag=tag, claim_id__in=ids)
        gone = sorted(links.values_list("claim_id", flat=True))
        links.delete()
        _record(gone, actor, {"removed": [tag.name]})
    return len(gone)


def _record(claim_ids: list[int], actor, changes: dict) -> None:
    """One history event per claim changed, written in one statement; the claims' updated_at moves with it."""
    if not claim_ids:
        return
    now = timezone.now()
    ClaimEvent.objects.bulk_create(
        [ClaimEvent(claim_id=pk, actor=actor, kind=EventKind.TAGS, changes=changes) for pk in claim_ids]
    )
    Claim.objects.filter(pk__in=claim_ids).update(updated_at=now)


def article_tag(*, article: Article, tag: Tag, actor) -> bool:
    _check(actor)
    _link, created = ArticleTag.objects.get_or_create(article=article, tag=tag, defaults={"added_by": actor})
    return created


def article_untag(*, article: Article, tag: Tag, actor) -> bool:
    _check(actor)
    deleted, _rows = ArticleTag.objects.filter(article=article, tag=tag).delete()
    return bool(deleted)
