"""Guided exercises for the article's first six steps: each a form that ends in the user's own plan.

The exercises, their questions in order and the reader of each question's answer are in
content/exercises.yml; domain.yml's forms list the same questions, and the unit tests check that they
agree. How an exercise ends (its result and the plan it leaves) is in actions/plans.py.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.coaching import withheld_steps
from actions.plans import NOTHING_MORE, answers_of, cleared, exercise_buttons, sentence, shown, words
from actions.replies import Reply, bubble, bullets, send, what_next_buttons
from actions.safety import warning_found
from coach.content import exercise, exercise_names, exercise_questions, exercises, fill, meaning_of


def exercise_of(slot: str) -> str:
    return next(name for name in exercise_names() if slot in exercise_questions(name))


# --- Reading answers ----------------------------------------------------------------------------

def normalise(text: str | None) -> str:
    text = (text or "").lower().replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", re.sub(r"[^\w'\- ]", " ", text)).strip()


def phrases(kind: str) -> list[str]:
    return exercises()["words"]["answers"][kind]


def any_of(name: str) -> str:
    """A regular expression alternation of one of content/exercises.yml's word lists, in its order."""
    return "|".join(re.escape(word) for word in exercises()["words"][name])


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
    plain = re.sub(rf"^({any_of('answer_openers')})\s+", "", plain)
    plain = re.sub(rf"\s+({any_of('answer_closers')})$", "", plain)
    if plain in phrases(kind):
        return True
    return len(plain.split()) <= 6 and any(
        " " in p and re.search(rf"(?<![\w']){re.escape(p)}(?![\w'])", plain) for p in phrases(kind)
    )


def ordinals() -> dict[str, int]:
    """What each way of saying a number picks, counted from 0: {"1": 0, "one": 0, "first": 0, ...}."""
    return {said: index for index, ways in enumerate(exercises()["words"]["ordinals"]) for said in ways}


def pick(text: str, options: list[str]) -> str | None:
    """The option the user picked: by its button text, or by number ("2", "the second one")."""
    plain = normalise(text)
    for option in options:
        if plain == normalise(option):
            return option
    number = re.sub(rf"^({any_of('ordinal_openers')})\s+", "", plain)
    number = re.sub(rf" ({any_of('ordinal_closers')})$", "", number).strip()
    index = ordinals().get(number)
    if index is not None and index < len(options):
        return options[index]
    return None


def mentioned(text: str, stems: dict[str, list[str]]) -> list[str]:
    """The keys whose words (or word beginnings) the answer mentions, in the content's order."""
    plain = normalise(text)
    return [key for key, words_ in stems.items()
            if any(re.search(rf"(?<![\w']){re.escape(stem)}", plain) for stem in words_)]


def word_count(text: str) -> int:
    return len(normalise(text).split())


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip()).strip("\"'")


@dataclass
class Answer:
    """One answer to one question of an exercise, with what its reader may need to read it."""

    exercise: str
    slot: str
    text: str
    earlier: dict[str, Any] = field(default_factory=dict)  # the exercise's answers so far
    intent: str | None = None

    @property
    def content(self) -> dict[str, Any]:
        return exercise(self.exercise)

    @property
    def options(self) -> list[str]:
        """The question's buttons."""
        return self.content["questions"][self.slot].get("buttons", [])

    def hint(self, key: str) -> str:
        return self.content["hints"][key]


# What a reader makes of an answer: the value to keep, or None and a hint before the question again.
Reading = tuple[Any, str | None]


def read_yes_no(answer: Answer) -> Reading:
    """"yes", "no" or "unsure"; "not sure" and "not always" are read before "no"."""
    value = next((kind for kind in ("unsure", "no", "yes") if says(answer.text, kind)), None)
    value = value or meaning_of(answer.intent, "answer")
    return (value, None) if value else (None, answer.hint("yes_no"))


def read_what_you_know(answer: Answer) -> Reading:
    """Anything the user knows, in their words; not knowing is kept too: it is what they could ask."""
    if is_only(answer.text, "unknown"):
        return words("not_known"), answer.hint("unknown")
    return clean(answer.text), None


def read_choice_or_own(answer: Answer) -> Reading:
    """One of the question's options, by its words or its number, or the user's own in a few words."""
    chosen = pick(answer.text, answer.options)
    if chosen or word_count(answer.text) >= 3:
        return chosen or clean(answer.text), None
    return None, words("pick_or_own")


def read_sentence(answer: Answer) -> Reading:
    """Words the user would really say: at least two."""
    return (clean(answer.text), None) if word_count(answer.text) >= 2 else (None, answer.hint("too_short"))


def read_fear(answer: Answer) -> Reading:
    """A fear picked from the buttons or put in the user's words ("that I'll leave"): the coach says it
    back as "that you'll leave"."""
    chosen = pick(answer.text, list(answer.content["fears"]))
    if chosen:
        return chosen[:1].lower() + chosen[1:], None
    if word_count(answer.text) >= 2:
        return clean(answer.text).rstrip("."), None
    return None, words("pick_or_own")


def read_answer_to_fear(answer: Answer) -> Reading:
    """What the user would say to the fear: a sentence or two, and not a defence."""
    if word_count(answer.text) < 3:
        return None, answer.hint("too_short")
    if says(answer.text, "defensive"):
        return None, answer.hint("defensive")
    return clean(answer.text), None


def read_something_left_out(answer: Answer) -> Reading:
    return (None, answer.hint("nothing")) if is_only(answer.text, "nothing") else (clean(answer.text), None)


def read_anything_more(answer: Answer) -> Reading:
    """More details, or nothing more ("that's all")."""
    return (NOTHING_MORE if is_only(answer.text, "done") else clean(answer.text)), None


