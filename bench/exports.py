"""Streaming the desk's claims as CSV: rows per second and memory growth, beside a raw
csv.writer over values_list (no model instances, no neutralising) in the same run.
"""

import csv
import io
import time
import tracemalloc

import desk  # noqa: F401 -- Django set up on the benchmark desk
from common import header, table

from claims.exporters.tabular import csv_lines
from claims.models import Claim
from claims.reports import EXPORT_COLUMNS, export_queryset, export_rows


def measure(produce) -> tuple[float, int, float]:
    """(seconds, rows, peak MB): timed on a clean pass, memory on a second pass under tracemalloc
    (which slows every allocation)."""
    started = time.perf_counter()
    rows = sum(1 for _line in produce()) - 1
    seconds = time.perf_counter() - started
    tracemalloc.start()
    for _line in produce():
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, rows, peak / 1e6


def ours():
    return csv_lines(EXPORT_COLUMNS, export_rows(export_queryset({})))


def baseline():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in Claim.objects.order_by("id").values_list("id", "article_id", "text", "status").iterator(2000):
        writer.writerow(values)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield ""


def main() -> None:
    base_s, base_rows, base_mb = measure(baseline)
    our_s, our_rows, our_mb = measure(ours)
    header(f"CSV export of {our_rows:,} claims, streamed")
    table(
        [
            ["csv.writer over values_list, 4 columns (baseline)", f"{base_rows / base_s:,.0f}", f"{base_mb:.1f}"],
            [f"our export, {len(EXPORT_COLUMNS)} columns, neutralised", f"{our_rows / our_s:,.0f}", f"{our_mb:.1f}"],
        ],
        ["export", "rows per second", "peak Python memory MB"],
    )


if __name__ == "__main__":
    main()
