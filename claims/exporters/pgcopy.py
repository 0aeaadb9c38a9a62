"""The output of PostgreSQL's `COPY (…) TO STDOUT WITH (FORMAT csv)`, read as csv.writer writes, in pieces.

psycopg2's `copy_expert` pushes the whole output into a file's `write` and returns only at its end, so it
runs in a thread of its own that hands pieces of about PIECE bytes to the reader over a queue of DEPTH
places. When the reader falls behind, the queue fills and the COPY waits (the rest waits in the server's
socket): memory stays near DEPTH × PIECE bytes whatever the size of the export.

The server sends each row in a message of its own (the protocol promises it) and psycopg2 hands each to
one `write`: rows are counted there, and their line ending, "\n" from COPY, becomes csv.writer's "\r\n".
A line break inside a quoted cell stays as it is, as csv.writer leaves it. (COPY quotes an empty text
where csv.writer writes nothing: a statement that wants csv.writer's cells selects NULL instead.)

While the pieces are being read the COPY holds the connection: nothing else may use it until the
iterator is exhausted or closed. Closed early (a download cancelled), it reads the rest of the COPY and
drops it, which leaves the connection ready, inside a transaction or not.
"""

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator

PIECE = 64 * 1024
DEPTH = 4
_END = object()


def copy_csv(
    cursor, statement: str, *, bom: bool = False, counted: Callable[[int], None] | None = None, piece: int = PIECE
) -> Iterator[str]:
    """Text of `statement` (a COPY … TO STDOUT WITH (FORMAT csv, HEADER true)) run on `cursor` (psycopg2),
    in pieces of whole rows. `counted(rows)`: told the number of rows after the header once the COPY is over
    and the connection free again. `bom`: start with a byte order mark, as csv_lines does."""
    pieces: queue.Queue = queue.Queue(maxsize=DEPTH)
    sink = _Rows(pieces, piece)
    copying = threading.Thread(target=_copy, args=(cursor, statement, sink, pieces), name="csv-copy", daemon=True)
    copying.start()
    try:
        start = "\ufeff" if bom else ""
        while (item := pieces.get()) is not _END:
            if isinstance(item, BaseException):
                raise item
            yield start + item.decode("utf-8")  # pieces end on a row: no character is cut in two
            start = ""
    finally:
        _finish(copying, sink, pieces)
    if counted is not None:
        counted(max(sink.rows - 1, 0))


class _Rows:
    """The file psycopg2 writes the COPY into: one `write` per row, gathered into pieces."""

    def __init__(self, pieces: queue.Queue, size: int):
        self.pieces, self.size = pieces, size
        self.rows, self.lines, self.length = 0, [], 0
        self.dropping = False

    def write(self, row: bytes) -> None:
        self.rows += 1
        if self.dropping:
            return
        self.lines.append(row[:-1])  # without its "\n"
        self.length += len(row)
        if self.length >= self.size:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.pieces.put(b"\r\n".join(self.lines) + b"\r\n")
            self.lines, self.length = [], 0


def _copy(cursor, statement: str, sink: _Rows, pieces: queue.Queue) -> None:
    try:
        cursor.copy_expert(statement, sink)
        sink.flush()
        pieces.put(_END)
    except BaseException as error:  # raised again in the reader's thread
        pieces.put(error)


def _finish(copying: threading.Thread, sink: _Rows, pieces: queue.Queue) -> None:
    """Wait for the COPY to end, dropping what is left of it: the connection is then free."""
    sink.dropping = True
    while copying.is_alive():
        with contextlib.suppress(queue.Empty):
            pieces.get(timeout=0.05)  # makes room for a piece the thread waits to put
    copying.join()
