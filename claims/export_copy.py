"""The CSV export as one PostgreSQL statement, `COPY (SELECT …) TO STDOUT WITH (FORMAT csv, HEADER true)`:
byte for byte what `csv_lines` writes of `export_rows`, at several times its speed (bench/exports.py).

The SELECT is made of the definitions the Python way uses, not of copies of their rules: the claims are
the export's queryset as Django compiles it, their current verdict `Verdict.objects.current()`, the
columns, their sources and their labels EXPORT_COLUMN_DEFS, the checkers' names `reports.person`. It has
three layers:

- `claim`: the queryset's claims with the fields of reports.FETCHED;
- `value`: one column per export column, as export_rows gives it: joined to the current verdicts, the
  evidence counts and the tags' names, the checkers looked up in a JSON object of the few there are, codes
  labelled in the export's language from a JSON object of the column's {code: label}, lists of codes from one of
  {list: labels} for the lists the claims have, made by the column's own `transform`;
- the cells: each value written as csv_lines writes a Python value of its type. Text a spreadsheet would
  run as a formula (tabular.FORMULA_START) gets a quote before it, and "" becomes NULL (COPY quotes an
  empty text, csv.writer does not); dates and times are in ISO 8601 (times in UTC, as the database hands
  them to Python), a list is its JSON, booleans True or False, a float as Python writes it (scores lie
  between 0 and 1, where PostgreSQL's shortest form only lacks Python's ".0" after whole numbers).

The ORDER BY (the queryset's) sits in `value`: PostgreSQL does not merge a subquery that has one into
the query above it, nor reorder its rows there, so each value is computed once and the order holds.
"""

import json
from collections.abc import Callable, Iterator

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import translation

from claims.exporters.pgcopy import copy_csv
from claims.exporters.tabular import FORMULA_START
from claims.models import ClaimStatus, ClaimTag, ClaimType, Evidence, EvidenceStance, Verdict
from claims.models.articles import DatePrecision
from claims.reports import EXPORT_COLUMN_DEFS, FETCHED, ExportColumn, person


def copy_csv_lines(
    claims: QuerySet, *, language: str | None, bom: bool = False, progress: Callable[[int], None] | None = None
) -> Iterator[str]:
    """The CSV of `claims` (from export_queryset) in pieces of whole rows; labels in `language`."""
    statement = copy_statement(claims, language=language)
    with connection.cursor() as cursor, connection.wrap_database_errors:
        yield from copy_csv(cursor.cursor, statement, bom=bom, counted=progress)


def copy_statement(claims: QuerySet, *, language: str | None) -> str:
    sources = _sources(claims)
    with translation.override(language or translation.get_language()):
        values = [f"{_value(column, sources, claims)} AS {_name(column.key)}" for column in EXPORT_COLUMN_DEFS]
    cells = [f"{_cell(column)} AS {_name(column.key)}" for column in EXPORT_COLUMN_DEFS]
    ids = claims.order_by().values("pk")
    # Every piece is SQL compiled by Django, a quoted name or a literal quoted by psycopg2.
    return f"""COPY (
SELECT {", ".join(cells)} FROM (
  SELECT {", ".join(values)}
  FROM ({_sql(claims.values(**{_field(name): F(name) for name in FETCHED}))}) AS claim
  LEFT JOIN ({_sql(Verdict.objects.current().filter(claim__in=ids).values("claim_id", "rating", "summary"))})
    AS verdict ON verdict.claim_id = claim.{_field("id")}
  LEFT JOIN ({_sql(_evidence_counts(ids))}) AS evidence ON evidence.claim_id = claim.{_field("id")}
  LEFT JOIN ({_tag_names(ids)}) AS tags ON tags.claim_id = claim.{_field("id")}
  ORDER BY {_order(claims)}
) AS value
) TO STDOUT WITH (FORMAT csv, HEADER true)"""  # noqa: S608


def _sources(claims: QuerySet) -> dict[str, str]:
    """Each source of EXPORT_COLUMN_DEFS over `claim`, `verdict` and `evidence`, as export_rows reads it."""
    people = _people(claims)
    return {
        **{name: f"claim.{_field(name)}" for name in FETCHED},
        "rating": "verdict.rating",
        "verdict_summary": "verdict.summary",
        **{stance.value: f"coalesce(evidence.{_name(stance.value)}, 0)" for stance in EvidenceStance},
        "assignee": f"({people} -> claim.{_field('assignee_id')}::text ->> 0)",
        "assignee_name": f"({people} -> claim.{_field('assignee_id')}::text ->> 1)",
        "published": _published(
            f"claim.{_field('article__published_on')}", f"claim.{_field('article__published_precision')}"
        ),
        "approved": f"claim.{_field('status')} = {_literal(ClaimStatus.APPROVED.value)}",
        "tags": "coalesce(tags.names, '[]'::jsonb)",
    }


def _evidence_counts(ids: QuerySet) -> QuerySet:
    counts = {stance.value: Count("pk", filter=Q(stance=stance)) for stance in EvidenceStance}
    return Evidence.objects.filter(claim__in=ids).values("claim_id").annotate(**counts).order_by()


