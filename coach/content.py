"""The content files: the article's content, practice, therapy and safety wording, resource facts and
the intent table; and how their wording is put together so that it reads right in any chat client."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

# The custom payload with which the assistant says it deleted the conversation (actions/privacy.py):
# the channel then deletes it (channels/guard.py) and the widget forgets it (web/src/widget.js).
DELETED = "conversation_deleted"

# The five responses the article says backfire, in the article's order (the intents naming them are
# in the intent table: intents_of("pattern")).
PATTERNS = ("reassuring", "ignoring", "angry", "giving_in", "withholding")

# What an intent can mean (content/intents.yml).
INTENT_KINDS = ("pattern", "feeling", "need", "safety", "outcome", "answer")


@cache
def intent_table() -> dict[str, tuple[str, str]]:
    """What each intent means, as (kind, name): {"describe_getting_angry": ("pattern", "angry"), ...}.

    Checked as content/intents.yml loads: an entry that is not one `kind: name` of a known kind, or an
    intent listed twice, is an error naming the file and line.
    """
    path = CONTENT_DIR / "intents.yml"
    document = yaml.compose(path.read_text(encoding="utf-8"))
    entries = {key.value: value for key, value in document.value}["intents"]
    table: dict[str, tuple[str, str]] = {}
    for intent, meaning in entries.value:
        pairs = meaning.value if isinstance(meaning, yaml.MappingNode) else []
        kind, name = (pairs[0][0].value, pairs[0][1].value) if len(pairs) == 1 else (None, None)
        if kind not in INTENT_KINDS or not isinstance(name, str) or intent.value in table:
            raise ValueError(
                f"{path}, line {intent.start_mark.line + 1}: {intent.value} must be listed once and mean "
                f"one thing, as {{kind: name}} with a kind among {', '.join(INTENT_KINDS)}"
            )
        table[intent.value] = (kind, name)
    return table


def meaning_of(intent: str | None, kind: str) -> str | None:
    """What this intent means as a `kind`, or None: meaning_of("ask_therapy", "need") == "couple"."""
    meaning = intent_table().get(intent or "")
    return meaning[1] if meaning and meaning[0] == kind else None


def intents_of(kind: str) -> dict[str, str]:
    """Every intent meaning a `kind`, with what it means, in the table's order."""
    return {intent: name for intent, (of_kind, name) in intent_table().items() if of_kind == kind}


def intent_for(kind: str, name: str) -> str:
    """The intent that means this: intent_for("need", "couple") == "ask_therapy"."""
    return next(intent for intent, meaning in intent_table().items() if meaning == (kind, name))


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


def exercise(name: str) -> dict[str, Any]:
    return exercises()["exercises"][name]


def exercise_names() -> list[str]:
    """The guided exercises, one for each of the article's first six steps and named after it."""
    return list(exercises()["exercises"])


def exercise_questions(name: str) -> tuple[str, ...]:
    """An exercise's questions in the order they are asked: each is a slot its form (domain.yml) fills."""
    return tuple(exercise(name)["questions"])


def bubble(*blocks: str) -> str:
    """The blocks of one chat bubble, a line each. Rasa splits a text at blank lines into separate
    bubbles, so there are none here; clients that render Markdown (rasa-webchat) join plain lines into
    one paragraph, which reads right for sentences, and glue a line that follows a list onto its last
    item, so a bubble's list (bullets()) always comes last."""
    return "\n".join(block for block in blocks if block)


def bullets(items: list[str], numbered: bool = False) -> str:
    """A list, one item a line: Markdown's list and plain text's alike."""
    return "\n".join(f"{number}. {item}" if numbered else f"- {item}" for number, item in enumerate(items, 1))
