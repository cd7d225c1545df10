"""Practise a calmer response: the coach plays the suspicious partner and gives feedback on the reply."""

from __future__ import annotations

import random
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import Assessment, assess_reply
from actions.replies import Reply, bubble, bullets, send, what_next_buttons
from actions.safety import warn_beside
from coach.content import pattern, practice, step
from coach.store import open_store

__all__ = ["Assessment", "assess_reply"]  # the practice contract: actions.practice.assess_reply


def menu(name: str, **values: Any) -> str:
    return practice()["menu"][name].format(**values)


def scenario_names() -> list[str]:
    return list(practice()["scenarios"])


def pick_scenario(requested: str | None, last: str | None = None) -> str:
    """The situation asked for, or a random one other than the last ("surprise me")."""
    if requested in practice()["scenarios"]:
        return requested
    return random.choice([name for name in scenario_names() if name != last] or scenario_names())


def partner_line(scenario: str, round_number: int) -> str:
    """What the partner says: the opening line first, then the follow-ups in turn."""
    lines = [practice()["scenarios"][scenario]["opening"], *practice()["scenarios"][scenario]["follow_ups"]]
    return lines[round_number % len(lines)]


def round_events(scenario: str, round_number: int) -> list[EventType]:
    """A round of the role-play: its situation and number, no reply yet, and the partner's line,
    which practice_form asks with utter_ask_practice_reply ("{partner_line}" in domain.yml)."""
    return [
        SlotSet("practice_scenario", scenario),
        SlotSet("practice_round", round_number),
        SlotSet("practice_reply", None),
        SlotSet("partner_line", menu("partner_says", line=partner_line(scenario, round_number))),
    ]


def round_buttons() -> list[dict[str, str]]:
    return [
        {"title": menu("another_round"), "payload": "/practice_again"},
        {"title": menu("another_scenario"), "payload": "/start_practice"},
        {"title": menu("progress"), "payload": "/ask_progress"},
        {"title": menu("stop"), "payload": "/stop_practice"},
    ]


def feedback_replies(assessment: Assessment, scenario: str) -> list[Reply]:
    """Feedback that names the lean in plain words, quotes what was noticed, and shows a calmer answer."""
    words = practice()["feedback"]
    lean = words["patterns"][assessment.pattern]
    replies = [Reply(f"{words['intro']} {words['leans'].format(name=lean['name'])}")]
    details = []
    if assessment.evidence:
        quoted = ", ".join(f'"{phrase}"' for phrase in assessment.evidence[:3])
        details.append(words["noticed"].format(evidence=quoted))
    details.append(lean["meaning"])
    if assessment.qualities:
        quality = " and ".join(words["qualities"][q] for q in assessment.qualities[:2])
        details.append(words["worked"].format(quality=quality))
    details.append(lean["try_instead"])
    replies.append(Reply(" ".join(details)))

    content = practice()["scenarios"][scenario]
    # The step to link: what the article offers against this lean, or what the situation practises.
    step_name = content["step"] if assessment.pattern == "calm" else pattern(assessment.pattern)["steps"][0]
    replies.append(Reply(
        bubble(words["model_intro"], f'"{content["model_answer"]}"',
                   words["step_link"].format(title=step(step_name)["title"]))
    ))
    replies.append(Reply(words["again"], buttons=round_buttons()))
    return replies


class ActionPracticeMenu(Action):
    """Explains the role-play and offers the situations to practise."""

    def name(self) -> str:
        return "action_practice_menu"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        buttons = [
            {"title": details["title"], "payload": f'/choose_scenario{{"scenario": "{name}"}}'}
            for name, details in practice()["scenarios"].items()
        ]
        buttons.append({"title": menu("surprise"), "payload": "/choose_scenario"})
        intro = menu("intro")
        if not tracker.get_slot("keep_replies"):
            buttons.append({"title": menu("save_replies"), "payload": "/allow_saving_replies"})
            intro += " " + menu("replies_not_kept")
        dispatcher.utter_message(text=intro)
        dispatcher.utter_message(text=menu("pick"), buttons=buttons)
        return []


def start_scenario(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Sets the scene for the situation asked for (or a surprise one) and starts its first round."""
    requested = next(tracker.get_latest_entity_values("scenario"), None)
    scenario = pick_scenario(requested, tracker.get_slot("practice_scenario"))
    dispatcher.utter_message(text=practice()["scenarios"][scenario]["setting"])
    return round_events(scenario, 0)


class ActionStartScenario(Action):
    """Sets the scene for the chosen (or a surprise) situation; the form then lets the partner speak."""

    def name(self) -> str:
        return "action_start_scenario"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return start_scenario(dispatcher, tracker)


class ActionGiveFeedback(Action):
    """Assesses the reply, stores the attempt (its text only with consent) and gives feedback."""

    def name(self) -> str:
        return "action_give_feedback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        scenario = pick_scenario(tracker.get_slot("practice_scenario"))
        reply = tracker.get_slot("practice_reply") or ""
        assessment = assess_reply(reply, scenario)
        kept = reply if tracker.get_slot("keep_replies") else None
        open_store().save_attempt(tracker.sender_id, scenario, assessment.pattern, kept)
        send(dispatcher, feedback_replies(assessment, scenario))
        return [SlotSet("practice_reply", None), SlotSet("offer", None), *warn_beside(dispatcher, tracker)]


class ActionNextRound(Action):
    """Moves to the partner's next line in the same situation (or a new one if none is under way)."""

    def name(self) -> str:
        return "action_next_round"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        current = tracker.get_slot("practice_scenario")
        if current not in practice()["scenarios"]:
            return start_scenario(dispatcher, tracker)
        return round_events(current, int(tracker.get_slot("practice_round") or 0) + 1)


class ActionStopPractice(Action):
    """Ends the role-play kindly, at any point."""

    def name(self) -> str:
        return "action_stop_practice"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=menu("stopped"), buttons=what_next_buttons())
        return [SlotSet("practice_scenario", None), SlotSet("practice_reply", None)]


def progress_text(sender_id: str) -> str:
    """How the last practice rounds went: when, which situation, and the lean of each answer."""
    attempts = open_store().recent_attempts(sender_id)
    if not attempts:
        return menu("progress_none")
    words = practice()["feedback"]["patterns"]
    rounds = []
    for attempt in attempts:
        title = practice()["scenarios"].get(attempt.scenario, {}).get("title", attempt.scenario)
        when = attempt.created_at.strftime("%d %b, %H:%M")
        rounds.append(menu("progress_line", when=when, title=title, pattern=words[attempt.pattern]["name"]))
    calm = sum(attempt.pattern == "calm" for attempt in attempts)
    return bubble(menu("progress_calm", calm=calm, count=len(attempts)),
                      menu("progress_intro", count=len(attempts)), bullets(rounds))


class ActionShowProgress(Action):
    """Shows how the user's last practice rounds went."""

    def name(self) -> str:
        return "action_show_progress"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        buttons = [{"title": menu("another_scenario"), "payload": "/start_practice"}]
        dispatcher.utter_message(text=progress_text(tracker.sender_id), buttons=buttons)
        return []


class ActionAllowSavingReplies(Action):
    """Records the user's consent to keep the text of their practice replies."""

    def name(self) -> str:
        return "action_allow_saving_replies"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=menu("saving_replies"))
        return [SlotSet("keep_replies", True)]
