"""The conversation around the coaching: starting a session, following up a step, summing up, yes and no."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, Restarted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.coaching import slot_list, suggest_next_step, withheld_steps
from actions.plans import headline, visible_plans, words
from actions.privacy import delete_everything
from actions.replies import bubble, button, phrase, send, what_next_buttons
from actions.safety import safety_replies
from coach.content import coaching, meaning_of, pattern, privacy, resources, safety, step, step_names
from coach.store import open_store


class ActionSessionStart(Action):
    """Starts each session with who the coach is, and asks a returning user how their step went."""

    def name(self) -> str:
        return "action_session_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events: list[EventType] = [SessionStarted()]
        if domain.get("session_config", {}).get("carry_over_slots_to_new_session", True):
            # Only slots with a value: a new session starts with every slot empty anyway, and each
            # event is stored, loaded and replayed on every later turn of the conversation.
            events += [SlotSet(name, value) for name, value in tracker.slots.items() if value is not None]
        emergency = resources()["emergency_number"]
        dispatcher.utter_message(text=phrase("intro", emergency=emergency))
        # One question per visit: a plan from an exercise first, as the most concrete thing to ask about;
        # a step waiting to be asked about keeps until the next visit.
        outcome_buttons = [button("went_well", "step_went_well"), button("went_badly", "step_went_badly")]
        # What is withheld after a disclosure is never asked about, so never marked as asked either:
        # a later "it went well" must not be recorded against it.
        withheld = withheld_steps(tracker)
        plan = open_store().take_plan_follow_up(tracker.sender_id, skipping=withheld)
        if plan is not None:
            dispatcher.utter_message(text=words("followup", headline=headline(plan)), buttons=outcome_buttons)
            return events + [ActionExecuted("action_listen")]
        follow_up = open_store().take_follow_up(tracker.sender_id, skipping=withheld)
        if follow_up is not None:
            dispatcher.utter_message(
                text=phrase("followup", title=step(follow_up.step)["title"]), buttons=outcome_buttons
            )
        return events + [ActionExecuted("action_listen")]


class ActionRecordStepOutcome(Action):
    """Saves how the followed-up step went and answers kindly either way."""

    def name(self) -> str:
        return "action_record_step_outcome"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        outcome = meaning_of(intent, "outcome") or "went_badly"
        name = open_store().record_outcome(tracker.sender_id, outcome)
        if name is None:
            dispatcher.utter_message(text=phrase("outcome_unknown"), buttons=what_next_buttons())
        elif outcome == "went_well":
            dispatcher.utter_message(text=phrase("outcome_went_well"), buttons=what_next_buttons())
        else:
            dispatcher.utter_message(
                text=phrase("outcome_went_badly", title=step(name)["title"]),
                buttons=[button("try_step", "choose_step", step=name), *what_next_buttons()],
            )
        return [SlotSet("last_step", name), SlotSet("offer", "next_step")]


def summary_lines(
    discussed: list[str],
    offered: list[str],
    chosen: list[str],
    partner_term: str | None = None,
    withheld: tuple[str, ...] = (),
    plans: list[str] = (),
) -> list[str]:
    """A short summary of the conversation: the responses described, the steps seen and chosen, and
    the headlines of the user's plans from the exercises.

    Steps withheld after a disclosure of abuse are left out, even if they came up before it.
    """
    offered = [name for name in offered if name not in withheld]
    chosen = [name for name in chosen if name not in withheld]
    if not (discussed or offered or chosen or plans):
        return [phrase("summary_empty", partner_term)]

    def titles(names: list[str]) -> str:
        return "; ".join(step(name)["title"] for name in dict.fromkeys(names) if name in step_names())

    lines = [phrase("summary_intro")]
    if discussed:
        labels = "; ".join(pattern(name)["label"] for name in dict.fromkeys(discussed))
        lines.append(phrase("summary_patterns", items=labels))
    if offered:
        lines.append(phrase("summary_steps_seen", items=titles(offered)))
    if chosen:
        lines.append(phrase("summary_steps_chosen", items=titles(chosen)))
    if plans:
        lines.append(words("summary_plan", items="; ".join(plans)))
    return lines


def summary_text(tracker: Tracker) -> str:
    return bubble(
        *summary_lines(
            slot_list(tracker, "patterns_discussed"),
            slot_list(tracker, "steps_offered"),
            slot_list(tracker, "steps_chosen"),
            tracker.get_slot("partner_term"),
            withheld_steps(tracker),
            [headline(plan) for plan in visible_plans(tracker)],
        )
    )


class ActionSummarise(Action):
    """Sums up what was discussed and which steps the user chose."""

    def name(self) -> str:
        return "action_summarise"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=summary_text(tracker), buttons=what_next_buttons())
        return []


class ActionGoodbye(Action):
    """Says goodbye; after a real conversation, with a summary and the article's closing thought."""

    def name(self) -> str:
        return "action_goodbye"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if slot_list(tracker, "patterns_discussed") or slot_list(tracker, "steps_offered"):
            dispatcher.utter_message(text=summary_text(tracker))
            dispatcher.utter_message(text=" ".join(coaching()["closing_thought"]))
        dispatcher.utter_message(text=phrase("goodbye"))
        return []


def answer_to_afraid(dispatcher: CollectingDispatcher, afraid: bool) -> list[EventType]:
    """After warning signs of control: a yes to "do you feel afraid" is a disclosure; a no, coaching on."""
    if afraid:
        send(dispatcher, safety_replies("danger"))
        return [SlotSet("offer", "keep_talking"), SlotSet("abuse_disclosed", True)]
    dispatcher.utter_message(text=safety()["warning"]["after_no"])
    return [SlotSet("offer", None)]


class ActionAnswerOffer(Action):
    """Takes a yes or no to what the coach last offered: another step, the five responses, to talk on,
    or deleting everything."""

    def name(self) -> str:
        return "action_answer_offer"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        answer = meaning_of((tracker.latest_message.get("intent") or {}).get("name"), "answer")
        offer = tracker.get_slot("offer")
        if offer == "afraid":
            return answer_to_afraid(dispatcher, answer == "yes")
        if answer == "no":
            dispatcher.utter_message(text=privacy()["kept"] if offer == "delete" else phrase("no_problem"))
            return [SlotSet("offer", None)]
        if offer == "delete":
            return delete_everything(dispatcher, tracker)
        if offer == "next_step":
            return suggest_next_step(dispatcher, tracker)
        if offer == "keep_talking":
            dispatcher.utter_message(text=safety()["resume"])
            return [SlotSet("offer", None)]
        if offer == "patterns":
            dispatcher.utter_message(response="utter_ask_which_pattern")
            return [SlotSet("offer", None)]
        dispatcher.utter_message(response="utter_help")
        return []


class ActionRestart(Action):
    """Starts the conversation over when asked: says so, then clears it (the coach's records stay)."""

    def name(self) -> str:
        return "action_restart"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        dispatcher.utter_message(text=phrase("restart"))
        return [Restarted()]
