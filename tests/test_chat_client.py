"""The terminal chat: what a person sees when the coach sends a plan to download."""

from __future__ import annotations

import importlib.util

import pytest

from coach.store import PROJECT_DIR


@pytest.fixture()
def chat(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("chat", PROJECT_DIR / "scripts" / "chat.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "SENDER_FILE", tmp_path / "chat-sender")
    return module


def test_a_plan_sent_for_download_is_printed_in_full(chat, monkeypatch, capsys):
    plan = "Your plan from Trust Coach\n- This week (tomorrow), gratitude: a thank-you note\n"
    replies = [
        {"text": "Your plan:", "buttons": [{"title": "Show my plan", "payload": "/show_plan"}]},
        {"custom": {"download": {"filename": "trust-coach-plan.txt", "label": "Download", "text": plan}}},
    ]
    typed = iter(["show my plan"])

    def next_line(prompt: str) -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", next_line)
    monkeypatch.setattr(chat, "send", lambda sender, text: replies)
    assert chat.main() == 0
    shown = capsys.readouterr().out
    assert "trust-coach-plan.txt" in shown and "gratitude: a thank-you note" in shown
    assert "[1] Show my plan" in shown
