"""Guided exercises for the article's first six steps: each a form that ends in the user's own plan."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from string import Formatter
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.coaching import step_replies, withheld_steps
from actions.replies import Reply, bullets, button, paragraphs, send, what_next_buttons
from coach.content import coaching, exercises, fill, partner_phrase, safety
from coach.store import SavedPlan, open_store

# Each exercise belongs to the step of the same name; these are the questions (form slots) it asks,
# in order. domain.yml's forms list the same slots, and the unit tests check that they agree.
EXERCISES: dict[str, tuple[str, ...]] = {
    "motivations": ("values_check", "honesty_check", "hiding_check"),
    "partners_past": ("past_story", "past_letdown", "past_fear_reaction", "past_question"),
    "not_about_you": ("accusation_words", "fear_behind", "fear_answer"),
    "tell_truth": ("truth_left_out", "truth_details", "truth_when"),
    "love_well": ("love_area", "love_idea", "love_when"),
    "boundaries": (
        "boundary_areas", "boundary_needs", "boundary_offer", "boundary_opening", "boundary_feeling",
    ),
}
PLAN_FILENAME = "trust-coach-plan.txt"
# An answer the user chose to leave empty ("that's all"): a slot left None would be asked again.
NOTHING_MORE = "-"


def exercise(name: str) -> dict[str, Any]:
    return exercises()["exercises"][name]


def words(name: str, partner_term: str | None = None, **values: Any) -> str:
    """A phrase said around every exercise (content/exercises.yml `words`), blanks filled."""
    return fill(exercises()["words"][name], partner_term).format(**values)


def exercise_of(slot: str) -> str:
    return next(name for name, slots in EXERCISES.items() if slot in slots)


# --- Reading answers ----------------------------------------------------------------------------

def normalise(text: str | None) -> str:
    text = (text or "").lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", re.sub(r"[^\w'\- ]", " ", text)).strip()


def phrases(kind: str) -> list[str]:
    return exercises()["words"]["answers"][kind]


def says(text: str, kind: str) -> bool:
    """Whether the answer contains one of the phrases of this kind, as whole words."""
    plain = normalise(text)
    return any(re.search(rf"(?<![\w']){re.escape(p)}(?![\w'])", plain) for p in phrases(kind))


def is_only(text: str, kind: str) -> bool:
    """Whether the whole answer is one of these phrases, give or take a word or two.

    Commands ("stop", "go back") and empty answers ("nothing") must be the point of the message:
    "I need her to stop reading my messages" is an answer, not a request to stop.
    """
    plain = normalise(text)
    plain = re.sub(r"^(ok|okay|um|hmm|actually|sorry|please|can we|can i|let's|lets)\s+", "", plain)
    plain = re.sub(r"\s+(please|now|thanks|then)$", "", plain)
    if plain in phrases(kind):
        return True
    return len(plain.split()) <= 6 and any(
        " " in p and re.search(rf"(?<![\w']){re.escape(p)}(?![\w'])", plain) for p in phrases(kind)
    )


def read_yes_no(text: str, intent: str | None = None) -> str | None:
    """"yes", "no" or "unsure"; "not sure" and "not always" are read before "no"."""
    for kind in ("unsure", "no", "yes"):
        if says(text, kind):
            return kind
    return {"affirm": "yes", "deny": "no"}.get(intent or "")


ORDINALS = {"1": 0, "one": 0, "first": 0, "2": 1, "two": 1, "second": 1, "3": 2, "three": 2, "third": 2,
            "4": 3, "four": 3, "fourth": 3, "5": 4, "five": 4, "fifth": 4}


def pick(text: str, options: list[str]) -> str | None:
    """The option the user picked: by its button text, or by number ("2", "the second one")."""
    plain = normalise(text)
    for option in options:
        if plain == normalise(option):
            return option
    number = re.sub(r"^(the|number|option|no)\s+", "", plain).removesuffix(" one").strip()
    if number in ORDINALS and ORDINALS[number] < len(options):
        return options[ORDINALS[number]]
    return None


def mentioned(text: str, stems: dict[str, list[str]]) -> list[str]:
    """The keys whose words (or word beginnings) the answer mentions, in the content's order."""
    plain = normalise(text)
    return [key for key, words_ in stems.items()
            if any(re.search(rf"(?<![\w']){re.escape(stem)}", plain) for stem in words_)]


def word_count(text: str) -> int:
    return len(normalise(text).split())


@dataclass
class Check:
    """What an answer does to the exercise: slots to set, what to say, and whether to leave now."""

    slots: dict[str, Any]
    say: list[str] = field(default_factory=list)
    end: bool = False


