"""Retrieval evaluation files as the CLEF CheckThat! lab ships them: TSV collections, qrels, run lines."""

from collections.abc import Iterable, Sequence
from pathlib import Path


def read_tsv(path: Path, text_column: str, extra_columns: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(id, text) pairs, one per line. The id is the `id` column, or the first column when its header is blank.

    Lines are split on tabs, not parsed as CSV: the CheckThat! files quote some fields the CSV way
    ("a ""quoted"" word") but leave stray quotes in others, which a CSV reader would run across lines.
    Extra columns, when present, are appended to the text on new lines (a fact-check's title).
    """
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    if not lines:
        raise ValueError(f"{path} is empty")
    header = lines[0].split("\t")
    if text_column not in header:
        raise ValueError(f"{path} has no {text_column!r} column (columns: {', '.join(filter(None, header)) or 'none'})")
    id_at = header.index("id") if "id" in header else 0
    text_at = header.index(text_column)
    extra_at = [header.index(name) for name in extra_columns if name in header]
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = [_unquote(field) for field in line.split("\t")]
        if len(fields) <= max(id_at, text_at):
            raise ValueError(f"{path}, line {number}: expected {len(header)} tab-separated columns, got {len(fields)}")
        text = "\n".join([fields[text_at], *(fields[i] for i in extra_at if i < len(fields) and fields[i])])
        rows.append((fields[id_at].strip(), text))
    return rows


def _unquote(field: str) -> str:
    if len(field) >= 2 and field[0] == field[-1] == '"':
        return field[1:-1].replace('""', '"')
    return field


def read_qrels(path: Path) -> dict[str, set[str]]:
    """Relevant document ids per query, from `query_id 0 doc_id relevance` lines."""
    relevant: dict[str, set[str]] = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            query_id, _iteration, doc_id, relevance = line.split()
            if int(relevance) > 0:
                relevant.setdefault(query_id, set()).add(doc_id)
    return relevant


def run_lines(query_id: str, ranked: Iterable[tuple[str, float]], run: str) -> list[str]:
    """TREC run lines: `query_id Q0 doc_id rank score run`."""
    return [f"{query_id}\tQ0\t{doc_id}\t{rank}\t{score:.4f}\t{run}" for rank, (doc_id, score) in enumerate(ranked, 1)]


def average_precision(ranked: Sequence[str], relevant: set[str], k: int = 5) -> float:
    """AP@k as the CheckThat! scorer computes it: divided by min(|relevant|, k)."""
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for rank, doc_id in enumerate(ranked[:k], 1):
        if doc_id in relevant:
            hits += 1
            total += hits / rank
    return total / min(len(relevant), k)


def mean_average_precision(runs: dict[str, Sequence[str]], qrels: dict[str, set[str]], k: int = 5) -> float:
    """MAP@k over the queries that have at least one relevant document."""
    scores = [average_precision(runs.get(query_id, []), relevant, k) for query_id, relevant in qrels.items()]
    return sum(scores) / len(scores) if scores else 0.0