def _tag_names(ids: QuerySet) -> str:
    """Each claim's tag names as a JSON list sorted by code point, as reports._tags_by_claim sorts them
    (COLLATE "C" compares UTF-8 bytes, whose order is the code points')."""
    links = ClaimTag.objects.filter(claim__in=ids).values("claim_id", tag_name=F("tag__name"))
    names = 'jsonb_agg(link.tag_name ORDER BY link.tag_name COLLATE "C") AS names'
    return f"SELECT link.claim_id, {names} FROM ({_sql(links)}) AS link GROUP BY link.claim_id"  # noqa: S608


def _people(claims: QuerySet) -> str:
    """{user id: [username, name]} of the claims' checkers (a desk has few), as a JSON value."""
    checkers = get_user_model().objects.filter(pk__in=claims.order_by().values("assignee_id"))
    return _jsonb({str(user.pk): person(user) for user in checkers})


def _published(on: str, precision: str) -> str:
    """As published_display. A year before 1000 comes without zeros from glibc's %Y, as from FMYYYY."""
    return (
        f"CASE {precision} WHEN {_literal(DatePrecision.YEAR.value)} THEN to_char({on}, 'FMYYYY') "
        f"WHEN {_literal(DatePrecision.MONTH.value)} THEN to_char({on}, 'FMYYYY-MM') "
        f"ELSE to_char({on}, 'YYYY-MM-DD') END"
    )


def _value(column: ExportColumn, sources: dict[str, str], claims: QuerySet) -> str:
    """The column's value, as export_rows gives it: its source's, labelled if it has labels."""
    source = sources[column.source]
    if column.labels is None:
        return source
    if column.labels is ClaimType:  # lists of codes: each list the claims have, labelled by the column
        label = column.transform()
        lists = claims.order_by().values_list(Cast(column.source, TextField()), flat=True).distinct()
        return f"({_jsonb({text: label(json.loads(text)) for text in lists})} ->> {source}::text)"
    return f"coalesce({_jsonb(column.label_names())} ->> {source}, {source})"


def _cell(column: ExportColumn) -> str:
    """The column's value as csv_lines writes it: by the Python type export_rows gives it."""
    value = f"value.{_name(column.key)}"
    kind = "text" if column.labels else _KINDS.get(column.source, "text")
    return _CELLS[kind](value)


_KINDS = {
    **dict.fromkeys(("id", "article_id", "start", "end", *(s.value for s in EvidenceStance)), "int"),
    "score": "float",
    "types": "json",
    "due_date": "date",
    "created_at": "time",
    "updated_at": "time",
    "approved": "bool",
    "tags": "json",
}


def _text(x: str) -> str:
    starts = ", ".join(str(ord(c)) for c in sorted(FORMULA_START))  # ascii(): the first character's code
    return f"CASE WHEN ascii({x}) IN ({starts}) THEN '''' || {x} ELSE NULLIF({x}, '') END"


def _json(x: str) -> str:
    scalar = _text(f"({x} #>> '{{}}')")  # a JSON string as its text
    return f"CASE WHEN jsonb_typeof({x}) IN ('array', 'object') THEN {x}::text ELSE {scalar} END"


def _time(x: str) -> str:
    """As datetime.isoformat() of a UTC time: microseconds only if there are some."""
    return f"""replace(to_char({x} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'), '.000000+', '+')"""


_CELLS = {
    "int": lambda x: x,
    "float": lambda x: f"CASE WHEN {x} = trunc({x}) THEN {x}::text || '.0' ELSE {x}::text END",
    "text": _text,
    "json": _json,
    "date": lambda x: f"to_char({x}, 'YYYY-MM-DD')",
    "time": _time,
    "bool": lambda x: f"CASE WHEN {x} THEN 'True' ELSE 'False' END",
}


def _order(claims: QuerySet) -> str:
    """The queryset's order, by fields `claim` has."""
    terms = []
    for name in claims.query.order_by:
        field = "id" if name.lstrip("-") == "pk" else name.lstrip("-")
        if field not in FETCHED:
            raise ValueError(f"A COPY export keeps an order by the fields it reads, not by {name!r}")
        terms.append(f"claim.{_field(field)}{' DESC' if name.startswith('-') else ''}")
    return ", ".join(terms) or f"claim.{_field('id')}"


def _field(name: str) -> str:
    """A field of reports.FETCHED under a name Django accepts beside the model's."""
    return "f_" + name.replace("__", "_")


def _name(key: str) -> str:
    return connection.ops.quote_name(key)


def _jsonb(value) -> str:
    return _literal(json.dumps(value, ensure_ascii=False)) + "::jsonb"


def _literal(value) -> str:
    return connection.ops.compose_sql("%s", [value])


def _sql(queryset: QuerySet) -> str:
    sql, params = queryset.query.sql_with_params()
    return connection.ops.compose_sql(sql, params)
