"""The content files: the article's content, practice, therapy and safety wording, and resource facts;
and how their wording is put together so that it reads right in any chat client."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

# The custom payload with which the assistant says it deleted the conversation (actions/privacy.py):
# the channel then deletes it (channels/guard.py) and the widget forgets it (web/src/widget.js).
DELETED = "conversation_deleted"

# The five responses the article says backfire, in the article's order, and the intents naming them.
PATTERNS = ("reassuring", "ignoring", "angry", "giving_in", "withholding")
PATTERN_INTENTS = {
    "describe_reassuring": "reassuring",
    "describe_ignoring": "ignoring",
    "describe_getting_angry": "angry",
    "describe_giving_in": "giving_in",
    "describe_withholding": "withholding",
}


@cache
def coaching() -> dict[str, Any]:
    """The article's patterns, insights, steps and the rest, as written in content/coaching.yml."""
    return yaml.safe_load((CONTENT_DIR / "coaching.yml").read_text(encoding="utf-8"))


@cache
def resources() -> dict[str, Any]:
    """Crisis lines, therapist directories and emergency numbers, with the date they were checked.

    content/directory.yml is the one place for these facts. Crisis answers read it straight from the
    file, so they never depend on the database being reachable; the therapy directory is seeded from it.
    """
    return yaml.safe_load((CONTENT_DIR / "directory.yml").read_text(encoding="utf-8"))


@cache
def input_wording() -> dict[str, Any]:
    """What the coach says about a message itself: empty, unreadable, too long, too fast, not English."""
    return yaml.safe_load((CONTENT_DIR / "input.yml").read_text(encoding="utf-8"))


def service(name: str) -> dict[str, Any]:
    """One resource of the directory file, by its name."""
    return next(entry for entry in resources()["resources"] if entry["name"] == name)


def pattern(name: str) -> dict[str, Any]:
    return coaching()["patterns"][name]


def step(name: str) -> dict[str, Any]:
    return coaching()["steps"][name]


def step_names() -> list[str]:
    """The eight steps in the article's order."""
    return sorted(coaching()["steps"], key=lambda name: coaching()["steps"][name]["number"])


def partner_phrase(partner_term: str | None) -> str:
    """How to name the partner in a reply: "your wife" if the user said wife, else "your partner"."""
    term = (partner_term or "").strip().lower()
    if not term or not term.replace(" ", "").isalpha() or len(term) > 20:
        return "your partner"
    return f"your {term}"


def fill(text: str, partner_term: str | None = None) -> str:
    """Puts the partner's name into a content text; sentence-initial "your" gets its capital."""
    partner = partner_phrase(partner_term)
    filled = text.replace("{partner}", partner)
    if filled.startswith(partner):
        filled = filled[0].upper() + filled[1:]
    return filled


@cache
def safety() -> dict[str, Any]:
    """What the coach says when someone may be unsafe (content/safety.yml)."""
    return yaml.safe_load((CONTENT_DIR / "safety.yml").read_text(encoding="utf-8"))


def hotline() -> str:
    """The domestic violence hotline in one line, for notes under other answers."""
    line = service(safety()["lines"]["abuse"][0])
    return f"{line['name']}, {line['reach']}"


@cache
def practice() -> dict[str, Any]:
    """The practice situations, the partner's lines and the feedback wording (content/practice.yml)."""
    return yaml.safe_load((CONTENT_DIR / "practice.yml").read_text(encoding="utf-8"))


@cache
def therapy() -> dict[str, Any]:
    """How the coach talks about therapy and suggests it to a partner (content/therapy.yml)."""
    return yaml.safe_load((CONTENT_DIR / "therapy.yml").read_text(encoding="utf-8"))


@cache
def privacy() -> dict[str, Any]:
    """What the coach says when someone asks it to delete what it keeps (content/privacy.yml)."""
    return yaml.safe_load((CONTENT_DIR / "privacy.yml").read_text(encoding="utf-8"))


@cache
def exercises() -> dict[str, Any]:
    """The guided exercises: questions, the answers they understand, results and plans."""
    return yaml.safe_load((CONTENT_DIR / "exercises.yml").read_text(encoding="utf-8"))


def paragraphs(*blocks: str) -> str:
    """Blocks of a bubble, a blank line apart: clients that render Markdown (rasa-webchat) join single
    lines into one and glue a line after a list onto its last item; plain text reads the same."""
    return "\n\n".join(block for block in blocks if block)


def bullets(items: list[str], numbered: bool = False) -> str:
    """A list, one item a line: Markdown's list and plain text's alike."""
    return "\n".join(f"{number}. {item}" if numbered else f"- {item}" for number, item in enumerate(items, 1))
