"""Talk to the running assistant from a terminal, over its REST channel (start it with `make run`)."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

URL = "http://localhost:5005/webhooks/rest/webhook"
# The same sender id across chats, so the coach can follow up on the steps you chose.
SENDER_FILE = Path(__file__).resolve().parent.parent / "var" / "chat-sender"


def sender_id() -> str:
    if not SENDER_FILE.exists():
        SENDER_FILE.parent.mkdir(parents=True, exist_ok=True)
        SENDER_FILE.write_text(f"terminal-{uuid.uuid4().hex[:12]}")
    return SENDER_FILE.read_text().strip()


def send(sender: str, message: str) -> list[dict]:
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(URL, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def main() -> int:
    sender = sender_id()
    print("Trust Coach (type 'quit' to leave; type a button's number to press it)\n")
    buttons: list[dict] = []
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text.lower() in {"quit", "exit"}:
            return 0
        if text.isdigit() and 0 < int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        try:
            replies = send(sender, text)
        except (urllib.error.URLError, OSError):
            print("The assistant isn't answering. Is it running? Start it with `make run`.")
            continue
        buttons = []
        for reply in replies:
            if reply.get("text"):
                print(f"\ncoach> {reply['text']}")
            download = (reply.get("custom") or {}).get("download")
            if download:
                # The web chat offers this as a file; here it is printed to copy or keep.
                print(f"\n--- {download['filename']} ---\n{download['text'].rstrip()}\n---")
            for button in reply.get("buttons", []):
                buttons.append(button)
                print(f"   [{len(buttons)}] {button['title']}")
        print()


if __name__ == "__main__":
    sys.exit(main())
