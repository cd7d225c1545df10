"""Coaching answers: what the user does, why it backfires, and the article's steps to try instead."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.replies import Reply, button, exercise_button, phrase, send, step_button, what_next_buttons
from actions.safety import STEPS_UNSAFE_AFTER_ABUSE, warn_beside, warning_found
from coach.content import (
    PATTERNS,
    coaching,
    fill,
    hotline,
    meaning_of,
    pattern,
    safety,
    step,
    step_names,
)
from coach.store import open_store


def next_step(candidates: list[str], offered: list[str], withheld: tuple[str, ...] = ()) -> str:
    """The first of these steps not offered yet; then any step not offered; then the first again.

    Withheld steps are never suggested (see actions/safety.py).
    """
    order = [name for name in [*candidates, *step_names()] if name not in withheld]
    return next((name for name in order if name not in offered), order[0])


def withheld_steps(tracker: Tracker) -> tuple[str, ...]:
    """Steps the coach must not suggest: in this conversation, after abuse or danger was disclosed;
    in this answer, beside a warning sign of control the message told of."""
    unsafe = tracker.get_slot("abuse_disclosed") or warning_found(tracker) is not None
    return STEPS_UNSAFE_AFTER_ABUSE if unsafe else ()


def step_replies(steps: list[str], partner_term: str | None) -> list[Reply]:
    """A bubble for each suggested step, with a button to choose it and the usual next moves."""
    replies = []
    for name in steps:
        details = step(name)
        text = phrase("step", partner_term, **details) + " " + fill(
            phrase("step_try", **{"try": details["try"]}), partner_term
        )
        replies.append(Reply(text))
    replies[-1].buttons = [button("try_step", "choose_step", step=name) for name in steps]
    replies[-1].buttons += [b for name in steps for b in exercise_button(name)]
    replies[-1].buttons += what_next_buttons()
    return replies


def pattern_replies(
    patterns: list[str],
    discussed: list[str],
    offered: list[str],
    partner_term: str | None = None,
    given_in: list[str] | None = None,
    held_back: list[str] | None = None,
    withheld: tuple[str, ...] = (),
) -> tuple[list[Reply], list[str]]:
    """The answer to one or two described responses, and the steps it suggests.

    A response discussed before gets the second wording and a step not offered yet, so the coach
    never repeats itself word for word. Giving in gets a gentle note: what is demanded or unsafe
    to refuse is control, not a trust problem.
    """
    replies = [Reply(phrase("two_patterns"))] if len(patterns) > 1 else []
    suggested: list[str] = []
    for name in patterns:
        content = pattern(name)
        variant = 1 if name in discussed else 0
        heard = fill(content["heard"][variant], partner_term)
        tailoring = {"giving_in": given_in, "withholding": held_back}.get(name) or []
        tailored = content.get("given_in") or content.get("held_back") or {}
        for value in tailoring:
            if value in tailored:
                heard += " " + fill(tailored[value], partner_term)
                break
        insight = fill(content["insight"][variant], partner_term)
        if name == "giving_in":
            insight += " " + safety()["control_note"].format(hotline=hotline())
        if len(patterns) > 1:
            replies.append(Reply(f"{heard} {insight}"))
        else:
            replies += [Reply(heard), Reply(insight)]
        suggested.append(next_step(content["steps"], offered + suggested, withheld))
    return replies + step_replies(suggested, partner_term), suggested


def described_patterns(tracker: Tracker) -> list[str]:
    """The response the intent names, plus a second one the message also describes, if any."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    primary = meaning_of(intent, "pattern")
    cues = [cue for cue in tracker.get_latest_entity_values("pattern_cue") if cue in PATTERNS]
    if primary is None:
        return cues[:1]
    others = [cue for cue in cues if cue != primary]
    return [primary, *others[:1]]


def slot_list(tracker: Tracker, name: str) -> list[str]:
    return list(tracker.get_slot(name) or [])


