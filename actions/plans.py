"""How a guided exercise ends: the meaning of its answers, the user's plan, and the plan's download."""

from __future__ import annotations

import re
from functools import cache
from string import Formatter
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.coaching import step_replies, withheld_steps
from actions.replies import Reply, bubble, bullets, button, exercise_button, send, what_next_buttons
from actions.safety import warn_beside
from coach.content import (
    coaching,
    exercise,
    exercise_names,
    exercise_questions,
    exercises,
    fill,
    partner_phrase,
    safety,
)
from coach.store import SavedPlan, open_store

PLAN_FILENAME = "trust-coach-plan.txt"
# An answer the user chose to leave empty ("that's all"): a slot left None would be asked again.
NOTHING_MORE = "-"


def words(name: str, partner_term: str | None = None, **values: Any) -> str:
    """A phrase said around every exercise (content/exercises.yml `words`), blanks filled."""
    return fill(exercises()["words"][name], partner_term).format(**values)


def answers_of(tracker: Tracker, name: str) -> dict[str, Any]:
    return {slot: tracker.get_slot(slot) for slot in exercise_questions(name)}


def cleared(name: str) -> list[EventType]:
    return [SlotSet(slot, None) for slot in exercise_questions(name)]


def exercise_buttons(withheld: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """A button to start each exercise, but those withheld after a disclosure."""
    return [b for name in exercise_names() if name not in withheld for b in exercise_button(name)]


# --- Showing answers back -----------------------------------------------------------------------

def shown(name: str, answers: dict[str, Any]) -> dict[str, str]:
    """The answers as they read in a sentence: labels for readings, names for picked areas."""
    content = exercise(name)
    values = {slot: "" if answers.get(slot) in (None, NOTHING_MORE) else str(answers[slot])
              for slot in exercise_questions(name)}
    if name == "motivations":
        for slot, labels in content["labels"].items():
            values[slot] = labels.get(values[slot], values[slot])
    if name == "love_well" and values["love_area"] in content["areas"]:
        values["love_area"] = content["areas"][values["love_area"]]["name"]
    if name == "boundaries":
        areas = content["areas"]
        names = [areas[key] for key in values["boundary_areas"].split(",") if key in areas]
        listed = [", ".join(names[:-1]), names[-1]] if len(names) > 1 else names
        values["boundary_areas"] = " and ".join(listed)
        feeling = values["boundary_feeling"]
        values["boundary_feeling"] = content["feelings"].get(feeling, feeling)
    if name == "tell_truth":
        values["script"] = truth_script(values["truth_left_out"], values["truth_details"])
    for slot in ("truth_when", "love_when"):  # "Tonight" from a button reads "(tonight)" in a sentence
        if values.get(slot):
            values[slot] = values[slot][:1].lower() + values[slot][1:]
    return values


def fields(template: str) -> set[str]:
    return {field_name for _, field_name, _, _ in Formatter().parse(template) if field_name}


def in_my_words(template: str, partner_term: str | None) -> str:
    """A plan speaks as the user: "my wife", not "your wife"."""
    return template.replace("{partner}", "my" + partner_phrase(partner_term).removeprefix("your"))


def render(template: str, values: dict[str, str], partner_term: str | None) -> str | None:
    """A plan's line with the user's answers; None if an answer it needs was never given."""
    template = in_my_words(template, partner_term)
    if any(not values.get(name) for name in fields(template)):
        return None
    return template.format(**values)


def sentence(text: str) -> str:
    text = re.sub(r"(?<![\w'])i(?=(\s|'|$))", "I", text.strip().rstrip(",;"))
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


@cache
def unsaid() -> re.Pattern[str]:
    """The opening of "I didn't tell her that ..." (content/exercises.yml, tell_truth `unsaid`)."""
    try:
        return re.compile(exercise("tell_truth")["unsaid"], re.IGNORECASE)
    except re.error as error:
        raise ValueError(f"content/exercises.yml, tell_truth unsaid: {error}") from None


def truth_script(left_out: str, details: str = "") -> str:
    """A calm, complete way to say what the user would usually leave out: opening, fact, why, open door."""
    if not left_out:
        return ""
    words_ = exercise("tell_truth")["script"]
    parts = [words_["opening"], sentence(unsaid().sub("", left_out.strip()))]
    if details:
        parts.append(sentence(details))
    parts.append(words_["closing"])
    return " ".join(parts)


def self_check_outcome(answers: dict[str, Any]) -> str:
    """What the self-check means: hiding comes first, then doubt, then values and honesty."""
    if answers.get("hiding_check") == "yes":
        return "hiding"
    if answers.get("hiding_check") == "unsure":
        return "unsure"
    if answers.get("values_check") != "yes" or answers.get("honesty_check") != "yes":
        return "wobbly"
    return "steady"


def is_complete(name: str, answers: dict[str, Any]) -> bool:
    """Whether the exercise reached its end; a boundaries talk that feels impossible ends early."""
    if name == "boundaries" and answers.get("boundary_feeling") == "impossible":
        return True
    return all(answers.get(slot) is not None for slot in exercise_questions(name))


def result_replies(
    name: str, answers: dict[str, Any], partner_term: str | None, withheld: tuple[str, ...] = ()
) -> list[Reply]:
    """What the exercise gives back before the plan: the meaning of the answers, a script, tips."""
    content = exercise(name)
    if name == "motivations":
        outcome = self_check_outcome(answers)
        replies = [Reply(fill(content["result"][outcome], partner_term))]
        if outcome == "hiding":
            # The article's caveat: the doubts may be a fair reaction, and honesty comes first.
            replies += [Reply(fill(text, partner_term)) for text in coaching()["caveat"][1:]]
        return replies
    if name == "partners_past":
        return [Reply(bubble(content["result"], bullets(content["listening"])))]
    if name == "tell_truth":
        script = shown(name, answers)["script"]
        return [Reply(bubble(content["result"], f'"{script}"'))]
    if name == "boundaries":
        feeling = answers.get("boundary_feeling") or "hard"
        replies = [Reply(fill(content["result"][feeling], partner_term))]
        if feeling == "impossible":
            if "couples_therapy" in withheld:
                replies.append(Reply(safety()["individual_support"], [button("therapy", "ask_therapy")]))
            else:
                replies += step_replies(["couples_therapy"], partner_term)
        return replies
    return [Reply(fill(content["result"], partner_term))]


# --- The plan ---------------------------------------------------------------------------------

def plan_title(name: str, partner_term: str | None = None) -> str:
    return in_my_words(exercise(name)["title"], partner_term)


def plan_lines(name: str, answers: dict[str, Any], partner_term: str | None = None) -> list[str]:
    """The plan an exercise leaves: a headline, then the user's choices, then what comes next."""
    content = exercise(name)["plan"]
    values = shown(name, answers)
    templates = [content["headline"], *content.get("lines", [])]
    if name == "motivations":
        templates.append(content["next"][self_check_outcome(answers)])
    if name == "boundaries" and answers.get("boundary_feeling") == "impossible":
        templates.append(content["impossible"])
    lines = [render(template, values, partner_term) for template in templates]
    if lines[0] is None:  # a boundaries talk that felt impossible before any area was named
        lines[0] = plan_title(name, partner_term)
    return [line for line in lines if line]


def headline(plan: SavedPlan) -> str:
    return plan_lines(plan.exercise, plan.choices, plan.choices.get("partner_term"))[0]


def plan_text(plans: list[SavedPlan]) -> str:
    """The whole plan as plain text, for the download: each exercise's title, date and lines."""
    title = words("plan_title")
    blocks = [f"{title}\n{'=' * len(title)}"]
    for plan in plans:
        partner_term = plan.choices.get("partner_term")
        saved = words("plan_saved_on", date=plan.created_at.strftime("%d %b %Y"))
        lines = "\n".join(f"- {line}" for line in plan_lines(plan.exercise, plan.choices, partner_term))
        blocks.append(f"{plan_title(plan.exercise, partner_term)} ({saved})\n{lines}")
    return "\n\n".join(blocks) + "\n"


def download(plans: list[SavedPlan]) -> dict[str, Any]:
    """The custom payload the web chat turns into a download button (the REST channel: "custom")."""
    return {"download": {"filename": PLAN_FILENAME, "label": words("download"), "text": plan_text(plans)}}


def visible_plans(tracker: Tracker) -> list[SavedPlan]:
    """This person's plans, leaving out exercises withheld after a disclosure of abuse."""
    withheld = withheld_steps(tracker)
    return [plan for plan in open_store().plans(tracker.sender_id) if plan.exercise not in withheld]


def plan_buttons() -> list[dict[str, str]]:
    labels = exercises()["words"]["buttons"]
    return [
        {"title": labels["show_plan"], "payload": "/show_plan"},
        {"title": labels["other_exercise"], "payload": "/start_exercise"},
        *what_next_buttons(),
    ]


def plan_reply(name: str, answers: dict[str, Any], partner_term: str | None) -> Reply:
    lines = bullets(plan_lines(name, answers, partner_term))
    return Reply(bubble(words("saved"), words("plan_intro"), lines), plan_buttons())


# --- Actions ------------------------------------------------------------------------------------

class ActionFinishExercise(Action):
    """Ends an exercise: what the answers mean, the plan saved and shown, and its download."""

    def name(self) -> str:
        return "action_finish_exercise"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        name = tracker.get_slot("exercise")
        if name not in exercise_names():
            dispatcher.utter_message(text=words("menu"), buttons=exercise_buttons(withheld_steps(tracker)))
            return []
        answers = answers_of(tracker, name)
        if not is_complete(name, answers):  # the user said stop in their own words
            dispatcher.utter_message(text=words("stopped"), buttons=what_next_buttons())
            return [*cleared(name), SlotSet("exercise", None), *warn_beside(dispatcher, tracker)]
        partner_term = tracker.get_slot("partner_term")
        send(dispatcher, result_replies(name, answers, partner_term, withheld_steps(tracker)))
        open_store().save_plan(tracker.sender_id, name, {**answers, "partner_term": partner_term})
        send(dispatcher, [plan_reply(name, answers, partner_term)])
        dispatcher.utter_message(text=words("download_note"), json_message=download(visible_plans(tracker)))
        # "Another exercise" now means another one, not this step's again.
        return [*cleared(name), SlotSet("exercise", None), SlotSet("last_step", None)]


class ActionShowPlan(Action):
    """Shows the user's plan from every exercise they finished, with a plain-text download."""

    def name(self) -> str:
        return "action_show_plan"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        plans = visible_plans(tracker)
        if not plans:
            buttons = exercise_buttons(withheld_steps(tracker))
            dispatcher.utter_message(text=words("plan_none"), buttons=buttons)
            return []
        dispatcher.utter_message(text=plan_text(plans).strip(), buttons=plan_buttons())
        dispatcher.utter_message(text=words("download_note"), json_message=download(plans))
        return []
