"""How the coach's replies are put together: chat bubbles, buttons and the content's linking phrases."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from coach.content import (  # noqa: F401 (re-used by the actions)
    bubble,
    bullets,
    coaching,
    exercises,
    fill,
    step,
)


@dataclass
class Reply:
    """One chat bubble: text and the buttons under it."""

    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


def send(dispatcher: CollectingDispatcher, replies: list[Reply]) -> None:
    for reply in replies:
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons)


def phrase(name: str, partner_term: str | None = None, **values: Any) -> str:
    """A linking phrase from the content file, with its blanks filled in."""
    return fill(coaching()["phrases"][name], partner_term).format(**values)


def button(title_key: str, intent: str, **entities: str) -> dict[str, str]:
    title = coaching()["menu"][title_key]
    if "{title}" in title:
        title = title.format(title=step(entities["step"])["title"])
    payload = f"/{intent}{json.dumps(entities)}" if entities else f"/{intent}"
    return {"title": title, "payload": payload}


def step_button(intent: str, name: str, numbered: bool = False) -> dict[str, str]:
    """A button naming one step, to explore or choose it."""
    details = step(name)
    title = f"{details['number']}. {details['title']}" if numbered else details["title"]
    return {"title": title, "payload": f"/{intent}{json.dumps({'step': name})}"}


def what_next_buttons() -> list[dict[str, str]]:
    return [
        button("another_step", "more_steps"),
        button("practise", "start_practice"),
        button("why", "ask_why_no_trust"),
        button("therapy", "ask_therapy"),
    ]


def exercise_button(name: str) -> list[dict[str, str]]:
    """A button to start this step's guided exercise, or none if the step has no exercise."""
    if name not in exercises()["exercises"]:
        return []
    title = fill(exercises()["exercises"][name]["button"])
    return [{"title": title, "payload": f"/start_exercise{json.dumps({'step': name})}"}]
