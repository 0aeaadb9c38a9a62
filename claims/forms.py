import re
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from claims.models import (
    ClaimStatus,
    ClaimType,
    DateOn,
    EvidenceStance,
    ExportFormat,
    ExtractionStatus,
    Feed,
    Rating,
    ReviewDecision,
    SavedList,
    TagColour,
    UserPreferences,
    WebhookEndpoint,
)
from claims.models.tags import SAVED_NAME_MAX, SAVED_QUERY_MAX, TAG_NAME_MAX
from claims.models.webhooks import SUBSCRIBABLE_EVENTS
from claims.people import display_name
from claims.services.ingestion import ARTICLE_SUFFIXES, BULK_SUFFIXES, max_bytes, max_text_bytes
from claims.services.webhooks import webhook_url_allowed
from claims.validators import query_text, url_problem, validate_http_url
from claims.workflow import CHECKER_GROUP


class IsoDateInput(forms.DateInput):
    """A browser date picker: its value must be ISO (2026-12-02), whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class QueryTextField(forms.CharField):
    """Search words from a query string, made safe for any database (claims.validators.query_text)."""

    def to_python(self, value):
        return query_text(super().to_python(value))


class HttpUrlField(forms.URLField):
    """A link the desk stores and shows: http(s) only, within the URL columns (claims.validators)."""

    default_validators = [validate_http_url]

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class ArticleSubmitForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500, required=False)
    outlet = forms.CharField(label=_("Outlet"), max_length=200, required=False)
    url = HttpUrlField(
        label=_("URL"),
        required=False,
        help_text=_("Given alone, without text or file, the page at this address is fetched and its article read."),
    )
    author = forms.CharField(label=_("Author"), max_length=300, required=False)
    published = forms.CharField(label=_("Publication date"), required=False, help_text=_("YYYY-MM-DD, YYYY-MM or YYYY"))
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Detect automatically")), ("fr", _("French")), ("en", _("English"))],
    )
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}), required=False)
    file = forms.FileField(
        label=_("Or upload a file"),
        required=False,
        help_text=_(
            "%(types)s, at most %(size)s bytes, whose text is at most %(text)s bytes; "
            "or many articles at once in .jsonl or .csv"
        )
        % {"types": ", ".join(sorted(ARTICLE_SUFFIXES)), "size": f"{max_bytes():,}", "text": f"{max_text_bytes():,}"},
    )

    def clean(self):
        data = super().clean()
        given = data.get("body", "").strip() or data.get("file") or data.get("url") or "url" in self.errors
        if not given:
            raise forms.ValidationError(_("Paste the article's text, choose a file, or give its URL to fetch it."))
        upload = data.get("file")
        limit = max_bytes() * (50 if upload is not None and upload.name.lower().endswith(BULK_SUFFIXES) else 1)
        if upload is not None and upload.size > limit:
            # Checked on the declared size before anything is read.
            self.add_error("file", _("The file is larger than %(size)s bytes.") % {"size": f"{limit:,}"})
        return data


ALL = _("All")


class TagChoiceField(forms.ChoiceField):
    """A tag by its slug, among the desk's tags (read from the cache: no query per list page)."""

    def __init__(self, *, empty_label=ALL, **kwargs):
        kwargs.setdefault("label", _("Tag"))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.empty_label = empty_label

    def refresh(self) -> None:
        from claims.selectors import tag_choices

        self.choices = [("", self.empty_label), *tag_choices()]


def with_tag_choices(form: forms.Form) -> forms.Form:
    for field in form.fields.values():
        if isinstance(field, TagChoiceField):
            field.refresh()
    return form


class TagFilterForm(forms.Form):
    """The tag filter alone, for lists with no other filters (my queue, search)."""

    tag = TagChoiceField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with_tag_choices(self)

    def slug(self) -> str:
        return self.cleaned_data.get("tag", "") if self.is_bound and self.is_valid() else ""


