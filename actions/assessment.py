"""Practice mode: which response a reply to the suspicious partner leans toward, and why.

The coach plays a partner who asks a suspicious question ("who are you texting?"); the user answers as
they would at home. `assess_reply` says whether that answer leans toward one of the five responses the
article says backfire (reassuring, ignoring, angry, giving_in, withholding) or is calm, quotes the
phrases that show it, and names the calm qualities it has, so the coach can say what worked.

How it decides, in order (`_decide`):

1. A strong sign of anger, giving in or ignoring wins: it is what the partner hears, however kind the
   rest is ("I was with my sister, stop being paranoid" is angry). Capitals, "!!" and "obviously" are
   weak signs: two of them together count as one strong one. Sarcasm is built the same way: an
   agreement marker ("oh sure", "yeah because", "happy now?") plus a mock confession of what the
   partner fears ("my secret lover", "a million dollars") is anger; mocking the partner as police
   ("ok detective", "sorry officer", "a curfew") is anger on its own.
2. Standing on one's rights ("I'm an adult", "I'm allowed to spend my own money") with nothing warm
   beside it is angry; said with an acknowledgement or an offer it is a firm, calm boundary. So is
   pushback with no strong word, read from the parse (`_remarks`): a sentence that tells the partner
   what they do ("you can relax now", "do you ever listen") or asks back ("where else would i be",
   "because i like them?", "i'm still here, aren't i"), beside an answer or not.
3. A bare refusal ("I'm not giving you my password", "I don't owe you a list of names") is ignoring;
   with warmth and an alternative it is a boundary, which is calm.
4. Promises with no concrete answer are reassuring; "I promise, I was with my mom" answers the question,
   and as much warmth as promising ("I can tell you're scared. There's nothing going on, but I won't
   hand over my password") hears the partner out.
5. Fillers are withholding: "someone" where a name was asked for, unless more names are given than
   fillers; "it was fine" when nothing concrete and nothing warm is given at all.
6. A weak sign alone, with no answer and nothing kind, is what the reply is: a jab ("oh sure",
   "seriously?") is angry, a grunt or a goodbye ("mm. see you later") is ignoring.
7. An answer that names nothing the question asked for (`asks_for`) and has nothing kind in its place
   is withholding.
8. Anything else is calm.

Where the rules end at 7 or 8 with nothing warm to go on, a learned reading has the last word when it
is sure (`_learned_reading`): word and character n-grams with a logistic regression, trained on the
replies in data/practice/replies.yml. It hears the sarcasm and brush-offs no list holds ("weird
concept i know", "great, the phone police are here").

Cues are spaCy `PhraseMatcher` and `Matcher` patterns on NORM and LEMMA (NORM is the lowercase form with
contractions and chat spellings unified: "dont", "don't" and "do not" all read "do not"); the
dependency parse says who does what, and whether it is denied ("i'm not angry").
"""


from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
import yaml
from spacy.attrs import NORM, ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token

from coach.content import practice
from components.spacy_parse import SUBJECTS, is_denied, is_negated, main_clauses, sentences, subject_of

MODEL = "en_core_web_md"

PATTERNS = ("reassuring", "ignoring", "angry", "giving_in", "withholding", "calm")
QUALITIES = ("acknowledges", "concrete", "i_statement", "boundary", "invitation")

# What a concrete answer to each of the partner's questions names comes from content/practice.yml
# (`asks_for`). The article's point about withholding is the names left out of the work lunch, the
# price of the concert, who was at the store: so for the factual questions a concrete answer names a
# person, time, place or amount; for wanting time apart or the relationship, the user's own feeling.
def asks_for(scenario_id: str) -> tuple[str, ...]:
    scenarios = practice()["scenarios"]
    if scenario_id not in scenarios:
        raise ValueError(f"unknown practice scenario {scenario_id!r}; known: {', '.join(scenarios)}")
    return tuple(scenarios[scenario_id]["asks_for"])


# To a demand, "no" is a refusal; to a question ("did you see anyone?") it is an answer.
DEMANDS = {"password"}
# With no scenario, any fact counts as concrete.
FACTS = ("person", "time", "place", "amount")


@dataclass(frozen=True)
class Assessment:
    """Which response a reply leans toward, the phrases that show it, and the calm qualities it has."""

    pattern: str
    evidence: tuple[str, ...]
    qualities: tuple[str, ...]


# A phrase that shows a response on its own is worth STRONG; exclamation marks and capitals only
# support anger (WEAK), since people also shout good news.
STRONG = 2
WEAK = 1

# Matcher labels that are a kind of another signal: what each counts as, and how much. The label is
# kept as the cue's kind, so "mockery" can stay a jab when denied and "accusation" can be confirmed by
# a "yeah" beside it.
KINDS = {
    "scorn": ("angry", WEAK),
    "accusation": ("angry", WEAK),
    "mockery": ("angry", STRONG),
    "shrug": ("ignoring", WEAK),
}

# Cues of the five backfiring responses ("vague" is the filler half of withholding, "defiance" the
# soft half of anger, which a kind word turns into a boundary). When one of these overlaps another
# cue, the longer phrase is what the user said: "whatever you want" is giving in, not the dismissive
# "whatever"; "i don't want to talk about it" is ignoring, not an invitation to talk.
BACKFIRE_SIGNALS = ("angry", "ignoring", "giving_in", "reassuring", "vague", "defiance")
# Qualities that make an answer kind even when it does not name what was asked: the partner is
# heard, asked what they need, or told "no" warmly.
WARM_QUALITIES = ("acknowledges", "invitation", "boundary")
# The loud ones: one strong cue of these decides the reply. Listed in the order that breaks a tie,
# the one the partner hears first first.
LOUD = ("angry", "giving_in", "ignoring")

# --------------------------------------------------------------------------------------------------
# Phrases, matched on NORM. Each list is what people actually type; add to them freely.
# --------------------------------------------------------------------------------------------------

