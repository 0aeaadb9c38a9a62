"""Articles in: pasted text, uploaded files, bulk JSONL/CSV. Bad input is refused whole."""

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
from claims.validators import url_problem

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
BULK_SUFFIXES = (".jsonl", ".csv")
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES

# The sample's first line, " date 2023-01 CNN": publication date and outlet, not body text.
_METADATA_LINE = re.compile(r"^[ \t]*date[ \t]+(\d{4}(?:-\d{2}){0,2})(?:[ \t]+(.+?))?[ \t]*$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BULK_FIELDS = ("title", "body", "url", "outlet", "author", "published", "language")


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


def article_ingest(*, data: ArticleInput, submitted_by=None) -> IngestResult:
    """Save one article (or find it if the same text exists) and queue its extraction."""
    body = _clean_body(data.body)
    metadata_date, metadata_outlet, body = split_metadata_line(body)
    _check_body(body)
    published_on, precision = parse_published(data.published or metadata_date)
    url = _checked_url(data.url.strip())
    existing = Article.objects.filter(content_hash=content_hash(body)).first()
    if existing is not None:
        return IngestResult(existing, created=False)
    article = Article(
        body=body,
        title=data.title.strip()[:500] or _default_title(body),
        url=url,
        outlet=(data.outlet or metadata_outlet).strip()[:200],
        author=data.author.strip()[:300],
        published_on=published_on,
        published_precision=precision,
        language=(data.language or detect_language(body)).strip().lower()[:8],
        submitted_by=submitted_by,
    )
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
        return _input_from_html(text)
    return ArticleInput(body=text, title=_title_from_markdown(text) if suffix != ".txt" else "")


def articles_import_bulk(*, name: str, data: bytes, submitted_by=None) -> BulkResult:
    """Import many articles from JSONL or CSV. Each good record is saved; bad ones are reported."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in BULK_SUFFIXES:  # a tuple, so that str.endswith takes it too
        raise IngestionError(_("Bulk import takes .jsonl or .csv files."))
    text = decode_text(data, limit=50 * max_bytes())
    records = _jsonl_records(text) if suffix == ".jsonl" else _csv_records(text)
    outcome = BulkResult()
    for line, record in records:
        try:
            if isinstance(record, str):
                raise IngestionError(record)
            outcome.results.append(article_ingest(data=record, submitted_by=submitted_by))
        except IngestionError as error:
            outcome.errors.append((line, str(error)))
    return outcome


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
    """'2023-01-15', '2023-01' or '2023' → (date, precision). Refuses anything else."""
    if not value:
        return None, DatePrecision.DAY
    if isinstance(value, dt.date):
        return value, DatePrecision.DAY
    value = value.strip()
    formats = (("%Y-%m-%d", DatePrecision.DAY), ("%Y-%m", DatePrecision.MONTH), ("%Y", DatePrecision.YEAR))
    for fmt, precision in formats:
        try:
            return dt.datetime.strptime(value[:10], fmt).date(), precision
        except ValueError:
            continue
    raise IngestionError(_("“%(value)s” is not a date. Use YYYY-MM-DD, YYYY-MM or YYYY.") % {"value": value[:40]})


def _clean_body(body: str) -> str:
    if not isinstance(body, str):
        raise IngestionError(_("The article text must be text."))
    return body.replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_body(body: str) -> None:
    if not body.strip():
        raise IngestionError(_("The article is empty. Paste or upload its text."))
    if _CONTROL.search(body):
        raise IngestionError(
            _("The text contains control characters, as binary files do. Upload the article as plain text.")
        )
    size = len(body.encode("utf-8"))
    if size > max_bytes():
        raise IngestionError(
            _("The article is %(size)s bytes; the limit is %(limit)s. Split it into smaller articles.")
            % {"size": f"{size:,}", "limit": f"{max_bytes():,}"}
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


def _input_from_html(html: str) -> ArticleInput:
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, date_extraction_params={"extensive_search": False, "original_date": True}
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
        published=doc.date or "",
        # A page's canonical address is a guess from its markup: one we could not store is left out.
        url=doc.url if doc.url and not url_problem(doc.url) else "",
    )


def _record(raw: dict) -> ArticleInput | str:
    if not isinstance(raw, dict):
        return _("each record must be an object with at least a “body” field")
    body = raw.get("body") or raw.get("text") or ""
    values = {key: str(raw.get(key) or "") for key in _BULK_FIELDS if key != "body"}
    return ArticleInput(body=body if isinstance(body, str) else "", **values)


def _jsonl_records(text: str):
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, _record(json.loads(line))
        except json.JSONDecodeError as error:
            yield number, _("not valid JSON (%(error)s)") % {"error": error.msg}


def _csv_records(text: str):
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not ({"body", "text"} & set(reader.fieldnames)):
        raise IngestionError(_("The CSV file needs a header row with a “body” (or “text”) column."))
    for row in reader:
        yield reader.line_num, _record(row)