class FeedForm(forms.ModelForm):
    url = HttpUrlField(label=_("Feed address (RSS or Atom)"), max_length=500)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Detect for each article")), ("fr", _("French")), ("en", _("English"))],
    )

    class Meta:
        model = Feed
        fields = ["url", "outlet", "language", "interval_minutes", "is_active"]
        labels = {"outlet": _("Outlet"), "interval_minutes": _("Poll every (minutes)"), "is_active": _("Active")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        low = settings.FACTCHECK_FEED_MIN_INTERVAL_MINUTES
        self.fields["interval_minutes"].min_value = low
        self.fields["interval_minutes"].max_value = 7 * 24 * 60
        self.fields["interval_minutes"].validators += [
            MinValueValidator(low),
            MaxValueValidator(7 * 24 * 60),
        ]
        self.fields["interval_minutes"].widget.attrs.update(min=low, max=7 * 24 * 60)


class ArticleFilterForm(forms.Form):
    q = QueryTextField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Extraction"), required=False)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All")), ("fr", _("French")), ("en", _("English"))]
    )
    outlet = forms.ChoiceField(label=_("Outlet"), required=False)
    date_from = forms.DateField(label=_("Published from"), required=False, widget=IsoDateInput())
    date_to = forms.DateField(label=_("to"), required=False, widget=IsoDateInput())
    tag = TagChoiceField()

    def __init__(self, *args, outlets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All")), *ExtractionStatus.choices]
        self.fields["outlet"].choices = [("", _("All")), *((o, o) for o in outlets)]
        with_tag_choices(self)

    def filters(self) -> dict:
        """The valid, non-empty filters, as `selectors.article_filtered` takes them."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        found = {("query" if k == "q" else k): v for k, v in data.items() if v not in (None, "")}
        return found

    def querystring(self) -> str:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return urlencode({k: v for k, v in data.items() if v not in (None, "")})


# NUL and the other control characters: nothing a person types in a filter, and PostgreSQL refuses NUL.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class FilterTextField(forms.CharField):
    """Text for a filter from a query string: control characters are dropped, not refused."""

    def to_python(self, value):
        return super().to_python(_CONTROL.sub("", value) if isinstance(value, str) else value)


class ClaimFilterForm(forms.Form):
    """The claims and triage lists' filters (GET). A bad value is dropped with its message; the rest apply.

    `filters()` feeds `Claim.objects.filtered`; `querystring()` carries the list to the claim page and back.
    """

    SORTS = [("score", _("Check-worthiness")), ("newest", _("Newest")), ("article", _("Article, in reading order"))]
    PER_PAGE = [(25, "25"), (50, "50"), (100, "100"), (200, "200")]
    DEFAULT_PER_PAGE = 50

    status = forms.ChoiceField(label=_("Status"), required=False)
    article = forms.IntegerField(label=_("Article number"), required=False, min_value=1, max_value=10**18 - 1)
    # Typed, with the desk's outlets offered as suggestions (a <datalist>): no list to validate against.
    outlet = FilterTextField(
        label=_("Outlet"), required=False, max_length=200, widget=forms.TextInput(attrs={"list": "outlet-choices"})
    )
    score_min = forms.FloatField(label=_("Score from"), required=False, min_value=0, max_value=1)
    score_max = forms.FloatField(label=_("up to"), required=False, min_value=0, max_value=1)
    claim_type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All")), *ClaimType.choices])
    claimant = FilterTextField(label=_("Claimant"), required=False, max_length=300)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All")), ("fr", _("French")), ("en", _("English"))]
    )
    date_on = forms.ChoiceField(label=_("Dates apply to"), required=False, choices=DateOn.choices)
    date_from = forms.DateField(label=_("from"), required=False, widget=IsoDateInput())
    date_to = forms.DateField(label=_("to"), required=False, widget=IsoDateInput())
    tag = TagChoiceField()
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORTS)
    per_page = forms.TypedChoiceField(label=_("Per page"), required=False, choices=PER_PAGE, coerce=int)

    def __init__(self, *args, with_status=True, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:  # the selects show the defaults in force, not their first option
            self.data = self.data.copy()
            for name, default in (("sort", self.SORTS[0][0]), ("per_page", str(self.DEFAULT_PER_PAGE))):
                self.data[name] = self.data.get(name) or default
        for name in ("score_min", "score_max"):
            self.fields[name].widget.attrs["step"] = "0.05"
        if with_status:
            self.fields["status"].choices = [("", _("All")), *ClaimStatus.choices]
        else:  # triage: detected claims only
            del self.fields["status"]
        with_tag_choices(self)

    def valid_data(self) -> dict:
        """The fields whose values are valid: an invalid one is left out, with its error shown."""
        if not self.is_bound:
            return {}
        self.is_valid()  # cleans once
        return self.cleaned_data

    def filters(self) -> dict:
        """The valid, non-empty filters, as `Claim.objects.filtered` takes them."""
        data = self.valid_data()
        found = {n: data[n] for n in self.fields if n not in ("sort", "per_page") and data.get(n) not in (None, "")}
        if "date_from" not in found and "date_to" not in found:
            found.pop("date_on", None)
        return found

    def sort_key(self) -> str:
        return self.valid_data().get("sort") or self.SORTS[0][0]

    def page_size(self) -> int:
        return self.valid_data().get("per_page") or self.DEFAULT_PER_PAGE

    def querystring(self) -> str:
        """The list's valid filters, and its sort and page size when not the default, for links."""
        values = self.filters()
        if self.sort_key() != self.SORTS[0][0]:
            values["sort"] = self.sort_key()
        if self.page_size() != self.DEFAULT_PER_PAGE:
            values["per_page"] = self.page_size()
        return urlencode(values)


class WordingForm(forms.Form):
    wording = forms.CharField(label=_("Wording for checking"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ManualClaimForm(forms.Form):
    """A claim the extractor missed: the exact text selected in the article (offsets from the page's script)."""

    text = forms.CharField(label=_("Exact text from the article"), widget=forms.Textarea(attrs={"rows": 3}))
    start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class ClaimThresholdForm(forms.Form):
    """An article's own claim threshold, applied by extracting it again; empty: the scorer's line."""

    threshold = forms.FloatField(
        label=_("Claim threshold"),
        min_value=0.0,
        max_value=1.0,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        help_text=_("A score between 0 and 1. Leave it empty for the scorer's own line."),
    )


def checker_queryset():
    return get_user_model().objects.filter(is_active=True, groups__name=CHECKER_GROUP).order_by("username")


class _PlainChoiceIterator(forms.models.ModelChoiceIterator):
    """Options read by one plain query: Django's iterator() opens a server-side cursor on PostgreSQL
    (DECLARE, FETCH, CLOSE: three round trips) to spare memory on lists far longer than the desk's checkers."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class CheckerChoiceField(forms.ModelChoiceField):
    iterator = _PlainChoiceIterator

    def label_from_instance(self, obj):
        return display_name(obj)


class AssignForm(forms.Form):
    assignee = CheckerChoiceField(label=_("Checker"), queryset=None, required=False, empty_label=_("Least loaded"))
    due_date = forms.DateField(label=_("Due date"), required=False, widget=IsoDateInput())
    note = forms.CharField(label=_("Note for the checker"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = checker_queryset()


class BulkTriageForm(AssignForm):
    ACTIONS = [
        ("keep", _("Keep")),
        ("dismiss", _("Dismiss")),
        ("assign", _("Keep and assign")),
        ("tag", _("Add the tag")),
        ("untag", _("Remove the tag")),
    ]
    TAG_ACTIONS = ("tag", "untag")
    action = forms.ChoiceField(choices=ACTIONS)
    # Its own id: the list's filter beside it has a tag field too.
    tag = TagChoiceField(empty_label="—", widget=forms.Select(attrs={"id": "id_bulk_tag"}))
    claims = forms.ModelMultipleChoiceField(queryset=None)

    def __init__(self, *args, claims=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].queryset = claims
        with_tag_choices(self)

    def clean(self):
        data = super().clean()
        if data.get("action") in self.TAG_ACTIONS and not data.get("tag"):
            self.add_error("tag", _("Choose the tag."))
        return data


class BulkTagForm(forms.Form):
    """Tag or untag the claims selected in a list (the claims list; triage has it in BulkTriageForm)."""

    action = forms.ChoiceField(choices=BulkTriageForm.ACTIONS[3:])
    tag = TagChoiceField(required=True, empty_label="—")
    claims = forms.ModelMultipleChoiceField(queryset=None)

    def __init__(self, *args, claims=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["claims"].queryset = claims
        with_tag_choices(self)


class TagForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=TAG_NAME_MAX)
    colour = forms.ChoiceField(label=_("Colour"), choices=TagColour.choices, initial=TagColour.GREY)


class TagApplyForm(forms.Form):
    """Put a tag on (or take it off) one claim or article."""

    action = forms.ChoiceField(choices=[("add", _("Add")), ("remove", _("Remove"))])
    tag = TagChoiceField(label=_("Tag"), required=True, empty_label="—")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with_tag_choices(self)


class SavedSearchForm(forms.Form):
    name = forms.CharField(label=_("Save these filters as"), max_length=SAVED_NAME_MAX)
    desk_wide = forms.BooleanField(label=_("For the whole desk"), required=False)
    list_name = forms.ChoiceField(choices=SavedList.choices, widget=forms.HiddenInput)
    query = forms.CharField(required=False, max_length=SAVED_QUERY_MAX, widget=forms.HiddenInput)


class SavedSearchRenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=SAVED_NAME_MAX)


class EvidenceForm(forms.Form):
    url = HttpUrlField(label=_("URL"), required=False)
    title = forms.CharField(label=_("Title"), max_length=500)
    excerpt = forms.CharField(label=_("Excerpt"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    stance = forms.ChoiceField(label=_("Stance"), choices=EvidenceStance.choices)
    note = forms.CharField(label=_("Checker's note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class VerdictForm(forms.Form):
    # No rating is preselected: an unconsidered click must not record a verdict.
    rating = forms.ChoiceField(label=_("Rating"), choices=[("", _("Choose a rating…")), *Rating.choices])
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 6}), required=False)


class BlindRatingForm(forms.Form):
    """The reviewer's own rating before seeing the proposed one; the "skip" button sends it empty."""

    rating = forms.ChoiceField(
        label=_("Your own rating"), choices=[("", _("Choose…")), *Rating.choices], required=False
    )

    def clean(self):
        data = super().clean()
        if not data.get("rating") and self.data.get("intent") != "skip":
            self.add_error("rating", _("Choose your rating, or skip it."))
        return data


class ReasonForm(forms.Form):
    comment = forms.CharField(label=_("Reason"), max_length=2000)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=ReviewDecision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "send_back" and not data.get("comment", "").strip():
            self.add_error("comment", _("Say what needs to change: the checker reads this."))
        return data


def page_language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE)[:2]


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=ExportFormat.choices)
    language = forms.ChoiceField(
        label=_("Headings and labels in"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("Statuses, ratings and types are labelled in this language; their codes keep their own columns."),
    )
    bom = forms.BooleanField(
        label=_("UTF-8 with BOM (for Excel)"),
        required=False,
        help_text=_("CSV only: without it, Excel shows accented letters garbled."),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *ClaimStatus.choices])
    rating = forms.ChoiceField(label=_("Rating"), required=False, choices=[("", _("All")), *Rating.choices])
    article = forms.IntegerField(label=_("Article number"), required=False, min_value=1, max_value=10**18 - 1)
    checker = QueryTextField(label=_("Checker (username)"), required=False, max_length=150)
    date_from = forms.DateField(label=_("Claims from"), required=False, widget=IsoDateInput())
    date_to = forms.DateField(label=_("to"), required=False, widget=IsoDateInput())
    tag = TagChoiceField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = page_language()  # the page's, unless chosen
        with_tag_choices(self)

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or page_language()

    def filters(self) -> dict:
        keys = ("status", "rating", "article", "checker", "date_from", "date_to", "tag")
        return {k: str(self.cleaned_data[k]) for k in keys if self.cleaned_data.get(k) not in (None, "")}


class LinkForm(forms.Form):
    target = forms.CharField(
        label=_("Earlier claim number or fact-check URL"),
        max_length=1000,
        help_text=_(
            "The number of a claim on this desk (as in /claims/123/), or the address of a fact-check in the library."
        ),
    )

    def clean_target(self) -> str:
        target = self.cleaned_data["target"].strip().lstrip("#")
        if target.isdigit() and len(target) <= 18:
            return target
        if not target.startswith(("http://", "https://")):
            raise forms.ValidationError(_("Give a claim number or an http(s) address."))
        problem = url_problem(target)
        if problem:
            raise forms.ValidationError(problem)
        return target


class LibraryImportForm(forms.Form):
    file = forms.FileField(
        label=_("ClaimReview file"),
        help_text=_(
            "JSON-LD as fact-checkers publish it: one ClaimReview, a list, an @graph, JSON Lines, "
            "or a Google Fact Check Tools export."
        ),
    )


class NotificationPreferencesForm(forms.ModelForm):
    """Which notifications also reach the person by email (in the app, they always do)."""

    class Meta:
        model = UserPreferences
        fields = [
            "email_assigned",
            "email_review",
            "email_sent_back",
            "email_approved",
            "email_mentioned",
            "email_digest",
        ]


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the desk POSTs each event: a public http(s) address."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(event.value, event.label) for event in SUBSCRIBABLE_EVENTS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        problem = webhook_url_allowed(url)
        if problem:
            raise forms.ValidationError(problem)
        return url


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )
    remember = forms.BooleanField(label=_("Remember this device"), required=False)

    def __init__(self, *args, remember_days: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if remember_days > 0:
            self.fields["remember"].label = _("Remember this device for %(days)s days") % {"days": remember_days}
        else:
            del self.fields["remember"]


class EnrolmentForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password