PHRASES: dict[str, list[str]] = {
    # Blame, absolutes, and turning the question back on the partner: the article says anger makes
    # the partner back off for a while and then read it as a sign of guilt.
    "angry": [
        "you always", "you never", "you're always", "you're never", "sick of this", "sick of it",
        "sick of you", "tired of this", "so tired of", "fed up", "had enough", "i've had it",
        "enough already", "what is wrong with you", "what's wrong with you", "what's your problem",
        "what is your problem", "how dare you", "get a grip", "grow up", "shut up", "back off",
        "get off my back", "are you kidding me", "you've got to be kidding", "here we go again",
        "this is ridiculous", "this is insane", "this is crazy", "unbelievable", "you're the one who",
        "what about you", "you do it too", "look who's talking", "why do you even care",
        "who do you think you are", "you need help", "you need therapy", "treating me like a criminal",
        "like a criminal", "i'm not a child", "not your prisoner", "stop it", "cut it out",
        "knock it off", "get over it", "get over yourself", "what the hell", "what the fuck", "wtf",
        "for god's sake", "for fuck's sake", "ffs", "fuck", "accusing me", "always accusing",
        "your problem, not mine", "you're driving me crazy", "you're suffocating me",
        "why do you have to", "why do you need to know", "why do you want to know",
        "why does it matter to you", "why do you care", "why are you asking", "why are you always",
        "why do you always", "what's it to you", "it's my money", "it's my life", "it's my phone",
        "my money, my choice", "maybe if you", "if you weren't so", "if you weren't always",
        "if you didn't always", "not everything is about you", "it's not all about you",
        "get your own life", "get a life", "you act like", "you're acting like", "you treat me like",
        "committed a crime", "out of your mind", "tired of being", "sick of being", "sick and tired",
    ],
    # Dismissal, refusal and changing the subject: the article says ignoring shuts a conversation
    # down without solving anything, and the partner reads the refusal as proof of guilt.
    "ignoring": [
        "whatever", "not doing this", "we're not doing this", "not again", "not this again",
        "i don't have to answer", "i don't need to answer", "i don't have to explain",
        "i don't need to explain", "i don't owe you an explanation", "i don't owe you anything",
        "drop it", "let it go", "leave it", "forget it", "forget about it", "don't start", "not now",
        "not tonight", "can we not", "let's not", "never mind", "nevermind", "doesn't matter",
        "does it matter", "who cares", "i don't care", "no comment", "i don't want to talk about it",
        "i don't want to talk", "don't want to get into it", "not getting into this",
        "not getting into it", "i'm done talking", "conversation over", "end of discussion",
        "end of story", "change the subject", "something else", "anything else", "another time",
        "some other time",
        "what's for dinner", "what do you want for dinner", "did you see the game", "let's watch",
        "i'm going to bed", "i have to go", "gotta go", "i'm busy", "talk later", "leave me alone",
        "none of your business", "not your business", "mind your own business",
        "i'd rather not talk about it", "i don't want to discuss", "we've been over this",
        "been through this", "don't worry about it", "if you say so", "yeah yeah", "uh huh", "shrugs",
        "next question", "any of your concern", "your concern", "meh", "pfft", "by the way", "btw",
        "speaking of", "on another note", "have you seen my", "did you remember to",
        "why do we have to talk about", "do we have to do this", "do we have to talk about this",
        # Said flatly to a worried partner, these agree with nothing: "whatever you say", "suit yourself".
        "whatever you say", "whatever you think", "suit yourself", "have it your way", "be that way",
        "be like that", "let's not go there", "not going there", "i'll pass", "pass on this",
        "not in the mood", "not up for this", "not up for it", "can't be bothered", "not today",
        "nothing to talk about", "nothing to discuss", "nothing to say", "done explaining",
        "not this conversation", "this conversation again", "going to bed", "off to bed",
        "heading to bed", "head to bed", "not worth it", "not worth getting into", "not worth talking about",
        "not worth discussing",
    ],
    # Handing over control, or dropping one's own life to calm the partner down: it lowers the heat
    # for a time and leaves the user feeling controlled (the article's "You Give In").
    "giving_in": [
        "here's my phone", "here is my phone", "here's my password", "here is my password",
        "here's the password", "here, take it", "you can have my password", "you can have my phone",
        "you can have it", "my password is", "the password is", "my passcode is", "the code is",
        "the passcode is", "my code is", "my pin is", "the pin is",
        "whatever you want", "whatever makes you happy", "anything you want",
        "if it makes you happy", "if that's what you want", "as you wish", "you win",
        "i'll do whatever", "i'll do anything", "i'll stay home", "i'll stay in",
        "look all you want", "go ahead and look", "go ahead and check", "i won't do it again",
        "you're right, i'll", "i'll spend less time", "i'll cut back", "see for yourself",
        "read them yourself", "check for yourself", "look for yourself", "i'll text you every",
        "i'll check in", "i'll let you know where i am", "i'll tell you where i am", "whatever you need",
        "however you want", "whatever you like",
        "if it makes you feel better", "if that makes you feel better", "however makes you happy",
        "however you like", "however you need", "from now on i'll", "i can't make it", "i'm not coming",
        "just take it", "fine, take it", "take it then", "here you go", "here you are",
        "i can't come", "tell them i can't", "i'll tell them no", "i'll bail", "i'll skip it",
        "tell them i'm sick", "tell them i'm ill", "say i'm sick", "say i'm ill",
    ],
    # Promises and declarations of love instead of an answer: the article says no amount of
    # reassurance has made things better; the questions always come back.
    "reassuring": [
        "i swear", "i promise", "trust me", "believe me", "you can trust me", "you're the only one",
        "the only one for me", "only you", "i love you", "nothing is going on", "nothing's going on",
        "there's nothing going on", "nothing going on", "nothing happened", "nothing to worry about",
        "nothing to hide", "i'm not hiding anything", "i'm not cheating", "i would never",
        "i'd never", "never cheat", "don't worry", "no need to worry", "you don't need to worry",
        "you don't have to worry", "you never have to worry", "there's no one else",
        "there is no one else", "there's nobody else", "no one else", "nobody else",
        "you know i love you", "you know me", "you're my everything", "you mean everything to me",
        "it means nothing", "it was nothing", "it's nothing", "i'm all yours", "i'm yours",
        "i only want you", "i'm faithful", "i'm loyal", "i'm telling the truth", "i'm being honest",
        "honestly nothing", "cross my heart", "on my life", "you have my word", "i give you my word",
        "i'm not going anywhere", "you come first", "you always come first",
    ],
    # A grunt or a goodbye: weak signs of ignoring (WEAK), since "mm, it was my sister" answers and
    # "home by 7, see you later" says goodbye after an answer. With no answer they shut the talk down.
    "shrug": [
        "mm", "mmm", "hmm", "hm", "mhm", "mmhm", "see you later", "see ya", "cya", "bye", "goodbye",
        "goodnight", "good night", "night night", "ttyl", "later then", "gotta run", "got to run",
        "i'm off", "heading out", "i'm heading out",
    ],
    # Standing on one's rights and refusing the premise, with no strong words: "i'm an adult", "i'm
    # allowed to spend my own money", "this again?". The article says it's okay to have friends,
    # hobbies and privacy, so said with an acknowledgement or an offer it is a firm boundary; said bare
    # it is the angry defence the partner reads as guilt (`_decide`).
    "defiance": [
        "i'm an adult", "i'm a grown", "grown adult", "grown woman", "grown man", "i'm allowed",
        "am i not allowed", "am i allowed to", "i'm not allowed to", "can i not have", "can i not just",
        "i'm entitled to", "i can do what i want",
        "i can do whatever i want", "i can go where i want", "i can go wherever i want",
        "i can see who i want", "i can talk to who i want", "i can spend my", "my own money",
        "my own life", "my own time", "my own friends", "my own phone", "that's my business",
        "my business, not yours", "your permission",
        "your approval", "your blessing", "need permission", "ask permission", "ask for permission",
        "without asking you", "without checking with you", "answer to you", "not your child",
        "i'm not a teenager", "i'm not a kid", "i'm not twelve", "i'm not 12", "you're not my mom",
        "you're not my mum", "you're not my mother", "you're not my dad", "you're not my parent",
        "you're not my boss", "you don't own me", "you're not in charge of", "since when",
        "who says i have to", "why should i", "i shouldn't have to", "this again", "again with this",
        "every single time", "how many times", "for the hundredth time",
        "for the last time", "a hundred times", "a thousand times", "a million times",
        "the hundredth time", "the millionth time", "it's not a crime", "is that a crime", "last i checked",
        "is that illegal", "is that allowed", "is that a problem",
    ],
    # Fillers that answer without saying anything: the article's "selectively manage what you tell
    # your partner", which adds rocket fuel to the fears when the rest comes out. A filler of a kind
    # ("vague:person") stands where the asked-for name, place or sum should be, and so outweighs the
    # details given beside it; a general filler ("vague") only decides when no detail is given.
    "vague:person": [
        "just some people", "some people", "a few people", "a couple of people", "a couple people",
        "just people", "some friends", "a friend", "just a friend", "just friends", "some guy",
        "some girl", "someone", "somebody", "people from work", "the usual people", "nobody really",
        "no one really", "nobody special", "no one special", "nobody important", "no one important",
        "nobody you know", "no one you know", "you don't know them", "you don't know her",
        "you don't know him", "the usual crowd", "the usual lot", "the usual suspects", "the usual gang",
        "the regulars", "the gang", "a few of us", "a bunch of us", "a bunch of people", "some of us",
        "various people", "loads of people", "some folks", "work people", "work friends",
        "an acquaintance", "an old acquaintance", "a couple of others", "a couple others", "a few others",
        "some others",
    ],
    "vague:amount": [
        "not much", "not a lot", "not that much", "didn't cost much", "wasn't much", "wasn't expensive",
        "not expensive", "some money", "the normal price", "normal price", "the usual price",
        "the going rate", "the normal amount", "a normal amount", "a reasonable amount", "standard price",
        "regular price", "what they normally cost", "what it normally costs",
    ],
    "vague:place": ["somewhere", "here and there", "out and about", "nowhere really", "just out", "was out",
                    "nowhere special", "nowhere in particular", "just around", "around town",
                    "the usual place", "the usual spot", "some place", "someplace"],
    "vague": [
        "the usual", "it was fine", "it's fine", "it was ok", "it was okay", "it was good",
        "everything's fine", "everything is fine", "we're fine", "we're good", "all good", "i'm fine",
        "stuff", "things", "this and that", "nothing really", "nothing much", "just hanging out",
        "just chatting", "just talking", "i don't know", "idk", "dunno", "not sure", "i don't remember",
        "can't remember", "i forget", "it's complicated", "it depends", "same as always", "as usual",
        "no big deal", "not a big deal", "something came up", "stuff came up", "got held up",
        "lost track of time", "just a hobby", "just a thing", "it's just a", "a while", "for a bit",
        "at some point", "the usual time", "a little while", "you know how it is", "the usual stuff",
        "the normal stuff", "normal stuff", "same old", "nothing special", "nothing interesting",
        "nothing exciting", "work stuff", "errands", "bits and bobs", "odds and ends", "it happens",
        # Comments on a sum, which only stand in for it when no sum is given: "£40, not too bad".
        "nothing crazy", "nothing major", "not too bad", "a fair bit", "a fair amount", "a few quid",
        "a few bucks", "a couple of bucks", "a couple bucks", "not that expensive",
    ],
    # Scorn and sarcasm only support anger (WEAK): "obviously", "happy now?". The exaggerated agreement
    # of sarcasm ("oh sure", "yeah because", "you caught me") is here too: with a mock confession or a
    # second jab it is anger, alone with no answer it is still a jab (`_decide`).
    "scorn": [
        "obviously", "duh", "happy now", "satisfied", "clearly", "seriously", "ugh", "omg", "jeez", "geez",
        "smh", "wow", "oh my god", "eye roll", "rolls eyes", "god",
        "oh sure", "oh yeah", "oh yes", "yeah right", "oh right", "oh totally", "oh of course",
        "oh definitely", "oh absolutely", "sure sure", "sure jan", "yeah because", "sure because",
        "right because", "you caught me", "you got me", "busted", "guilty as charged",
        "congratulations", "congrats", "well done", "nice try", "good for you", "while we're at it",
        "what's next", "next you'll", "silly me", "scandalous", "the horror", "gasp",
        "want proof", "need proof", "🙄", "😒", "🙃", "🤡", "🤦", "😑", "🤦‍♀️", "🤦‍♂️",
    ],
    # What the partner fears, said back as if confessed: in practice mode the user has nothing to
    # confess (the article's premise), so "my secret lover" or "a million dollars" is mockery. Weak on
    # its own ("you think I'm cheating?"), anger beside an agreement marker ("yeah, my secret lover").
    "accusation": [
        "affair", "lover", "mistress", "fling", "secret girlfriend", "secret boyfriend", "other girlfriend",
        "other boyfriend", "another woman", "another man", "the other woman", "the other man",
        "side piece", "side chick", "secret admirer", "secret rendezvous", "secret meeting", "secret date",
        "secret family", "other family", "double life", "secret life", "hooking up", "hook up",
        "sleeping with", "sleeping around", "run off with", "running off with", "elope", "a cover for",
        "robbing banks", "robbing a bank", "rob a bank", "crime spree", "heist",
        "bankrupting us", "bankrupt us", "a million", "millions", "a billion", "a fortune",
        "all our savings", "our life savings", "my life savings", "every penny", "the whole paycheck",
    ],
    # Casting the partner as police, jailer or judge, and the question as a trial: the article's "it's
    # unfair to be accused" turned into a jab. Strong on its own, and still one when denied ("i'm not
    # on trial", "i don't have a curfew").
    # Only words no honest account of a day uses: "a full report", "my big brother", "a blood sample"
    # and "clock out" are left out, since people finish reports, have brothers and see doctors.
    "mockery": [
        "curfew", "permission slip", "hall pass", "ankle monitor", "ankle tag", "ankle bracelet",
        "tracking chip", "tracking device", "gps tracker", "gps coordinates", "lie detector", "polygraph",
        "under arrest", "arrest me", "get a lawyer", "need a lawyer", "call my lawyer", "read me my rights",
        "plead the fifth", "take the fifth", "fingerprints", "mugshot", "cross-examination",
        "cross examination", "interrogation", "the third degree", "on trial", "a suspect", "suspects",
        "parole", "logbook", "log book", "clock in and out", "yes sir", "yes ma'am", "sir yes sir",
        "aye aye", "yes boss", "ok boss", "okay boss", "yes mother", "ok mother", "okay mother",
        "your honor", "your honour", "big brother is watching", "how dare i", "heaven forbid",
        "god forbid", "sorry for existing", "what a crime", "the audacity", "signed note",
        "signed statement", "sworn statement", "affidavit", "notarised", "notarized", "in triplicate",
        "body cam", "bodycam", "body camera", "microchip", "chip me", "lock me up", "call the police",
    ],
    # Agreement words that are only sarcasm beside a mock confession or a jab ("yeah, my secret lover";
    # "sure 🙂" after "stop policing me"): alone they agree or answer ("yeah, it was my sister", "i
    # totally get it", "the traffic was shocking").
    "sarcasm": [
        "yes", "yeah", "yep", "yup", "sure", "of course", "oh", "right", "fine", "ok", "okay", "great",
        "cool", "totally", "shocking", "as if", "🙂", "😊", "😉",
    ],
    # Naming the partner's feeling before answering: the article asks the user to connect
    # empathically with why the partner struggles to trust.
    "acknowledges": [
        "i understand", "that makes sense", "makes sense", "that's fair", "fair question",
        "good question", "i can tell you're", "i can tell this", "you're worried", "you were worried",
        "you seem worried", "you sound worried", "you seem upset", "you're upset", "you're scared",
        "must be hard", "must have been", "must feel", "sounds like you", "it sounds like",
        "i'm sorry you", "sorry i worried you", "sorry for worrying you", "i should have texted",
        "i should have told you", "i should have called", "i should've", "hard for you",
        "your feelings", "it's okay to ask", "it's ok to ask", "you have every right",
        "you've been hurt", "thanks for asking", "thank you for asking", "glad you asked",
    ],
    # Speaking for oneself ("I feel", "it matters to me") rather than about the partner.
    "i_statement": [
        "makes me feel", "make me feel", "matters to me", "important to me", "means a lot to me",
        "helps me", "for me",
    ],
    # Asking what the partner needs, or to talk it through together: the article's way forward is
    # an open conversation, and couples therapy when that is too hard alone.
    "invitation": [
        "can we talk", "could we talk", "let's talk", "let's sit down", "can we sit down",
        "i want to understand", "i'd like to understand", "help me understand", "tell me more",
        "tell me what", "what's worrying you", "what is worrying you", "what worries you",
        "what's bothering you", "what's scaring you", "what would help", "what would make you feel",
        "what do you need", "how can i help", "what can i do", "do you want to talk",
        "want to talk about it", "talk about it together", "couples therapy", "see someone together",
        "what are you worried about", "what's going on for you", "i want to hear", "wanna talk about it",
    ],
    # The "no" half of a boundary (the "but" half is "offer"): the article says it's okay to have
    # friends, hobbies and privacy, and to agree on boundaries openly.
    "decline": [
        "i'd rather not", "that's private", "that's mine", "i need my privacy", "i need my space",
        "i need some time for myself", "i'm not comfortable", "i don't feel comfortable",
        "i'm still going", "i still want to go", "i'm going to go",
    ],
    # The warm alternative that turns a refusal into a boundary.
    "offer": [
        "happy to", "glad to", "i'd love to", "i'd be happy", "we can", "we could", "let's",
        "how about", "what if we", "instead", "i can show you", "i can tell you", "i'll text you",
        "i'll call you", "i'll message you", "i'll let you know", "i'll be home by", "i'll be back by",
        "would it help", "maybe we can", "why don't we", "you're welcome to", "you can come",
        "come with", "join us", "join me", "date night", "time together",
        # Openness offered is not access handed over: "i'll answer anything you want to ask".
        "i'll answer anything", "answer anything you", "ask me anything", "ask me whatever",
        "i'll tell you anything",
    ],
}

