"""The embedded broker never hands a worker a message still being written (factcheck/broker.py)."""

import sys
import threading
import time
from queue import Empty

from kombu import Connection

from factcheck.broker import Transport


def _options(tmp_path) -> dict:
    folder = tmp_path / "queue"
    folder.mkdir()
    (tmp_path / "control").mkdir()
    return {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(tmp_path / "control"),
        "store_processed": False,
    }


def test_a_reader_racing_the_writer_gets_every_message_whole(tmp_path, monkeypatch):
    options = _options(tmp_path)
    sent, received, errors = 100, [], []
    big = "x" * 1000
    # Serialising takes a moment: Kombu's own transport has already created the message's file by then
    # (a worker reading it then got an empty file and stopped); this one has not.
    module = sys.modules[Transport.Channel._put.__module__]
    serialise = module.dumps
    monkeypatch.setattr(module, "dumps", lambda payload: time.sleep(0.005) or serialise(payload))

    def read():
        with Connection(transport=Transport, transport_options=options) as connection:
            channel = connection.default_channel
            while len(received) < sent and not errors:
                try:
                    received.append(channel._get("extraction"))
                except Empty:
                    continue
                except ValueError as error:  # a JSONDecodeError: a message read before it was whole
                    errors.append(error)

    reader = threading.Thread(target=read)
    reader.start()
    with Connection(transport=Transport, transport_options=options) as connection:
        channel = connection.default_channel
        for n in range(sent):
            channel._put("extraction", {"n": n, "body": big})
    reader.join(timeout=60)
    assert errors == [] and sorted(m["n"] for m in received) == list(range(sent))
    assert not list((tmp_path / "queue").iterdir())  # no partial file left behind