def hint(name: str, key: str) -> str:
    return exercise(name)["hints"][key]


def read_answer(name: str, slot: str, text: str, intent: str | None = None) -> tuple[Any, str | None]:
    """The value to keep for this answer, or None and a hint when the answer doesn't fit."""
    content = exercise(name)
    if slot in ("values_check", "honesty_check", "hiding_check"):
        value = read_yes_no(text, intent)
        return value, None if value else hint(name, "yes_no")
    if slot in ("past_story", "past_letdown", "past_fear_reaction"):
        if is_only(text, "unknown"):
            return exercises()["words"]["not_known"], hint(name, "unknown")
        return clean(text), None
    if slot in ("past_question", "boundary_opening"):
        chosen = pick(text, content["questions"][slot]["buttons"])
        if chosen or word_count(text) >= 3:
            return chosen or clean(text), None
        return None, words("pick_or_own")
    if slot == "accusation_words":
        return (clean(text), None) if word_count(text) >= 2 else (None, hint(name, "too_short"))
    if slot == "fear_behind":
        # Kept in the user's words ("that I'll leave"); the coach says it back as "that you'll leave".
        chosen = pick(text, list(content["fears"]))
        if chosen:
            return chosen[:1].lower() + chosen[1:], None
        return (clean(text).rstrip("."), None) if word_count(text) >= 2 else (None, words("pick_or_own"))
    if slot == "fear_answer":
        if word_count(text) < 3:
            return None, hint(name, "too_short")
        if says(text, "defensive"):
            return None, hint(name, "defensive")
        return clean(text), None
    if slot == "truth_left_out":
        return (None, hint(name, "nothing")) if is_only(text, "nothing") else (clean(text), None)
    if slot == "truth_details":
        return (NOTHING_MORE if is_only(text, "done") else clean(text)), None
    if slot == "love_area":
        area = pick(text, list(content["questions"]["love_area"]["buttons"]))
        keys = list(content["areas"])
        if area:
            return keys[content["questions"]["love_area"]["buttons"].index(area)], None
        found = mentioned(text, exercises()["words"]["love_words"])
        return (found[0], None) if found else (None, hint(name, "area"))
    if slot == "love_idea":
        return None, None  # read with the area chosen before it: see read_love_idea
    if slot == "boundary_areas":
        if normalise(text) in ("all", "all of them", "everything", "all of it"):
            return ",".join(content["areas"]), None
        found = mentioned(text, exercises()["words"]["area_words"])
        return (",".join(found), None) if found else (None, hint(name, "areas"))
    if slot in ("boundary_needs", "boundary_offer"):
        return (clean(text), None) if word_count(text) >= 2 else (None, hint(name, "too_short"))
    if slot == "boundary_feeling":
        for kind in ("impossible", "hard", "doable"):
            if says(text, kind):
                return kind, None
        return None, hint(name, "feeling")
    # Times and other free answers ("this weekend", "when the kids are asleep").
    return (clean(text), None) if word_count(text) >= 1 else (None, words("busy"))


def read_love_idea(text: str, area: str | None) -> tuple[str | None, str | None]:
    ideas = exercise("love_well")["areas"].get(area or "", {}).get("ideas", [])
    chosen = pick(text, ideas)
    if chosen or word_count(text) >= 2:
        return chosen or clean(text), None
    return None, hint("love_well", "idea")


def check_answer(
    name: str, slot: str, text: str, answers: dict[str, Any], intent: str | None = None
) -> Check:
    """What the answer to one question of an exercise means: a value, a hint, going back, or leaving."""
    order = EXERCISES[name]
    if is_only(text, "stop"):
        return Check({slot: None}, end=True)
    if is_only(text, "go_back"):
        index = order.index(slot)
        if index == 0:
            return Check({slot: None}, [words("first_question")])
        return Check({slot: None, order[index - 1]: None}, [words("go_back")])
    if (text or "").strip().startswith("/"):  # a button from an earlier message, not an answer
        return Check({slot: None}, [words("busy")])
    # The article: if this conversation feels impossible, a therapist is the next step, not a plan.
    # Any answer may say so; outside the last question only in so many words, since "no way" can
    # just as well be about what the user needs.
    if name == "boundaries" and (
        re.search(r"\b(impossible|not possible)\b", normalise(text))
        or (slot == "boundary_feeling" and says(text, "impossible"))
    ):
        return Check({slot: None, "boundary_feeling": "impossible"}, end=True)
    if slot == "love_idea":
        value, note = read_love_idea(text, answers.get("love_area"))
    else:
        value, note = read_answer(name, slot, text, intent)
    return Check({slot: value}, [note] if note else [])


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip()).strip("\"'")


