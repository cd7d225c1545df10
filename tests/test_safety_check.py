"""Tests for the deterministic safety check and the Rasa component that applies it."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
import yaml
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.safety import SafetyCheck, SafetyClassifier, parse

CASES_FILE = Path(__file__).parent / "safety" / "safety_cases.yml"


@pytest.fixture(scope="session")
def safety_check(nlp: spacy.language.Language) -> SafetyCheck:
    return SafetyCheck(nlp.vocab)


def as_spacy_nlp_parses(text: str, model: SpacyModel) -> spacy.tokens.Doc:
    """The doc SpacyNLP stores (lowercased, no parse), parsed as SafetyClassifier parses it."""
    return parse(model.model(text.lower()), model.model)


def kind_of(text: str, nlp: spacy.language.Language, safety_check: SafetyCheck) -> str:
    flag = safety_check.check(nlp(text))
    return flag.kind if flag else "none"


# What a person at risk of suicide or self-harm might write.
SELF_HARM = [
    "I want to kill myself.",
    "I am so tired of living with this pain.",
    "I can't stop thinking about killing myself.",
    "I want to end my life.",
    "Sometimes I think about ending it all.",
    "I don't want to be alive anymore.",
    "I don't want to be here anymore.",
    "I want to disappear forever and never wake up.",
    "I've been cutting myself again.",
    "I started cutting again last week.",
    "I'm scared I'll hurt myself.",
    "I've been having suicidal thoughts.",
    "I'm planning to overdose.",
    "I have pills saved up and I'm thinking of taking them all.",
    "I wish I was dead.",
    "I'd rather be dead than go through this again.",
    "Everyone would be better off without me.",
    "Life isn't worth living.",
    "What's the point of living anymore?",
    "I've started self-harming again.",
    "I keep thinking about jumping off a bridge.",
    "My partner left and I want to die.",
    # said without the words "kill myself"
    "i keep thinking about walking into traffic",
    "I've been stockpiling my antidepressants.",
    "how many paracetamol would it take to not wake up",
    "I burned my wrist with a cigarette last night.",
    "i keep banging my head against the wall until it hurts",
    "It would be easier for her if I wasn't alive.",
    "I left a suicide note on my desk.",
    "i dont see any point in going on",
    "I'd be better off not existing.",
]

# What a person who is hurt, threatened or afraid of someone might write.
DANGER = [
    "He hit me last night.",
    "My husband punched me in the face.",
    "He choked me during an argument.",
    "He pushed me against the wall.",
    "He grabbed my wrist so hard it bruised.",
    "I was pushed down the stairs.",
    "I got slapped again last night.",
    "She threw a glass at me.",
    "He pulled a knife on me.",
    "He punched the wall next to my head.",
    "He put his hands around my neck.",
    "He raped me.",
    "He forced me to have sex.",
    "He threatened to kill me.",
    "He said he'd kill me if I left.",
    "She said she will hurt me if I talk to anyone.",
    "Whenever I disagree with him he threatens me.",
    "I'm scared of him.",
    "i'm terrified of my boyfriend",
    "I'm afraid to go home.",
    "I'm terrified of what she'll do.",
    "I'm scared he'll hurt me.",
    "I get scared when he gets angry.",
    "He scares me when he drinks.",
    "My kids are scared of him.",
    "I don't feel safe at home.",
    "I fear for my life.",
    "He gets violent when he drinks.",
    "My partner is abusive.",
    "He locked me in the bedroom.",
    # threats and fear shown rather than named
    "She picked up a kitchen knife and screamed at me to get out.",
    "He keeps a baseball bat by the bed and grabbed it when I came home late.",
    "I'm hiding from him right now.",
    "I sleep in my car some nights because I never know what she'll do when she's drunk.",
    "He said my dog will get hurt if I leave him.",
    "She said she'd run me over with the car if I ever left.",
    "He broke every plate in the kitchen last night while screaming at me.",
    "im scared of what hell do when he finds out",
]

# What a person whose partner controls them might write.
COERCIVE_CONTROL = [
    "He won't let me see my friends.",
    "She makes me share my location every day.",
    "He demands my passwords.",
    "She demands to see my phone every night.",
    "She insists on reading all my messages.",
    "He made me quit my job.",
    "She forced me to give her my passwords.",
    "He controls all the money and gives me an allowance.",
    "He takes my paycheck.",
    "I'm not allowed to see my family.",
    "He doesn't allow me to have my own bank account.",
    "She stops me from seeing my family.",
    "He forbids me from seeing my family.",
    "She cut me off from all my friends.",
    "He tracks my location.",
    "He installed a tracking app on my phone.",
    "He's very controlling.",
    "I need his permission to go out.",
    "I have to ask him for money.",
    "I have to send him a photo every hour to prove where I am.",
    "She threatened to leave me if I didn't give her my passwords.",
    "I gave up football because she said she'd leave me if I didn't.",
    "If I don't send her my location she gives me the silent treatment for days.",
    "She makes me show her my phone every night or she screams at me for hours.",
    "He threatened to kill himself if I leave.",
    "He threatened to take the kids if I go out with my friends.",
    # bans said aloud, and refusals punished
    "He says I can't see my friends without him.",
    "If I don't answer within a minute she says we're done.",
    "He told me to delete my Instagram or he'd tell my family I cheated.",
    "She makes me log every dollar I spend.",
    "If I don't text back right away he takes my car keys.",
    "I'm not allowed a phone of my own.",
]

# Denials: the words are there, the act is not.
NEGATED = [
    "I would never hurt myself.",
    "I have no intention of hurting myself.",
    "I'm not suicidal, just exhausted.",
    "I don't want to die, I want things to get better.",
    "I've never self-harmed.",
    "He has never hit me.",
    "She would never hurt me.",
    "I don't think he would ever hurt me.",
    "I'm not afraid of her.",
    "I'm not scared of him, I'm just tired.",
    "He has never been violent.",
    "He's not abusive, just insecure.",
    "I'm not in danger, I just need advice.",
    "He doesn't make me share my location, I just do.",
    "If he ever hit me I would leave.",
]

# Idioms and everyday uses of the same words.
IDIOMS = [
    "This is killing me.",
    "The stress is killing me.",
    "You're killing me with these questions.",
    "I could kill for a coffee.",
    "My boss will murder me if I miss the deadline.",
    "My mom is going to kill me.",
    "She'll kill me if I'm late again.",
    "My husband would kill me if he knew how much I spent on these shoes.",
    "I'm dying to know what you think.",
    "I could just die of embarrassment, she read my texts out loud at dinner.",
    "I'm killing myself trying to make him happy.",
    "I'm only hurting myself by staying with her.",
    "I cut myself shaving this morning.",
    "I hurt myself at the gym.",
    "My ex hit me up last night.",
    "He hit me with a hundred questions about where I was.",
    "It hit me that she might never trust me.",
    "She beat me at chess.",
    "He grabbed me a coffee on the way home.",
    "She grabbed my hand and we walked home.",
    "My friend slapped me on the back and laughed.",
    "He threw me a surprise party.",
    "She really hurt me when she read my texts.",
    "I got hit by a car last year.",
    "I'm scared she'll leave me.",
    "I'm afraid of losing him.",
    "I'm scared to tell him I had lunch with my ex.",
    "She's afraid I'll cheat on her.",
    "It scares me that she doesn't trust me.",
    "I don't feel safe opening up to her.",
    "I don't want to live with him anymore.",
    "I want to end things with her.",
    "She cut me off mid-sentence.",
    "He forced a smile when I told him about my weekend.",
    "He made me promise to call when I land.",
    "She won't let me explain.",
    "I'm not allowed to have my phone at work.",
    # near misses of the rules for methods, means, weapons and threats
    "I drove into a tree last winter and totaled my car.",
    "I keep my meds in the bathroom cabinet.",
    "I forgot to take my pills this morning.",
    "I burned my hand on the stove while cooking dinner.",
    "I hit my head on the cupboard door.",
    "I wrote her a goodbye letter when we broke up last year.",
    "What's the point of arguing with her?",
    "I see no reason to keep going with this diet.",
    "She was holding a knife while cutting vegetables and asked about my day.",
    "I hide in my room when I want to play video games.",
    "i hid about 14k of credit card debt from my bf for a year",
    "She made a crack about me texting my girlfriend when I checked my phone.",
    "He'll make a comment about my boss and I'll bring up his night at the club.",
    "I told him I'm sick of living with a detective.",
    "I hid the receipts from my wife for months.",
    "I don't know what she'll think if I tell her about my ex.",
    "I'd get hurt if I tried to run a marathon.",
    "He broke the news that his ex is moving back to town.",
    "He says I can't keep blaming myself for everything.",
    "If I don't call my mom on Sundays she gets sad.",
    "She says we're done with the renovation.",
]

# Free choices about the same things coercive control takes.
CHOICES = [
    "I share my location because we both like it.",
    "We agreed to swap passwords.",
    "I gave up football because I wanted to.",
    "I let her track my location because I have nothing to hide.",
    "I used to give her my paycheck because she's better with money, we decided together.",
    "She wants us to share our passwords and I'm okay with that.",
    "I stopped seeing my friends because she gets jealous.",
    "She wants to know where I am all the time.",
    "He checks my phone every night.",
    "She threatened to leave me.",
    "she tracks my location and i just let her",
    "She told me to delete the photos of my ex, and honestly I was happy to.",
]

# Long messages about trust: a disclosure anywhere in them counts, and the rest does not.
LONG_FLAGGED = [
    ("We've been together for five years and mostly it's good, we travel and cook together and"
     " laugh a lot, but last month during a fight he slapped me and I haven't told anyone.",
     "danger"),
    ("I came here to talk about trust. She always thinks I'm lying about where I am and it's"
     " exhausting. Honestly I'm scared of her.", "danger"),
    ("Everything started when I changed jobs. He became suspicious about my new colleagues, then"
     " started reading my emails, and last week he shoved me so hard I fell.", "danger"),
    ("He reads my messages and accuses me of cheating every day. I'm so tired. Some nights I"
     " think everyone would be better off without me.", "self_harm"),
    ("My partner doesn't trust me, so she checks my phone. Now she won't let me see my friends"
     " at all.", "coercive_control"),
]
LONG_UNFLAGGED = [
    "My partner doesn't trust me. Every time I go out with friends she texts me constantly asking"
    " who I'm with, and when I get home she wants to see my phone. I've shown her everything but"
    " it never helps. How do I get her to believe me?",
    "I've been with my husband for ten years. He was cheated on before we met and he still"
    " struggles to trust anyone. I try to reassure him but it feels like nothing works. I'm"
    " exhausted and I don't know what else to do.",
]


@pytest.mark.parametrize("text", SELF_HARM)
def test_self_harm_is_flagged(text, nlp, safety_check):
    assert kind_of(text, nlp, safety_check) == "self_harm"


@pytest.mark.parametrize("text", DANGER)
def test_danger_is_flagged(text, nlp, safety_check):
    assert kind_of(text, nlp, safety_check) == "danger"


@pytest.mark.parametrize("text", COERCIVE_CONTROL)
def test_coercive_control_is_flagged(text, nlp, safety_check):
    assert kind_of(text, nlp, safety_check) == "coercive_control"


@pytest.mark.parametrize("text", NEGATED + IDIOMS + CHOICES + LONG_UNFLAGGED)
def test_denials_idioms_and_choices_are_not_flagged(text, nlp, safety_check):
    assert kind_of(text, nlp, safety_check) == "none"


@pytest.mark.parametrize(("text", "kind"), LONG_FLAGGED)
def test_every_sentence_of_a_long_message_is_read(text, kind, nlp, safety_check):
    assert kind_of(text, nlp, safety_check) == kind


@pytest.mark.parametrize(
    "text", ["He won't let me see my friends.", "He hit me last night.", "I want to kill myself.",
             "I'm not afraid of her.", "This is killing me.", "We agreed to swap passwords."])
def test_the_doc_rasa_makes_gets_the_same_answer(text, nlp, spacy_nlp_model, safety_check):
    # SpacyNLP lowercases messages and skips the parser; SafetyClassifier adds the parse.
    flag = safety_check.check(as_spacy_nlp_parses(text, spacy_nlp_model))
    assert (flag.kind if flag else "none") == kind_of(text, nlp, safety_check)


def test_the_most_urgent_flag_wins(nlp, safety_check):
    text = "He won't let me see my friends, he hit me last night, and I want to kill myself."
    assert kind_of(text, nlp, safety_check) == "self_harm"
    assert kind_of("He won't let me see my friends and he hit me.", nlp, safety_check) == "danger"


def test_an_unparsed_doc_is_refused_rather_than_passed(spacy_nlp_model, safety_check):
    with pytest.raises(ValueError):
        safety_check.check(spacy_nlp_model.model("he hit me last night"))


def test_the_evidence_is_the_words_that_showed_it(nlp, safety_check):
    text = "We talk a lot about trust. Last week he choked me. Anyway, how do I rebuild trust?"
    flag = safety_check.check(nlp(text))
    assert flag.kind == "danger"
    assert "choked me" in flag.evidence
    assert "trust" not in flag.evidence


# ----------------------------------------------------------------------------------------------
# SafetyClassifier, as the last component of the Rasa pipeline
# ----------------------------------------------------------------------------------------------


def message_from_pipeline(text: str, model: SpacyModel,
                          predicted: list[tuple[str, float]]) -> Message:
    """A message as it reaches the component: SpacyNLP's doc (lowercased, unparsed) and the
    classifiers' ranking."""
    ranking = [{"name": name, "confidence": confidence} for name, confidence in predicted]
    return Message(data={
        TEXT: text,
        SPACY_DOCS[TEXT]: model.model(text.lower()),
        INTENT: ranking[0],
        INTENT_RANKING_KEY: ranking,
        ENTITIES: [],
    })