class ActionRespondToPattern(Action):
    """Answers a described response with the insight into why it backfires and a step to try."""

    def name(self) -> str:
        return "action_respond_to_pattern"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        patterns = described_patterns(tracker)
        if not patterns:
            dispatcher.utter_message(response="utter_ask_which_pattern")
            return warn_beside(dispatcher, tracker)
        discussed = slot_list(tracker, "patterns_discussed")
        offered = slot_list(tracker, "steps_offered")
        replies, suggested = pattern_replies(
            patterns,
            discussed,
            offered,
            partner_term=tracker.get_slot("partner_term"),
            given_in=list(tracker.get_latest_entity_values("given_in")),
            held_back=list(tracker.get_latest_entity_values("held_back")),
            withheld=withheld_steps(tracker),
        )
        send(dispatcher, replies)
        return [
            SlotSet("patterns_discussed", discussed + patterns),
            SlotSet("steps_offered", offered + [s for s in suggested if s not in offered]),
            SlotSet("current_pattern", patterns[0]),
            SlotSet("last_step", suggested[-1]),
            SlotSet("offer", "next_step"),
            *warn_beside(dispatcher, tracker),
        ]


def ask_back(ranking: list[dict[str, Any]], partner_term: str | None = None) -> Reply | None:
    """Reflects the best reading of an unclear message back, with buttons for it and the nearest others.

    `ranking` is the intent ranking of the message (nlu_fallback left out). None when the best reading
    has no reflection: then the coach asks which of the five sounds closest.
    """
    wording = coaching()["asking_back"]
    names = [entry["name"] for entry in ranking if entry["name"] != "nlu_fallback"]
    if not names or names[0] not in wording["reflections"]:
        return None
    best = names[0]
    question = wording["question"].format(reflection=fill(wording["reflections"][best], partner_term))
    nearest = [name for name in names[1:] if name in wording["choices"]][:2]
    buttons = [{"title": wording["confirm"], "payload": f"/{best}"}]
    buttons += [{"title": wording["choices"][name], "payload": f"/{name}"} for name in nearest]
    buttons.append({"title": wording["something_else"], "payload": "/help"})
    return Reply(question, buttons)


class ActionAskBack(Action):
    """When unsure what a message describes, checks the coach's best reading with the user."""

    def name(self) -> str:
        return "action_ask_back"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        reply = ask_back(tracker.latest_message.get("intent_ranking") or [], tracker.get_slot("partner_term"))
        if reply is None:
            dispatcher.utter_message(response="utter_ask_which_pattern")
        else:
            send(dispatcher, [reply])
        return []


def step_detail_replies(
    name: str, partner_term: str | None, withheld: tuple[str, ...] = ()
) -> list[Reply]:
    """One step in full, with buttons to choose it or move on to the next."""
    if name in withheld:
        return [Reply(safety()["withheld_steps"][name], buttons=steps_buttons("explore_step", withheld))]
    replies = step_replies([name], partner_term)
    later = step_names()[step_names().index(name) + 1 :] + step_names()
    following = next(later_step for later_step in later if later_step not in withheld)
    replies[-1].buttons = [
        button("try_step", "choose_step", step=name),
        *exercise_button(name),
        button("next_step", "explore_step", step=following),
        button("all_steps", "ask_what_to_do"),
        button("practise", "start_practice"),
    ]
    return replies


class ActionExploreStep(Action):
    """Shows one of the eight steps the user asked about, or the next one when none is named."""

    def name(self) -> str:
        return "action_explore_step"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        offered = slot_list(tracker, "steps_offered")
        name = next(tracker.get_latest_entity_values("step"), None)
        withheld = withheld_steps(tracker)
        if name not in step_names():
            name = next_step([], offered, withheld)
        send(dispatcher, step_detail_replies(name, tracker.get_slot("partner_term"), withheld))
        if name in withheld:
            return []
        return [
            SlotSet("steps_offered", offered + ([name] if name not in offered else [])),
            SlotSet("last_step", name),
            SlotSet("offer", "next_step"),
        ]


