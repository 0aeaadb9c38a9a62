"""A real local webhook receiver (http.server in a thread, port 0) that checks signatures as the README says."""

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


# --- The README's verification snippet, verbatim ---------------------------------------
def verify_factcheck_signature(secret: str, headers, body: bytes, tolerance: int = 300) -> bool:
    """True if `body` was signed by Factcheck with `secret` less than `tolerance` seconds ago."""
    timestamp = headers.get("X-Factcheck-Timestamp", "")
    signature = headers.get("X-Factcheck-Signature", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False  # missing, or too old: a replayed request
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest("sha256=" + mac.hexdigest(), signature)


# ----------------------------------------------------------------------------------------


class Receiver:
    """Records every POST; answers with the next code of `answers` (then 200), after `delay` seconds.

    An answer of 0 hangs for `hang_seconds` before answering 200: too late for the sender's read timeout."""

    def __init__(self, secret: str = ""):
        self.secret = secret
        self.received: list[dict] = []
        self.answers: list[int] = []
        self.delay = 0.0
        self.hang_seconds = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    code = receiver.answers.pop(0) if receiver.answers else 200
                    delay = receiver.hang_seconds if code == 0 else receiver.delay
                    code = code or 200
                    receiver.received.append(
                        {
                            "headers": dict(self.headers),
                            "body": body,
                            "json": json.loads(body),
                            "valid": verify_factcheck_signature(receiver.secret, self.headers, body),
                            "code": code,
                            "at": time.monotonic(),
                        }
                    )
                if delay:
                    time.sleep(delay)
                try:
                    self.send_response(code)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the sender gave up waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def start(self) -> "Receiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def events(self, kind: str | None = None) -> list[dict]:
        with self.lock:
            return [r for r in self.received if kind is None or r["json"]["type"] == kind]