def test_a_flag_overrides_the_learned_intent(spacy_nlp_model):
    text = "We argue about my phone a lot. Last night he hit me."
    message = message_from_pipeline(text, spacy_nlp_model,
                                    [("vent", 0.7), ("safety_danger", 0.2), ("greet", 0.1)])

    [processed] = SafetyClassifier({}).process([message], model=spacy_nlp_model)

    assert processed.get(INTENT) == {"name": "safety_danger", "confidence": 1.0}
    assert [i["name"] for i in processed.get(INTENT_RANKING_KEY)] == [
        "safety_danger", "vent", "greet"]
    [evidence] = processed.get(ENTITIES)
    assert evidence["entity"] == "safety_evidence"
    assert evidence["extractor"] == "SafetyClassifier"
    assert evidence["value"] == text[evidence["start"]:evidence["end"]]
    assert "he hit me" in evidence["value"]  # in the user's own casing


def test_a_learned_safety_intent_without_a_flag_gives_way(spacy_nlp_model):
    message = message_from_pipeline("This week is killing me.", spacy_nlp_model,
                                    [("safety_self_harm", 0.8), ("vent", 0.15), ("greet", 0.05)])

    [processed] = SafetyClassifier({}).process([message], model=spacy_nlp_model)

    assert processed.get(INTENT)["name"] == "vent"
    assert [i["name"] for i in processed.get(INTENT_RANKING_KEY)] == ["vent", "greet"]
    assert processed.get(ENTITIES) == []


