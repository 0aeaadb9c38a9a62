"""Articles in: pasted text, uploaded files, bulk JSONL/CSV.

Every input is judged in full before anything is saved, by the rules the forms and the API
apply too (claims/validators.py). A bulk file is read to its end first; then its good records
are saved in one transaction, each with its queued extraction, and each bad one is reported
with its line and the reason.
"""

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import PurePath

import trafilatura
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from claims.models import Article
from claims.models.articles import DatePrecision, content_hash
from claims.nlp.language import detect_language
from claims.services.extraction import article_extraction_queue
from claims.validators import JSONTooDeep, json_loads, text_problem, url_problem

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
BULK_SUFFIXES = (".jsonl", ".csv")
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES

# The sample's first line, " date 2023-01 CNN": publication date and outlet, not body text.
_METADATA_LINE = re.compile(r"^[ \t]*date[ \t]+(\d{4}(?:-\d{2}){0,2})(?:[ \t]+(.+?))?[ \t]*$", re.IGNORECASE)
_DATE = re.compile(r"\d{4}(?:-\d{2}){0,2}")
# The input fields, named as in bulk files and the API.
_FIELDS = ("title", "body", "url", "outlet", "author", "published", "language")


class IngestionError(ValueError):
    """Input refused; the message says what is wrong and what to do, `field` which input it is about."""

    def __init__(self, message: str, *, field: str = "body"):
        super().__init__(message)
        self.field = field


@dataclass
class ArticleInput:
    body: str
    title: str = ""
    url: str = ""
    outlet: str = ""
    author: str = ""
    published: str = ""
    language: str = ""


@dataclass
class IngestResult:
    article: Article
    created: bool


@dataclass
class BulkResult:
    results: list[IngestResult] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def max_bytes() -> int:
    return settings.FACTCHECK_MAX_ARTICLE_BYTES


def max_text_bytes() -> int:
    """The largest article text accepted: one whose extraction ends well inside the task's time limit."""
    return min(settings.FACTCHECK_MAX_EXTRACT_BYTES, max_bytes())


def article_ingest(*, data: ArticleInput, submitted_by=None) -> IngestResult:
    """Save one article (or find it if the same text exists) and queue its extraction.

    Given a link and no text, the article is saved at once and its page fetched by the worker.
    """
    if _link_only(data):
        from claims.services.links import article_ingest_url

        return article_ingest_url(url=data.url, data=data, submitted_by=submitted_by)
    return _save(_article_from_input(data, submitted_by))


def _link_only(data: ArticleInput) -> bool:
    return isinstance(data.body, str) and not data.body.strip() and isinstance(data.url, str) and bool(data.url.strip())


def _article_from_input(data: ArticleInput, submitted_by) -> Article:
    """The article `data` describes, judged in full and not saved yet; IngestionError names what is wrong."""
    body = _clean_body(data.body)
    for name in _FIELDS:
        _check_text(name, getattr(data, name))
    metadata_date, metadata_outlet, body = split_metadata_line(body)
    _check_body(body)
    published_on, precision = parse_published(data.published or metadata_date)
    return Article(
        body=body,
        title=data.title.strip()[:500] or _default_title(body),
        url=_checked_url(data.url.strip()),
        outlet=(data.outlet or metadata_outlet).strip()[:200],
        author=data.author.strip()[:300],
        published_on=published_on,
        published_precision=precision,
        language=(data.language or detect_language(body)).strip().lower()[:8],
        submitted_by=submitted_by,
    )


def _save(article: Article) -> IngestResult:
    """Save a judged article with its queued extraction (they commit together), or find the same text."""
    existing = Article.objects.filter(content_hash=content_hash(article.body)).first()
    if existing is not None:
        return IngestResult(existing, created=False)
    try:
        with transaction.atomic():
            article.save()
            article_extraction_queue(article=article)
    except IntegrityError:
        # Someone saved the same text between our lookup and our insert.
        return IngestResult(Article.objects.get(content_hash=article.content_hash), created=False)
    return IngestResult(article, created=True)


