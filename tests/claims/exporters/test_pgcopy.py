"""A COPY's CSV arrives in pieces, held back while the reader is behind, as csv.writer would write it."""

import csv
import io
import time

import psycopg2
import pytest
from django.db import connection, transaction

from claims.exporters.pgcopy import DEPTH, copy_csv
from tests.helpers import require_postgresql

pytestmark = pytest.mark.django_db
ROWS = 5_000  # as in STATEMENT
STATEMENT = (
    "COPY (SELECT n, 'Il a dit \"non\",' || E'\\n' || repeat('é', n % 7) AS said, NULL AS missing "
    "FROM generate_series(1, 5000) AS n) TO STDOUT WITH (FORMAT csv, HEADER true)"
)


@pytest.fixture
def cursor():
    require_postgresql()
    with connection.cursor() as wrapper:
        yield _Counting(wrapper.cursor)


class _Counting:
    """A psycopg2 cursor that counts the rows its COPY has handed on so far."""

    def __init__(self, cursor):
        self.cursor, self.rows = cursor, 0

    def copy_expert(self, statement, file):
        def write(row):
            self.rows += 1
            file.write(row)

        self.cursor.copy_expert(statement, type("File", (), {"write": staticmethod(write)})())


def _expected() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["n", "said", "missing"])
    writer.writerows([n, 'Il a dit "non",\n' + "é" * (n % 7), None] for n in range(1, ROWS + 1))
    return out.getvalue()


def test_the_csv_comes_in_pieces_of_whole_rows_as_csv_writer_writes_it(cursor):
    told = []
    pieces = list(copy_csv(cursor, STATEMENT, piece=4096, counted=told.append))
    assert len(pieces) > 10 and max(len(piece) for piece in pieces) < 2 * 4096
    assert all(piece.endswith("\r\n") for piece in pieces)
    assert "".join(pieces) == _expected()
    assert told == [ROWS]


def test_the_copy_waits_while_the_reader_is_behind(cursor):
    pieces = copy_csv(cursor, STATEMENT, piece=4096)
    first = next(pieces)
    time.sleep(0.3)  # time enough to read everything, were it not held back
    rows_in_a_piece = first.count("\r\n")  # a line break inside a cell is "\n" alone
    assert cursor.rows <= (DEPTH + 3) * rows_in_a_piece < ROWS / 4
    pieces.close()


def test_a_copy_left_early_is_read_out_and_leaves_the_connection_ready(cursor):
    pieces = copy_csv(cursor, STATEMENT, piece=4096, counted=pytest.fail)
    next(pieces)
    pieces.close()
    assert cursor.rows == ROWS + 1
    with connection.cursor() as after:
        after.execute("SELECT 1")
        assert after.fetchone() == (1,)


def test_an_error_in_the_copy_is_raised_to_the_reader(cursor):
    failing = "COPY (SELECT 1 / (n - 3000) FROM generate_series(1, 4000) AS n) TO STDOUT WITH (FORMAT csv)"
    with pytest.raises(psycopg2.errors.DivisionByZero), transaction.atomic():
        list(copy_csv(cursor, failing, piece=1024))


def test_a_byte_order_mark_starts_the_first_piece_only(cursor):
    pieces = list(copy_csv(cursor, STATEMENT, piece=4096, bom=True))
    assert pieces[0].startswith("\ufeffn,said,missing\r\n")
    assert sum(piece.count("\ufeff") for piece in pieces) == 1
