from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from claims import selectors, workflow
from claims.forms import (
    ArticleFilterForm,
    ArticleSubmitForm,
    ClaimThresholdForm,
    ManualClaimForm,
    SavedSearchForm,
    TagApplyForm,
)
from claims.models import ExtractionStatus
from claims.services.extraction import article_reextract
from claims.services.ingestion import (
    BULK_SUFFIXES,
    ArticleInput,
    IngestionError,
    article_ingest,
    article_input_from_upload,
    articles_import_bulk,
)
from claims.services.links import article_refetch_queue
from claims.views.access import desk_required, get_article_for_user, require

PAGE_SIZE = 25


@desk_required
def article_list(request):
    form = ArticleFilterForm(request.GET or None, outlets=selectors.outlet_choices())
    filters = form.filters()
    articles = selectors.article_list(**filters)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    querystring = request.GET.copy()
    querystring.pop("page", None)
    desk_empty = page.paginator.count == 0 and not filters  # no article at all, not none matching
    save_form = SavedSearchForm(initial={"list_name": "articles", "query": form.querystring()})
    return render(
        request,
        "claims/article_list.html",
        {
            "page": page,
            "form": form,
            "querystring": querystring.urlencode(),
            "desk_empty": desk_empty,
            "save_form": save_form,
        },
    )


@desk_required
@require_http_methods(["GET", "POST"])
def article_create(request):
    require(request, workflow.can_submit_articles)
    posted = request.method == "POST"
    form = ArticleSubmitForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and getattr(request, "upload_errors", None):
        form.is_valid()
        for message in request.upload_errors:  # refused while the upload arrived
            form.add_error(None, message)
        return render(request, "claims/article_form.html", {"form": form}, status=400)
    upload = form.files.get("file") if request.method == "POST" else None
    if upload is not None and upload.name.lower().endswith(BULK_SUFFIXES) and form.is_valid():
        return _bulk_import(request, form, upload)
    if request.method == "POST" and form.is_valid():
        try:
            result = article_ingest(data=_input_from_form(form.cleaned_data), submitted_by=request.user)
        except IngestionError as error:
            # The text may have come from a file: its errors go above the form, the others beside their field.
            form.add_error(error.field if error.field in form.fields and error.field != "body" else None, str(error))
        else:
            if result.created and result.article.extraction_status == ExtractionStatus.FETCHING:
                messages.success(request, _("Article saved; its page is being fetched, then its claims extracted."))
            elif result.created:
                messages.success(request, _("Article saved; its claims are being extracted."))
            else:
                messages.info(request, _("This text was already on the desk: here is the existing article."))
            return redirect(result.article)
    return render(request, "claims/article_form.html", {"form": form}, status=400 if form.errors else 200)


@desk_required
def article_detail(request, pk: int):
    return _article_page(request, get_article_for_user(request, pk))


def _article_page(request, article, threshold_form=None, status: int = 200):
    # What the page shows of each claim: not its entities, reasons or types (JSON decoded per row).
    claims = list(article.claims.defer("entities", "reasons", "types").order_by("start"))
    if threshold_form is None and workflow.can_reextract(request.user):
        threshold_form = ClaimThresholdForm(initial={"threshold": article.claim_threshold})
    return render(
        request,
        "claims/article_detail.html",
        {
            "article": article,
            "claims": claims,
            "segments": highlight_segments(article.body, claims),
            "can_add": workflow.is_editor(request.user),
            "add_form": ManualClaimForm(),
            "tag_form": TagApplyForm() if workflow.can_tag(request.user) else None,
            "tag_url": reverse("claims:article-tags", args=[article.pk]),
            "threshold_form": threshold_form,
        },
        status=status,
    )


@desk_required
@require_POST
def article_reextract_view(request, pk: int):
    """Extract the article again at the threshold given (empty: the scorer's line), keeping the desk's work."""
    require(request, workflow.can_reextract)
    article = get_article_for_user(request, pk)
    form = ClaimThresholdForm(request.POST)
    if not form.is_valid():
        return _article_page(request, article, threshold_form=form, status=400)
    threshold = form.cleaned_data["threshold"]
    article_reextract(article=article, actor=request.user, keep_human_work=True, threshold=threshold)
    if article.awaits_page:
        messages.success(request, _("The page is being fetched again; its claims are extracted next."))
    elif threshold is None:
        messages.success(request, _("The claims are being extracted again at the scorer's own line."))
    else:
        messages.success(
            request,
            _("The claims are being extracted again: every sentence scoring at least %(threshold)s.")
            % {"threshold": floatformat(threshold, 2)},
        )
    return redirect(article)


@desk_required
def article_progress(request, pk: int):
    """The progress bar, polled by htmx while extraction runs."""
    article = get_article_for_user(request, pk)
    response = render(request, "claims/includes/article_progress.html", {"article": article})
    if article.extraction_status in (ExtractionStatus.EXTRACTED, ExtractionStatus.FAILED) and request.htmx:
        response["HX-Refresh"] = "true"  # show the claims
    return response


@desk_required
@require_POST
def article_refetch(request, pk: int):
    """Fetch again the page of an article given by its link whose fetch failed."""
    require(request, workflow.can_submit_articles)
    article = get_article_for_user(request, pk)
    if article.awaits_page and article.extraction_status == ExtractionStatus.FAILED:
        article_refetch_queue(article=article)
        messages.success(request, _("The page is being fetched again."))
    return redirect(article)


def _bulk_import(request, form, upload):
    """Good records are saved and bad ones refused, each listed with its line; never half a record."""
    try:
        outcome = articles_import_bulk(name=upload.name, data=upload.read(), submitted_by=request.user)
    except IngestionError as error:
        form.add_error("file", str(error))
        return render(request, "claims/article_form.html", {"form": form}, status=400)
    created = sum(r.created for r in outcome.results)
    summary = _("%(created)s articles added, %(existing)s already on the desk.") % {
        "created": created,
        "existing": len(outcome.results) - created,
    }
    if not outcome.errors:
        messages.success(request, summary)
        return redirect("claims:article-list")
    # Every refused line is listed on the page (a message per line would not fit in a cookie or a screen).
    context = {"form": ArticleSubmitForm(), "bulk_summary": summary, "bulk_errors": outcome.errors}
    return render(request, "claims/article_form.html", context, status=200 if outcome.results else 400)


def highlight_segments(body: str, claims) -> list[tuple[str, object]]:
    """The body cut into (text, claim-or-None) pieces; overlapping claims keep the first."""
    pieces, cursor = [], 0
    for claim in sorted(claims, key=lambda c: (c.start, -c.end)):
        if claim.start < cursor:
            continue
        if claim.start > cursor:
            pieces.append((body[cursor : claim.start], None))
        pieces.append((body[claim.start : claim.end], claim))
        cursor = claim.end
    pieces.append((body[cursor:], None))
    return [p for p in pieces if p[0]]


def _input_from_form(data: dict) -> ArticleInput:
    upload = data.get("file")
    if upload is not None:
        parsed = article_input_from_upload(name=upload.name, data=upload.read())
    else:
        parsed = ArticleInput(body=data["body"] or "")
    for key in ("title", "outlet", "url", "author", "published", "language"):
        if data.get(key):
            setattr(parsed, key, data[key])
    return parsed