def test_a_learned_safety_intent_with_nothing_else_becomes_fallback(spacy_nlp_model):
    message = message_from_pipeline("I'm dying to know.", spacy_nlp_model,
                                    [("safety_self_harm", 1.0)])

    [processed] = SafetyClassifier({}).process([message], model=spacy_nlp_model)

    assert processed.get(INTENT)["name"] == "nlu_fallback"


def test_an_ordinary_intent_is_left_alone(spacy_nlp_model):
    message = message_from_pipeline("How do I get her to trust me?", spacy_nlp_model,
                                    [("ask_trust", 0.9), ("greet", 0.1)])

    [processed] = SafetyClassifier({}).process([message], model=spacy_nlp_model)

    assert processed.get(INTENT) == {"name": "ask_trust", "confidence": 0.9}


def test_without_a_doc_a_learned_safety_intent_still_gives_way():
    # Only the check may decide a safety answer; with no SpacyNLP doc it cannot, so none is given.
    message = Message(data={TEXT: "hello", INTENT: {"name": "safety_danger", "confidence": 0.9},
                            INTENT_RANKING_KEY: [{"name": "safety_danger", "confidence": 0.9},
                                                 {"name": "greet", "confidence": 0.1}]})

    [processed] = SafetyClassifier({}).process([message])

    assert processed.get(INTENT)["name"] == "greet"