def suggest_next_step(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Suggests another step that fits what the user described, one not offered yet; "another step"
    and a yes to "want another?" (actions/session.py) both come here."""
    offered = slot_list(tracker, "steps_offered")
    withheld = withheld_steps(tracker)
    if all(name in offered or name in withheld for name in step_names()):
        buttons = steps_buttons("choose_step", withheld)
        dispatcher.utter_message(text=phrase("no_more_steps"), buttons=buttons)
        return [SlotSet("offer", None)]
    current = tracker.get_slot("current_pattern")
    candidates = pattern(current)["steps"] if current in PATTERNS else []
    name = next_step(candidates, offered, withheld)
    send(dispatcher, step_replies([name], tracker.get_slot("partner_term")))
    return [
        SlotSet("steps_offered", offered + [name]),
        SlotSet("last_step", name),
        SlotSet("offer", "next_step"),
    ]


class ActionNextStep(Action):
    """Suggests another step that fits what the user described, one not offered yet."""

    def name(self) -> str:
        return "action_next_step"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return suggest_next_step(dispatcher, tracker)


def steps_buttons(intent: str, withheld: tuple[str, ...] = ()) -> list[dict[str, str]]:
    return [step_button(intent, name, numbered=True) for name in step_names() if name not in withheld]


class ActionListSteps(Action):
    """Lists the article's eight steps, to explore one by one."""

    def name(self) -> str:
        return "action_list_steps"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        buttons = steps_buttons("explore_step", withheld_steps(tracker))
        if tracker.get_slot("steps_listed"):
            dispatcher.utter_message(text=phrase("steps_list_again"), buttons=buttons)
        else:
            dispatcher.utter_message(text=coaching()["overview"])
            dispatcher.utter_message(text=phrase("steps_list"), buttons=buttons)
        return [SlotSet("steps_listed", True), SlotSet("offer", None)]


class ActionChooseStep(Action):
    """Notes the step the user will try, so the coach can ask how it went next time."""

    def name(self) -> str:
        return "action_choose_step"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        name = next(tracker.get_latest_entity_values("step"), None) or tracker.get_slot("last_step")
        withheld = withheld_steps(tracker)
        if name in withheld:
            send(dispatcher, step_detail_replies(name, None, withheld))
            return []
        if name not in step_names():
            buttons = steps_buttons("choose_step", withheld)
            dispatcher.utter_message(text=phrase("choose_which_step"), buttons=buttons)
            return []
        chosen = slot_list(tracker, "steps_chosen")
        title = step(name)["title"]
        if name in chosen:
            text = phrase("step_already_chosen", title=title)
            dispatcher.utter_message(text=text, buttons=what_next_buttons())
            return []
        open_store().save_choice(tracker.sender_id, name, tracker.get_slot("current_pattern"))
        dispatcher.utter_message(text=phrase("step_chosen", title=title), buttons=what_next_buttons())
        return [SlotSet("steps_chosen", chosen + [name]), SlotSet("offer", None)]


class ActionExplainRootCause(Action):
    """Explains why a partner may struggle to trust: their past, not the user's actions."""

    def name(self) -> str:
        return "action_explain_root_cause"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        partner_term = tracker.get_slot("partner_term")
        explained = tracker.get_slot("root_cause_explained")
        texts = [coaching()["root_cause_recap"]] if explained else coaching()["root_cause"]
        replies = [Reply(fill(text, partner_term)) for text in texts]
        replies[-1].buttons = [
            step_button("explore_step", "partners_past"),
            button("all_steps", "ask_what_to_do"),
        ]
        send(dispatcher, replies)
        return [SlotSet("root_cause_explained", True), *warn_beside(dispatcher, tracker)]


class ActionAddressHiding(Action):
    """The article's opening caveat, for a user who admits they do lie or hide things: no shaming."""

    def name(self) -> str:
        return "action_address_hiding"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        replies = [Reply(fill(text, tracker.get_slot("partner_term"))) for text in coaching()["caveat"]]
        replies[-1].buttons = [
            step_button("explore_step", "motivations"),
            button("therapy", "ask_therapy"),
        ]
        send(dispatcher, replies)
        return [SlotSet("offer", None), *warn_beside(dispatcher, tracker)]


class ActionAcknowledgeFeeling(Action):
    """Answers a feeling the article names (burned out, frustrated, controlled) with empathy."""

    def name(self) -> str:
        return "action_acknowledge_feeling"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        feeling = meaning_of(intent, "feeling") or "frustrated"
        text = fill(coaching()["feelings"][feeling], tracker.get_slot("partner_term"))
        if feeling == "controlled":
            text += " " + safety()["control_note"].format(hotline=hotline())
        dispatcher.utter_message(text=text)
        dispatcher.utter_message(text=phrase("ask_what_you_do"))
        return [SlotSet("offer", "patterns"), *warn_beside(dispatcher, tracker)]
