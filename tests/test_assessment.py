"""Practice mode: which response a typed reply to the suspicious partner leans toward, and why."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

import actions.assessment.knowledge
import actions.assessment.learned
from actions.assessment import PATTERNS, QUALITIES, Assessment, assess_reply
from coach.patterns import KnowledgeFileError

# Each labelled set and the accuracy it must keep, each at what it reaches: the first set (146 replies);
# a second written later (its harder 40 replies on sarcasm and pushback included), since tuned on; a
# development set of 120 cornered replies, written before the sarcasm and pushback reading and tuned
# on; and a third, written blind to the assessor and held out: run once for the figure, its misses
# never printed (README, "Practise").
PRACTICE_SETS = {"replies.yml": 1.0, "replies_fresh.yml": 0.96, "replies_dev.yml": 0.88,
                 "replies_fresh2.yml": 0.86}
HELD_OUT = {"replies_fresh2.yml"}
SCENARIOS = ("texting", "late_home", "work_lunch", "spending", "bumped_into", "friends_night",
             "hobby_time", "password", "feelings_about_us")


# ---------------------------------------------------------------------------------------------
# Each of the six responses
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("scenario,text", [
    ("texting", "you always do this, stop being paranoid"),
    ("late_home", "omg you're crazy, i'm sick of this!!"),
    ("spending", "why do you always have to check up on me? you never trust me"),
    ("work_lunch", "what is wrong with you, seriously"),
    ("bumped_into", "ugh you're so jealous"),
])
def test_blame_insults_and_attacks_are_angry(scenario, text):
    assert assess_reply(text, scenario).pattern == "angry"


@pytest.mark.parametrize("scenario,text", [
    ("texting", "whatever, i'm not doing this"),
    ("late_home", "drop it"),
    ("spending", "i'm not answering that"),
    ("work_lunch", "don't start"),
    ("bumped_into", "can we not. what's for dinner?"),
    ("feelings_about_us", "i don't want to talk about it"),
    ("texting", "im not answering that"),
])
def test_dismissal_refusal_and_topic_change_are_ignoring(scenario, text):
    assert assess_reply(text, scenario).pattern == "ignoring"


@pytest.mark.parametrize("scenario,text", [
    ("texting", "i swear it's nothing, you're the only one"),
    ("feelings_about_us", "i love you, i promise"),
    ("late_home", "trust me, nothing is going on"),
    ("bumped_into", "you have nothing to worry about, i would never do that to you"),
])
def test_promises_with_nothing_else_are_reassuring(scenario, text):
    assert assess_reply(text, scenario).pattern == "reassuring"


@pytest.mark.parametrize("scenario,text", [
    ("password", "fine, take my phone"),
    ("password", "ok here's my password"),
    ("friends_night", "ok i'll cancel"),
    ("friends_night", "fine i won't go"),
    ("hobby_time", "whatever you want, ok i'll stop"),
    ("texting", "you can check my phone if you want"),
    ("hobby_time", "ill give it up then"),
])
def test_surrender_is_giving_in(scenario, text):
    assert assess_reply(text, scenario).pattern == "giving_in"


@pytest.mark.parametrize("scenario,text", [
    ("work_lunch", "just some people"),
    ("bumped_into", "nobody really"),
    ("spending", "not much"),
    ("late_home", "it was fine"),
    ("texting", "just stuff"),
    ("late_home", "i was out"),
    ("feelings_about_us", "we're good"),
])
def test_vague_fillers_are_withholding(scenario, text):
    assert assess_reply(text, scenario).pattern == "withholding"


@pytest.mark.parametrize("scenario,text", [
    ("texting", "my phone buzzed"),
    ("spending", "it was something i needed"),
    ("late_home", "sorry, it's been a long day"),
])
def test_an_answer_that_names_nothing_asked_for_is_withholding(scenario, text):
    assert assess_reply(text, scenario).pattern == "withholding"


@pytest.mark.parametrize("scenario,text", [
    ("texting", "i can see you're worried. i was texting my sister about her birthday"),
    ("password", "i'd rather keep my password, but i'm happy to sit down and talk about what's worrying you"),
    ("spending", "it was 120 dollars. i know that's a lot and i get why you're asking"),
    ("late_home", "i was at the office until 8, the meeting ran late. i should have texted you"),
    ("friends_night", "i feel recharged when i see them, and i'd like us to plan a date night too"),
    ("bumped_into", "yes, i ran into karen from my old job at the supermarket"),
    ("hobby_time", "painting helps me relax, and i miss doing it. can we talk about what would feel fair?"),
    ("feelings_about_us", "i feel close to you, and lately the questions make me feel tired. can we talk?"),
])
def test_concrete_kind_answers_are_calm(scenario, text):
    assert assess_reply(text, scenario).pattern == "calm"


# ---------------------------------------------------------------------------------------------
# Evidence and qualities
# ---------------------------------------------------------------------------------------------

def test_evidence_quotes_the_phrases_as_typed():
    text = "You ALWAYS do this. Stop being paranoid!!"
    result = assess_reply(text, "texting")
    assert result.pattern == "angry"
    assert result.evidence[0] == "You ALWAYS"
    # The exclamation marks that touch the phrase are quoted with it, as typed.
    assert result.evidence[1] == "Stop being paranoid!!"
    assert all(phrase in text for phrase in result.evidence)


def test_touching_pieces_are_quoted_together():
    assert assess_reply("it was $85", "spending").evidence == ("$85",)


@pytest.mark.parametrize("scenario,text", [
    ("texting", "whatever, i'm not doing this"),
    ("password", "fine, take my phone"),
    ("work_lunch", "just some people from work"),
    ("late_home", "i was at the office until 8"),
])
def test_evidence_is_always_text_from_the_reply(scenario, text):
    result = assess_reply(text, scenario)
    assert result.evidence
    assert all(phrase in text for phrase in result.evidence)


def test_evidence_is_in_reading_order_and_says_what_led_to_the_pattern():
    result = assess_reply("i promise. you're the only one", "texting")
    assert result.evidence == ("i promise", "you're the only one")


def test_each_calm_quality_is_found():
    assert "acknowledges" in assess_reply("i get why that's hard for you").qualities
    assert "acknowledges" in assess_reply("i can see you're worried").qualities
    assert "concrete" in assess_reply("i was with my sister", "texting").qualities
    assert "i_statement" in assess_reply("i feel hurt when you check my phone").qualities
    assert "i_statement" in assess_reply("i'd like us to trust each other").qualities
    assert "boundary" in assess_reply(
        "i'd rather keep my password, but i'm happy to show you who i was texting", "password"
    ).qualities
    assert "invitation" in assess_reply("can we talk about what's worrying you?").qualities


def test_qualities_come_in_a_fixed_order_and_only_from_the_known_five():
    result = assess_reply(
        "i get why you're worried. i was at lunch with priya and my boss. i'd like us to talk about it",
        "work_lunch",
    )
    assert result.pattern == "calm"
    assert result.qualities == ("acknowledges", "concrete", "i_statement", "invitation")
    assert set(result.qualities) <= set(QUALITIES)


def test_qualities_are_reported_even_when_a_backfire_wins():
    result = assess_reply("i get that you're worried but you're being paranoid", "texting")
    assert result.pattern == "angry"
    assert "acknowledges" in result.qualities


# ---------------------------------------------------------------------------------------------
# Vague and concrete answers to the same question
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("scenario,vague,concrete", [
    ("work_lunch", "just some people from work", "priya and tom from my team, and my boss sarah"),
    ("spending", "not that much", "it was $85 with the tickets"),
    ("late_home", "i was just out", "the train was stuck for 40 minutes outside the station"),
    ("bumped_into", "nobody really", "i bumped into my cousin at the pharmacy"),
    ("texting", "someone from work", "my brother, about dad's birthday"),
    ("friends_night", "it's just a thing", "i love spending time with them and i miss them"),
])
def test_the_same_question_answered_vaguely_and_concretely(scenario, vague, concrete):
    vague_result = assess_reply(vague, scenario)
    concrete_result = assess_reply(concrete, scenario)
    assert vague_result.pattern == "withholding"
    assert "concrete" not in vague_result.qualities
    assert concrete_result.pattern == "calm"
    assert "concrete" in concrete_result.qualities


def test_promising_with_a_concrete_answer_is_calm_not_reassuring():
    assert assess_reply("i was texting my mom, i promise", "texting").pattern == "calm"
    assert assess_reply("i promise", "texting").pattern == "reassuring"


def test_lowercase_names_count_as_people():
    for text in ["i was texting jess", "lunch with mike and dan", "a coworker named oluwaseun"]:
        assert "concrete" in assess_reply(text, "texting").qualities, text


def test_details_that_were_not_asked_for_do_not_make_an_answer_concrete():
    # The lunch question asks who was there; where it was does not answer it.
    assert assess_reply("we went to the thai place on main street", "work_lunch").pattern == "withholding"


# ---------------------------------------------------------------------------------------------
# Negation
# ---------------------------------------------------------------------------------------------

def test_denying_anger_is_not_anger():
    result = assess_reply("i'm not angry, i just want to explain")
    assert result.pattern == "calm"
    assert "i_statement" in result.qualities
    assert assess_reply("i'm not angry, i just want to explain", "late_home").pattern != "angry"


@pytest.mark.parametrize("text,not_expected", [
    ("you're not crazy for asking", "angry"),
    ("i won't cancel, but i'll text you when i get there", "giving_in"),
    ("i'm not going to stop seeing my friends, but i'd love to plan a night for us too", "giving_in"),
    ("i can't promise anything", "reassuring"),
])
def test_a_denied_cue_does_not_count(text, not_expected):
    assert assess_reply(text, "friends_night").pattern != not_expected


def test_a_kind_refusal_with_an_alternative_is_a_boundary():
    result = assess_reply("i won't cancel, but i'll text you when i get there", "friends_night")
    assert result.pattern == "calm"
    assert "boundary" in result.qualities


def test_a_bare_refusal_is_ignoring():
    assert assess_reply("i'm not giving you my password", "password").pattern == "ignoring"


# ---------------------------------------------------------------------------------------------
# Strong and weak signals
# ---------------------------------------------------------------------------------------------

def test_exclamation_alone_does_not_make_a_concrete_answer_angry():
    assert assess_reply("i was at sam's place!!", "late_home").pattern == "calm"


def test_a_strong_backfire_wins_over_a_weak_calm_signal():
    assert assess_reply("i was with my sister, stop being paranoid", "texting").pattern == "angry"
    assert assess_reply("i feel like you never trust me", "texting").pattern == "angry"


def test_weak_signs_of_anger_add_up():
    # Capitals alone, or scorn alone, are not anger; together they are.
    assert assess_reply("i was at the GYM", "late_home").pattern == "calm"
    assert assess_reply("because i need a break from YOU, obviously", "friends_night").pattern == "angry"


@pytest.mark.parametrize("scenario,text", [
    ("texting", "why are you reading over my shoulder. creepy"),
    ("feelings_about_us", "tired of being accused. you make it impossible"),
    ("work_lunch", "i'm not listing everyone i eat with, that's ridiculous"),
    ("password", "absolutely not, you're out of your mind"),
])
def test_insults_said_of_the_partner_or_the_question_are_angry(scenario, text):
    assert assess_reply(text, scenario).pattern == "angry"


def test_a_word_of_character_said_of_something_else_is_not_an_insult():
    result = assess_reply("i know it looks suspicious. it's lily from book club", "texting")
    assert result.pattern == "calm"


@pytest.mark.parametrize("scenario,text", [
    ("late_home", "sorry, i'll come home right after work from now on"),
    ("bumped_into", "from now on i'll send you a pic of wherever i am"),
    ("friends_night", "fine, i'll tell them i'm not coming"),
    ("hobby_time", "ok i'll only go to the gym twice a week"),
    ("texting", "fine, read them all"),
    ("spending", "you can check my bank app whenever you want"),
])
def test_promising_to_change_or_to_be_watched_is_giving_in(scenario, text):
    assert assess_reply(text, scenario).pattern == "giving_in"


def test_no_refuses_a_demand_but_answers_a_question():
    assert assess_reply("no", "password").pattern == "ignoring"
    assert assess_reply("no, but i'm happy to talk about what's worrying you", "password").pattern == "calm"
    assert assess_reply("no, just went to the pharmacy and straight home", "bumped_into").pattern == "calm"


def test_a_filler_for_what_was_asked_outweighs_a_detail_beside_it():
    assert assess_reply("work ran long and then i stopped somewhere", "late_home").pattern == "withholding"
    # A filler of another kind does not: the lunch question asks who, and names are given.
    assert assess_reply("priya and tom, we went somewhere near the office", "work_lunch").pattern == "calm"


def test_a_warm_answer_without_the_asked_detail_is_not_withholding():
    text = "it's sam's birthday, we're bowling at 7. i get that nights apart are hard for you"
    assert assess_reply(text, "friends_night").pattern == "calm"


def test_a_feeling_about_the_partner_is_not_the_users_own():
    assert assess_reply("you're the love of my life, i swear", "feelings_about_us").pattern == "reassuring"


def test_chat_spelling_without_apostrophes():
    assert assess_reply("dont start", "late_home").pattern == "ignoring"
    assert assess_reply("youre crazy", "late_home").pattern == "angry"
    assert assess_reply("i wont go", "friends_night").pattern == "giving_in"


def test_an_empty_reply_ignores_the_question():
    assert assess_reply("   ", "texting") == Assessment("ignoring", (), ())


# ---------------------------------------------------------------------------------------------
# Cornered: sarcasm, pushback, brush-offs, dodges and caving in, and firm but warm boundaries
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("scenario,text", [
    # An agreement marker with a mock confession of the partner's fear.
    ("texting", "oh sure, it's my secret girlfriend. happy now?"),
    ("spending", "oh yeah, I spent a million dollars on it, happy now?"),
    ("friends_night", "sure, because I'm clearly out cheating every friday"),
    ("hobby_time", "right, the gym is just where I meet my lover"),
    ("late_home", "oh of course, I was at my secret second family's house"),
    ("texting", "oh no, you caught me texting my mum. scandalous"),
    # The partner cast as police, the question as a trial.
    ("bumped_into", "wow thanks sherlock"),
    ("work_lunch", "yes officer, here's the full list of suspects"),
    ("late_home", "didn't realise I needed a permission slip to get the train"),
    ("late_home", "sure, I'll wear a body cam from now on"),
    ("texting", "how dare I smile at my phone"),
    # A mock offer of more evidence.
    ("password", "sure, do you want my bank pin and my diary too?"),
    ("work_lunch", "want me to get everyone's ID next time too?"),
])
def test_sarcasm_is_angry(scenario, text):
    assert assess_reply(text, scenario).pattern == "angry"


def test_sarcasm_is_quoted_by_its_marker_and_its_mock_confession():
    result = assess_reply("oh sure, it's my secret girlfriend. happy now?", "texting")
    assert result.evidence == ("oh sure", "secret girlfriend", "happy now")


@pytest.mark.parametrize("scenario,text", [
    ("texting", "yeah, it's my sister Jo, she's sending puppy photos. want to see?"),
    ("texting", "of course! it's Dan from football about Sunday's match"),
    ("bumped_into", "yep, I bumped into my old neighbour Marcus at the bakery counter"),
    ("work_lunch", "totally fair question. It was Priya, Tom and Dana from my team"),
    ("texting", "haha it's my dad, he just discovered gifs 🙂 wanna see?"),
    ("late_home", "mm, sorry, the train was held at Leeds for 30 minutes. I get why you worried"),
])
def test_agreement_and_grunts_beside_a_real_answer_are_not_sarcasm(scenario, text):
    assert assess_reply(text, scenario).pattern == "calm"


@pytest.mark.parametrize("scenario,text,expected", [
    # A fear denied is no confession.
    ("texting", "I was with my SISTER, not my secret lover", "calm"),
    ("late_home", "I'm not having an affair, I was at Jo's until 6:40", "calm"),
    ("texting", "I'd never cheat on you", "reassuring"),
    # Mockery denied is still mockery.
    ("late_home", "I'm not on trial here", "angry"),
    ("late_home", "I don't have a curfew", "angry"),
    # A title said of someone else is no mockery.
    ("bumped_into", "I ran into my cousin, the police officer, at the bakery", "calm"),
    ("texting", "it's my friend Sam, she's a detective and was telling me about her day", "calm"),
])
def test_denial_and_who_is_meant_decide_whether_a_jab_counts(scenario, text, expected):
    assert assess_reply(text, scenario).pattern == expected


@pytest.mark.parametrize("scenario,text", [
    ("spending", "I'm allowed to spend my own money"),
    ("friends_night", "I don't need your approval to see my friends"),
    ("hobby_time", "I'm a grown woman, I can go to the gym when I like"),
    ("work_lunch", "I'm not your employee"),
    ("late_home", "I don't need a babysitter"),
    ("texting", "this is getting really old"),
    ("friends_night", "can I not have one night out?"),
    ("texting", "I can't even smile at my phone now?"),
    ("hobby_time", "why should I give up something I love?"),
    # A detail does not soften it; only something kind does.
    ("late_home", "I was at the gym. I'm an adult"),
])
def test_standing_on_ones_rights_with_nothing_kind_is_angry(scenario, text):
    assert assess_reply(text, scenario).pattern == "angry"


@pytest.mark.parametrize("scenario,text", [
    ("work_lunch", "I'm not going to list everyone I ate with"),
    ("texting", "I don't owe you a rundown of my messages"),
    ("late_home", "I don't have to report to you every time I'm late"),
    # What the refused account would name is not an answer.
    ("bumped_into", "I don't owe you a report on every shop trip"),
    ("password", "I'm not obliged to give you my password"),
    ("late_home", "I don't need to run my day past you"),
])
def test_refusing_to_account_for_oneself_is_ignoring(scenario, text):
    assert assess_reply(text, scenario).pattern == "ignoring"


@pytest.mark.parametrize("scenario,text", [
    ("late_home", "I'll pass on this one"),
    ("work_lunch", "can we just move on"),
    ("spending", "think whatever you want"),
    ("password", "believe what you like"),
    ("work_lunch", "suit yourself"),
    ("work_lunch", "whatever you say, boss"),
    ("texting", "not worth it"),
    ("late_home", "nothing to talk about"),
    ("friends_night", "not in the mood for this, goodnight"),
    # Grunts and goodbyes with no answer.
    ("feelings_about_us", "mhm. I'm heading to bed"),
    ("texting", "ok. bye"),
    ("spending", "mm ok. see ya"),
])
def test_refusing_to_engage_is_ignoring(scenario, text):
    assert assess_reply(text, scenario).pattern == "ignoring"


@pytest.mark.parametrize("scenario,text", [
    ("work_lunch", "the usual suspects from work"),
    ("work_lunch", "oh the usual lot"),
    ("work_lunch", "the regulars"),
    ("bumped_into", "an old acquaintance, nobody special"),
    ("bumped_into", "some folks from the old place"),
    ("spending", "the going rate"),
    ("spending", "roughly the normal amount"),
    ("spending", "nothing crazy"),
    ("late_home", "nowhere in particular, just took a while"),
])
def test_answers_that_dodge_what_was_asked_are_withholding(scenario, text):
    assert assess_reply(text, scenario).pattern == "withholding"


@pytest.mark.parametrize("scenario,text", [
    ("texting", "fine, go through my messages"),
    ("password", "ok here, unlock it yourself"),
    ("friends_night", "ok, I'll tell them I can't come"),
    ("friends_night", "I'll tell them I'm sick"),
    ("bumped_into", "fine, I won't talk to him again"),
    ("spending", "ok, I'll send it back"),
    ("late_home", "ok I'll message you every time I leave"),
    ("texting", "i'll unfollow her tonight"),
    ("hobby_time", "alright I'll give up the band then"),
])
def test_caving_in_is_giving_in(scenario, text):
    assert assess_reply(text, scenario).pattern == "giving_in"


@pytest.mark.parametrize("scenario,text", [
    ("password", "I understand why you're asking. I'm not comfortable handing over my password, "
                 "but I can show you the chat with Jo"),
    ("password", "I get that you're scared. I won't hand over my phone, but I'll answer anything you want "
                 "to ask me"),
    ("late_home", "Sorry, I know you were waiting. The bus broke down and I got in at 7:10. I'm an adult "
                  "and I don't want to check in every hour, but I'll text you when I'm running late"),
    ("late_home", "I get why an hour felt long. I was at Tom's helping with his car until 6:45. I'm an "
                  "adult and I'd rather not check in every hour, but I'll text if I'm late"),
    ("friends_night", "I'm allowed to have nights with my friends, and I know Fridays are hard for you. "
                      "Can we plan Saturday together?"),
    ("spending", "It was my own money, £60, but I get that it feels like a lot right now. Can we set a "
                 "spending limit together?"),
    ("work_lunch", "It was Aisha, Carlos and our boss Rachel. Happy to tell you whenever you want to know"),
    ("hobby_time", "I'm not giving up the band, it really matters to me, but I'd love to find more time "
                   "for us. What would feel fair?"),
])
def test_firm_boundaries_said_warmly_stay_calm(scenario, text):
    assert assess_reply(text, scenario).pattern == "calm"


# ---------------------------------------------------------------------------------------------
# Pushback with no strong word, read from the parse
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("scenario,text", [
    # What the partner does, or ought to have done, said to them.
    ("texting", "it was my cousin. you can calm down now"),
    ("late_home", "the bus was late. do you ever let me finish a sentence"),
    ("late_home", "i was at jo's. you could've rung her"),
    # A question that asks nothing: of oneself, as a tag, or an answer asked back.
    ("spending", "£30. do i need to ask before buying a coffee too?"),
    ("feelings_about_us", "i live here with you, don't i"),
    ("friends_night", "because i enjoy their company?"),
])
def test_pushback_beside_an_answer_is_angry(scenario, text):
    assert assess_reply(text, scenario).pattern == "angry"


def test_pushback_is_quoted_by_its_sentence():
    result = assess_reply("it was my cousin. you can calm down now", "texting")
    assert result.evidence == ("you can calm down now",)


@pytest.mark.parametrize("scenario,text", [
    # Offered something, or heard: the partner's own doing said kindly is no telling-off.
    ("texting", "it was my cousin. you can call her if you like"),
    ("late_home", "you must have been worried. the bus broke down at 6"),
    ("hobby_time", "i know you miss me on tuesdays. it keeps me sane"),
    ("spending", "£40 with the fees, happy to go through it together"),
    # Questions that offer or ask leave.
    ("spending", "£30. can i show you the receipt?"),
    ("texting", "my dad, he found a new meme. want to see?"),
])
def test_the_partner_offered_something_or_heard_is_not_pushback(scenario, text):
    assert assess_reply(text, scenario).pattern == "calm"


def test_reassurance_said_with_as_much_warmth_is_calm():
    text = "i can see you're scared. i'm not hiding anything, but i'd rather keep my phone. what's wrong?"
    assert assess_reply(text, "password").pattern == "calm"
    assert assess_reply("i swear it's nothing, i promise, trust me", "texting").pattern == "reassuring"


def test_ill_and_its_typed_without_apostrophes():
    assert assess_reply("ugh fine ill stay home", "friends_night").pattern == "giving_in"
    assert assess_reply("ok ill cut it down to once a month", "hobby_time").pattern == "giving_in"
    assert assess_reply("its nothing", "texting").pattern == "reassuring"


def test_digits_handed_over_for_a_password_give_in_but_answer_a_price():
    assert assess_reply("ugh fine, 4729", "password").pattern == "giving_in"
    assert assess_reply("it was 1200", "spending").pattern == "calm"


def test_a_parents_title_mocks_only_after_an_ok_or_a_sorry():
    assert assess_reply("yes mum, i was at the gym", "late_home").pattern == "angry"
    assert assess_reply("i was texting mum about sunday", "texting").pattern == "calm"
    assert assess_reply("sorry, mum called about sunday", "texting").pattern == "calm"


def test_the_learned_reading_hears_a_jab_no_rule_lists():
    result = assess_reply("i'm home now aren't i, what more do you want", "late_home")
    assert result.pattern == "angry"
    assert result.evidence == ("i'm home now aren't i, what more do you want",)


def test_a_training_reply_without_a_known_label_is_refused_by_file_and_number(tmp_path, monkeypatch):
    training = tmp_path / "replies.yml"
    training.write_text('replies:\n  - {label: calm, text: "my sister"}\n  - {label: sulking, text: "k"}\n')
    monkeypatch.setattr(actions.assessment.learned, "TRAINING_REPLIES", training)
    actions.assessment.learned.learned_reader.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"replies\.yml: reply 2 needs a text and a label"):
            actions.assessment.learned.learned_reader()
    finally:
        actions.assessment.learned.learned_reader.cache_clear()


@pytest.mark.parametrize("bad_line,problem", [
    ('{"label": "angry", "pattern": "you always"', "not valid JSON"),
    ('{"label": "angyr", "pattern": "you always"}', "unknown label 'angyr'"),
    ('{"label": "angry", "pattern": [{"LEMA": "stop"}]}', "spaCy rejects the pattern of 'angry'"),
])
def test_a_malformed_pattern_line_is_refused_by_file_and_line(tmp_path, monkeypatch, bad_line, problem):
    patterns = tmp_path / "phrases.jsonl"
    patterns.write_text('{"label": "ignoring", "pattern": "drop it"}\n\n' + bad_line + "\n", encoding="utf8")
    monkeypatch.setattr(actions.assessment.knowledge, "PATTERN_FILES", (patterns,))
    with pytest.raises(KnowledgeFileError, match=rf"phrases\.jsonl, line 3: {problem}"):
        actions.assessment.knowledge.read_all_patterns()


# ---------------------------------------------------------------------------------------------
# The contract
# ---------------------------------------------------------------------------------------------

def test_an_unknown_scenario_is_refused():
    with pytest.raises(ValueError):
        assess_reply("i was with sam", "no_such_scenario")


def test_the_assessment_is_a_frozen_value():
    result = assess_reply("whatever", "texting")
    assert isinstance(result, Assessment)
    assert result.pattern in PATTERNS
    assert isinstance(result.evidence, tuple) and isinstance(result.qualities, tuple)
    with pytest.raises(AttributeError):
        result.pattern = "calm"  # type: ignore[misc]


def test_importing_the_module_loads_no_model():
    code = (
        "import actions.assessment as a, sys; "
        "assert a.knowledge.nlp.cache_info().currsize == 0; "
        "assert 'en_core_web_md' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)


# ---------------------------------------------------------------------------------------------
# The labelled practice set, written independently of these rules
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,bar", PRACTICE_SETS.items())
def test_the_labelled_practice_sets_are_read_accurately(name, bar):
    replies = yaml.safe_load((Path(__file__).parent / "practice" / name).read_text())["replies"]
    confusion: Counter[tuple[str, str]] = Counter()
    misses = []
    for reply in replies:
        got = assess_reply(reply["text"], reply.get("scenario")).pattern
        confusion[(reply["label"], got)] += 1
        if got != reply["label"]:
            misses.append(f"  [{reply.get('scenario')}] {reply['text']!r}: {reply['label']} -> {got}")
    accuracy = sum(n for (label, got), n in confusion.items() if label == got) / len(replies)
    table = "\n".join(
        f"  {label:<12}" + " ".join(f"{confusion[(label, got)]:>4}" for got in PATTERNS)
        for label in PATTERNS
    )
    header = "  expected \\ got " + " ".join(f"{got[:4]:>4}" for got in PATTERNS)
    # A held-out set's misses, once read, would make it one more set to tune on.
    shown = "(held out: not shown)" if name in HELD_OUT else "\n".join(misses)
    assert accuracy >= bar, (
        f"accuracy {accuracy:.2f} on {len(replies)} replies\n{header}\n{table}\nmisses:\n{shown}"
    )
