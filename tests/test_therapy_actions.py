"""Therapy answers: fitting, real options for each need and country, and never couples therapy after abuse."""

from __future__ import annotations

import pytest
from conftest import make_tracker, payloads, said, slots_set

from actions.therapy import ActionNoteCountry, ActionSuggestTherapy
from coach.content import resources, therapy


def listed(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ")]


# Two or three places where the directory has them; low-cost and online services are fewer.
@pytest.mark.parametrize("intent,need,places", [
    ("ask_therapy", "couple", (2, 3)),
    ("ask_partner_therapy", "partner", (2, 3)),
    ("ask_low_cost_therapy", "low_cost", (1, 3)),
    ("ask_online_therapy", "online", (1, 3)),
])
def test_each_need_gets_what_it_helps_with_and_a_few_places(
    intent, need, places, dispatcher, domain, coach_db
):
    events = ActionSuggestTherapy().run(dispatcher, make_tracker(intent), domain)
    assert therapy()["needs"][need]["intro"] in said(dispatcher)
    assert places[0] <= len(listed(said(dispatcher))) <= places[1]
    assert therapy()["ask_country"] in said(dispatcher)
    assert slots_set(events)["therapy_need"] == need


def test_couples_therapy_lists_couples_directories(dispatcher, domain, coach_db):
    ActionSuggestTherapy().run(dispatcher, make_tracker("ask_therapy"), domain)
    text = said(dispatcher)
    assert "therapistlocator.net" in text or "Gottman" in text or "iceeft.com" in text


def test_low_cost_lists_open_path(dispatcher, domain, coach_db):
    ActionSuggestTherapy().run(dispatcher, make_tracker("ask_low_cost_therapy"), domain)
    assert "openpathcollective.org" in said(dispatcher)


def test_suggesting_therapy_to_a_partner_comes_with_a_script_without_blame(dispatcher, domain, coach_db):
    ActionSuggestTherapy().run(dispatcher, make_tracker("ask_partner_therapy"), domain)
    assert therapy()["script"] in said(dispatcher)
    assert "/ask_therapy" in payloads(dispatcher)


def test_the_uk_gets_its_own_answer_when_the_user_says_so(dispatcher, domain, coach_db):
    slots = {"therapy_need": "couple", "country": "UK"}
    ActionNoteCountry().run(dispatcher, make_tracker("inform_country", slots=slots), domain)
    assert therapy()["needs"]["couple"]["intro"] in said(dispatcher)
    assert therapy()["ask_country"] not in said(dispatcher)


def test_another_country_is_answered_honestly_with_worldwide_help(dispatcher, domain, coach_db):
    slots = {"therapy_need": "couple", "country": "FR"}
    ActionNoteCountry().run(dispatcher, make_tracker("inform_country", slots=slots), domain)
    assert therapy()["listings_elsewhere"] in said(dispatcher)


def test_a_country_before_any_therapy_question_is_just_noted(dispatcher, domain, coach_db):
    ActionNoteCountry().run(dispatcher, make_tracker("inform_country", slots={"country": "CA"}), domain)
    assert said(dispatcher) == therapy()["country_noted"]


@pytest.mark.parametrize("intent", ["ask_therapy", "ask_partner_therapy"])
def test_after_abuse_is_disclosed_support_is_for_the_user_not_the_couple(
    intent, dispatcher, domain, coach_db
):
    ActionSuggestTherapy().run(dispatcher, make_tracker(intent, slots={"abuse_disclosed": True}), domain)
    text = said(dispatcher)
    assert therapy()["needs"]["couple"]["intro"] not in text
    assert therapy()["script"] not in text
    assert "1-800-799-7233" in text
    assert "couples" not in text.replace("won't suggest couples therapy", "").lower()
    assert not any("ask_therapy" in payload for payload in payloads(dispatcher))
    # No directory that lists couples therapists either (AAMFT's marriage-and-family locator, ICEEFT).
    couples_directories = [r["name"] for r in resources()["resources"] if "couples" in r["kinds"]]
    assert couples_directories and not any(name in text for name in couples_directories)
    assert "love is respect" in text


def test_a_warning_sign_beside_a_therapy_question_gets_no_couples_therapy(dispatcher, domain, coach_db):
    tracker = make_tracker("ask_therapy", text="should we try couples counselling? he tracks my phone",
                           entities=[("safety_warning", "he tracks my phone")])
    events = ActionSuggestTherapy().run(dispatcher, tracker, domain)
    text = said(dispatcher)
    assert therapy()["needs"]["couple"]["intro"] not in text
    couples_directories = [r["name"] for r in resources()["resources"] if "couples" in r["kinds"]]
    assert not any(name in text for name in couples_directories)
    assert "warning signs of control" in text and "1-800-799-7233" in text
    assert slots_set(events)["offer"] == "afraid"