# --------------------------------------------------------------------------------------------------
# Words for the token patterns and the parse: who is insulted, what is given up, what is refused.
# --------------------------------------------------------------------------------------------------

# Words for the user's own feelings and needs, the concrete answer to "why do you need a night out?"
FEELINGS = {
    "feel", "feeling", "love", "enjoy", "miss", "need", "relax", "recharge", "unwind", "matter",
    "value", "care", "happy", "sad", "worried", "worry", "scared", "afraid", "anxious", "nervous",
    "lonely", "close", "distant", "hurt", "tired", "exhausted", "frustrated", "relaxed", "calm", "safe",
    "free", "loved", "grateful", "overwhelmed", "stressed", "comfortable", "uncomfortable", "hopeful",
    "confused", "disconnected", "connected", "content", "glad", "excited", "upset", "guilty",
    "ashamed", "important", "fun", "peace", "space", "myself", "energized", "recharged", "lucky",
    "proud", "secure", "insecure", "trapped", "controlled", "respected", "appreciated", "balance",
    "privacy", "breathe", "joy", "sane", "healthy", "better", "good", "great", "bad", "hard",
    "anxiety", "stress", "mood", "sanity", "health", "energy", "depression", "confidence", "headspace",
    "wellbeing",
}

YOU = {"NORM": {"IN": ["you", "u", "your", "ur"]}}
I = {"NORM": {"IN": ["i"]}}  # noqa: E741
BE = {"NORM": {"IN": ["am", "are", "is", "'s", "was", "were", "be", "been", "being", "r"]}, "OP": "?"}
ADVERBS = {"POS": "ADV", "OP": "*"}
# Adverbs that do not deny what follows: "i'll just cancel", not "i'll never cancel".
PLAIN_ADVERBS = {"POS": "ADV", "NORM": {"NOT_IN": ["not", "never"]}, "OP": "*"}
AUX = {"POS": "AUX", "OP": "*"}
NOT = {"NORM": {"IN": ["not", "never"]}}
# "i'm not comfortable" is as much an I-statement as "i'm comfortable".
MAYBE_NOT = {**NOT, "OP": "?"}

# What people call a partner when they lash out.
INSULTS = [
    "paranoid", "crazy", "insane", "psycho", "psychotic", "ridiculous", "jealous", "controlling",
    "insecure", "pathetic", "nuts", "delusional", "obsessed", "obsessive", "annoying", "toxic",
    "dramatic", "hysterical", "stupid", "childish", "unreasonable", "impossible", "exhausting",
    "clingy", "needy", "mental", "overreacting", "overdramatic", "possessive", "nosy", "unfair",
    "suffocating", "neurotic", "irrational", "suspicious", "judgmental", "judgemental", "petty", "unhinged",
    "creepy", "weird",
]
# What the question itself is called when it is attacked: "that's ridiculous", "this is insane".
SCORNED = ["ridiculous", "insane", "crazy", "absurd", "unbelievable", "pathetic", "stupid", "nuts", "joke",
           "exhausting", "embarrassing", "bullshit"]
# What the partner is told to stop doing: checking and asking is the partner's fear, and being
# ordered to stop it is an attack.
ACCUSED_DOINGS = [
    "asking", "interrogating", "nagging", "accusing", "checking", "spying", "questioning", "policing",
    "controlling", "bugging", "harassing", "hounding", "tracking", "snooping", "overreacting",
    "stalking", "watching", "monitoring",
]
# Verbs of refusing to engage: "i'm not answering", "i won't explain".
REFUSED = ["answer", "discuss", "explain", "justify", "respond", "reply", "engage"]
# Verbs of accounting to the partner, refused as pushback: "i don't need to report in", "i'm not going
# to list everyone". Softer than REFUSED: said warmly beside an offer they are a boundary.
OBLIGATIONS = ["report", "list", "account", "itemize", "itemise", "tell", "name", "run", "clear", "prove",
               "share", "text", "update", "check", "give", "send", "show", "provide", "hand", "apologise",
               "apologize", "beg", "grovel"]
# Roles of a child or a subordinate the user refuses ("i'm not your employee"), and of a parent or a
# keeper the partner is told they are not ("you're not my mom", "i don't need a babysitter").
BELOW = ["child", "kid", "teenager", "teen", "baby", "employee", "servant", "slave", "prisoner", "pet",
         "property", "puppet", "possession", "hostage", "criminal", "twelve", "12", "fifteen", "15",
         "sixteen", "16"]
ABOVE = ["mom", "mum", "mother", "dad", "father", "parent", "boss", "babysitter", "chaperone", "minder",
         "nanny", "guardian", "warden", "keeper", "handler", "supervisor", "owner", "jailer", "parole"]
# Said of the partner's question when it has gone on too long: "this is getting old".
WORN_OUT = ["old", "tiring", "boring", "silly", "exhausting", "ridiculous", "stupid", "absurd", "insane",
            "annoying", "tedious", "repetitive"]
# What the partner is called to cast them as police or jailer: "ok detective", "sorry officer",
# "you're such a cop". Said of someone else ("my cousin is a cop", "a detective show") they are not.
MOCK_TITLES = {"detective", "officer", "sherlock", "inspector", "sergeant", "sarge", "warden", "columbo",
               "poirot", "constable", "sheriff", "cop", "fbi", "cia", "kgb", "nsa", "interpol"}
# Said straight before a parent's or boss's title, they cast the partner as one: "sorry mum", "ok boss".
DEFERRING = {"sorry", "ok", "okay", "yes", "yeah", "sure", "fine", "alright", "thanks"}
# Verbs of taking in the partner's view: "i get why", "i can see you're worried".
PERCEIVING = ["see", "get", "understand", "hear", "know", "imagine", "realize", "realise", "appreciate"]
# Verbs of wanting and feeling that make an I-statement.
I_VERBS = ["feel", "want", "need", "wish", "prefer", "hope", "miss", "enjoy", "value", "care", "love",
           "like", "worry"]

# What the partner feels or knows, which a you-statement may say without blame: "you miss me".
FEELING_OR_KNOWING = set(I_VERBS) | set(PERCEIVING) | {"be", "seem", "sound", "look", "think", "deserve"}
# "can i show you?": asking leave to offer, not asking back.
OFFERING_MODALS = {"can", "could", "shall", "may"}
# "you could have called": what the partner ought to have done ("you must have been worried" is not).
REPROACHING_MODALS = {"could", "should", "would", "might"}

NEGATIONS = {"not", "never", "n't", "nt"}
# A denial further up reaches these dependents: "i'm not ANGRY", "i'm not going to GIVE you".
NEGATION_REACHES = {"acomp", "xcomp", "attr", "dobj", "pobj", "prep", "amod", "advmod", "prt", "aux", "oprd"}
# "I don't think you're crazy": a denied thought denies what it governs.
DENIABLE_THOUGHTS = {"think", "say", "mean", "believe", "call"}

# Verbs of giving up one's own plans or things: "i'll cancel", "i'll stop", "i'll give it up".
SURRENDER_VERBS = {"cancel", "stop", "quit", "skip", "delete", "unfollow", "block", "return", "drop",
                   "reduce", "sell", "refund", "uninstall", "bail", "ditch", "flake"}
# Giving up said with a particle or adverb: "i'll give it up", "i'll just stay home".
SURRENDER_PHRASAL = {("give", "up"), ("cut", "back"), ("cut", "down"), ("pull", "out"), ("back", "out"),
                     ("call", "off"), ("stay", "in"), ("stay", "home"), ("send", "back"), ("take", "back")}
ERRAND_WORDS = {"by", "at", "off", "somewhere", "for", "in", "to", "there", "here", "on"}
# Verbs of one's own life that giving in promises not to do: "i won't go", "i won't see them again".
OWN_LIFE_VERBS = {"go", "come", "see", "meet", "hang", "play", "text", "buy", "spend", "train", "visit",
                  "game", "paint", "ride", "run", "practice", "practise"}
# Handing over access: "i'll give you my password" (the user gives), "take my phone", "you can check
# my phone" (the partner is invited to take).
GIVING_VERBS = {"give", "hand", "send", "share", "show", "tell", "forward", "turn", "write"}
TAKING_VERBS = {"take", "check", "read", "have", "look", "go", "see", "use", "scroll", "search", "unlock",
                "keep", "hold"}
# "read them all", "check whatever you want", "unlock it yourself": said of the phone or messages the
# partner asked about.
READING_VERBS = {"read", "check", "scroll", "search", "look", "go", "unlock"}
EVERYTHING = {"them", "it", "all", "everything", "anything", "whatever"}
# Promising to report one's whereabouts is checking in before every move.
REPORTING_VERBS = {"send", "text", "call", "tell", "update", "check", "share", "show", "ping", "facetime",
                   "message", "let"}
WHEREABOUTS = {"where", "wherever", "every", "whenever", "location", "pic", "photo", "picture", "always",
               "everything", "everywhere", "update", "anywhere"}
# Refusing to answer: "i'm not having this conversation", "not gonna dignify that with an answer".
REFUSED_TALK = {"answer", "response", "explanation", "conversation", "discussion", "question"}
ACCESS_NOUNS = {"password", "passcode", "code", "pin", "phone", "login", "location", "account",
                "message", "text", "dm", "chat", "email", "instagram", "facebook", "snapchat", "whatsapp",
                "app", "laptop", "computer", "inbox", "history", "statement", "card", "wallet", "photo",
                "gallery", "calendar", "bank", "banking", "notification"}

# --------------------------------------------------------------------------------------------------
# Words for what a concrete answer names: a person, time, place, amount or feeling.
# --------------------------------------------------------------------------------------------------

# People a concrete answer can name without a name: "my sister", "the team", "our manager".
RELATIONS = {
    "mom", "mum", "mother", "dad", "father", "parent", "sister", "brother", "sis", "bro", "aunt",
    "uncle", "cousin", "grandma", "grandpa", "gran", "nan", "grandmother", "grandfather", "niece",
    "nephew", "son", "daughter", "kid", "family", "boss", "manager", "coworker", "co-worker",
    "colleague", "team", "teammate", "client", "customer", "supervisor", "intern", "landlord",
    "neighbor", "neighbour", "roommate", "flatmate", "teacher", "coach", "doctor", "therapist",
    "trainer", "ex", "department", "hr", "ceo", "lead", "mentor", "dentist", "stepmom", "stepdad",
}
# Said of people in general, these need a name to be concrete: "my friend jess", not "a friend".
LOOSE_PEOPLE = {"friend", "buddy", "mate", "guy", "girl", "person", "people", "someone", "somebody",
                "lady", "woman", "man", "dude", "folk", "pal"}
# Verbs whose object is a person: "texting raj", "i ran into mei", "i talked to ali".
CONTACT_VERBS = {"text", "texting", "call", "message", "meet", "see", "dm", "email", "phone", "talk", "chat",
                 "bump", "run", "help", "ask", "tell", "visit", "invite"}