# --- Showing answers back, and the plan -----------------------------------------------------------

def shown(name: str, answers: dict[str, Any]) -> dict[str, str]:
    """The answers as they read in a sentence: labels for readings, names for picked areas."""
    content = exercise(name)
    values = {slot: "" if answers.get(slot) in (None, NOTHING_MORE) else str(answers[slot])
              for slot in EXERCISES[name]}
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


QUESTION_WORDS = ("who", "what", "where", "when", "why", "how", "are", "do", "did", "is", "were", "was",
                  "have", "can", "will", "would")


def quoted(words_said: str) -> str:
    """What the partner says, as a line of speech: a capital, and a question mark if it asks."""
    line = words_said.strip()
    if line.endswith((".", "!", "?")):
        return line[:1].upper() + line[1:]
    asks = normalise(line).split(" ")[0] in QUESTION_WORDS
    return sentence(line)[:-1] + ("?" if asks else ".")


# "I didn't tell her that I had lunch with Sam" says the fact in its second half.
UNSAID = re.compile(
    r"^i\s+(?:usually\s+|often\s+|sometimes\s+)?(?:didn'?t|did not|don'?t|do not|never|wouldn'?t|would not)"
    r"\s+(?:tell|mention|say)(?:\s+(?:to\s+)?(?:her|him|them|my\s+\w+))?\s+that\s+",
    re.IGNORECASE,
)


def truth_script(left_out: str, details: str = "") -> str:
    """A calm, complete way to say what the user would usually leave out: opening, fact, why, open door."""
    if not left_out:
        return ""
    words_ = exercise("tell_truth")["script"]
    parts = [words_["opening"], sentence(UNSAID.sub("", left_out.strip()))]
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
    return all(answers.get(slot) is not None for slot in EXERCISES[name])


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


# --- Buttons ------------------------------------------------------------------------------------

def exercise_buttons(withheld: tuple[str, ...] = ()) -> list[dict[str, str]]:
    return [
        {"title": fill(exercise(name)["button"]), "payload": f'/start_exercise{{"step": "{name}"}}'}
        for name in EXERCISES if name not in withheld
    ]


def plan_buttons() -> list[dict[str, str]]:
    labels = exercises()["words"]["buttons"]
    return [
        {"title": labels["show_plan"], "payload": "/show_plan"},
        {"title": labels["other_exercise"], "payload": "/start_exercise"},
        *what_next_buttons(),
    ]


def question(name: str, slot: str, answers: dict[str, Any], partner_term: str | None) -> Reply:
    """One question of an exercise, with the user's earlier answers in it where it quotes them."""
    content = exercise(name)["questions"][slot]
    values = shown(name, answers)
    if slot == "fear_answer":
        values["accusation_words"] = quoted(values["accusation_words"])
        fears = {fear.lower(): said for fear, said in exercise(name)["fears"].items()}
        values["fear_behind"] = fears.get(values["fear_behind"].lower(), values["fear_behind"])
    text = fill(content["text"], partner_term).format(**values)
    options = content.get("buttons", [])
    if slot == "love_idea":
        options = exercise(name)["areas"].get(answers.get("love_area") or "", {}).get("ideas", [])
        text = paragraphs(text, bullets(options, numbered=True))
    return Reply(text, [{"title": fill(option, partner_term), "payload": fill(option, partner_term)}
                        for option in options])


def answers_of(tracker: Tracker, name: str) -> dict[str, Any]:
    return {slot: tracker.get_slot(slot) for slot in EXERCISES[name]}


def cleared(name: str) -> list[EventType]:
    return [SlotSet(slot, None) for slot in EXERCISES[name]]


# --- Actions ------------------------------------------------------------------------------------

class ActionStartExercise(Action):
    """Starts the exercise for the step named (or the one last discussed); else offers the six."""

    def name(self) -> str:
        return "action_start_exercise"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        named = next(tracker.get_latest_entity_values("step"), None)
        name = named or tracker.get_slot("last_step")
        withheld = withheld_steps(tracker)
        partner_term = tracker.get_slot("partner_term")
        if name in withheld:
            dispatcher.utter_message(text=words("withheld"), buttons=exercise_buttons(withheld))
            return [SlotSet("exercise", None)]
        if name not in EXERCISES:
            dispatcher.utter_message(text=words("menu"), buttons=exercise_buttons(withheld))
            return [SlotSet("exercise", None)]
        intro = fill(exercise(name)["intro"], partner_term)
        dispatcher.utter_message(text=f"{intro} {words('how_to_leave')}")
        # A fresh start: answers from an earlier run of the same exercise would skip its questions.
        return [*cleared(name), SlotSet("exercise", name), SlotSet("offer", None)]


