"""Serves the demo host page with the chat widget embedded, for `make run` and the browser tests."""

from __future__ import annotations

import argparse
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent / "web"
PAGES = {
    "/": (WEB / "demo" / "index.html", "text/html; charset=utf-8"),
    "/trust-coach.js": (WEB / "dist" / "trust-coach.js", "text/javascript; charset=utf-8"),
}


class DemoHandler(BaseHTTPRequestHandler):
    """The demo page, pointing its widget at the Rasa server; and the widget's script."""

    def __init__(self, *args, rasa_url: str, **kwargs) -> None:
        self.rasa_url = rasa_url
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        path, content_type = PAGES.get(self.path.split("?")[0], (None, None))
        if path is None or not path.exists():
            self.send_error(HTTPStatus.NOT_FOUND, "Not found (is the widget built? run `make setup`)")
            return
        body = path.read_bytes().replace(b"__TRUST_COACH_SERVER__", self.rasa_url.encode())
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        pass  # the page is fetched on every reload; Rasa's log is the one worth reading


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--rasa-url", default="http://localhost:5005", help="the Rasa server it talks to")
    options = parser.parse_args()
    handler = partial(DemoHandler, rasa_url=options.rasa_url)
    ThreadingHTTPServer((options.host, options.port), handler).serve_forever()


if __name__ == "__main__":
    main()
