"""A stand-in for the ClinicalTrials.gov API v2 ``/studies`` endpoint, on 127.0.0.1.

It serves recorded pages (``pages/*.json``, as the API sent them) by page token, caps the
page size at the recorded one the way the API caps it at 1,000, records every request it
gets, and answers scripted faults (rate limits, outages, HTML) at chosen request numbers.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PAGES = Path(__file__).parent / "pages"


def load_pages(*names: str) -> list[dict[str, Any]]:
    return [json.loads((PAGES / f"{name}.json").read_text()) for name in names]


@dataclass
class Reply:
    """A scripted answer that replaces the normal one."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    delay: float = 0.0


@dataclass
class Request:
    path: str
    params: dict[str, str]
    headers: dict[str, str]


class FakeApi:
    def __init__(self, pages: list[dict[str, Any]]) -> None:
        self.studies = [study for page in pages for study in page["studies"]]
        self.max_page_size = max(len(page["studies"]) for page in pages)
        # The recorded tokens for the recorded page boundaries; made-up ones elsewhere.
        self._tokens: dict[int, str] = {}
        offset = 0
        for page in pages:
            offset += len(page["studies"])
            if page.get("nextPageToken"):
                self._tokens[offset] = page["nextPageToken"]
        self.requests: list[Request] = []
        self.faults: dict[int, Reply] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/v2"

    def token(self, offset: int) -> str:
        return self._tokens.get(offset) or f"c3luYy1vZmZzZXQt{offset:04d}"

    def fail(self, *request_numbers: int, reply: Reply) -> None:
        """Answer ``reply`` to those requests (0 is the first one the server gets)."""
        for number in request_numbers:
            self.faults[number] = reply

    def tokens_requested(self) -> list[str | None]:
        return [request.params.get("pageToken") for request in self.requests]

    def start(self) -> FakeApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def _answer(self, path: str, params: dict[str, str]) -> Reply:
        if path != "/api/v2/studies":
            return _json_reply(404, {"message": f"no such endpoint {path}"})
        token = params.get("pageToken")
        if token is None:
            offset = 0
        else:
            offsets = [o for o in range(len(self.studies) + 1) if self.token(o) == token]
            if not offsets:
                return _json_reply(400, {"message": "The pageToken is invalid"})
            offset = offsets[0]
        size = min(int(params.get("pageSize") or 10), self.max_page_size)
        body: dict[str, Any] = {}
        if params.get("countTotal") == "true":
            body["totalCount"] = len(self.studies)
        body["studies"] = self.studies[offset : offset + size]
        if offset + size < len(self.studies):
            body["nextPageToken"] = self.token(offset + size)
        return _json_reply(200, body)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server hook's name)
                url = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
                with api._lock:
                    number = len(api.requests)
                    api.requests.append(Request(url.path, params, dict(self.headers.items())))
                reply = api.faults.get(number) or api._answer(url.path, params)
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(reply.body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as it should

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def _json_reply(status: int, body: dict[str, Any]) -> Reply:
    return Reply(status=status, body=json.dumps(body).encode())


def html_reply(status: int = 200) -> Reply:
    page = b"<html><body><h1>Service temporarily unavailable</h1></body></html>"
    return Reply(status=status, body=page, content_type="text/html; charset=utf-8")


def error_reply(status: int, retry_after: str | None = None) -> Reply:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Reply(status=status, body=b"Server error", headers=headers, content_type="text/plain")
