"""The embedded broker (`make run` without Redis): Kombu's filesystem transport, each message
written whole before it appears.

Kombu writes a message under its final name: a worker listing the folder at that moment takes
an empty or half-written file, cannot decode it and stops (JSONDecodeError, seen in the test
suite). Here a message is written under a name no queue reads, then renamed, which is atomic
on one filesystem.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.part")  # ".…": no queue's name
        try:
            with open(partial, "wb") as out:
                out.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as error:
            raise ChannelError(f"Cannot add file {final!r} to directory") from error


class Transport(filesystem.Transport):
    Channel = Channel