class AskExerciseQuestion(Action, ABC):
    """Asks one question of an exercise; the forms find it as action_ask_<slot>."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The form slot this action asks for."""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        name = exercise_of(self.slot)
        reply = question(name, self.slot, answers_of(tracker, name), tracker.get_slot("partner_term"))
        send(dispatcher, [reply])
        return []


# One asking action per question, all alike: the form looks each up by its slot's name.
ASK_ACTIONS = [
    type(f"AskExerciseQuestion_{slot}", (AskExerciseQuestion,), {"slot": slot})
    for slots in EXERCISES.values() for slot in slots
]


class ValidateExerciseForm(FormValidationAction, ABC):
    """Reads each answer of one exercise: a value, a hint and the question again, going back, or stop."""

    @property
    @abstractmethod
    def exercise(self) -> str:
        """The exercise (and step) this form belongs to."""

    def name(self) -> str:
        return f"validate_{self.exercise}_form"

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        answers = answers_of(tracker, self.exercise)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        events: list[EventType] = []
        for slot, value in tracker.slots_to_validate().items():
            # Only answers are read: the slots emptied when the exercise starts come through here too.
            if slot not in EXERCISES[self.exercise] or value is None:
                continue
            check = check_answer(self.exercise, slot, value, answers, intent)
            for text in check.say:
                dispatcher.utter_message(text=text)
            events += [SlotSet(name, slot_value) for name, slot_value in check.slots.items()]
            if check.end:
                # The form ends here; action_finish_exercise tells a stop from an impossible talk.
                events.append(SlotSet("requested_slot", None))
        return events


class ValidateMotivationsForm(ValidateExerciseForm):
    exercise = "motivations"


class ValidatePartnersPastForm(ValidateExerciseForm):
    exercise = "partners_past"


class ValidateNotAboutYouForm(ValidateExerciseForm):
    exercise = "not_about_you"


class ValidateTellTruthForm(ValidateExerciseForm):
    exercise = "tell_truth"


class ValidateLoveWellForm(ValidateExerciseForm):
    exercise = "love_well"


class ValidateBoundariesForm(ValidateExerciseForm):
    exercise = "boundaries"


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
        return [Reply(paragraphs(content["result"], bullets(content["listening"])))]
    if name == "tell_truth":
        script = shown(name, answers)["script"]
        return [Reply(paragraphs(content["result"], f'"{script}"'))]
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


def plan_reply(name: str, answers: dict[str, Any], partner_term: str | None) -> Reply:
    lines = bullets(plan_lines(name, answers, partner_term))
    return Reply(paragraphs(words("plan_intro"), lines, words("saved")), plan_buttons())


class ActionFinishExercise(Action):
    """Ends an exercise: what the answers mean, the plan saved and shown, and its download."""

    def name(self) -> str:
        return "action_finish_exercise"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        name = tracker.get_slot("exercise")
        if name not in EXERCISES:
            dispatcher.utter_message(text=words("menu"), buttons=exercise_buttons(withheld_steps(tracker)))
            return []
        answers = answers_of(tracker, name)
        if not is_complete(name, answers):  # the user said stop in their own words
            dispatcher.utter_message(text=words("stopped"), buttons=what_next_buttons())
            return [*cleared(name), SlotSet("exercise", None)]
        partner_term = tracker.get_slot("partner_term")
        send(dispatcher, result_replies(name, answers, partner_term, withheld_steps(tracker)))
        open_store().save_plan(tracker.sender_id, name, {**answers, "partner_term": partner_term})
        send(dispatcher, [plan_reply(name, answers, partner_term)])
        dispatcher.utter_message(text=words("download_note"), json_message=download(visible_plans(tracker)))
        # "Another exercise" now means another one, not this step's again.
        return [*cleared(name), SlotSet("exercise", None), SlotSet("last_step", None)]


class ActionStopExercise(Action):
    """Leaves an exercise when the user says stop: nothing is saved."""

    def name(self) -> str:
        return "action_stop_exercise"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        name = tracker.get_slot("exercise")
        dispatcher.utter_message(text=words("stopped"), buttons=what_next_buttons())
        return [*(cleared(name) if name in EXERCISES else []), SlotSet("exercise", None)]


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
