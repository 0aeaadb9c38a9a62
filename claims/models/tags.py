"""Desk-wide tags on articles and claims, and the lists people save (saved searches)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from claims.models.base import TimeStampedModel

TAG_NAME_MAX = 50


class TagColour(models.TextChoices):
    """A fixed palette: each colour has a style in app.css with a readable contrast."""

    GREY = "grey", _("Grey")
    RED = "red", _("Red")
    ORANGE = "orange", _("Orange")
    GREEN = "green", _("Green")
    BLUE = "blue", _("Blue")
    PURPLE = "purple", _("Purple")


class Tag(TimeStampedModel):
    name = models.CharField(_("name"), max_length=TAG_NAME_MAX)
    # The tag's address in filters, links and saved searches: set once, kept when the tag is renamed, so
    # a saved search or a bookmark keeps working.
    slug = models.SlugField(_("slug"), max_length=60, unique=True, allow_unicode=False)
    colour = models.CharField(_("colour"), max_length=10, choices=TagColour, default=TagColour.GREY)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claims = models.ManyToManyField("claims.Claim", through="claims.ClaimTag", related_name="tags", blank=True)
    articles = models.ManyToManyField("claims.Article", through="claims.ArticleTag", related_name="tags", blank=True)

    class Meta:
        ordering = [Lower("name"), "id"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            # "Budget" and "budget" are one tag: the database refuses the second, whoever writes it.
            models.UniqueConstraint(Lower("name"), name="tag_name_unique_ignoring_case"),
            models.CheckConstraint(condition=~models.Q(name=""), name="tag_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name


class _TagLink(models.Model):
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class ClaimTag(_TagLink):
    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="tag_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["claim", "tag"], name="claim_tag_unique")]
        indexes = [models.Index(fields=["tag", "claim"], name="claim_tag_by_tag")]

    def __str__(self) -> str:
        return f"{self.tag_id} on claim {self.claim_id}"


class ArticleTag(_TagLink):
    article = models.ForeignKey("claims.Article", on_delete=models.CASCADE, related_name="tag_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "tag"], name="article_tag_unique")]
        indexes = [models.Index(fields=["tag", "article"], name="article_tag_by_tag")]

    def __str__(self) -> str:
        return f"{self.tag_id} on article {self.article_id}"


class SavedList(models.TextChoices):
    """The lists whose filters can be saved (each has a filter form: see claims/saved_searches.py)."""

    CLAIMS = "claims", _("Claims")
    TRIAGE = "triage", _("Triage")
    ARTICLES = "articles", _("Articles")


SAVED_NAME_MAX = 80
SAVED_QUERY_MAX = 2000


class SavedSearch(TimeStampedModel):
    """A list's filters (its normalised query string) under a name, for its owner or the whole desk."""

    name = models.CharField(_("name"), max_length=SAVED_NAME_MAX)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="saved_searches"
    )
    desk_wide = models.BooleanField(_("for the whole desk"), default=False)
    # Not a choices field on purpose: a list that no longer exists leaves a row shown as broken.
    list_name = models.CharField(_("list"), max_length=20)
    query = models.CharField(_("filters"), max_length=SAVED_QUERY_MAX, blank=True)

    class Meta:
        ordering = [Lower("name"), "id"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        constraints = [
            models.UniqueConstraint(
                "owner", Lower("name"), condition=models.Q(desk_wide=False), name="saved_search_own_name_unique"
            ),
            models.UniqueConstraint(
                Lower("name"), condition=models.Q(desk_wide=True), name="saved_search_desk_name_unique"
            ),
            models.CheckConstraint(condition=~models.Q(name=""), name="saved_search_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name
