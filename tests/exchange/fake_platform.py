"""A small fake of the municipal platform's receiving end, for tests only (never shipped).

It listens on 127.0.0.1 in a thread of the test process, checks the HMAC signature, and keeps the
first copy of every idempotency key (as the real platform de-duplicates), counting every copy it
receives. A test can tell it to:

- ``fail``: answer 503 with an error message and keep nothing (the platform is down);
- ``timeout``: keep the batch but answer only after the client has given up (the answer is lost, so
  the client sends the same items again);
- ``twice``: keep the batch and answer 500, so the same batch comes again and is answered a second
  time (with 200);
- ``hold``: keep the batch and wait, without answering, until the test releases it (the test kills
  the worker meanwhile: a worker dying mid-batch).
"""

import hashlib
import hmac
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakePlatform:
    def __init__(self, secret: str):
        self.secret = secret.encode()
        self.lock = threading.Lock()
        self.delivered: dict[str, dict] = {}  # de-duplicated: first copy of each key
        self.copies: Counter = Counter()  # every copy received, per key
        self.requests = 0
        self.refused = 0  # batches refused while down (nothing kept)
        self.failed_answers = 0  # batches kept but answered with an error
        self.bad_signatures = 0
        self.modes: list[str] = []  # one mode per coming request; "ok" when empty
        self.fail_until = 0.0  # monotonic time until which every request fails
        self.timeout_seconds = 3.0
        self.holding = threading.Event()
        self.release = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/push"

    def start(self) -> "FakePlatform":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def fail_for(self, seconds: float) -> None:
        self.fail_until = time.monotonic() + seconds

    def _keep(self, items: list[dict]) -> None:
        with self.lock:
            for item in items:
                self.copies[item["idempotency_key"]] += 1
                self.delivered.setdefault(item["idempotency_key"], item)

    def _handler(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body, ensure_ascii=False).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client is gone (timed out or killed)
                    pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                timestamp = self.headers.get("X-Creditreg-Timestamp", "")
                expected = (
                    "sha256="
                    + hmac.new(platform.secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
                )
                if not hmac.compare_digest(expected, self.headers.get("X-Creditreg-Signature", "")):
                    with platform.lock:
                        platform.bad_signatures += 1
                    return self._answer(401, {"error": "签名无效"})
                with platform.lock:
                    platform.requests += 1
                    if time.monotonic() < platform.fail_until:
                        mode = "fail"
                    else:
                        mode = platform.modes.pop(0) if platform.modes else "ok"
                items = json.loads(body)["items"]
                if mode == "fail":
                    with platform.lock:
                        platform.refused += 1
                    return self._answer(503, {"error": "平台维护中，请稍后重试"})
                platform._keep(items)
                if mode == "timeout":
                    time.sleep(platform.timeout_seconds)
                elif mode == "twice":
                    with platform.lock:
                        platform.failed_answers += 1
                    return self._answer(500, {"error": "应答丢失"})
                elif mode == "hold":
                    platform.holding.set()
                    platform.release.wait(60)
                return self._answer(200, {"accepted": len(items)})

        return Handler