def read_love_area(answer: Answer) -> Reading:
    """One of the four ways to love well, by its button or in words of its own."""
    area = pick(answer.text, answer.options)
    if area:
        return list(answer.content["areas"])[answer.options.index(area)], None
    found = mentioned(answer.text, exercises()["words"]["love_words"])
    return (found[0], None) if found else (None, answer.hint("area"))


def read_love_idea(answer: Answer) -> Reading:
    """One of the ideas for the area chosen before, by its number, or the user's own."""
    area = answer.earlier.get("love_area") or ""
    chosen = pick(answer.text, answer.content["areas"].get(area, {}).get("ideas", []))
    if chosen or word_count(answer.text) >= 2:
        return chosen or clean(answer.text), None
    return None, answer.hint("idea")


def read_areas(answer: Answer) -> Reading:
    """The areas of life the user names (or all of them), as their keys: "friends,phone_privacy"."""
    if normalise(answer.text) in phrases("all"):
        return ",".join(answer.content["areas"]), None
    found = mentioned(answer.text, exercises()["words"]["area_words"])
    return (",".join(found), None) if found else (None, answer.hint("areas"))


def read_feeling(answer: Answer) -> Reading:
    """How the talk feels: "impossible", "hard" or "doable"."""
    feeling = next((kind for kind in ("impossible", "hard", "doable") if says(answer.text, kind)), None)
    return (feeling, None) if feeling else (None, answer.hint("feeling"))


def read_time(answer: Answer) -> Reading:
    """A time, in any words ("this weekend", "when the kids are asleep")."""
    return (clean(answer.text), None) if word_count(answer.text) >= 1 else (None, words("busy"))


# The readers a question can name in content/exercises.yml (`reader:`).
READERS: dict[str, Callable[[Answer], Reading]] = {
    "yes_no": read_yes_no,
    "what_you_know": read_what_you_know,
    "choice_or_own": read_choice_or_own,
    "sentence": read_sentence,
    "fear": read_fear,
    "answer_to_fear": read_answer_to_fear,
    "something_left_out": read_something_left_out,
    "anything_more": read_anything_more,
    "love_area": read_love_area,
    "love_idea": read_love_idea,
    "areas": read_areas,
    "feeling": read_feeling,
    "time": read_time,
}


def reader_of(name: str, slot: str) -> Callable[[Answer], Reading]:
    reader = exercise(name)["questions"][slot].get("reader")
    if reader not in READERS:
        raise ValueError(f"content/exercises.yml: the question {slot} of {name} names the reader "
                         f"{reader!r}; there are {', '.join(READERS)}")
    return READERS[reader]


@dataclass
class Check:
    """What an answer does to the exercise: slots to set, what to say, and whether to leave now."""

    slots: dict[str, Any]
    say: list[str] = field(default_factory=list)
    end: bool = False


def check_answer(
    name: str, slot: str, text: str, answers: dict[str, Any], intent: str | None = None
) -> Check:
    """What the answer to one question of an exercise means: a value, a hint, going back, or leaving."""
    order = exercise_questions(name)
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
        re.search(rf"\b({any_of('impossible_said')})\b", normalise(text))
        or (slot == "boundary_feeling" and says(text, "impossible"))
    ):
        return Check({slot: None, "boundary_feeling": "impossible"}, end=True)
    value, note = reader_of(name, slot)(Answer(name, slot, text, answers, intent))
    return Check({slot: value}, [note] if note else [])


# --- Asking -------------------------------------------------------------------------------------

def quoted(words_said: str) -> str:
    """What the partner says, as a line of speech: a capital, and a question mark if it asks."""
    line = words_said.strip()
    if line.endswith((".", "!", "?")):
        return line[:1].upper() + line[1:]
    asks = normalise(line).split(" ")[0] in exercises()["words"]["question_words"]
    return sentence(line)[:-1] + ("?" if asks else ".")


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
        text = bubble(text, bullets(options, numbered=True))
    return Reply(text, [{"title": fill(option, partner_term), "payload": fill(option, partner_term)}
                        for option in options])


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
        if name not in exercise_names():
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


# One asking action per question, all alike: the form looks each up by its slot's name. The action
# server registers the actions it finds when it starts, so these are made from the content then.
ASK_ACTIONS = [
    type(f"AskExerciseQuestion_{slot}", (AskExerciseQuestion,), {"slot": slot})
    for name in exercise_names() for slot in exercise_questions(name)
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
            if slot not in exercise_questions(self.exercise) or value is None:
                continue
            if warning_found(tracker) is not None:
                # A warning sign of control is not an answer: the exercise stops, and its end
                # (action_finish_exercise) adds the warning-signs answer, as a safety flag would.
                events += [SlotSet(slot, None), SlotSet("requested_slot", None)]
                continue
            check = check_answer(self.exercise, slot, value, answers, intent)
            for text in check.say:
                dispatcher.utter_message(text=text)
            events += [SlotSet(name, slot_value) for name, slot_value in check.slots.items()]
            if check.end:
                # The form ends here; action_finish_exercise tells a stop from an impossible talk.
                events.append(SlotSet("requested_slot", None))
        return events


# One validation action per exercise's form (validate_<exercise>_form), made like the asking actions.
FORM_VALIDATORS = {
    name: type(f"ValidateExerciseForm_{name}", (ValidateExerciseForm,), {"exercise": name})
    for name in exercise_names()
}


class ActionStopExercise(Action):
    """Leaves an exercise when the user says stop: nothing is saved."""

    def name(self) -> str:
        return "action_stop_exercise"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        name = tracker.get_slot("exercise")
        dispatcher.utter_message(text=words("stopped"), buttons=what_next_buttons())
        return [*(cleared(name) if name in exercise_names() else []), SlotSet("exercise", None)]