def test_training_data_passes_unchanged():
    data = TrainingData([Message(data={TEXT: "hi", INTENT: "greet"})])
    assert SafetyClassifier({}).process_training_data(data) is data


# ----------------------------------------------------------------------------------------------
# The labelled set written separately from the detector (tests/safety/safety_cases.yml)
# ----------------------------------------------------------------------------------------------


def labelled_cases() -> list[dict]:
    return yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))["cases"]


@pytest.mark.skipif(not CASES_FILE.exists(), reason="no labelled safety set")
@pytest.mark.parametrize("as_rasa_does", [False, True], ids=["spacy as written", "as in Rasa"])
def test_labelled_set_recall_and_false_flags(as_rasa_does, nlp, spacy_nlp_model, safety_check):
    """Every true flag found with the right kind; at most one false flag per 20 safe messages --
    on the text as written, and on the lowercased, parser-less doc Rasa's SpacyNLP makes."""
    missed, false_flags, safe = [], [], 0
    for case in labelled_cases():
        doc = (as_spacy_nlp_parses(case["text"], spacy_nlp_model) if as_rasa_does
               else nlp(case["text"]))
        flag = safety_check.check(doc)
        got = flag.kind if flag else "none"
        if case["label"] == "none":
            safe += 1
            if got != "none":
                false_flags.append((got, case["text"]))
        elif got != case["label"]:
            missed.append((case["label"], got, case["text"]))

    assert not missed, f"missed or wrong kind: {missed}"
    assert len(false_flags) <= safe / 20, f"false flags: {false_flags}"