def article_input_from_upload(*, name: str, data: bytes) -> ArticleInput:
    """Decode an uploaded article file (.txt, .md, .html) into input for `article_ingest`."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise IngestionError(
            _("Files of type “%(suffix)s” are not supported. Upload .txt, .md or .html, or paste the text.")
            % {"suffix": suffix or name}
        )
    text = decode_text(data)
    if suffix in HTML_SUFFIXES:
        return article_input_from_html(text)
    return ArticleInput(body=text, title=_title_from_markdown(text) if suffix != ".txt" else "")


def articles_import_bulk(*, name: str, data: bytes, submitted_by=None) -> BulkResult:
    """Import many articles from JSONL or CSV.

    The whole file is read and every record judged before anything is saved. Then the good
    records are saved in one transaction, each with its extraction (queued once it commits),
    and each bad one is reported as (line, reason). A file that cannot be read at all raises
    IngestionError and saves nothing.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix not in BULK_SUFFIXES:  # a tuple, so that str.endswith takes it too
        raise IngestionError(_("Bulk import takes .jsonl or .csv files."), field="file")
    text = decode_text(data, limit=50 * max_bytes())
    records = list(_jsonl_records(text) if suffix == ".jsonl" else _csv_records(text))
    if not records:
        raise IngestionError(
            _("This file holds no articles. Write one article per line in .jsonl, or per row under a header in .csv."),
            field="file",
        )
    outcome, articles = BulkResult(), []
    for line, record in records:
        try:
            if isinstance(record, str):
                raise IngestionError(record)
            if _link_only(record):  # its page is fetched by the worker
                _check_link(record)
                articles.append(record)
            else:
                articles.append(_article_from_input(record, submitted_by))
        except IngestionError as error:
            outcome.errors.append((line, str(error)))
    with transaction.atomic():
        outcome.results = [_save_any(article, submitted_by) for article in articles]
    return outcome


def _check_link(data: ArticleInput) -> None:
    for name in _FIELDS:
        _check_text(name, getattr(data, name))
    _checked_url(data.url.strip())
    parse_published(data.published)


def _save_any(article: "Article | ArticleInput", submitted_by) -> IngestResult:
    if isinstance(article, Article):
        return _save(article)
    from claims.services.links import article_ingest_url

    return article_ingest_url(url=article.url, data=article, submitted_by=submitted_by)


