"""Reading a long message as a counsellor would: by sentence, the writer's doing apart from the partner's."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from coach.spacy_parse import PARTNER, WRITER, actor, sentences
from coach.store import PROJECT_DIR
from components.pattern_cues import PatternCues
from components.reading import read, train


@pytest.fixture(scope="module")
def reader(nlp):
    """Reads a text with a model trained on the project's training data, as the pipeline does."""
    examples = load_data(str(PROJECT_DIR / "data" / "nlu")).intent_examples
    # The vectors are all the classifier takes from spaCy, so the docs need no parse.
    docs = [nlp.make_doc(example.get("text").lower()) for example in examples]
    model = train(docs, [example.get("intent") for example in examples])
    cues = PatternCues(nlp.vocab)
    return lambda text: read(nlp(text.lower()), model, cues)


@pytest.mark.parametrize("text,expected", [
    ("she checks my phone every night", PARTNER),
    ("my husband keeps asking where i was", PARTNER),
    ("i told her it was just work", WRITER),
    ("kept telling him it was nothing", WRITER),
    ("we argue about it and i end up giving in", WRITER),
])
def test_whose_doing_a_sentence_tells(nlp, text, expected):
    assert actor(sentences(nlp(text))[0]) == expected


STORY = (
    "me (34f) and my husband (36m) have been married six years. he has always been a bit jealous but since "
    "his brother's divorce it got way worse, he asks who i was with, checks when i was last online, goes "
    "quiet if i'm late. last month he said my friend from yoga was a bad influence so i stopped going to "
    "yoga and i don't really see her anymore. it didn't help, now it's my sister he doesn't like."
)


def test_the_writers_own_clause_in_the_middle_of_a_story_decides(reader):
    reading = reader(STORY)
    assert reading.intent == "describe_giving_in"
    assert reading.responses[0] == "giving_in"


def test_the_partners_behaviour_is_kept_for_the_safety_check(reader):
    partner = [sentence.text for sentence in reader(STORY).partner_sentences]
    assert any("checks when i was last online" in text for text in partner)


def test_two_responses_in_one_story_are_both_found_main_first(reader):
    reading = reader(
        "my gf goes through my phone when i'm asleep, i know because the apps are moved around. "
        "i keep swearing to her there's nobody else, i've shown her every chat. "
        "and then when she brings it up again at 1am i just lose it and yell at her."
    )
    assert set(reading.responses[:2]) == {"reassuring", "angry"}


def test_a_past_betrayal_told_as_background_is_read_as_an_admission(reader):
    reading = reader(
        "so two years ago i cheated on my boyfriend with a coworker, he found out and we stayed together. "
        "i know i broke it. but it's been two years and he still checks everything and i don't know how "
        "long this goes on for"
    )
    assert reading.intent == "admit_hiding"


# Stories where what the coach should answer is not a response the writer describes, or is one
# clause among many about the partner. Each is read as a whole message, as a person would paste it.
@pytest.mark.parametrize("expected,text", [
    ("describe_giving_in",
     "my wife was convinced the woman who runs the community garden fancied me, it came up every sunday "
     "night for months. i gave up my plot in october. she's happier and the tomatoes are somebody else's "
     "problem now"),
    ("describe_withholding",
     "he gets jealous of my friend Leo so when Leo and I grab lunch I tell him I ate at my desk. it's not "
     "like anything happens"),
    ("describe_distrust",
     "my boyfriend times how long i take to reply and if it's more than ten minutes he wants to know who i "
     "was talking to. last week he rang my sister to ask if i'd really been at hers. he says he's just "
     "protective"),
    ("admit_hiding",
     "i told my wife i'd stopped drinking and i hadn't, i kept a bottle in the garage for most of last year. "
     "she found it. now when i say i'm at the gym she checks my location and i swear to her i'm sober, every "
     "time. i know why she checks"),
    ("ask_why_no_trust",
     "her first husband had a whole secret family for almost a decade and she only found out when he died. "
     "we've been married four years and she still goes through my pockets. i guess i'm trying to understand "
     "if something like that ever really leaves a person"),
    ("ask_therapy",
     "i asked my husband to come to couples counselling with me, i even found someone who does saturdays. "
     "he said therapy is for people who are splitting up and that was the end of it. he still goes through "
     "my phone every night. can counselling do anything if only one of us goes"),
    ("ask_therapy",
     "we've been seeing a couples counsellor every other week since march because of his jealousy about my "
     "job. last session he barely spoke and glared at me the whole drive home. is it normal for it to feel "
     "this stuck a few months in"),
])
def test_what_a_long_story_is_about_is_read_from_the_story(reader, expected, text):
    assert reader(text).intent == expected


def test_a_short_message_reads_as_it_did(reader):
    assert reader("i just ignore her when she starts with the questions").intent == "describe_ignoring"
    assert reader("hi there").intent == "greet"
