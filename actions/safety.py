"""Real help at once when someone may be unsafe: crisis numbers first, coaching only if they want it."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import Reply, bubble, send
from coach.content import hotline, meaning_of, safety
from coach.crisis import crisis_lines

# Steps never suggested once abuse or danger is disclosed: couples therapy is advised against
# where there is abuse, and "it's not about you" must never excuse a partner's control.
STEPS_UNSAFE_AFTER_ABUSE = ("couples_therapy", "not_about_you")


def warning_signs(text: str) -> list[str]:
    """The kinds of warning sign a message's words point to, in the order the content lists them."""
    words = set(re.findall(r"[a-z]+", text.lower()))
    signs = safety()["warning"]["signs"]
    return [kind for kind, sign in signs.items() if words & set(sign["words"])]


def warning_replies(text: str, beside: bool = False) -> list[Reply]:
    """Warning signs of control: named gently and specifically, The Hotline, and the question to ask;
    `beside` another answer, introduced as one more thing."""
    words = safety()["warning"]
    names = [words["signs"][kind]["name"] for kind in warning_signs(text)[:2]]
    if names:
        signs = " and ".join(names)
        opening = words["beside" if beside else "opening"].format(
            signs=signs if beside else signs[0].upper() + signs[1:])
    else:
        opening = words["beside_general" if beside else "opening_general"]
    question = Reply(words["question"], buttons=[
        {"title": words["afraid"], "payload": "/affirm"},
        {"title": words["not_afraid"], "payload": "/deny"},
    ])
    return [Reply(f"{opening} {words['number'].format(hotline=hotline())}"), question]


def warning_found(tracker: Tracker) -> str | None:
    """The words of a warning sign the safety check found beside the message's coaching reading."""
    return next(tracker.get_latest_entity_values("safety_warning"), None)


def warn_beside(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """After a coaching answer: the warning-signs answer, if the message also told of a sign of control.
    Its question ("do you ever feel afraid?") is the last thing asked, so a yes is a disclosure."""
    evidence = warning_found(tracker)
    if evidence is None:
        return []
    send(dispatcher, warning_replies(evidence, beside=True))
    return [SlotSet("offer", "afraid")]


def safety_replies(kind: str) -> list[Reply]:
    """The answer to a safety flag: short and warm, the real numbers in the first reply, no coaching."""
    words = safety()
    keep_talking = [
        {"title": words["buttons"]["keep_talking"], "payload": "/affirm"},
    ]
    if kind == "self_harm":
        return [
            Reply(bubble(words["self_harm"]["opening"], crisis_lines(kind))),
            Reply(words["self_harm"]["closing"], buttons=keep_talking),
        ]
    return [
        Reply(bubble(words[kind]["opening"], crisis_lines(kind))),
        Reply(f"{words[kind]['not_your_fault']} {words['privacy']}"),
        Reply(words["keep_talking"], buttons=keep_talking),
    ]


class ActionSafetyResponse(Action):
    """Answers a safety flag with crisis help, and remembers a disclosure of abuse or danger."""

    def name(self) -> str:
        return "action_safety_response"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        kind = meaning_of(intent, "safety") or "danger"
        if kind == "coercive_control":
            # Not yet a disclosure: the answer asks whether they feel afraid (ActionAnswerOffer).
            send(dispatcher, warning_replies(tracker.latest_message.get("text") or ""))
            return [SlotSet("offer", "afraid")]
        send(dispatcher, safety_replies(kind))
        events: list[EventType] = [SlotSet("offer", "keep_talking")]
        if kind != "self_harm":
            events.append(SlotSet("abuse_disclosed", True))
        return events