def decode_text(data: bytes, *, limit: int | None = None) -> str:
    limit = limit or max_bytes()
    if len(data) > limit:
        raise IngestionError(
            _("The file is %(size)s bytes; the limit is %(limit)s. Split it into smaller files.")
            % {"size": f"{len(data):,}", "limit": f"{limit:,}"}
        )
    if b"\x00" in data[:8192]:
        raise IngestionError(_("This is a binary file, not text. Upload a .txt, .md or .html file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IngestionError(
            _(
                "The file is not valid UTF-8 (byte 0x%(byte)02x at position %(position)s). "
                "Save it as UTF-8 and upload it again."
            )
            % {"byte": data[error.start], "position": error.start}
        ) from None
    return text


def parse_published(value: str | dt.date | None) -> tuple[dt.date | None, str]:
    """'2023-01-15', '2023-01' or '2023' → (date, precision). Refuses anything else, whole."""
    if isinstance(value, dt.date):
        return value, DatePrecision.DAY
    value = (value or "").strip()
    if not value:
        return None, DatePrecision.DAY
    _check_text("published", value)
    precision = {10: DatePrecision.DAY, 7: DatePrecision.MONTH, 4: DatePrecision.YEAR}.get(len(value))
    if _DATE.fullmatch(value) and precision:
        try:
            return dt.date.fromisoformat(f"{value}-01-01"[:10]), precision
        except ValueError:  # 2023-02-30, 2023-13
            pass
    raise IngestionError(
        _("The publication date “%(value)s” is not a date. Use YYYY-MM-DD, YYYY-MM or YYYY, for example 2023-01-15.")
        % {"value": value[:40]},
        field="published",
    )


def _clean_body(body: str) -> str:
    if not isinstance(body, str):
        raise IngestionError(_("The article text must be text."))
    return body.replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_text(name: str, value: str) -> None:
    problem = text_problem(value, field=name)
    if problem:
        raise IngestionError(problem, field=name)


def _check_body(body: str) -> None:
    if not body.strip():
        raise IngestionError(_("The article is empty. Paste or upload its text."))
    size, limit = len(body.encode("utf-8")), max_text_bytes()
    if size > limit:
        raise IngestionError(
            _(
                "The article is %(size)s bytes; the limit is %(limit)s, so that its claims are extracted in "
                "a few minutes. Split it into parts and submit each part as an article."
            )
            % {"size": f"{size:,}", "limit": f"{limit:,}"}
        )


def _checked_url(url: str) -> str:
    problem = url_problem(url) if url else ""
    if problem:
        raise IngestionError(problem, field="url")
    return url


def split_metadata_line(body: str) -> tuple[str, str, str]:
    first, _sep, rest = body.partition("\n")
    match = _METADATA_LINE.match(first)
    if not match or not rest.strip():
        return "", "", body
    return match.group(1), match.group(2) or "", rest.strip()


def _default_title(body: str) -> str:
    first_line = body.strip().split("\n", 1)[0]
    return first_line if len(first_line) <= 120 else first_line[:117].rsplit(" ", 1)[0] + "…"


def _title_from_markdown(text: str) -> str:
    first = text.strip().split("\n", 1)[0]
    return first.lstrip("#").strip() if first.startswith("#") else ""


def article_input_from_html(html: str | bytes, *, url: str = "") -> ArticleInput:
    """An HTML page's article: its text, title, author, outlet and date, as trafilatura reads them."""
    doc = trafilatura.bare_extraction(
        html,
        url=url or None,
        with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None or not (doc.text or "").strip():
        raise IngestionError(_("No article text was found in this HTML page. Paste the text instead."))
    text = doc.text
    if doc.title and text.startswith(doc.title + "\n"):
        text = text[len(doc.title) + 1 :]
    return ArticleInput(
        body=text,
        title=doc.title or "",
        author=doc.author or "",
        outlet=doc.sitename or "",
        # The page's metadata are guesses from its markup: a date or an address we could not store is
        # left out rather than refusing the article.
        published=doc.date if doc.date and _DATE.fullmatch(doc.date) else "",
        url=doc.url if doc.url and not url_problem(doc.url) else "",
    )


def _record(raw) -> ArticleInput | str:
    """A bulk record as input, or why it is not one."""
    if not isinstance(raw, dict):
        return _("each record must be an object with at least a “body” or a “url” field")
    values = {}
    for name in _FIELDS:
        value = raw.get(name)
        if name == "body" and value in (None, ""):
            value = raw.get("text")
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)  # "published": 2023
        if value is not None and not isinstance(value, str):
            return _("“%(field)s” must be text.") % {"field": name}
        values[name] = value or ""
    return ArticleInput(**values)


def _jsonl_records(text: str):
    # Lines end at "\n" only: str.splitlines() would also cut at U+2028 and other separators,
    # which JSON allows unescaped inside strings. A "\r" before it is white space to JSON.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, _record(json_loads(line))
        except json.JSONDecodeError as error:
            yield number, _("not valid JSON (%(error)s)") % {"error": error.msg}
        except JSONTooDeep as error:
            yield number, str(error)


def _csv_records(text: str):
    # The csv module refuses fields over 131,072 characters; an article may be longer (the
    # size rules of ingestion judge it like any other). The limit is process-wide: raise it only.
    csv.field_size_limit(max(csv.field_size_limit(), 50 * max_bytes()))
    reader = csv.DictReader(io.StringIO(text))
    try:
        if not reader.fieldnames or not ({"body", "text"} & set(reader.fieldnames)):
            raise IngestionError(_("The CSV file needs a header row with a “body” (or “text”) column."), field="file")
        for row in reader:
            yield reader.line_num, _record(row)
    except csv.Error as error:
        raise IngestionError(
            _("The CSV file cannot be read at line %(line)s (%(error)s). Nothing was imported.")
            % {"line": reader.line_num, "error": error},
            field="file",
        ) from None