# Words that look like names in lowercase chat but are not people: "i swear to god", "babe".
NOT_NAMES = {"god", "jesus", "lord", "babe", "baby", "honey", "hun", "love", "sweetie", "darling", "dear",
             "bro", "dude", "lol", "omg", "ok", "okay", "yeah", "yes", "no", "hey", "hi", "sorry", "please",
             "thanks", "rn", "tbh", "idk", "btw", "lmao", "haha", "christ", "bc", "cuz", "tho", "pls", "plz",
             "ya", "u", "ur", "lmk", "tmrw", "tmr", "imo", "fyi", "ty", "omw", "ugh", "meh", "wtf",
             # Days in lowercase chat look like names too: "out every friday".
             "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
# A few common first names: a lowercase word whose vector sits near theirs is taken for a name.
NAME_EXAMPLES = ["john", "sarah", "mike", "emma", "david", "jessica", "chris", "anna"]
NAME_LIKENESS = 0.5
# Prepositions that place the user somewhere.
PLACE_PREPOSITIONS = {"at", "in", "to", "from", "near", "inside", "outside", "by", "on", "into"}
# Objects of those prepositions that are not places ("at the moment", "in my head", "on my phone").
NOT_PLACES = {"moment", "time", "point", "least", "all", "first", "last", "end", "way", "mood", "mind",
              "fact", "general", "case", "head", "phone", "love", "trouble", "charge", "advance",
              "person", "thing", "stuff", "something", "anything", "nothing", "everything", "it",
              "that", "this", "me", "you", "them", "us", "him", "her", "hurry", "touch", "detail",
              "particular", "public", "private", "total", "short", "fairness", "truth", "sight"}
# Places however they sit in the sentence: "i left THE OFFICE late", "TRAFFIC was awful".
PLACE_WORDS = {"home", "work", "downtown", "upstairs", "office", "gym", "bar", "pub", "restaurant", "cafe",
               "store", "shop", "mall", "supermarket", "station", "park", "school", "hospital", "library",
               "church", "club", "airport", "apartment", "flat", "traffic", "train", "bus", "subway",
               "highway", "motorway", "bridge", "party", "meeting", "class", "practice", "dinner",
               "lunch", "concert", "game", "market", "pharmacy", "clinic", "doctor's", "salon", "garage"}
CURRENCY_SYMBOLS = {"$", "£", "€", "¥"}
TIME_PREPOSITIONS = {"at", "until", "till", "til", "by", "around", "after", "before", "since", "from"}
TIME_UNITS = {"minute", "min", "hour", "hr", "am", "pm", "a.m.", "p.m.", "o'clock", "oclock", "midnight",
              "noon", "half"}
FIRST_PERSON = {"i", "me", "my", "myself", "mine"}

# --------------------------------------------------------------------------------------------------
# Replies that are all brush-off, and the token patterns.
# --------------------------------------------------------------------------------------------------

# A reply made only of these says "I heard you and I'm not answering": "k", "ok fine", "sure".
BRUSH_OFFS = {"k", "kk", "ok", "okay", "sure", "fine", "cool", "meh", "mhm", "whatever", "yeah", "yep",
              "lol", "lmao", "haha", "alright", "right", "noted", "pass", "next", "mm", "mmm", "hmm", "hm",
              "mmhm", "bye", "later", "night", "goodnight", "cya"}
# Said with "i'll", these promise a life changed to calm the partner: "i'll be home by 6 from now on".
CHANGE_MARKERS = ("from now on", "never again", "no more")
# "9pm", "2nd", "10k", "30mins": numbers with a unit, not passwords.
NUMBER_WITH_UNIT = re.compile(r"^\d+([.:]\d+)?(am|pm|st|nd|rd|th|k|s|mins?|hrs?|h|m)$")
# Saying no at the start of a reply to a demand: "no.", "nope, but...", "absolutely not".
NO = {"no", "nope", "nah", "absolutely"}
# A sentence made only of one of these refuses the question, wherever it comes: "... pass".
REFUSALS = {"pass", "next"}

# Auxiliaries of a refusal ("i don't", "i won't", "i'm not going to"), but not of inability: "i can't
# tell you how much i love you" refuses nothing.
REFUSING_AUX = {"POS": "AUX", "NORM": {"NOT_IN": ["can", "could"]}, "OP": "*"}
# A mock offer of more evidence: "do you want a seating plan too?", "want my fingerprints as well?"
MORE_TOO = [{"LOWER": {"IN": ["too", "aswell"]}}]
MORE_AS_WELL = [{"LOWER": "as"}, {"LOWER": "well"}]
MOCK_OFFER = [{"LEMMA": {"IN": ["want", "need"]}},
              {"LOWER": {"IN": ["a", "an", "my", "the", "some", "his", "her", "their", "our", "me"]}},
              {"IS_PUNCT": False, "OP": "{0,8}"}]

# Cues whose words vary, as token patterns.
TOKEN_PATTERNS: dict[str, list[list[dict[str, Any]]]] = {
    "scorn": [
        MOCK_OFFER + MORE_TOO,
        MOCK_OFFER + MORE_AS_WELL,
        # "happy?" as a sentence of its own, after a jab or a concession.
        [{"LOWER": {"IN": ["happy", "satisfied", "pleased"]}, "IS_SENT_START": True}, {"ORTH": "?"}],
    ],
    "mockery": [
        # "you're such a detective", "you'd make a great cop"; the bare title is `_mock_titles`.
        [YOU, {"NORM": {"IN": ["are", "would", "'d", "should"]}}, {"LEMMA": "make", "OP": "?"}, ADVERBS,
         {"LOWER": {"IN": ["a", "an", "such"]}, "OP": "*"}, {"POS": "ADJ", "OP": "*"},
         {"LOWER": {"IN": sorted(MOCK_TITLES)}}],
    ],
    # Refusing to account to the partner ("refusal" declines): what the refused account would name is
    # not an answer ("i don't owe you a report on every shop trip").
    "defiance": [
        [I, BE, NOT, {"LOWER": {"IN": ["your", "a", "an", "some"]}, "OP": "?"}, {"POS": "ADJ", "OP": "*"},
         {"LOWER": {"IN": BELOW}}],
        [YOU, BE, NOT, {"NORM": "my"}, {"LOWER": {"IN": ABOVE}}],
        [I, AUX, NOT, {"LEMMA": "need"}, {"LOWER": {"IN": ["a", "an", "your", "my"]}},
         {"LOWER": {"IN": ABOVE}}],
        # "i can't even smile at my phone now?", but not "i can't even remember".
        [I, {"NORM": "can"}, NOT, {"LOWER": "even"},
         {"POS": "VERB", "LEMMA": {"NOT_IN": ["remember", "think", "imagine", "tell", "believe", "explain",
                                               "describe", "say", "express", "wait"]}}],
        # "i'm not asking for permission", "i don't need your approval"
        [{"LEMMA": {"IN": ["ask", "need", "get", "seek", "want"]}}, {"OP": "?"},
         {"LOWER": {"IN": ["permission", "approval"]}}],
    ],
    "decline:refusal": [
        # "i don't owe you a list of names"; "i don't owe you an explanation" is in PHRASES as ignoring.
        [I, REFUSING_AUX, NOT, {"LEMMA": "owe"}],
        # "i don't need to report in", "i'm not going to list everyone", "i won't text you every hour"
        [I, REFUSING_AUX, NOT, {"LOWER": "going", "OP": "?"}, {"LOWER": "to", "OP": "?"},
         {"LEMMA": {"IN": ["have", "need"]}, "OP": "?"}, {"LOWER": "to", "OP": "?"},
         {"LEMMA": {"IN": OBLIGATIONS}}],
        [I, BE, NOT, {"LOWER": {"IN": ["obliged", "obligated", "required"]}}],
    ],
    "angry": [
        [YOU, BE, {"LOWER": "being", "OP": "?"}, ADVERBS, {"LOWER": {"IN": INSULTS}}],
        [{"LEMMA": {"IN": ["stop", "quit"]}}, {"LOWER": "being"}, ADVERBS, {"LOWER": {"IN": INSULTS}}],
        [{"LEMMA": {"IN": ["stop", "quit"]}}, {"LOWER": {"IN": ACCUSED_DOINGS}}],
        [{"NORM": {"IN": ["this", "that", "it"]}}, BE, ADVERBS, {"LOWER": {"IN": ["a", "so"]}, "OP": "?"},
         {"LOWER": {"IN": SCORNED}}],
        [{"NORM": {"IN": ["this", "that", "it"]}}, BE, {"LOWER": "getting"}, ADVERBS,
         {"LOWER": {"IN": WORN_OUT}}],
        # "maybe if you weren't so clingy": the denial is part of the blame.
        [{"LOWER": "if"}, YOU, BE, NOT, ADVERBS, {"LOWER": {"IN": INSULTS}}],
        # Told to calm down: "chill", "relax, it was my sister", "calm down".
        [{"LOWER": {"IN": ["chill", "relax", "calm"]}, "IS_SENT_START": True},
         {"LOWER": {"IN": ["out", "down"]}, "OP": "?"}],
        # "get your own hobby", "get a life" (in PHRASES).
        [{"LEMMA": "get"}, {"NORM": {"IN": ["your", "ur"]}}, {"LOWER": "own"}],
    ],
    "accusation": [
        # "out cheating every friday", "flirting with the barista"
        [{"LEMMA": {"IN": ["cheat", "flirt"]}}],
        # "my secret second family", "my other secret girlfriend"
        [{"LOWER": {"IN": ["secret", "other", "second"]}}, {"POS": {"IN": ["ADJ", "NOUN"]}, "OP": "{0,2}"},
         {"LEMMA": {"IN": ["family", "life", "girlfriend", "boyfriend", "lover", "admirer", "rendezvous",
                           "relationship", "affair", "wife", "husband", "partner"]}}],
    ],
    "reassuring": [
        [{"LEMMA": {"IN": ["promise", "swear"]}}],
        # "you never ever have to worry", "you don't need to worry about her"
        [YOU, {"NORM": {"IN": ["never", "not", "do", "ever", "really"]}, "OP": "+"},
         {"LEMMA": {"IN": ["have", "need"]}}, {"LOWER": "to"}, {"LEMMA": "worry"}],
        # "i love you", "love youuu", "i really do love u"
        [{"LEMMA": "love"}, PLAIN_ADVERBS, {"LOWER": {"REGEX": "^(you+|u+|ya+)$"}}],
    ],
    "giving_in": [
        # Lowercase imperatives are often misread as nouns: "scroll through all of it", "read them all".
        [{"LEMMA": {"IN": sorted(READING_VERBS)}, "IS_SENT_START": True}, {"OP": "?"},
         {"LOWER": {"IN": sorted(EVERYTHING)}}],
        # A backstop for when the parser misreads the verb: "ok i'll delete maya's number".
        [I, {"NORM": "will"}, PLAIN_ADVERBS, {"LEMMA": {"IN": sorted(SURRENDER_VERBS)}}],
        [{"LOWER": "ill"}, PLAIN_ADVERBS, {"LEMMA": {"IN": sorted(SURRENDER_VERBS)}}],
        # Promising to drop a person: "fine, i won't talk to him again" (but "i won't talk to you like
        # this" is no surrender).
        [I, {"NORM": "will"}, NOT, PLAIN_ADVERBS, {"LEMMA": {"IN": ["talk", "speak", "chat"]}},
         {"LOWER": {"IN": ["to", "with"]}}, {"NORM": {"IN": ["him", "her", "them"]}}],
    ],
    "ignoring": [
        # "i'm not answering", "i don't have to explain", "i'd rather not answer"
        [I, AUX, {"LOWER": "rather", "OP": "?"}, NOT, {"LOWER": "going", "OP": "?"},
         {"LOWER": "to", "OP": "?"}, {"LEMMA": {"IN": ["have", "need"]}, "OP": "?"},
         {"LOWER": "to", "OP": "?"}, {"LEMMA": {"IN": REFUSED}}],
        [I, AUX, NOT, {"LOWER": "doing"}, {"LOWER": {"IN": ["this", "that"]}}],
        # "does it even matter", "does it really matter who"
        [{"NORM": {"IN": ["do", "does", "did"]}}, {"NORM": "it"}, ADVERBS, {"LEMMA": "matter"}],
        # "do we really have to do this now", "do we have to talk about this again"
        [{"NORM": "do"}, {"NORM": "we"}, ADVERBS, {"LEMMA": {"IN": ["have", "need"]}}, {"LOWER": "to"},
         {"LEMMA": {"IN": ["do", "talk", "go"]}}, {"LOWER": {"IN": ["this", "that", "about", "through"]}}],
        # "lol moving on", but not "he needs help moving on saturday".
        [{"LOWER": "moving"}, {"LOWER": "on", "DEP": "prt"}],
        # A change of subject opens a sentence: "anyway, did you call your mom?"
        [{"LOWER": {"IN": ["anyway", "anyways", "anyhow"]}, "IS_SENT_START": True}],
        # "think whatever you want", "believe what you like": the partner's fear left standing.
        [{"LEMMA": {"IN": ["think", "believe", "assume", "say"]}}, {"LOWER": {"IN": ["whatever", "what"]}},
         YOU, {"LEMMA": {"IN": ["want", "like", "wish"]}}],
        # "can we just move on", "let's drop it", "can we leave it"
        [{"NORM": {"IN": ["can", "could", "let", "shall"]}}, {"NORM": {"IN": ["we", "us"]}}, ADVERBS,
         {"LEMMA": {"IN": ["move", "drop", "leave", "skip", "forget"]}},
         {"LOWER": {"IN": ["it", "this", "that", "on"]}}],
        # "can we maybe not do this right now" ("can we not" is in PHRASES).
        [{"NORM": {"IN": ["can", "could"]}}, {"NORM": "we"}, ADVERBS, NOT,
         {"LEMMA": {"IN": ["do", "talk", "go"]}}],
    ],
    "acknowledges": [
        [I, AUX, ADVERBS, {"LEMMA": {"IN": PERCEIVING}},
         {"NORM": {"IN": ["why", "that", "how", "you", "this", "it", "what"]}}],
    ],
    "i_statement": [
        [I, ADVERBS, {"LEMMA": {"IN": I_VERBS}, "POS": "VERB"}],
        [I, {"NORM": {"IN": ["would", "'d"]}}, ADVERBS,
         {"LEMMA": {"IN": ["like", "love", "prefer", "rather"]}}],
        [I, {"NORM": {"IN": ["would", "'d"]}}, {"LOWER": "rather"}],
        [I, {"NORM": {"IN": ["am", "m", "was", "'ve", "have"]}}, {"LOWER": "been", "OP": "?"},
         MAYBE_NOT, ADVERBS, {"LEMMA": "feel"}],
        [I, {"NORM": {"IN": ["am", "m", "was"]}}, MAYBE_NOT, ADVERBS,
         {"POS": "ADJ", "LEMMA": {"IN": sorted(FEELINGS)}}],
    ],
    "invitation": [
        # "i'd like us to talk about it", "i want us to figure this out"
        [I, {"NORM": {"IN": ["would", "'d"]}, "OP": "?"}, {"LEMMA": {"IN": ["like", "love", "want"]}},
         {"NORM": "us"}, {"LOWER": "to"},
         {"LEMMA": {"IN": ["talk", "sit", "figure", "work", "find", "agree"]}}],
        # "could we talk tonight", and "can we plan sunday together": time together is the article's
        # way of loving a partner well.
        [{"NORM": {"IN": ["can", "could", "shall", "would"]}}, {"NORM": "we"}, ADVERBS,
         {"LEMMA": {"IN": ["talk", "sit", "discuss", "chat", "plan"]}}],
        [I, {"NORM": {"IN": ["would", "'d"]}}, {"LEMMA": {"IN": ["like", "love"]}}, {"LOWER": "to"},
         {"LEMMA": {"IN": ["talk", "understand", "hear", "know"]}}],
    ],
}

# Chat spellings spaCy does not split on its own: "im" reads as "i am", "u" as "you".
CHAT_SPELLINGS = {
    "im": [{ORTH: "i"}, {ORTH: "m", NORM: "am"}],
    "Im": [{ORTH: "I"}, {ORTH: "m", NORM: "am"}],
    "u": [{ORTH: "u", NORM: "you"}],
    "lets": [{ORTH: "let"}, {ORTH: "s", NORM: "us"}],
    "thats": [{ORTH: "that"}, {ORTH: "s", NORM: "'s"}],
    "whats": [{ORTH: "what"}, {ORTH: "s", NORM: "'s"}],
    "ive": [{ORTH: "i"}, {ORTH: "ve", NORM: "'ve"}],
    "ill": [{ORTH: "i"}, {ORTH: "ll", NORM: "will"}],
    "its": [{ORTH: "it"}, {ORTH: "s", NORM: "'s"}],
    "Its": [{ORTH: "It"}, {ORTH: "s", NORM: "'s"}],
    "theres": [{ORTH: "there"}, {ORTH: "s", NORM: "'s"}],
}


@dataclass(frozen=True)
class Cue:
    """One phrase in the reply that points to a response or a quality."""

    signal: str
    span: Span
    weight: int = STRONG
    # For vague fillers: what they stand in for ("person", "place", "amount"), or None if anything.
    kind: str | None = None


# --------------------------------------------------------------------------------------------------
# The model and the matchers, built once on first use.
# --------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _language() -> Language:
    """en_core_web_md, with chat spellings taught to its tokenizer."""
    language = spacy.load(MODEL)
    for spelling, tokens in CHAT_SPELLINGS.items():
        language.tokenizer.add_special_case(spelling, tokens)
    return language


@lru_cache(maxsize=1)
def _matchers() -> tuple[PhraseMatcher, Matcher]:
    language = _language()
    phrases = PhraseMatcher(language.vocab, attr="NORM")
    for signal, texts in PHRASES.items():
        phrases.add(signal, [language.make_doc(text) for text in texts])
    tokens = Matcher(language.vocab)
    for signal, patterns in TOKEN_PATTERNS.items():
        tokens.add(signal, patterns)
    return phrases, tokens


@lru_cache(maxsize=1)
def _name_vector() -> Any:
    vocab = _language().vocab
    return sum(vocab[name].vector for name in NAME_EXAMPLES) / len(NAME_EXAMPLES)


# --------------------------------------------------------------------------------------------------
# The public function
# --------------------------------------------------------------------------------------------------

def assess_reply(text: str, scenario_id: str | None = None) -> Assessment:
    """Which of the six responses `text`, typed in answer to the scenario's question, leans toward."""
    if not text.strip():
        return Assessment("ignoring", (), ())
    doc = _language()(text)
    cues = _find_cues(doc, refusing_a_demand=scenario_id in DEMANDS)
    asked = asks_for(scenario_id) if scenario_id else FACTS
    details = _details(doc, asked, cues)
    qualities, quality_cues = _qualities(cues, details)
    pattern, deciding = _decide(cues, qualities, quality_cues, details, asked,
                                scenario_given=scenario_id is not None)
    # The two fallbacks, where no cue decided and nothing warm was said: the learned reading may know.
    # An answer given is never a promise or a filler instead of one, whatever the classifier hears.
    fallback = (pattern == "withholding" and not deciding) or (
        pattern == "calm" and not set(qualities) & set(WARM_QUALITIES)
    )
    learned = _learned_reading(doc) if fallback else None
    if learned is not None and learned[0] != pattern:
        if not ("concrete" in qualities and learned[0] in ("reassuring", "withholding")):
            pattern, deciding = learned
    return Assessment(pattern, _quote(deciding), qualities)


# --------------------------------------------------------------------------------------------------
# The learned reading
# --------------------------------------------------------------------------------------------------

TRAINING_REPLIES = Path(__file__).resolve().parent.parent / "data" / "practice" / "replies.yml"
# How sure the learned reading must be to overrule a fallback, chosen on the development sets
# (replies_dev.yml, replies_fresh.yml), replies.yml and the unit tests. Against the rules alone, at 0.5
# it reads 2 more right and none wrong; at 0.4, 5 more right, 2 of replies.yml wrong, and "my phone
# buzzed" as giving in.
LEARNED_CONFIDENCE = 0.5


@lru_cache(maxsize=1)
def _learned_reader() -> Any:
    """The classifier, trained on the training replies at first use (a second or two)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    replies = yaml.safe_load(TRAINING_REPLIES.read_text(encoding="utf-8"))["replies"]
    for number, reply in enumerate(replies, start=1):
        if reply.get("label") not in PATTERNS or not str(reply.get("text", "")).strip():
            raise ValueError(f"{TRAINING_REPLIES}: reply {number} needs a text and a label, one of "
                             f"{', '.join(PATTERNS)}")
    # Words carry the meaning; character n-grams forgive chat spelling ("ur", "promiseee").
    features = make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"\S+"),
                          TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True))
    model = make_pipeline(features, LogisticRegression(C=10, max_iter=3000))
    texts = [_with_denials_marked(doc) for doc in _language().pipe(reply["text"] for reply in replies)]
    return model.fit(texts, [reply["label"] for reply in replies])


def _with_denials_marked(span: Doc | Span) -> str:
    """The words, lowercased, with a denied word marked: "i ca n't not_promise anything".

    A bag of words hears "promise" in "i can't promise anything"; marked, it hears a denied promise.
    """
    return " ".join(
        f"not_{token.lower_}" if not token.is_punct and token.norm_ not in NEGATIONS and is_denied(token)
        else token.lower_
        for token in span
    )


def _learned_reading(doc: Doc) -> tuple[str, list[Span]] | None:
    """The response the whole reply reads as, if the classifier is sure, and the sentence that reads
    most like it (what the coach quotes)."""
    model = _learned_reader()
    probabilities = model.predict_proba([_with_denials_marked(doc)])[0]
    best = int(probabilities.argmax())
    if probabilities[best] < LEARNED_CONFIDENCE:
        return None
    units = sentences(doc) or [doc[:]]
    if len(units) > 1:
        each = model.predict_proba([_with_denials_marked(unit) for unit in units])[:, best]
        evidence = units[int(each.argmax())]
    else:
        evidence = units[0]
    return str(model.classes_[best]), [evidence]


# --------------------------------------------------------------------------------------------------
# Finding cues
# --------------------------------------------------------------------------------------------------

def _find_cues(doc: Doc, refusing_a_demand: bool = False) -> list[Cue]:
    """Every cue in the reply, denied ones and ones inside a longer cue left out."""
    phrases, tokens = _matchers()
    cues = [_cue(doc.vocab.strings[key], doc[start:end]) for key, start, end in phrases(doc) + tokens(doc)]
    cues += _parsed_cues(doc)
    cues += _brush_offs(doc)
    cues += _promises_to_change(doc)
    if refusing_a_demand:
        cues += [Cue("decline", doc[t.i : t.i + 1]) for t in doc if t.lower_ in NO and t.i < 3]
        # Asked for the password, a bare run of digits is the passcode: "fine, it's 2580".
        cues += [Cue("giving_in", doc[t.i : t.i + 1]) for t in doc if t.is_digit and 4 <= len(t) <= 8]
    cues += [Cue("giving_in", doc[t.i : t.i + 1]) for t in doc if _looks_like_a_password(t)]
    cues += _mock_titles(doc)
    cues += _reproaches(doc)
    cues = [cue for cue in cues if not _denied(cue)]
    cues = _without_overlaps(cues)
    cues = _sarcasm(cues + list(_remarks(doc, cues)))
    return cues + _shouting(doc, cues)


def _remarks(doc: Doc, cues: list[Cue]) -> Iterator[Cue]:
    """A sentence that shows nothing else but tells the partner off, or asks back: pushback.

    Read from the parse, since no word in it is strong: "you can relax now", "do you ever listen"
    speak of what the partner does (the you-statement blame is made of; their feeling or knowing,
    "i know you miss me", "you know how it is", is no blame); "where else would i be", "because i
    like them?", "i'm still here, aren't i" ask a question that asks nothing.
    """
    for sentence in sentences(doc):
        # A sentence already read, as a backfire or as kind ("can we talk?"), is read.
        if any(cue.span.start < sentence.end and sentence.start < cue.span.end
               for cue in cues if cue.signal in BACKFIRE_SIGNALS + WARM_QUALITIES + ("offer",)):
            continue
        if _tells_partner_off(sentence) or _asks_back(sentence):
            yield Cue("defiance", sentence, kind="remark")


def _tells_partner_off(sentence: Span) -> bool:
    """A main clause with the partner as its subject that says what they do, not feel or know."""
    heads = main_clauses(sentence)
    heads += [t for t in sentence if t.dep_ in ("relcl", "ccomp", "advcl") and t.head in heads
              and t.pos_ in ("VERB", "AUX")]
    asked = sentence[-1].text.endswith("?") or sentence[0].pos_ == "AUX"
    for head in heads:
        if not _done_by_partner(head) or is_negated(head):
            continue
        lemma = head.lemma_.lower()
        # "do you want their numbers too?" offers a thing in mockery; "want to see?" offers to show.
        if asked and lemma in ("want", "need") and any(child.dep_ == "dobj" for child in head.children):
            return True
        # "you can call her" offers; "you can relax now" tells the partner how to feel.
        permitted = any(child.norm_ in OFFERING_MODALS for child in head.children if child.dep_ == "aux")
        if permitted and lemma not in FEELINGS:
            continue
        if lemma not in FEELING_OR_KNOWING and head.norm_ not in ("are", "were", "'re"):
            return True
    return False


def _asks_back(sentence: Span) -> bool:
    """A question the writer asks of themself, a tag question, or an answer asked as a question.

    "where else would i be", "do i need to send you receipts now?" (but "can i show you?" offers);
    "i'm still here, aren't i"; "because i like them?" (but "we could go saturday?" proposes, and
    "he found gifs, wanna see?" offers).
    """
    for verb in sentence:
        subject = subject_of(verb)
        if subject is None or subject.head != verb:
            continue
        inverted = any(child.dep_ in ("aux", "auxpass") and child.i < subject.i for child in verb.children)
        inverted |= verb.pos_ == "AUX" and verb.i < subject.i
        offering = any(child.norm_ in OFFERING_MODALS for child in verb.children if child.dep_ == "aux")
        if subject.norm_ == "i" and inverted and not offering:
            return True
    words = [token for token in sentence if not token.is_punct]
    # "..., aren't i", "..., isn't it": an auxiliary, its "not" and a pronoun close a statement.
    tag = (len(words) > 4 and (words[-3].lemma_ in ("be", "do", "have") or words[-3].tag_ == "MD")
           and words[-2].norm_ == "not" and words[-1].pos_ == "PRON")
    root = sentence.root
    subject = subject_of(root) if root.pos_ in ("VERB", "AUX") else None
    echoed = (
        sentence[-1].text.endswith("?")
        and subject is not None
        and subject.norm_ == "i"
        and not any(child.dep_ in ("aux", "auxpass") and child.i < subject.i for child in root.children)
        and sentence[0].tag_ not in ("WDT", "WP", "WP$", "WRB")
        # "i only love you, ok?" asks for agreement.
        and words[-1].pos_ != "INTJ"
    )
    return tag or echoed


def _reproaches(doc: Doc) -> Iterator[Cue]:
    """'you could have just called me', 'you should've asked': what the partner ought to have done."""
    for verb in doc:
        auxiliaries = {child.norm_ for child in verb.children if child.dep_ == "aux"}
        if (
            verb.tag_ == "VBN"
            and any(child.norm_ in ("have", "'ve") for child in verb.children if child.dep_ == "aux")
            and auxiliaries & REPROACHING_MODALS
            and _done_by_partner(verb)
            and not is_negated(verb)
            and verb.lemma_.lower() not in FEELING_OR_KNOWING
        ):
            yield Cue("angry", _clause_span(verb))


def _done_by_partner(verb: Token) -> bool:
    """The partner is who the reply speaks to: "you" (and "u", whose NORM is "you") does the verb."""
    subject = subject_of(verb)
    return subject is not None and subject.norm_ == "you"


def _cue(label: str, span: Span) -> Cue:
    """The cue a matcher label names: "scorn" is weak anger, "vague:person" a filler for a person."""
    if label in KINDS:
        signal, weight = KINDS[label]
        return Cue(signal, span, weight, kind=label)
    signal, _, kind = label.partition(":")
    return Cue(signal, span, kind=kind or None)


def _mock_titles(doc: Doc) -> Iterator[Cue]:
    """'wow ok detective', 'sorry officer', 'thanks sherlock': the partner addressed as police.

    A title with a determiner or in a compound is someone else ("my cousin is a cop", "a detective
    show"); "you're such a detective" is the "mockery" token pattern. A parent's or a boss's title is
    mockery only said straight after a "sorry" or an "ok" ("sorry mum, won't happen again"), since
    people text their mums ("i was texting mum").
    """
    for token in doc:
        if token.dep_ == "compound" or token.dep_ in SUBJECTS:
            continue
        before = doc[token.i - 1].lower_ if token.i else ""
        if token.lower_ not in MOCK_TITLES and not (token.lower_ in ABOVE and before in DEFERRING):
            continue
        # The parser can hang a "yes" before the title as its determiner: "yes officer".
        if not any(child.dep_ in ("det", "poss") and child.pos_ != "INTJ" for child in token.children):
            yield Cue("angry", doc[token.i : token.i + 1], kind="mockery")


def _sarcasm(cues: list[Cue]) -> list[Cue]:
    """'yeah', 'sure', '🙂' as weak anger beside a jab, and dropped otherwise.

    "yeah, i was with my secret lover" confirms a mock confession; "sure 🙂" after "stop policing me"
    twists the knife; "yeah, it was my sister" just answers. A jab is any anger but plain scorn (which
    would make "oh wow, it was my sister" sarcastic) or a stand on one's rights.
    """
    jab = any(
        (cue.signal == "angry" and cue.kind != "scorn") or cue.signal == "defiance" for cue in cues
    )
    return [
        Cue("angry", cue.span, WEAK, kind="sarcasm") if cue.signal == "sarcasm" else cue
        for cue in cues
        if cue.signal != "sarcasm" or jab
    ]


def _promises_to_change(doc: Doc) -> Iterator[Cue]:
    """'i'll come home right after work from now on': a life changed to calm the partner."""
    for sentence in doc.sents:
        lowered = sentence.text.lower()
        promised = any(token.norm_ == "will" or token.lower_ == "ill" for token in sentence)
        for marker in CHANGE_MARKERS:
            at = lowered.find(marker)
            if at >= 0 and promised:
                yield Cue("giving_in", doc.char_span(sentence.start_char + at,
                                                     sentence.start_char + at + len(marker),
                                                     alignment_mode="expand"))


def _brush_offs(doc: Doc) -> Iterator[Cue]:
    """'k', 'ok fine', or a sentence that is only 'pass': the question is heard and not answered."""
    words = [token for token in doc if token.is_alpha]
    if words and all(token.lower_ in BRUSH_OFFS for token in words):
        yield Cue("ignoring", doc[words[0].i : words[-1].i + 1])
        return
    for sentence in doc.sents:
        words = [token for token in sentence if token.is_alpha]
        if len(words) == 1 and words[0].lower_ in REFUSALS:
            yield Cue("ignoring", doc[words[0].i : words[0].i + 1])


def _parsed_cues(doc: Doc) -> Iterator[Cue]:
    """Giving in and declining, read from who does what to what in the parse.

    The same verbs make both: "i'll cancel" gives in, "i won't cancel" declines; "i won't go" gives
    in, "i'm still going" declines; "take my phone" gives in, "i'm not giving you my password"
    declines.
    """
    for verb in doc:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        lemma = verb.lemma_.lower()
        subject = _subject(verb)
        denied = _is_denied(verb)
        by_me = subject == "i"
        # "why should i give up something i love?" asks why, it does not give it up.
        asked_why = any(child.lower_ == "why" for child in verb.children)
        if _gives_up(verb) and by_me and not _stops_by(verb) and not asked_why:
            # "i won't stop seeing them" declines; "i can't stop thinking about you" does not.
            if not denied:
                yield Cue("giving_in", _clause_span(verb))
            elif _promised(verb):
                yield Cue("decline", _clause_span(verb))
        handing = (lemma in GIVING_VERBS and by_me) or (lemma in TAKING_VERBS and subject in ("you", None))
        if handing and _hands_over_access(verb) or _invites_a_search(verb, subject):
            if denied and by_me:
                yield Cue("decline", _clause_span(verb, with_object=True))
            elif not denied:
                yield Cue("giving_in", _clause_span(verb, with_object=True))
        if lemma == "keep" and by_me and not denied and _kept_private(verb):
            yield Cue("decline", _clause_span(verb, with_object=True))
        own_life = lemma in OWN_LIFE_VERBS and by_me and not _is_going_to(verb)
        if own_life and _promised(verb):
            if (denied and not _goes_nowhere(verb)) or (not denied and _less(verb)):
                yield Cue("giving_in", _clause_span(verb))
        if own_life and not denied and _still(verb):
            yield Cue("decline", _clause_span(verb))
        if lemma in REPORTING_VERBS and by_me and _promised(verb) and _reports_whereabouts(verb):
            # The whole promise, so the offer inside it ("i'll message you") does not hide it.
            clause = _clause_span(verb)
            yield Cue("giving_in", doc[clause.start : max(clause.end, verb.right_edge.i + 1)])
        if denied and subject in ("i", None) and _refuses_to_answer(verb):
            yield Cue("ignoring", _clause_span(verb, with_object=True))
    for word in doc:
        if (word.lower_ in INSULTS or word.lower_ in SCORNED) and not _is_denied(word):
            if _insults_partner_or_question(word):
                yield Cue("angry", doc[word.i : word.i + 1])


def _insults_partner_or_question(word: Token) -> bool:
    """'creepy.', 'you make it impossible', 'this is insane': the partner, or their asking, attacked.

    A word of character ("jealous", "suspicious") must be said of the partner, so "it looks suspicious"
    is not an attack; a word of scorn ("ridiculous", "insane") may be said of the question too.
    "i'm not crazy" and "my friends are so dramatic" are neither.
    """
    if word.dep_ == "ROOT":
        return True
    clause = word
    while not any(child.dep_ in ("nsubj", "nsubjpass") for child in clause.children):
        if clause.head == clause:
            return False
        clause = clause.head
    subject = next(child for child in clause.children if child.dep_ in ("nsubj", "nsubjpass"))
    if subject.norm_ in ("you", "u", "ur"):
        return True
    if clause.lemma_ == "make" and clause.head != clause:
        # "you make it impossible": the subject of "make" is the one blamed.
        return any(child.norm_ in ("you", "u") for child in clause.head.children if child.dep_ == "nsubj")
    return word.lower_ in SCORNED and subject.norm_ in ("it", "this", "that")


def _looks_like_a_password(token: Token) -> bool:
    """'sunshine123': letters and digits together, as no time ("9pm"), date ("2nd") or sum ("10k") has."""
    text = token.lower_
    mixed = any(c.isdigit() for c in text) and any(c.isalpha() for c in text)
    return mixed and len(text) >= 5 and not NUMBER_WITH_UNIT.match(text)


def _subject(verb: Token) -> str | None:
    """'i', 'you', another subject's lowercase text, or None for an imperative.

    Follows "want to go" and "going to cancel" up to the verb that has the subject, and reads "ill"
    before a verb as "i'll".
    """
    token = verb
    for _ in range(3):
        subjects = [child for child in token.children if child.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return subjects[0].norm_
        if any(child.lower_ == "ill" and child.i < verb.i for child in token.children):
            return "i"
        if token.dep_ in ("xcomp", "conj", "ccomp") and token.head != token:
            token = token.head
        else:
            break
    if verb.i > 0 and verb.doc[verb.i - 1].lower_ == "ill":
        return "i"
    return None


def _is_denied(token: Token) -> bool:
    """True when a "not" or "never" governs the token, directly or from the verb above it."""
    for _ in range(4):
        if any(
            (child.dep_ == "neg" or child.norm_ in NEGATIONS) and not _comma_between(child, token)
            for child in token.children
        ):
            return True
        head = token.head
        if head == token:
            return False
        if token.dep_ in NEGATION_REACHES or (
            token.dep_ == "ccomp" and head.lemma_ in DENIABLE_THOUGHTS
        ):
            token = head
        else:
            return False
    return False


def _comma_between(first: Token, second: Token) -> bool:
    """'absolutely not, you're out of your mind': a denial does not reach past a comma or full stop."""
    start, end = sorted((first.i, second.i))
    return any(token.is_punct for token in first.doc[start + 1 : end])


def _denied(cue: Cue) -> bool:
    """A cue the reply denies ("i'm not angry"), unless the denial is part of it ("i'm not answering").

    Mockery and defiance stay what they are when denied ("i'm not on trial", "i don't need your
    permission"); a fear is denied by a "not" or "no" just before it as well ("my sister, not my
    secret lover", "there's no affair").
    """
    if cue.signal in ("ignoring", "vague", "i_statement", "decline", "defiance") or cue.kind == "mockery":
        return False
    if any(token.norm_ in NEGATIONS for token in cue.span):
        return False
    if cue.kind == "accusation":
        before = cue.span.doc[max(cue.span.sent.start, cue.span.start - 3) : cue.span.start]
        if any(token.norm_ in NEGATIONS or token.lower_ in ("no", "nobody") for token in before):
            return True
    return _is_denied(cue.span.root)


def _without_overlaps(cues: list[Cue]) -> list[Cue]:
    """Keeps the longer of two overlapping cues, except that calm qualities may share words."""
    kept: list[Cue] = []
    for cue in sorted(cues, key=lambda c: (-len(c.span), _is_calm(c), c.span.start)):
        clash = any(
            cue.span.start < other.span.end and other.span.start < cue.span.end
            and not (_is_calm(cue) and _is_calm(other))
            for other in kept
        )
        if not clash:
            kept.append(cue)
    return sorted(kept, key=lambda c: c.span.start)


def _is_calm(cue: Cue) -> bool:
    return cue.signal not in BACKFIRE_SIGNALS


def _shouting(doc: Doc, cues: list[Cue]) -> list[Cue]:
    """Words in capitals ("you ALWAYS") and a run of exclamation marks: weak support for anger.

    Capitals inside another cue ("I SWEAR") are that cue's emphasis, not shouting.
    """
    cued = {token.i for cue in cues for token in cue.span}
    shouts = [
        Cue("angry", doc[token.i : token.i + 1], WEAK)
        for token in doc
        if token.is_alpha and len(token) > 1 and token.is_upper and token.text not in ("OK", "ID")
        and token.i not in cued
    ]
    for token in doc[:-1]:
        if "!" in token.text and "!" in doc[token.i + 1].text:
            shouts.append(Cue("angry", doc[token.i : token.i + 2], WEAK))
            break
    return shouts


def _clause_span(verb: Token, with_object: bool = False) -> Span:
    """The words from the verb's subject, auxiliaries and negation to the verb (and its object)."""
    parts = [verb] + [child for child in verb.children
                      if child.dep_ in ("nsubj", "aux", "neg", "prt") and child.i < verb.i + 2]
    head = verb
    while head.dep_ == "xcomp" and head.head != head:
        head = head.head
        parts += [head] + [child for child in head.children if child.dep_ in ("nsubj", "aux", "neg")]
    if verb.i > 0 and verb.doc[verb.i - 1].lower_ == "ill":
        parts.append(verb.doc[verb.i - 1])
    end = max(token.i for token in parts) + 1
    if with_object:
        objects = [token for token in _objects(verb)
                   if token.lemma_.lower() in ACCESS_NOUNS or token.lower_ in EVERYTHING]
        end = max([end] + [token.i + 1 for token in objects])
    else:
        end = max([end] + [child.i + 1 for child in verb.children if child.dep_ == "prt"])
    return verb.doc[min(token.i for token in parts) : end]


def _objects(verb: Token) -> Iterator[Token]:
    for child in verb.children:
        if child.dep_ in ("dobj", "dative", "attr", "nsubjpass"):
            yield child
            yield from child.conjuncts
        elif child.dep_ in ("prep", "prt"):
            for grandchild in child.children:
                if grandchild.dep_ == "pobj":
                    yield grandchild


def _hands_over_access(verb: Token) -> bool:
    """The user's own password, phone or messages, or any of them given to the partner.

    "i sent her a message" hands nothing over; "i'll send you my location" does. Showing one
    particular thing is openness, not access: "i can show you the chat with jo" (but "i'll show you
    my messages", "i'll show you the texts" hand them over).
    """
    to_partner = any(token.lower_ == "you" for token in _objects(verb))
    showing = verb.lemma_.lower() in ("show", "tell")
    return any(
        token.lemma_.lower() in ACCESS_NOUNS
        and (
            any(child.lower_ == "my" for child in token.children)
            or (to_partner and not (showing and _particular_thing(token)))
        )
        for token in _objects(verb)
    )


def _particular_thing(token: Token) -> bool:
    """'the chat', 'the message from sam', 'the texts about saturday': one thing, not all of them."""
    return token.tag_ in ("NN", "NNP") or any(
        child.dep_ in ("prep", "relcl", "acl") for child in token.children
    )


def _invites_a_search(verb: Token, subject: str | None) -> bool:
    """'read them all', 'you can check whatever you want': the partner invited to go through it all."""
    return (
        verb.lemma_.lower() in READING_VERBS
        and subject in ("you", None)
        and not any(child.dep_ == "prt" and child.lower_ == "out" for child in verb.children)
        and any(token.lower_ in EVERYTHING for token in _objects(verb))
        # "happy to go over it together" looks at it side by side.
        and not any(child.lower_ == "together" for child in verb.children)
    )


def _reports_whereabouts(verb: Token) -> bool:
    """'i'll send you a pic of wherever i am': checking in before every move."""
    to_partner = any(token.lower_ == "you" for token in _objects(verb))
    return to_partner and any(token.lower_ in WHEREABOUTS for token in verb.subtree)


def _refuses_to_answer(verb: Token) -> bool:
    """A denied 'answer', 'explain' or 'talk about it', or a denied verb of an answer or conversation."""
    lemma = verb.lemma_.lower()
    if lemma in REFUSED:
        return True
    if lemma == "get" and any(child.lower_ == "into" for child in verb.children):
        return True
    if lemma in ("talk", "discuss") and not any(
        child.lower_ in ("to", "with") for child in verb.children if child.dep_ == "prep"
    ):
        return True
    return any(token.lemma_.lower() in REFUSED_TALK for token in _objects(verb))


def _less(verb: Token) -> bool:
    """'i'll only go twice a week', 'i'll play less': a life cut down to calm the partner."""
    return any(token.lower_ in ("only", "less", "fewer") for token in verb.subtree)


def _kept_private(verb: Token) -> bool:
    """'i'd rather keep my password', 'i'd like to keep that to myself'."""
    return _hands_over_access(verb) or any(
        token.lower_ in ("private", "myself", "mine", "personal") for token in verb.subtree
    )


def _promised(verb: Token) -> bool:
    """'i won't go', 'i'm not going to see them', 'i'm not coming': a promise, not a fact."""
    auxiliaries = {child.norm_ for child in verb.children if child.dep_ == "aux"}
    head = verb.head if verb.dep_ == "xcomp" else verb
    auxiliaries |= {child.norm_ for child in head.children if child.dep_ == "aux"}
    # "i'm not coming" speaks of the future as surely as "i won't come".
    progressive = verb.tag_ == "VBG" and bool(auxiliaries & {"am", "m", "are"})
    future = bool(auxiliaries & {"will", "shall", "going"}) or head.lemma_ in ("go", "want", "plan")
    return future or progressive


def _is_going_to(verb: Token) -> bool:
    """The "going" of "i'm going to stop" only marks the future; it is not going anywhere."""
    return verb.lemma_ == "go" and any(
        child.dep_ == "xcomp" and any(grandchild.lower_ == "to" for grandchild in child.children)
        for child in verb.children
    )


def _goes_nowhere(verb: Token) -> bool:
    """'i'm not going anywhere' is a promise to stay, not a plan given up."""
    return any(child.lower_ in ("anywhere", "away") for child in verb.children)


def _still(verb: Token) -> bool:
    """'i'm still going', 'i still want to see them'."""
    heads = [verb, verb.head] if verb.dep_ == "xcomp" else [verb]
    return any(child.lower_ == "still" for head in heads for child in head.children)


def _gives_up(verb: Token) -> bool:
    """'i'll cancel', 'i'll stop', and the phrasal ones: 'i'll give it up', 'i'll cut back'."""
    particles = {child.lower_ for child in verb.children
                 if child.dep_ in ("prt", "advmod", "dobj", "prep")}
    lemma = verb.lemma_.lower()
    return lemma in SURRENDER_VERBS or any(
        (lemma, particle) in SURRENDER_PHRASAL for particle in particles
    )


def _stops_by(verb: Token) -> bool:
    """'i stopped by the store', 'i stopped somewhere' is an errand, not a surrender."""
    return verb.lemma_.lower() == "stop" and any(child.lower_ in ERRAND_WORDS for child in verb.children)


# --------------------------------------------------------------------------------------------------
# Concrete details
# --------------------------------------------------------------------------------------------------

def _details(doc: Doc, asked: Iterable[str], cues: list[Cue]) -> list[Span]:
    """The words that name what the question asked for: people, times, places, amounts or feelings.

    Words inside a backfire cue do not count ("you're the only one", "i love you"), nor what a refused
    account would name ("i don't owe you a list of every shop"), nor places and relations said of a
    vague someone ("some people from my team").
    """
    # Shouting ("the GYM") is emphasis on a detail, not a phrase that replaces it.
    covered = {token.i for cue in cues if cue.signal in BACKFIRE_SIGNALS and cue.weight == STRONG
               for token in cue.span}
    covered |= {token.i for cue in cues if cue.kind == "refusal" for token in cue.span.root.subtree}
    vague = {token.i for cue in cues if cue.signal == "vague" for token in cue.span}
    finders = {"person": _people, "time": _times, "place": _places, "amount": _amounts,
               "feeling": _feelings}
    found = []
    for kind in asked:
        for span in finders[kind](doc):
            # The tagger sometimes takes an emoji for a place ("now?🙂").
            if any(token.i in covered for token in span) or not any(c.isalnum() for c in span.text):
                continue
            if kind != "person" and _said_of(span.root, vague):
                continue
            if kind == "person" and not _is_name(span.root) and _said_of(span.root, vague):
                continue
            found.append(span)
    return found


def _said_of(token: Token, vague: set[int]) -> bool:
    """True when the token hangs off a vague phrase ("some people FROM WORK")."""
    for _ in range(4):
        if token.head == token:
            return False
        token = token.head
        if token.i in vague:
            return True
    return False


def _people(doc: Doc) -> Iterator[Span]:
    for entity in doc.ents:
        if entity.label_ == "PERSON":
            yield entity
    for token in doc:
        lemma = token.lemma_.lower()
        if token.ent_type_ == "PERSON":
            continue
        if _is_name(token) and not _is_place_object(token):
            yield doc[token.i : token.i + 1]
        elif lemma in RELATIONS and _is_particular(token):
            yield doc[token.left_edge.i if token.left_edge.i >= token.i - 2 else token.i : token.i + 1]
        elif lemma in LOOSE_PEOPLE and any(_is_name(child) for child in token.children):
            yield doc[token.i : max(child.i for child in token.subtree) + 1]


def _is_name(token: Token) -> bool:
    """A person's name, even typed in lowercase: tagged as one, introduced as one, or like one."""
    if token.ent_type_ == "PERSON":
        return True
    if not token.is_alpha:
        return False
    if token.i > 0 and token.doc[token.i - 1].lower_ in ("named", "called"):
        return True
    if token.pos_ not in ("PROPN", "NOUN"):
        return False
    lemma = token.lemma_.lower()
    if {lemma, token.lower_} & (RELATIONS | LOOSE_PEOPLE | FEELINGS | NOT_PLACES | NOT_NAMES | set(INSULTS)):
        return False
    if token.pos_ == "PROPN" or any(
        child.dep_ == "compound" and child.lemma_.lower() in RELATIONS | LOOSE_PEOPLE
        for child in token.children
    ):
        return True
    bare = not any(child.dep_ in ("det", "poss", "amod", "nummod") for child in token.children)
    if not bare or token.tag_ in ("NNS", "NNPS"):
        return False
    if not token.has_vector or _in_person_slot(token):
        return True
    return _likeness(token) >= NAME_LIKENESS


def _in_person_slot(token: Token) -> bool:
    """Where only a person fits: "texting raj", "lunch with mei", "i ran into ali"."""
    if token.dep_ == "dobj":
        return token.head.lemma_.lower() in CONTACT_VERBS or token.head.lower_ in CONTACT_VERBS
    if token.dep_ == "pobj":
        return token.head.lower_ in ("with", "into") or (
            token.head.lower_ == "to" and token.head.head.lemma_.lower() in CONTACT_VERBS
        )
    return False


def _likeness(token: Token) -> float:
    names = _name_vector()
    norm = token.vector_norm * float((names**2).sum() ** 0.5)
    return float(token.vector.dot(names) / norm) if norm else 0.0


def _is_particular(token: Token) -> bool:
    """'my sister', 'the team', 'our manager': one particular person, not 'a coworker'."""
    determiners = [child for child in token.children if child.dep_ in ("det", "poss")]
    return any(child.lower_ not in ("a", "an", "some", "any") for child in determiners) or any(
        child.dep_ == "case" for child in token.children
    )


def _is_place_object(token: Token) -> bool:
    return token.dep_ == "pobj" and token.head.lower_ in ("at", "in", "near", "inside", "outside")


def _places(doc: Doc) -> Iterator[Span]:
    for entity in doc.ents:
        if entity.label_ in ("GPE", "FAC", "LOC", "ORG"):
            yield entity
    for token in doc:
        lemma = token.lemma_.lower()
        if lemma in PLACE_WORDS and token.pos_ in ("NOUN", "PROPN", "ADV"):
            yield doc[token.left_edge.i if token.left_edge.i >= token.i - 3 else token.i : token.i + 1]
        elif (
            token.dep_ == "pobj"
            and token.head.lower_ in PLACE_PREPOSITIONS
            and token.pos_ in ("NOUN", "PROPN")
            and lemma not in NOT_PLACES
            and lemma not in TIME_UNITS
            and lemma not in RELATIONS | LOOSE_PEOPLE
            and not token.like_num
        ):
            yield doc[token.left_edge.i : token.i + 1]


def _times(doc: Doc) -> Iterator[Span]:
    for entity in doc.ents:
        if entity.label_ == "TIME" or (entity.label_ == "DATE" and any(t.like_num for t in entity)):
            yield entity
    for token in doc:
        lemma = token.lemma_.lower()
        is_number = (token.like_num or token.pos_ == "NUM") and token.lower_ != "one"
        if is_number and (
            token.head.lower_ in TIME_PREPOSITIONS or token.head.lemma_.lower() in TIME_UNITS
            or any(child.lower_ in TIME_PREPOSITIONS for child in token.children)
            or (token.i + 1 < len(doc) and doc[token.i + 1].lemma_.lower() in TIME_UNITS)
        ):
            yield doc[token.i : token.i + 1]
        elif lemma in TIME_UNITS and (
            lemma in ("midnight", "noon")
            or any(child.like_num or child.lower_ in ("an", "a", "half") for child in token.children)
        ):
            yield doc[token.left_edge.i : token.i + 1]


def _amounts(doc: Doc) -> Iterator[Span]:
    for entity in doc.ents:
        if entity.label_ in ("MONEY", "CARDINAL") and any(token.like_num for token in entity):
            yield entity
    for token in doc:
        # A sum needs its number: "40 bucks" names one, "a few bucks" does not; "free" is a sum too.
        if token.lower_ == "free" or (token.like_num and token.pos_ == "NUM" and token.lower_ != "one"):
            start = token.i - 1 if token.i > 0 and doc[token.i - 1].text in CURRENCY_SYMBOLS else token.i
            yield doc[start : token.i + 1]


def _feelings(doc: Doc) -> Iterator[Span]:
    """A feeling the user names as their own: "i miss them", "it helps me relax", "important to me"."""
    for token in doc:
        if (token.lemma_.lower() in FEELINGS or token.lower_ in FEELINGS) and _is_mine(token):
            yield doc[token.i : token.i + 1]


def _is_mine(token: Token) -> bool:
    """True when the feeling is the user's: "i miss them", "it helps me relax", "my anxiety".

    "you're more important than any band" and "you're the love of my life" speak of the partner.
    """
    if any(child.lower_ == "my" for child in token.children):
        return True
    clause = token
    while not any(child.dep_ in ("nsubj", "nsubjpass") for child in clause.children):
        if clause.head == clause:
            break
        clause = clause.head
    subjects = [child for child in clause.children if child.dep_ in ("nsubj", "nsubjpass")]
    if subjects and subjects[0].norm_ == "i":
        return True
    return any(word.lower_ in ("me", "myself") and word.dep_ in ("dobj", "pobj", "dative", "nsubj")
               for word in clause.subtree)


# --------------------------------------------------------------------------------------------------
# Qualities and the decision
# --------------------------------------------------------------------------------------------------

def _qualities(cues: list[Cue], details: list[Span]) -> tuple[tuple[str, ...], list[Span]]:
    """The calm qualities in the reply, in QUALITIES order, and the spans that show them."""
    found: dict[str, list[Span]] = {quality: [] for quality in QUALITIES}
    for cue in cues:
        if cue.signal in found:
            found[cue.signal].append(cue.span)
    found["concrete"] = details
    declines = [cue.span for cue in cues if cue.signal == "decline"]
    offers = [cue.span for cue in cues if cue.signal == "offer"]
    warmth = found["acknowledges"] or found["invitation"] or offers
    if declines and warmth:
        found["boundary"] = declines + offers
    qualities = tuple(quality for quality in QUALITIES if found[quality])
    return qualities, [span for quality in qualities for span in found[quality]]


def _decide(
    cues: list[Cue],
    qualities: tuple[str, ...],
    quality_spans: list[Span],
    details: list[Span],
    asked: tuple[str, ...],
    scenario_given: bool,
) -> tuple[str, list[Span]]:
    """The pattern, and the spans that led to it. The order of the checks is the policy."""
    scores = {signal: sum(c.weight for c in cues if c.signal == signal) for signal in BACKFIRE_SIGNALS}
    spans = {signal: [c.span for c in cues if c.signal == signal] for signal in BACKFIRE_SIGNALS}
    concrete = "concrete" in qualities
    warm = any(quality in qualities for quality in WARM_QUALITIES)
    # An offer ("but i'll text you when i'm late") is kind too, though it is no quality on its own.
    kind = warm or any(cue.signal == "offer" for cue in cues)

    # A strong sign of anger, giving in or ignoring is what the partner hears.
    loudest = max(LOUD, key=lambda signal: (scores[signal], -LOUD.index(signal)))
    if scores[loudest] >= STRONG:
        return loudest, spans[loudest]
    # Standing on one's rights with nothing kind beside it is the angry defence, details or not: "i
    # was at the gym. i'm an adult"; "i get that it's hard, but i'm allowed to see my friends" is not.
    if spans["defiance"] and not kind:
        return "angry", spans["defiance"] + spans["angry"]
    # A refusal with no warmth and no alternative shuts the conversation down.
    declines = [cue.span for cue in cues if cue.signal == "decline"]
    if declines and "boundary" not in qualities and not concrete:
        return "ignoring", declines
    # Promises instead of an answer, unless as much is said to hear the partner out: "i can tell
    # you're scared. there's nothing going on, but i won't hand over my password".
    warmth = [cue for cue in cues if cue.signal in WARM_QUALITIES + ("offer", "decline")]
    if scores["reassuring"] and not concrete and (not warm or len(spans["reassuring"]) > len(warmth)):
        return "reassuring", spans["reassuring"]
    # Fillers instead of an answer: "someone" where a name was asked for, as often as names are given
    # ("ran into someone from my old job"), or any filler with no detail and nothing warm at all.
    evasions = [cue.span for cue in cues if cue.signal == "vague" and cue.kind in asked]
    if evasions and len(evasions) >= len(_quote(details)):
        return "withholding", spans["vague"]
    if spans["vague"] and not concrete and not warm:
        return "withholding", spans["vague"]
    # A weak sign with no answer and nothing kind is all the partner gets: "oh sure", "seriously?"
    # is a jab; "mm. see you later" walks away.
    if not concrete and not kind:
        heard = max(("angry", "ignoring"), key=lambda signal: (scores[signal], -LOUD.index(signal)))
        if scores[heard]:
            return heard, spans[heard]
    # Nothing of what was asked, and nothing kind in its place.
    if scenario_given and not concrete and not warm:
        return "withholding", []
    return "calm", quality_spans


def _quote(spans: Iterable[Span]) -> tuple[str, ...]:
    """The spans' words as the user typed them, in reading order, each once and none inside another.

    Spans that touch are quoted together: "$" and "85" as "$85".
    """
    ranges: list[list[int]] = []
    for span in sorted(spans, key=lambda s: (s.start_char, -s.end_char)):
        if ranges and span.start_char <= ranges[-1][1]:
            ranges[-1][1] = max(ranges[-1][1], span.end_char)
        else:
            ranges.append([span.start_char, span.end_char])
    text = next(iter(spans)).doc.text if ranges else ""
    quoted: list[str] = []
    for start, end in ranges:
        if text[start:end] not in quoted:
            quoted.append(text[start:end])
    return tuple(quoted)
