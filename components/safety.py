"""Deterministic safety check: finds self-harm, danger and coercive control in what a user writes.

Whether the assistant answers with a crisis number must not depend on what a classifier happened to
learn, so `SafetyCheck` reads the spaCy parse of a message and decides by rule:

- `self_harm`: the writer wants to die or to hurt themselves;
- `danger`: someone hurts, threatens or frightens the writer;
- `coercive_control`: a partner controls the writer's phone, passwords, whereabouts, money,
  friends or family by demand, prohibition, force or threat.

Each rule starts from an anchor word matched on its lemma (spaCy `Matcher`) or from a
verb-and-object shape (`DependencyMatcher`), then looks at the parse around it: who is the subject,
who the object, whether a `neg` dependent or "never" denies it, and whether the words around it make
it an idiom ("this is killing me"), an accident ("I cut myself shaving") or a free choice ("we
agreed to swap passwords"). Every sentence of a long message is read.

`SafetyClassifier` runs this last in the Rasa pipeline, on the doc `SpacyNLP` already made, and has
the final word on the `safety_*` intents. SpacyNLP loads its model with the parser disabled, so the
component first runs that same model's parser over the doc: no second model is loaded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Optional

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from components.spacy_parse import parse

logger = logging.getLogger(__name__)

SELF_HARM = "self_harm"
DANGER = "danger"
COERCIVE_CONTROL = "coercive_control"
# Most urgent first: a message that mentions both gets the crisis answer, not the control one.
URGENCY = (SELF_HARM, DANGER, COERCIVE_CONTROL)

INTENT_PREFIX = "safety_"
EVIDENCE_ENTITY = "safety_evidence"
@dataclass(frozen=True)
class SafetyFlag:
    """What the check found: its kind and the words that showed it."""

    kind: str
    evidence: str


# --------------------------------------------------------------------------------------------------
# Who is who. Lowercased text (SpacyNLP's default) turns "I" into "i" and names into common nouns,
# so people are recognised by their lowercase form and lemma, not only by POS or entity type.
# --------------------------------------------------------------------------------------------------

USER = {"i", "me", "myself"}
# "they" is how the article itself speaks of the partner; the possessives own a temper or a say.
PARTNER_PRONOUNS = {"he", "she", "they", "him", "her", "them", "his", "their"}
# Typed without the apostrophe, "he'll" becomes "hell" and "she'd" becomes "shed"; as the subject of
# a verb they can only be the pronoun.
CONTRACTED_PRONOUNS = {"hell", "shell", "hed", "shed", "hes", "shes", "theyll", "theyd", "theyre"}
PARTNER_NOUNS = {
    "partner", "husband", "wife", "boyfriend", "girlfriend", "bf", "gf", "fiance", "fiancé",
    "fiancee", "fiancée", "spouse", "ex", "hubby", "man", "lover", "missus", "wifey",
}
# Violence by anyone is danger: a father or a flatmate who hits the user is not an idiom.
OTHER_PEOPLE = {
    "dad", "father", "mom", "mum", "mother", "stepdad", "stepfather", "stepmom", "stepmother",
    "brother", "sister", "son", "daughter", "friend", "roommate", "flatmate", "someone",
    "somebody", "guy", "woman", "uncle", "cousin", "boss", "neighbor", "neighbour", "stranger",
    "family", "people", "parent",
}
# Those who, besides the user, can be the ones at risk in a home: "my kids are scared of him".
HOUSEHOLD = {"kid", "child", "son", "daughter", "baby", "we", "us"}

# --------------------------------------------------------------------------------------------------
# Negation. A rule that fires on "he has never hit me" or "I would never hurt myself" is worse than
# useless, so every rule asks whether its clause is denied.
# --------------------------------------------------------------------------------------------------

NEGATIONS = {"not", "n't", "never", "nt"}
# Verbs of intending, thinking and expecting pass their negation down to what they govern:
# "I don't WANT to hurt myself", "I'm not GOING to", "I don't THINK he would hurt me". Verbs like
# "stop" do not: "I can't stop thinking about killing myself" is not a denial.
NEGATION_CARRIERS = {
    "want", "go", "plan", "intend", "mean", "think", "believe", "try", "feel", "wish", "need",
    "would", "expect", "suppose", "be", "get", "have",
}
# "I have NO intention of hurting myself", "I've never had thoughts of killing myself".
INTENT_NOUNS = {"intention", "plan", "desire", "urge", "thought", "wish", "interest", "idea"}

# --------------------------------------------------------------------------------------------------
# Self-harm
# --------------------------------------------------------------------------------------------------

# Done to "myself", these are self-harm ("cut myself", "kill myself").
SELF_HARM_VERBS = [
    "kill", "hurt", "harm", "cut", "burn", "hang", "shoot", "drown", "poison", "starve", "stab",
    "injure", "suffocate", "strangle", "slit",
]
# These cannot happen by accident; every other self-harm verb can ("I cut myself shaving", "I hit
# my head on the cupboard"), and counts unless the sentence gives an accidental setting.
NEVER_ACCIDENTAL = {"kill", "hang", "slit", "strangle", "suffocate", "poison", "starve", "drown"}
# Body parts that self-harm is done to ("slit my wrists", "cutting my arms").
SELF_HARM_TARGETS = ["wrist", "arm", "thigh", "leg", "skin", "head", "face", "stomach", "hip"]
# "I'm killing myself trying to make him happy", "only hurting myself by staying": effort, not harm.
EXERTION_VERBS = {"try", "work", "make", "get", "keep", "stay", "run", "please", "prove"}
EXERTION_PLACES = {"work", "gym", "job", "office", "school"}
# Doing it again, on purpose or as a habit turns an accident-prone verb into self-harm.
SELF_HARM_INTENT_WORDS = {"again", "deliberately", "intentionally", "purpose", "regularly", "bleed",
                          "bled", "cope", "deserve", "punish"}
# What someone who wants to die says they don't want any more: "I don't want to be alive/here".
LIFE_VERBS = {"live", "exist", "wake", "be", "go", "continue", "carry"}
LIFE_STATES = {"alive", "here", "around"}
# "I want to die of embarrassment", "die laughing": wanting to die counts when it stands alone.
DIE_IDIOM_PREPS = {"of", "for", "from"}
# Words that name suicide outright; they count when they are the writer's own.
SUICIDE_WORDS = {"suicide", "suicidal", "overdose"}
# An overdose is named by the amount ("all my pills", "how many it would take") or by saving up.
PILLS = {"pill", "tablet", "painkiller", "paracetamol", "med", "meds", "medication", "medicine",
         "tylenol", "ibuprofen", "antidepressant", "sleeper"}
PILL_AMOUNTS = {"all", "whole", "bottle", "bunch", "lot", "handful", "box", "pack", "every", "many",
                "much", "enough"}
STOCKPILE_VERBS = {"save", "stockpile", "hoard", "stash", "collect"}
# Ways to die people name without the word: "driving into a tree", "step off the balcony".
METHOD_VERBS = {"jump", "step", "throw", "fall", "drive", "crash", "swerve", "walk", "run", "steer",
                "hang"}
HAZARDS = {
    "bridge", "building", "roof", "cliff", "balcony", "window", "train", "bus", "truck", "lorry",
    "tower", "ledge", "overpass", "tree", "traffic", "river", "lake", "sea", "ocean", "highway",
    "motorway", "track", "rooftop",
}
# A method counts when it is contemplated, not when it happened ("I drove into a tree last winter").
CONTEMPLATION = {"think", "thinkin", "thinking", "want", "wanna", "plan", "consider", "imagine",
                 "wonder", "tempt", "fantasize", "fantasise", "dream", "urge", "picture", "easy",
                 "purpose", "go"}
# Injuring one's own body: "burned my arm with a lighter", "hitting my head against the wall".
SELF_INJURY_VERBS = {"cut", "slit", "burn", "slash", "scratch", "hit", "bang", "punch", "bite",
                     "carve", "stab", "hurt"}
# A habit or a purpose makes it self-harm even where an accident could be read.
HABIT_VERBS = {"start", "begin", "keep", "continue"}

# Fixed expressions of wanting to be dead. Matcher patterns on lemma or lowercase form.
DEATH_WISH_PHRASES: list[list[dict[str, Any]]] = [
    [{"LEMMA": "end"}, {"LOWER": "it"}, {"LOWER": "all"}],
    [{"LOWER": "better"}, {"LOWER": "off"}, {"LOWER": "dead"}],
    [{"LOWER": "better"}, {"LOWER": "off"}, {"LOWER": "without"}, {"LOWER": "me"}],
    [{"LOWER": "better"}, {"LOWER": "off"}, {"LOWER": {"IN": ["not", "never"]}},
     {"LOWER": {"IN": ["existing", "living", "being", "born", "here", "alive"]}}],
    [{"LOWER": {"IN": ["no", "nothing"]}},
     {"LOWER": {"IN": ["reason", "point", "left"]}, "OP": "?"},
     {"LOWER": {"IN": ["to", "in"]}}, {"LOWER": {"IN": ["live", "living"]}}],
    [{"LOWER": "nothing"}, {"LOWER": "left", "OP": "?"}, {"LOWER": "to"}, {"LOWER": "live"},
     {"LOWER": "for"}],
    [{"LOWER": "no"}, {"LOWER": "point"}, {"LOWER": "in", "OP": "?"}, {"LOWER": "going"},
     {"LOWER": "on"}],
    [{"LOWER": {"IN": ["not", "n't"]}}, {"LOWER": "worth"}, {"LOWER": "living"}],
    [{"LOWER": {"IN": ["tired", "sick"]}}, {"LOWER": "of"},
     {"LOWER": {"IN": ["living", "existing", "life"]}}],
    [{"LOWER": {"IN": ["tired", "sick"]}}, {"LOWER": "of"}, {"LOWER": "being"}, {"LOWER": "alive"}],
    [{"LOWER": {"IN": ["self-harm", "self-harming", "selfharm", "selfharming"]}}],
    [{"LOWER": {"IN": ["goodbye", "suicide", "farewell"]}}, {"LEMMA": {"IN": ["note", "letter"]}}],
    [{"LOWER": {"IN": ["nobody", "noone"]}}, {"LOWER": {"IN": ["would", "will", "'d"]}},
     {"LOWER": "even", "OP": "?"}, {"LEMMA": {"IN": ["miss", "notice", "care"]}},
     {"LOWER": {"IN": ["me", "if"]}}],
    [{"LOWER": "no"}, {"LOWER": "one"}, {"LOWER": {"IN": ["would", "will", "'d"]}},
     {"LOWER": "even", "OP": "?"}, {"LEMMA": {"IN": ["miss", "notice", "care"]}},
     {"LOWER": {"IN": ["me", "if"]}}],
    [{"LOWER": "self"}, {"ORTH": "-", "OP": "?"},
     {"LEMMA": {"IN": ["harm", "harming", "injure", "injury", "mutilate", "mutilation"]}}],
]

# --------------------------------------------------------------------------------------------------
# Danger
# --------------------------------------------------------------------------------------------------

# The lemmatizer reads these as forms of other words ("raped" -> "rap"), so they match as written.
VIOLENCE_FORMS = ["rape", "raped", "rapes", "raping"]
# Done by a person to "me" or to "my <body part>", these are violence.
VIOLENCE_VERBS = [
    "hit", "punch", "slap", "smack", "choke", "strangle", "throttle", "smother", "suffocate",
    "kick", "push", "shove", "beat", "kill", "murder", "hurt", "harm", "injure", "strike", "stab",
    "shoot", "bite", "burn", "grab", "shake", "drag", "pin", "attack", "assault", "abuse", "rape",
    "headbutt", "whack", "bash", "batter", "spit", "slam", "throw", "hold", "pull", "twist",
    "squeeze", "bruise", "knock", "molest", "threaten", "scratch", "pinch", "smash", "crash",
    "poison", "drown",
]
BODY_PARTS = {
    "arm", "wrist", "neck", "throat", "hair", "face", "head", "shoulder", "leg", "body",
    "chest", "jaw", "nose", "eye", "rib", "stomach", "back", "mouth", "lip",
}  # not "hand": "she grabbed my hand and we walked home"
# "Kill"/"murder me" is mostly hyperbole; it is only read as a threat from a partner ("he said he'd
# kill me"), never from "this", "my boss" or "my mum".
HYPERBOLE_VERBS = {"kill", "murder"}
# "She'll kill me if I'm late again": a small lapse in the condition marks the joke.
TRIVIAL_LAPSES = {
    "late", "forget", "eat", "spend", "bill", "miss", "spill", "lose", "wear", "buy", "mess",
    "drink", "finish", "break", "burn", "cookie", "cake", "dish", "laundry", "dinner", "snack",
    "chocolate", "pizza", "again", "leftover", "clean", "shoe", "dress", "party", "watch",
    "episode", "show", "movie", "series", "game", "milk", "grocery",
}
JOKE_WORDS = {"joke", "joking", "kid", "kidding", "lol", "haha", "lmao", "jk", "😂", "🤣", "😆",
              "😅", "😜", "🙃", "😹"}
# Verbs that need a direction to be violent: "held me down", "threw me against the wall" are;
# "held me close", "threw me a party" are not.
FORCE_NEEDS_DIRECTION = {"hold", "throw", "knock", "slam", "drag"}
FORCE_DIRECTIONS = {"down", "against", "into", "onto", "on", "to", "across", "off", "over", "by",
                    "out", "along", "up"}
# Particles that turn a violence verb into something else.
IDIOM_PARTICLES = {
    "hit": {"up", "on"}, "kick": {"out"}, "push": {"away"}, "shake": {"up", "off"},
    "throw": {"out", "off"}, "beat": {"to"}, "knock": {"up"}, "poison": {"against"},
    "pull": {"over", "aside", "close", "in", "closer"}, "hold": {"close", "tight"},
}
# "Hit me with a question", "attacks me with accusations", "hurt me by lying": words, not blows.
WORD_MISSILES = {
    "question", "accusation", "word", "comment", "text", "message", "insult", "criticism",
    "demand", "guilt", "claim", "suspicion", "jealousy", "news", "truth", "fact", "lie", "remark",
    "request", "doubt", "silence", "behavior", "behaviour", "treatment", "attitude", "look",
    "lecture", "speech", "story", "bill", "excuse",
}
# Play, not harm: "hit me with a pillow".
SOFT_OBJECTS = {"pillow", "cushion", "snowball", "balloon", "ball", "toy", "feather", "towel"}
# A slap on the back, a pat on the shoulder: friendly.
FRIENDLY_TARGETS = {"back", "shoulder"}
NON_PHYSICAL_MANNER = {"verbally", "emotionally", "mentally", "psychologically", "deeply"}
# Hurt is also emotional ("she really hurt me when she read my texts"); these mark that reading.
EMOTIONAL_HURT_MARKERS = {"really", "so", "much", "deeply", "lot", "feeling", "emotionally"}
WEAPONS = {"knife", "gun", "weapon", "bat", "hammer", "belt", "blade", "scissors", "pistol",
           "rifle", "razor", "axe", "machete"}
# Throwing or swinging something "at me" is violence even though "me" is not the object.
MISSILE_VERBS = {"throw", "hurl", "swing", "lunge", "spit", "charge", "come", "aim", "point",
                 "pull", "wave"}
# Hitting walls and doors near someone, or smashing things, is intimidation.
INTIMIDATION_TARGETS = {"wall", "door", "hole", "stuff", "thing", "everything", "furniture",
                        "plate", "glass", "dish", "mug", "cup", "chair", "table", "tv", "window",
                        "mirror", "lamp", "place"}
INTIMIDATION_VERBS = {"punch", "hit", "kick", "smash", "slam", "bang", "pound", "break", "throw",
                      "destroy", "trash", "wreck", "shatter"}
# A weapon in a partner's hand during a quarrel is a threat even when nothing is said about it.
BRANDISH_VERBS = {"have", "hold", "grab", "take", "pick", "point", "wave", "pull", "get", "bring",
                  "carry", "swing", "show", "hide"}
CONFRONTATION_VERBS = {"say", "ask", "yell", "scream", "shout", "threaten", "tell", "demand",
                       "accuse", "question", "interrogate", "argue", "fight", "come"}
SPEECH_VERBS = {"say", "tell", "threaten", "warn", "text", "scream", "yell", "shout", "write"}
# Household work explains a knife in hand or a broken plate.
CHORES = {"cook", "wash", "clean", "tidy", "unload", "load", "move", "carry", "cut", "chop", "dry",
          "slice", "peel", "prepare", "garden", "fix"}
# Setting fire to a home with someone in it, crashing a car with them in it.
LETHAL_ACTS = {"set", "burn", "crash", "run", "drive"}
LETHAL_TARGETS = {"house", "home", "car", "apartment", "flat", "room", "bed", "me", "us", "place",
                  "everything", "fire"}
# Where people hide from a partner: "I'm hiding in the bathroom".
HIDING_PLACES = {"bathroom", "bedroom", "closet", "car", "room", "basement", "garage", "wardrobe",
                 "cupboard", "toilet", "attic"}
# Self-protection that shows fear: "I lock the bedroom door because I don't know what he'll do".
PROTECTIVE_ACTS = {"lock", "hide", "barricade", "sleep", "escape", "run"}

FEAR_ADJECTIVES = {"scared", "afraid", "terrified", "frightened", "fearful", "petrified",
                   "unsafe"}
# The user fears: "I fear him", "I dread going home".
FEAR_VERBS = {"fear", "dread"}
# The partner frightens: "he scares me", "his temper terrifies me". Listed with their forms, as the
# lemmatizer reads "scares" as a plural of "scar".
FRIGHTEN_VERBS = [
    "scare", "scares", "scared", "scaring", "frighten", "frightens", "frightened", "frightening",
    "terrify", "terrifies", "terrified", "terrifying", "intimidate", "intimidates", "intimidated",
    "intimidating",
]
# What about a partner can be feared without naming him: "I'm scared of his temper".
MENACE_NOUNS = {"temper", "anger", "rage", "violence", "outburst", "fist", "mood", "drinking",
                "fury", "threat"}
# What a feared partner may do: "terrified of what she'll do", "scared he'll snap".
FEARED_ACTS = set(VIOLENCE_VERBS) | {"do", "snap", "explode", "lose", "find", "come", "follow",
                                     "get", "happen", "retaliate"}
FEARED_STATES = {"violent", "physical", "aggressive"}
# "Afraid to go home", "scared to be alone with him".
HOME_WORDS = {"home", "house"}
# When the partner does these, fear is fear of him: "I get scared when he drinks".
FEAR_TRIGGERS = {"drink", "rage", "yell", "scream", "shout", "explode", "lose", "snap", "punch",
                 "throw", "hit", "get", "come", "start", "storm", "smash", "slam"}
FEAR_TRIGGER_STATES = {"angry", "mad", "drunk", "violent", "furious", "aggressive", "high"}
SAFETY_NOUNS = {"life", "safety"}
# "Is IT normal to be afraid of...": the fear is still the writer's.
GENERIC_SUBJECTS = {"it", "this", "that", "there"}
# "I don't feel safe opening up to her" is about emotional safety in a talk, not about danger.
EMOTIONAL_SAFETY = {"emotionally", "enough"}

# --------------------------------------------------------------------------------------------------
# Coercive control
# --------------------------------------------------------------------------------------------------

# What coercive control takes over (UK statutory guidance; The Hotline on digital abuse and
# isolation): devices and accounts, whereabouts, money, work, friends and family.
CONTROLLED_THINGS = {
    # devices and accounts
    "password", "passcode", "login", "phone", "message", "text", "email", "inbox", "call",
    "chat", "dm", "account", "social", "instagram", "facebook", "snapchat", "whatsapp", "tiktok",
    "twitter", "laptop", "computer", "contact", "insta", "ig", "fb", "snap", "socials", "wifi",
    # whereabouts
    "location", "gps", "whereabouts", "tracker", "where", "check",
    # people
    "friend", "family", "parent", "mom", "mum", "dad", "mother", "father", "sister", "brother",
    "sibling", "relative", "coworker", "colleague", "who", "mate", "everyone",
    # money and means
    "money", "paycheck", "paycheque", "salary", "wage", "allowance", "bank", "card", "cash",
    "income", "finance", "budget", "receipt", "spending", "wallet", "purse", "job", "car", "key",
    "passport", "permission",
    # body and self
    "clothes", "outfit", "wear", "eat",
}
# "Monitors my calls and texts" is control; "made me promise to call when I land" is care.
ONLY_AS_NOUNS = {"call", "text", "message"}
# What a partner stops the user doing: "he won't let me go out", "I'm not allowed to work".
RESTRICTED_ACTIVITIES = {"leave", "go", "see", "visit", "meet", "work", "drive", "travel",
                         "study", "hang", "attend", "join", "wear", "spend", "sleep", "eat",
                         "talk", "call", "text", "have", "use", "keep", "open", "get"}
# Talking or explaining is part of every quarrel: "she won't let me explain" is not control.
QUARREL_ACTIVITIES = {"explain", "finish", "speak", "answer", "apologize", "apologise", "help",
                      "pay", "cook", "win", "forget"}
# These restrict only when they reach something controlled ("won't let me talk to my sister").
RESTRICTED_IF_CONTROLLED = {"talk", "call", "text", "have", "use", "keep", "open", "get", "eat",
                            "sleep"}
# These compel only when they reach something controlled ("makes me share my location", not
# "makes me laugh").
COERCION_VERBS = {"make", "demand", "insist", "require", "order", "pressure", "push", "guilt",
                  "bully"}
# These compel whatever they reach.
FORCE_VERBS = {"force", "coerce", "compel", "blackmail"}
# These forbid outright.
PROHIBITION_VERBS = {"forbid", "ban", "prohibit", "isolate"}
# These forbid when the user is let/allowed nothing: "he won't let me", "I'm not allowed to".
PERMISSION_VERBS = {"let", "allow", "permit"}
# These keep the user from something: "stops me from seeing my family".
PREVENTION_VERBS = {"stop", "prevent", "keep", "bar"}
# These take over something controlled: "controls all the money", "tracks my location".
SEIZURE_VERBS = {"control", "take", "withhold", "confiscate", "hide", "restrict", "limit",
                 "monitor", "track", "spy", "smash", "break", "destroy", "delete", "cut", "lock",
                 "keep", "steal", "install", "instal", "put", "block"}  # "instal": the lemmatizer's
# Watching the user: these count on their own when aimed at the user or what is theirs. Reading a
# partner's phone is the article's own scenario and is not here.
SURVEILLANCE_VERBS = {"monitor", "track", "spy", "stalk"}
SURVEILLANCE_TOOLS = {"tracker", "spyware", "gps", "airtag", "camera", "track", "tracking", "spy",
                      "stalkerware"}
# A whole domain: "he controls everything", "she controls who I see".
CONTROL_SCOPE = {"everything", "what", "who", "where", "how", "life", "money", "finance", "me"}
# What a partner does to punish a refusal: "she'll leave me if I don't give her my password".
PUNISHMENT_VERBS = {"punish", "leave", "dump", "divorce", "kick", "throw", "yell", "scream",
                    "shout", "rage", "explode", "withhold", "threaten", "smash", "break", "ignore",
                    "lock", "take", "cut", "post", "share", "leak", "expose", "publish", "report"}
PUNISHMENT_NOUNS = {"treatment"}  # "the silent treatment"
# Telling these is exposure, used as a threat: "or she'd tell everyone I cheated".
EXPOSURE_AUDIENCE = {"everyone", "everybody", "people", "family", "friend", "boss", "parent",
                     "mom", "mum", "dad", "work", "colleague", "world", "manager"}
# "If I don't, he says we're done": ending the relationship as the price of a refusal.
BREAKUP_STATES = {"done", "over", "finished", "through"}
# Reporting one's day to a partner: "makes me write down everyone I talked to".
REPORTING_ACTS = {"report", "log", "list", "account", "justify"}
# What the user gives up or hands over under pressure: "I gave up football", "I hand over my phone".
SACRIFICE_VERBS = {"give", "quit", "stop", "delete", "cancel", "unfollow", "unfriend", "unmatch",
                   "remove", "block", "hand", "share", "send", "skip", "drop", "show", "unlock",
                   "turn", "let", "cut", "answer", "reply", "respond", "facetime", "uninstall",
                   "write", "list", "report"}
# What a user says they "have to" do for a partner: "I have to ask him for money".
OBLIGED_ACTS = {"ask", "beg", "send", "share", "show", "give", "hand", "tell", "report", "prove",
                "check", "call", "text", "get", "facetime", "video", "update"}
# Words that tie an act to a punishment: "if I don't", "or else", "until I do".
CONDITION_LINKS = {"if", "unless", "or", "otherwise", "else", "until", "because", "whenever",
                   "every", "when", "so"}
# A partner threatening these is controlling, not (yet) violent.
CONTROL_THREATS = {"take", "post", "share", "tell", "expose", "kick", "throw", "cut", "ruin",
                   "report", "call", "send", "leak", "publish", "show", "withhold", "stop"}
BREAKUP_THREATS = {"leave", "dump", "divorce", "end", "break"}
REFLEXIVE_PARTNER = {"himself", "herself", "themselves", "themself"}
# "She tracks my location and I just let her": the user's own say-so.
CONSENT_VERBS = {"let", "allow", "agree", "offer", "choose", "decide"}
MODALS = {"will", "would", "'ll", "'d", "wo", "gon", "going", "shall"}


# ==================================================================================================
# Reading the parse
# ==================================================================================================


def _lower_lemma(token: Token) -> str:
    return token.lemma_.lower()


def _is_user(token: Token) -> bool:
    return token.lower_ in USER


def _is_partner(token: Token) -> bool:
    """A partner, or anyone the user names: "he", "my husband", "Mark"."""
    if _is_user(token):
        return False
    if token.lower_ in PARTNER_PRONOUNS or token.lower_ in PARTNER_NOUNS:
        return True
    if token.lower_ in CONTRACTED_PRONOUNS and token.dep_ in ("nsubj", "nsubjpass"):
        return True
    if _lower_lemma(token) in PARTNER_NOUNS:
        return True
    return token.pos_ == "PROPN" or token.ent_type_ == "PERSON"


def _is_person(token: Token) -> bool:
    return _is_partner(token) or _lower_lemma(token) in OTHER_PEOPLE


def _resolve(token: Token) -> Token:
    """The noun a relative pronoun stands for: "the man WHO hit me" -> "man"."""
    if token.lower_ in {"who", "that", "which"} and token.head.dep_ == "relcl":
        return token.head.head
    return token


def _subject(verb: Token) -> Token | None:
    """Who does `verb`, following control verbs ("he tried to choke me") and "and" ("he grabbed me
    and pushed me"); for "told him to stop" the object of the controlling verb is the doer."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
    if subjects:
        # With two subjects ("if i don't she takes my phone") the one nearest the verb is its own.
        before = [c for c in subjects if c.i < verb.i]
        return _resolve(before[-1] if before else subjects[0])
    head = verb.head
    if head == verb:
        return None
    if verb.dep_ == "xcomp":
        for child in head.children:
            if child.dep_ == "dobj" and (_is_user(child) or _is_person(child)):
                return child
        return _subject(head)
    if verb.dep_ == "conj":
        return _subject(head)
    return None


def _agent(verb: Token) -> Token | None:
    """The doer of a passive verb: "I was pushed BY HIM"."""
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _children(token: Token, *deps: str) -> list[Token]:
    return [child for child in token.children if child.dep_ in deps]


def _has_negation(token: Token) -> bool:
    subject = _subject(token) if token.pos_ in ("VERB", "AUX") else None
    for child in token.children:
        # In "if i don't she takes my phone" the parser may hang the "n't" of the elided clause on
        # "takes"; a negation before the verb's own subject is not the verb's.
        if subject is not None and child.i < subject.i < token.i:
            continue
        if child.dep_ == "neg" or child.lower_ in NEGATIONS:
            return True
        if child.dep_ == "det" and child.lower_ == "no":
            return True
        # "I no longer want to live" is a denial of wanting; it is handled where it matters.
        if child.lower_ == "longer" and any(g.lower_ == "no" for g in child.children):
            return True
    return False


def _is_denied(token: Token) -> bool:
    """Is the clause around `token` negated, here or by a verb of intent above it?"""
    node = token
    while True:
        if _has_negation(node):
            return True
        head = node.head
        if head == node:
            return False
        climbs = (
            node.dep_ in ("acomp", "attr", "oprd")
            or (node.dep_ in ("xcomp", "ccomp") and _lower_lemma(head) in NEGATION_CARRIERS)
            or node.dep_ in ("pcomp", "pobj")
            or (node.dep_ == "prep" and (_lower_lemma(head) in NEGATION_CARRIERS
                                         or _lower_lemma(head) in INTENT_NOUNS))
            or (node.dep_ == "dobj" and _lower_lemma(node) in INTENT_NOUNS)
        )
        if not climbs:
            return False
        node = head


def _is_hypothetical(verb: Token) -> bool:
    """ "If he ever hit me I'd leave" imagines; "if he hits me again" reports."""
    words = {child.lower_ for child in verb.children}
    if "if" not in words or "again" in words:
        return False
    return "ever" in words or verb.tag_ == "VBD"


def _lemmas_in(tokens: Iterable[Token]) -> set[str]:
    """Lemmas and lowercase forms of `tokens`, as one set to test words against."""
    tokens = list(tokens)
    return {_lower_lemma(token) for token in tokens} | {token.lower_ for token in tokens}


def _subtree_without_subject(verb: Token) -> list[Token]:
    subjects = {child.i for child in verb.children if child.dep_ in ("nsubj", "nsubjpass")}
    keep = []
    for child in verb.children:
        if child.i in subjects:
            continue
        keep.extend(child.subtree)
    return keep


def _reaches_controlled_thing(tokens: Iterable[Token]) -> bool:
    """Does this stretch of the parse name something coercive control takes over?"""
    for token in tokens:
        lemma = _lower_lemma(token)
        if lemma in ONLY_AS_NOUNS and token.pos_ != "NOUN":
            continue
        if lemma in CONTROLLED_THINGS or token.lower_ in CONTROLLED_THINGS:
            # "check in" is reporting one's whereabouts; "check" alone is not.
            if lemma == "check" and not any(c.lower_ == "in" for c in token.children):
                continue
            # "go out", "go anywhere" are the user's freedom to move.
            return True
        if lemma in {"go", "hang"} and any(c.lower_ in {"out", "anywhere", "outside"}
                                           for c in token.children):
            return True
        if lemma in REPORTING_ACTS or (lemma == "write" and any(c.lower_ == "down"
                                                                 for c in token.children)):
            return True
    return False


def _modal(verb: Token) -> bool:
    return any(c.lower_ in MODALS or _lower_lemma(c) in MODALS for c in verb.children) or (
        verb.dep_ == "xcomp" and verb.head.lower_ in {"going", "gon"}
    )


def _span(doc: Doc, tokens: Iterable[Token]) -> Span:
    indices = [token.i for token in tokens]
    return doc[min(indices): max(indices) + 1]


Finding = tuple[str, Span]
Check = Callable[[Token], Finding | None]


# ==================================================================================================
# Self-harm rules
# ==================================================================================================


def _self_harm_is_exertion(verb: Token) -> bool:
    """ "I'm killing myself trying to please him", "only hurting myself by staying", "at work"."""
    for child in verb.children:
        if child.dep_ == "advcl" and _lower_lemma(child) in EXERTION_VERBS:
            return True
        # "hurting myself by staying", "I could kill myself for forgetting": effort or blame.
        if child.dep_ == "prep" and child.lower_ in {"by", "for"} and _children(child, "pcomp"):
            return True
        if child.dep_ == "prep" and child.lower_ in {"at", "over"}:
            objects = _children(child, "pobj")
            if any(_lower_lemma(o) in EXERTION_PLACES | {"this", "that", "it"} for o in objects):
                return True
    return False


def _self_harm_is_accident(verb: Token) -> bool:
    """ "I cut myself shaving", "hurt myself at the gym" -- unless "again" or "on purpose"."""
    words = _lemmas_in(verb.sent)
    habit = _lower_lemma(verb.head) in HABIT_VERBS or any(c.lower_ == "been" for c in verb.children)
    if words & SELF_HARM_INTENT_WORDS or habit:
        return False
    for child in verb.children:
        if child.dep_ == "advcl" and child.tag_ == "VBG":
            return True
        if child.dep_ == "advcl" and any(c.lower_ in {"while", "when"} for c in child.children):
            return True
        if child.dep_ == "prep" and child.lower_ in {"at", "during", "on", "in", "while"}:
            return True  # "on the stove", "at the gym"; but "with a lighter" is a means
        if child.lower_ in {"accidentally", "accident"}:
            return True
    return False


def _check_self_harm_verb(verb: Token, target: Token, *_: Token) -> Finding | None:
    """ "I want to kill myself", "I've been cutting myself", "slit my wrists"."""
    subject = _subject(verb)
    if subject is not None and not _is_user(subject):
        return None
    if _is_denied(verb) or _self_harm_is_exertion(verb):
        return None
    if _lower_lemma(verb) not in NEVER_ACCIDENTAL and _self_harm_is_accident(verb):
        return None
    return SELF_HARM, _span(verb.doc, [verb, target])


def _check_end_my_life(verb: Token, life: Token, *_: Token) -> Finding | None:
    """ "I want to end my life", "take my own life"."""
    if _is_denied(verb):
        return None
    subject = _subject(verb)
    if subject is not None and not _is_user(subject):
        return None
    return SELF_HARM, _span(verb.doc, [verb, life])


def _check_want_to_die(want: Token) -> Finding | None:
    """ "I want to die" (not "dying to know", "want to die of embarrassment"), and its mirror,
    "I don't want to live / be alive / be here / wake up anymore"."""
    subject = _subject(want)
    if subject is not None and not _is_user(subject):
        return None
    for wanted in _children(want, "xcomp", "ccomp"):
        own_subject = next(iter(_children(wanted, "nsubj")), None)
        if own_subject is not None and not _is_user(own_subject):
            continue  # "I want him to die" is anger, not a wish to die
        for act in (wanted, *wanted.conjuncts):
            if _is_wish_to_die(want, act):
                return SELF_HARM, _span(want.doc, [want, *act.subtree])
    return None


def _is_wish_to_die(want: Token, act: Token) -> bool:
    lemma = _lower_lemma(act)
    if lemma == "die":
        return (not _is_denied(want) and not _has_negation(act)
                and not any(c.lower_ in DIE_IDIOM_PREPS or c.tag_ == "VBG" for c in act.children))
    if lemma == "disappear":
        return not _is_denied(want) and bool(_lemmas_in(act.subtree) & {"forever", "permanently"})
    # Not wanting to live, or wanting not to wake up: exactly one of the two is denied.
    return (lemma in LIFE_VERBS and _has_negation(want) != _has_negation(act)
            and _is_life_itself(act))


def _is_life_itself(verb: Token) -> bool:
    """ "live", "be alive", "be here", "wake up", "go on" -- with nowhere, no one and nothing
    else attached ("live with him", "be in this relationship" are about the relationship)."""
    lemma = _lower_lemma(verb)
    preps = [c for c in verb.children if c.dep_ in ("prep", "dobj", "dative", "ccomp", "xcomp")]
    if lemma == "be":
        states = [c for c in verb.children if c.lower_ in LIFE_STATES]
        return bool(states) and not preps and not any(_has_prep(s) for s in states)
    if lemma == "wake":
        return True
    if lemma in {"go", "continue", "carry"}:
        return any(c.lower_ == "on" for c in verb.children) and not preps
    return not preps


def _has_prep(token: Token) -> bool:
    return any(child.dep_ == "prep" for child in token.children)


def _check_wish_dead(wish: Token) -> Finding | None:
    """ "I wish I was dead", "I wish I'd never been born", "I wish I wasn't alive"."""
    if _has_negation(wish):
        return None
    subject = _subject(wish)
    if subject is not None and not _is_user(subject):
        return None
    for clause in _children(wish, "ccomp"):
        clause_subject = _subject(clause)
        if clause_subject is None or not _is_user(clause_subject):
            continue
        words = {t.lower_ for t in clause.subtree}
        if "dead" in words and not _has_negation(clause):
            return SELF_HARM, _span(wish.doc, [wish, *clause.subtree])
        if words & {"alive", "born", "exist", "existed"} and _has_negation(clause):
            return SELF_HARM, _span(wish.doc, [wish, *clause.subtree])
    return None


def _is_third_party(token: Token | None) -> bool:
    """Someone other than the writer: "my brother", "he" (not "it", "you" or "everyone")."""
    return token is not None and _is_person(token) and not _is_user(token)


def _check_rather_dead(dead: Token) -> Finding | None:
    """ "I'd rather be dead", "better off if I was dead", "easier if I wasn't alive" -- not "my
    phone is dead", "I'm dead tired" or "I'm dead" after a joke, which are neither wished nor
    imagined."""
    if dead.dep_ not in ("acomp", "attr", "oprd"):
        return None
    verb = dead.head
    subject = _subject(verb)
    if subject is None or not _is_user(subject):
        return None
    # "Dead" and "gone" must stand; "alive" must be denied.
    if _is_denied(dead) != (dead.lower_ == "alive"):
        return None
    marks = {c.lower_ for c in verb.children}
    if dead.lower_ == "gone":
        # "If I was gone, nobody would notice" -- but "if I'm gone for a week" is a trip.
        imagined = bool(marks & {"if"}) and not any(
            c.dep_ in ("prep", "npadvmod") for c in (*verb.children, *dead.children))
    else:
        imagined = _modal(verb) or _lower_lemma(verb.head) == "wish" or bool(
            marks & {"if", "rather", "better"})
    return (SELF_HARM, _span(dead.doc, [verb, dead])) if imagined else None


def _check_pointless_life(span: Span) -> Finding | None:
    """ "I don't see the point in living", "no reason to keep going", "what's the point of
    living" -- denied or questioned; not "the point of living together is..." and not "how do I
    keep going without burning out"."""
    point, last = span[0], span[-1]
    attached = [last] if last.head == point or last.head.pos_ == "ADP" else [last, last.head]
    if any(_has_prep(token) for token in attached):
        return None  # "no reason to keep going with this diet", "no point in living with him"
    sentence_before = point.doc[point.sent.start:point.i]
    asks_what = any(t.lower_ == "what" for t in sentence_before)
    if _has_negation(point) or _is_denied(point.head) or asks_what:
        return SELF_HARM, span
    return None


def _check_cutting_habit(cut: Token) -> Finding | None:
    """ "I started cutting again", "I've been cutting" -- cutting with no object, as a habit;
    not "cutting back", "cutting carbs", "cutting class"."""
    if any(c.dep_ in ("dobj", "prt", "prep", "dative") for c in cut.children):
        return None
    subject = _subject(cut)
    if subject is None or not _is_user(subject) or _is_denied(cut):
        return None
    habit = (any(c.lower_ in {"again", "been"} for c in cut.children)
             or _lower_lemma(cut.head) in HABIT_VERBS | {"stop", "quit"})
    if not habit:
        return None
    return SELF_HARM, _span(cut.doc, [subject, cut] if subject.i < cut.i else [cut])


def _check_suicide_word(word: Token) -> Finding | None:
    """ "I'm suicidal", "I've been thinking about suicide", "I took an overdose" -- the writer's
    own, not a brother's, and not denied ("I'm not suicidal")."""
    if _is_denied(word) or _is_third_party(_experiencer(word)):
        return None
    return SELF_HARM, _span(word.doc, [word])


def _experiencer(token: Token) -> Token | None:
    """The subject of the nearest verb above `token`: whose suicidal thoughts, whose fear."""
    node = token
    for _ in range(5):
        if node.pos_ in ("VERB", "AUX") and node.dep_ not in ("amod", "compound"):
            subject = _subject(node)
            if subject is not None:
                return subject
            if node.dep_ in ("ROOT", "ccomp", "advcl"):
                return None
        if node.head == node:
            return None
        node = node.head
    return None


def _is_contemplated(verb: Token) -> bool:
    """Thought of, wanted or planned: "thinking about driving into a tree", "how easy it would be
    to step off" -- not a report of what happened."""
    node = verb
    for _ in range(5):
        if _lower_lemma(node) in CONTEMPLATION or node.lower_ in CONTEMPLATION or _modal(node):
            return True
        if any(c.lower_ in CONTEMPLATION for c in node.children):
            return True
        if node.head == node:
            return False
        node = node.head
    return False


def _check_method(verb: Token) -> Finding | None:
    """ "I keep thinking about jumping off a bridge", "thinkin bout driving into a tree",
    "think how easy it would be to just step off" (the balcony named earlier in the sentence)."""
    here = _lemmas_in(verb.subtree)
    towards = any(c.lower_ in {"off", "from", "in", "into", "under", "out", "over"}
                  for c in verb.children)
    if not (here & HAZARDS or (towards and _lemmas_in(verb.sent) & HAZARDS)):
        return None
    if _is_third_party(_subject(verb)) or _is_denied(verb):
        return None
    if "myself" not in here and not _is_contemplated(verb):
        return None
    return SELF_HARM, _span(verb.doc, [verb, *verb.subtree])


def _check_pill_amount(pill: Token) -> Finding | None:
    """ "I looked up how many of my sleeping pills it would take", "been saving up my meds":
    an amount to take, or a store kept -- not "I forgot to take my pills"."""
    sentence = _lemmas_in(pill.sent)
    verb = pill.head
    while verb.dep_ in ("pobj", "prep", "conj") and verb.head != verb:
        verb = verb.head
    if _lower_lemma(verb) in STOCKPILE_VERBS and not _is_denied(verb):
        subject = _subject(verb)
        if subject is None or _is_user(subject):
            return SELF_HARM, _span(pill.doc, [verb, pill])
    takes = [t for t in pill.sent if _lower_lemma(t) in {"take", "swallow", "overdose"}]
    if not takes or not sentence & PILL_AMOUNTS:
        return None
    take = takes[0]
    subject = _subject(take)
    if _is_third_party(subject) or _is_denied(take):
        return None
    return SELF_HARM, _span(pill.doc, [pill, take])


def _check_death_wish_phrase(span: Span) -> Finding | None:
    """Fixed expressions ("end it all", "better off dead", "no reason to live"), unless the
    sentence denies them ("I'd never end it all") or they are about someone else."""
    root = span.root
    if span[0].lower_ not in {"not", "n't", "no", "nothing"} and _is_denied(root):
        return None
    # "Everyone would be better off without me" is about the writer whoever its subject is.
    if span[-1].lower_ != "me" and _is_third_party(_experiencer(root)):
        return None
    # "I wrote her a goodbye letter" is a breakup, not a suicide note.
    if _lower_lemma(root) in {"note", "letter"} and _children(root.head, "dative"):
        return None
    return SELF_HARM, span


# ==================================================================================================
# Danger rules
# ==================================================================================================


def _violence_is_idiom(verb: Token) -> bool:
    """ "hit me up", "beat me at chess", "pushes me to share", "hit me with questions"."""
    lemma = _lower_lemma(verb)
    for child in verb.children:
        if child.dep_ in ("prt", "advmod", "prep") and child.lower_ in IDIOM_PARTICLES.get(lemma,
                                                                                          set()):
            return True
        if child.dep_ == "xcomp" and lemma in {"push", "pressure"}:
            return True
        if child.lower_ in NON_PHYSICAL_MANNER:
            return True
        with_what = _children(child, "pobj") if child.lower_ == "with" else []
        if any(_lower_lemma(o) in WORD_MISSILES | SOFT_OBJECTS for o in with_what):
            return True
        if lemma == "beat" and child.dep_ == "prep" and child.lower_ in {"at", "to", "in"}:
            return True
        if child.dep_ == "prep" and child.lower_ == "on" and any(
                _lower_lemma(o) in FRIENDLY_TARGETS for o in _children(child, "pobj")):
            return True
    if lemma in FORCE_NEEDS_DIRECTION:
        directions = {c.lower_ for c in verb.children if c.dep_ in ("prt", "prep", "advmod")}
        return not directions & FORCE_DIRECTIONS
    return False


def _kill_is_hyperbole(verb: Token, doer: Token | None) -> bool:
    """ "This is killing me", "my boss will murder me", "she'll kill me if I'm late again"."""
    if doer is None or not (doer.lower_ in PARTNER_PRONOUNS or _lower_lemma(doer) in PARTNER_NOUNS
                            or doer.lower_ in PARTNER_NOUNS or doer.pos_ == "PROPN"):
        return True
    # "You're killing me", "he's killing me with these questions": the progressive is the joke,
    # unless he is trying to.
    if verb.tag_ == "VBG" and not (verb.dep_ == "xcomp" and _lower_lemma(verb.head) == "try"):
        return True
    return _kill_is_hyperbole_context(verb)


def _kill_is_hyperbole_context(verb: Token) -> bool:
    """A joke in the sentence, or a small lapse as the condition ("if I forget the milk again")."""
    sentence = verb.sent
    if _lemmas_in(sentence) & JOKE_WORDS:
        return True
    conditions = [t.head for t in sentence if t.lower_ in {"if", "when"} and t.dep_ in ("mark",
                                                                                       "advmod")]
    return any(_lemmas_in(clause.subtree) & TRIVIAL_LAPSES for clause in conditions)


def _hurt_is_emotional(verb: Token) -> bool:
    """ "She hurt me when she read my texts", "he hurt me so much": feelings, not bruises --
    unless it is a threat ("he'll hurt me if I leave")."""
    if _modal(verb) or _lower_lemma(verb.head) in {"threaten", "try", "want"}:
        return False
    if _lemmas_in(verb.subtree) & (WEAPONS | BODY_PARTS | {"physically", "bruise", "blood"}):
        return False
    for child in verb.children:
        if child.dep_ == "advcl" or child.lower_ in EMOTIONAL_HURT_MARKERS:
            return True
        if child.dep_ == "prep" and child.lower_ in {"by", "with", "when"}:
            return True
        if child.dep_ == "advmod" and _lemmas_in(child.subtree) & EMOTIONAL_HURT_MARKERS:
            return True
    return False


def _is_violent_doer(doer: Token | None, verb: Token) -> bool:
    """A person other than the user; a missing subject only for reports ("punched me again")."""
    if doer is None:
        return verb.tag_ in ("VBD", "VBN")
    if _is_user(doer) or doer.lower_ in {"we", "you", "it", "this", "that"}:
        return False
    return _is_person(doer) or (doer.lower_ in PARTNER_PRONOUNS)


def _check_violence(verb: Token, victim: Token, *_: Token) -> Finding | None:
    """Someone hits, chokes, pushes... me or my body: "he pushed me", "she grabbed my wrist"."""
    lemma = _lower_lemma(verb)
    if lemma == "threaten":
        return None  # threats have their own rule
    doer = _subject(verb)
    if not _is_violent_doer(doer, verb):
        return None
    if _is_denied(verb) or _is_hypothetical(verb) or _violence_is_idiom(verb):
        return None
    if lemma in HYPERBOLE_VERBS and _kill_is_hyperbole(verb, doer):
        return None
    if lemma in {"hurt", "harm"} and _hurt_is_emotional(verb):
        return None
    evidence = [verb, victim] + ([doer] if doer is not None and doer.i < verb.i else [])
    return DANGER, _span(verb.doc, evidence)


def _check_violence_passive(verb: Token, victim: Token) -> Finding | None:
    """ "I was choked", "I got hit last night" -- not "hit by a car", not "I'll get killed"."""
    if _lower_lemma(verb) == "threaten" or verb.tag_ != "VBN":
        return None
    agent = _agent(verb)
    if agent is not None and not _is_person(agent):
        return None
    if agent is None and _lower_lemma(verb) in HYPERBOLE_VERBS | {"hurt", "harm", "injure",
                                                                    "burn", "knock", "hold",
                                                                    "throw", "pull", "drag"}:
        return None
    if _is_denied(verb) or _is_hypothetical(verb) or _violence_is_idiom(verb):
        return None
    return DANGER, _span(verb.doc, [victim, verb] + ([agent] if agent is not None else []))


def _check_missile(verb: Token, at: Token, victim: Token) -> Finding | None:
    """ "He threw a plate at me", "pulled a knife on me", "came at me with a knife"."""
    lemma = _lower_lemma(verb)
    if lemma in {"come", "pull", "wave", "point", "aim"} and not _lemmas_in(verb.subtree) & WEAPONS:
        return None
    doer = _subject(verb)
    if not _is_violent_doer(doer, verb) or _is_denied(verb) or _is_hypothetical(verb):
        return None
    return DANGER, _span(verb.doc, [verb, at, victim])


def _check_intimidation(verb: Token) -> Finding | None:
    """ "He punched the wall next to my head", "he's smashing stuff in the kitchen" -- not "he
    threw a fit", "I broke a glass" or "she broke a plate while cooking"."""
    targets = [t for t in _subtree_without_subject(verb) if _lower_lemma(t) in INTIMIDATION_TARGETS]
    if not targets or _lower_lemma(verb) not in INTIMIDATION_VERBS:
        return None
    doer = _subject(verb)
    if doer is None or not _is_partner(doer) or _is_denied(verb) or _is_hypothetical(verb):
        return None
    if _lower_lemma(verb) == "slam" and not _lemmas_in(verb.subtree) & {"fist", "head", "me"}:
        return None  # slamming a door in a quarrel is not a threat by itself
    if _is_mishap(verb):
        return None  # "broke a glass while washing up", "threw the plates out by accident"
    return DANGER, _span(verb.doc, [verb, targets[0]])


def _is_mishap(verb: Token) -> bool:
    """An accident or a chore: "by accident", "while cooking"."""
    words = _lemmas_in(verb.sent)
    if words & {"accident", "accidentally", "mistake", "drop"}:
        return True
    return any(t.dep_ == "advcl" and _lower_lemma(t) in CHORES for t in verb.sent)


def _check_weapon(weapon: Token) -> Finding | None:
    """ "She had the kitchen knife in her hand when she said I'd regret it", "he took the gun out
    while asking who I was texting" -- a weapon in hand in a confrontation."""
    sentence = weapon.sent
    holders = [t for t in sentence if _lower_lemma(t) in BRANDISH_VERBS and _partner_does(t)
               and any(o == weapon or o.lower_ in {"it", "that"} for o in _children(t, "dobj"))]
    if not holders:
        return None
    confronting = [t for t in sentence if _lower_lemma(t) in CONFRONTATION_VERBS
                   and (t.dep_ in ("advcl", "conj") or _partner_does(t))]
    at_me = any(_is_user(t) and t.dep_ == "pobj" for t in sentence)
    if (not confronting and not at_me) or _is_mishap(holders[0]):
        return None
    return DANGER, _span(weapon.doc, [holders[0], weapon, *confronting[:1]])


def _check_lethal_act(verb: Token) -> Finding | None:
    """ "She said she'd set the house on fire with me in it", "he'd crash us both" -- a partner
    acting on a home or a car with the user in it."""
    doer = _subject(verb)
    if doer is None or not _is_partner(doer) or _is_denied(verb):
        return None
    words = _lemmas_in(verb.subtree)
    lemma = _lower_lemma(verb)
    if lemma == "set" and "fire" not in words:
        return None
    if lemma == "burn" and not words & {"down", "me", "us"}:
        return None
    if lemma in {"run", "drive"} and not ({"over", "off", "into"} & words and words & {"me", "us"}):
        return None
    if not words & LETHAL_TARGETS:
        return None
    if not (words & {"me", "us"} or _modal(verb)) or _kill_is_hyperbole_context(verb):
        return None
    return DANGER, _span(verb.doc, [verb, *verb.subtree])


def _check_hiding(hide: Token) -> Finding | None:
    """ "I'm hiding in the bathroom rn, he's smashing stuff" -- the user hides from someone;
    not "I hide my phone" or "hiding from her questions"."""
    subject = _subject(hide)
    if subject is None or not _is_user(subject) or _is_denied(hide):
        return None
    if any(c.dep_ == "dobj" and not _is_user(c) for c in hide.children):
        return None
    if not any(_is_partner(t) for t in hide.sent):
        return None  # "I hide in my room to play games" hides from no one
    for prep in _children(hide, "prep"):
        objects = _children(prep, "pobj")
        if prep.lower_ in {"in", "inside"} and any(_lower_lemma(o) in HIDING_PLACES
                                                    for o in objects):
            return DANGER, _span(hide.doc, [hide, *prep.subtree])
        if prep.lower_ == "from" and any(_is_partner(o) for o in objects):
            return DANGER, _span(hide.doc, [hide, *prep.subtree])
    return None


def _check_unknown_menace(know: Token) -> Finding | None:
    """ "I lock the bedroom door because I don't know what he'll do when he's drinking" -- not
    knowing what a partner will do, said beside a trigger or a precaution."""
    if not _has_negation(know):
        return None
    for clause in _children(know, "ccomp"):
        if _lower_lemma(clause) != "do" or not any(c.lower_ == "what" for c in clause.children):
            continue
        doer = _subject(clause)
        if doer is None or not _is_partner(doer):
            continue
        sentence = list(know.sent)
        trigger = any(t.dep_ == "advcl" and _fear_trigger(t) is not None for t in sentence)
        precaution = any(_lower_lemma(t) in PROTECTIVE_ACTS and _subject(t) is not None
                         and _is_user(_subject(t)) for t in sentence)
        if trigger or precaution:
            return DANGER, _span(know.doc, [know, *clause.subtree])
    return None


def _check_conditional_harm(verb: Token) -> Finding | None:
    """ "She'll get hurt if I keep lying to him", "he'd kill my dog if I told anyone" -- harm to
    someone, made to depend on what the user does: a threat."""
    lemma = _lower_lemma(verb)
    if lemma in {"threaten", "push", "hold", "throw", "grab", "pull", "shake"} or not _modal(verb):
        return None
    conditions = [c for c in _children(verb, "advcl") if _is_users_condition(c)]
    if not conditions or _is_denied(verb) or _kill_is_hyperbole_context(verb):
        return None
    doer = _subject(verb)
    passive = any(c.dep_ == "nsubjpass" for c in verb.children)
    if passive:
        # "I'd get hurt if I tried a marathon" is a worry; "he said my dog will get hurt" a threat.
        if not any(_lower_lemma(a) in SPEECH_VERBS and _partner_does(a) for a in verb.ancestors):
            return None
    elif doer is None or not _is_partner(doer):
        return None
    return DANGER, _span(verb.doc, [verb, *conditions[0].subtree])


def _is_users_condition(clause: Token) -> bool:
    """ "if I leave", "unless I hand it over": a condition on what the user does."""
    subject = _subject(clause)
    return (subject is not None and _is_user(subject)
            and any(c.lower_ in {"if", "unless"} for c in clause.children))


def _check_violent_partner(word: Token) -> Finding | None:
    """ "He gets violent when he drinks", "she gets physical" -- not "he has never been violent",
    "a violent film" or "we're very physical"."""
    if word.dep_ not in ("acomp", "attr") or _is_denied(word):
        return None
    verb = word.head
    doer = _subject(verb)
    if doer is None or not _is_partner(doer):
        return None
    if word.lower_ in {"physical", "aggressive"} and _lower_lemma(verb) not in {"get", "become"}:
        return None
    return DANGER, _span(word.doc, [doer, verb, word] if doer.i < word.i else [verb, word])


def _check_threat(threaten: Token) -> Finding | None:
    """ "He threatened to kill me" is danger; "she threatened to take the kids", "he threatens to
    kill himself if I leave" are coercive control; "she threatened to leave me" is neither, unless
    it was the price of a password or a friend."""
    doer = _subject(threaten)
    if doer is None or not _is_person(doer) or _is_denied(threaten):
        return None
    doc = threaten.doc
    sentence = threaten.sent
    for act in _children(threaten, "xcomp", "ccomp"):
        act_lemma = _lower_lemma(act)
        objects = {c.lower_ for c in act.subtree if c.dep_ in ("dobj", "pobj")}
        if objects & REFLEXIVE_PARTNER:
            return COERCIVE_CONTROL, _span(doc, [threaten, *act.subtree])
        if act_lemma in BREAKUP_THREATS:
            if _reaches_controlled_thing(sentence) or _mentions_sacrifice(sentence):
                return COERCIVE_CONTROL, _span(doc, [threaten, *act.subtree])
            return None
        if act_lemma in CONTROL_THREATS:
            return COERCIVE_CONTROL, _span(doc, [threaten, *act.subtree])
        return DANGER, _span(doc, [threaten, *act.subtree])
    # "He threatens suicide" controls; "she threatened divorce" / "me with divorce" does neither.
    threatened = _children(threaten, "dobj") + [o for p in _children(threaten, "prep")
                                                if p.lower_ == "with" for o in _children(p, "pobj")]
    for obj in threatened:
        if _lower_lemma(obj) == "suicide":
            return COERCIVE_CONTROL, _span(doc, [threaten, obj])
        if _lower_lemma(obj) in {"divorce", "breakup", "leaving"}:
            return None
    return DANGER, _span(doc, [doer, threaten] if doer.i < threaten.i else [threaten])


def _check_threat_noun(threat: Token) -> Finding | None:
    """ "He sends me death threats", "she makes threats when she drinks"."""
    if _is_denied(threat):
        return None
    words = _lemmas_in(threat.subtree)
    if "death" in words or words & (set(VIOLENCE_VERBS) - {"threaten"}):
        return DANGER, _span(threat.doc, list(threat.subtree))
    if words & BREAKUP_THREATS:
        return None
    verb = threat.head
    doer = _subject(verb) if verb.pos_ in ("VERB", "AUX") else None
    if doer is not None and _is_partner(doer) and _lower_lemma(verb) in {"make", "send", "give"}:
        return DANGER, _span(threat.doc, [verb, threat])
    return None


def _fear_scope(adjective: Token) -> list[Token]:
    """The words that say what a fear is of. They hang on the adjective, or on the verb it
    completes: in "I get scared when he drinks" the "when" clause belongs to "get"."""
    scope = list(adjective.children)
    if adjective.dep_ in ("acomp", "oprd"):
        scope += [c for c in adjective.head.children
                  if c != adjective and c.dep_ not in ("nsubj", "nsubjpass")]
    return scope


def _fear_is_of_partner(adjective: Token) -> Token | None:
    """What the fear is of, if it is a partner or what a partner might do; else None."""
    scope = _fear_scope(adjective)
    # Prepositions of the fear itself ("scared OF him", "scared to death OF him"), not those deep in
    # a clause after it ("scared to tell him I had lunch WITH my ex").
    preps = [c for c in scope if c.dep_ == "prep"]
    preps += [nested for prep in preps for obj in _children(prep, "pobj")
              for nested in _children(obj, "prep")]
    for prep in preps:
        found = _feared_through(prep)
        if found is not None:
            return found
    for clause in (c for c in scope if c.dep_ == "xcomp"):
        if _is_going_home(clause):
            return clause
    for clause in (c for c in scope if c.dep_ in ("ccomp", "advcl")):
        found = _feared_act(clause) if clause.dep_ == "ccomp" else _fear_trigger(clause)
        if found is not None:
            return found
    return None


def _feared_through(prep: Token) -> Token | None:
    """ "of him", "of his temper", "of what she'll do", "for my life", "around him", "at home"."""
    word = prep.lower_
    objects = _children(prep, "pobj")
    if word == "of":
        for obj in objects:
            if _is_partner(obj) or _lower_lemma(obj) in PARTNER_NOUNS:
                return obj
            if _lower_lemma(obj) in MENACE_NOUNS and any(
                    _is_partner(owner) for owner in _children(obj, "poss")):
                return obj
        acts = (_feared_act(clause) for clause in _children(prep, "pcomp"))
        return next((act for act in acts if act is not None), None)
    if word == "for":
        return next((o for o in objects if _lower_lemma(o) in SAFETY_NOUNS), None)
    if word in {"around", "near", "with"}:
        return next((o for o in objects if _is_partner(o)), None)
    if word == "at":
        return next((o for o in objects if _lower_lemma(o) in HOME_WORDS), None)
    return None


def _is_going_home(clause: Token) -> bool:
    """ "(afraid) to go home", "(scared) to be alone with him"."""
    if _lower_lemma(clause) not in {"go", "come", "return", "be", "get", "stay", "sleep"}:
        return False
    words = _lemmas_in(clause.subtree)
    alone_with_partner = "alone" in words and any(
        _is_partner(t) for t in clause.subtree if t.dep_ == "pobj")
    return bool(words & HOME_WORDS) or alone_with_partner


def _feared_act(clause: Token) -> Token | None:
    """ "(scared) he'll hurt me", "(terrified of) what she'll do", "he'll get violent"."""
    lemma = _lower_lemma(clause)
    going_to = _children(clause, "xcomp")
    if lemma == "go" and going_to:
        return _feared_act(going_to[0])  # "he's going to do something"
    doer = _subject(clause)
    if doer is None or not _is_partner(doer):
        return None
    if lemma not in FEARED_ACTS:
        return None
    words = _lemmas_in(clause.subtree)
    if lemma == "get":
        return clause if words & FEARED_STATES else None
    if lemma == "lose":
        return clause if words & {"temper", "it", "control"} else None
    if lemma in {"find", "come", "follow"}:
        return clause if words & {"me", "after"} else None
    if lemma == "do":
        return clause if words & {"what", "something", "anything", "me"} else None
    if lemma == "happen":
        return clause if words & {"me"} else None
    if lemma in HYPERBOLE_VERBS and _kill_is_hyperbole(clause, doer):
        return None
    return clause


def _fear_trigger(clause: Token) -> Token | None:
    """ "(I get scared) when he drinks / gets angry / starts yelling"."""
    doer = _subject(clause)
    if doer is None or not _is_partner(doer) or _has_negation(clause):
        return None
    words = _lemmas_in(clause.subtree)
    lemma = _lower_lemma(clause)
    if lemma in {"get", "be"}:
        return clause if words & FEAR_TRIGGER_STATES else None
    if lemma in {"come", "start"}:
        return clause if words & ({"home", "drunk"} | FEAR_TRIGGERS) - {"come", "start"} else None
    return clause if lemma in FEAR_TRIGGERS else None


def _fear_experiencer_ok(adjective: Token) -> bool:
    """The user (or their kids) is afraid: not "he's afraid of me", "she's scared of commitment"."""
    experiencer = _experiencer(adjective)
    if experiencer is None or experiencer.lower_ in GENERIC_SUBJECTS:
        return True  # "Is it normal to be afraid of your husband?"
    return _is_user(experiencer) or _lower_lemma(experiencer) in HOUSEHOLD


def _check_fear(adjective: Token) -> Finding | None:
    """ "I'm scared of him", "afraid to go home", "terrified of what she'll do", "I feel unsafe"."""
    if adjective.dep_ == "amod" and adjective.head.pos_ == "NOUN":
        return None  # "a scary movie", "scared feeling"
    if not _fear_experiencer_ok(adjective) or _is_denied(adjective):
        return None
    if adjective.lower_ == "unsafe":
        if _is_emotional_safety(adjective):
            return None
        return DANGER, _span(adjective.doc, [adjective])
    cause = _fear_is_of_partner(adjective)
    if cause is None:
        cause = _fear_caused_by_partner(adjective)
    if cause is None:
        return None
    return DANGER, _span(adjective.doc, [adjective, cause])


def _fear_caused_by_partner(adjective: Token) -> Token | None:
    """ "He makes me feel scared": the partner is the subject of the verb above the feeling."""
    node = adjective.head
    for _ in range(3):
        if _lower_lemma(node) == "make":
            doer = _subject(node)
            if doer is not None and _is_partner(doer):
                return doer
        if node.head == node:
            return None
        node = node.head
    return None


def _check_not_safe(safe: Token) -> Finding | None:
    """ "I don't feel safe at home", "I'm not safe with him" -- but not "I don't feel safe
    opening up to her", which is about a conversation."""
    if safe.dep_ not in ("acomp", "ROOT", "ccomp", "xcomp") or not _is_denied(safe):
        return None
    experiencer = _experiencer(safe)
    if experiencer is not None and not (_is_user(experiencer)
                                        or _lower_lemma(experiencer) in HOUSEHOLD):
        return None
    if _is_emotional_safety(safe):
        return None
    return DANGER, _span(safe.doc, [safe.head, safe] if safe.head.i < safe.i else [safe])


def _is_emotional_safety(adjective: Token) -> bool:
    """ "Not safe enough to tell him", "don't feel safe opening up": safety in a conversation."""
    for token in (adjective, adjective.head):
        for child in token.children:
            if child.lower_ in EMOTIONAL_SAFETY:
                return True
            if child.dep_ in ("xcomp", "advcl", "ccomp") and child != adjective:
                doer = _subject(child)
                infinitive = any(c.lower_ == "to" for c in child.children)
                if (child.tag_ == "VBG" or infinitive) and not (doer and _is_partner(doer)):
                    return True
            if child.dep_ == "dobj" and child.lower_.endswith("ing"):
                return True
    return False


def _check_fear_verb(verb: Token) -> Finding | None:
    """ "I fear him", "I fear for my life", "I dread going home"."""
    subject = _subject(verb)
    if (subject is not None and not _is_user(subject)) or _is_denied(verb):
        return None
    for child in verb.children:
        if child.dep_ == "dobj" and _is_partner(child):
            return DANGER, _span(verb.doc, [verb, child])
        if child.lower_ == "for" and any(_lower_lemma(o) in SAFETY_NOUNS for o in child.subtree):
            return DANGER, _span(verb.doc, [verb, *child.subtree])
        if child.dep_ == "ccomp" and _feared_act(child) is not None:
            return DANGER, _span(verb.doc, [verb, child])
        if child.dep_ in ("xcomp", "dobj") and _lemmas_in(child.subtree) & {"home"}:
            return DANGER, _span(verb.doc, [verb, *child.subtree])
    return None


def _check_frighten(verb: Token) -> Finding | None:
    """ "He scares me", "her temper terrifies me" -- not "it scares me that she doesn't trust
    me"."""
    if not any(_is_user(c) for c in _children(verb, "dobj")):
        return None
    doer = _subject(verb)
    if doer is None or _is_denied(verb):
        return None
    if _is_partner(doer) or (_lower_lemma(doer) in MENACE_NOUNS
                             and any(_is_partner(p) for p in doer.children if p.dep_ == "poss")):
        return DANGER, _span(verb.doc, [doer, verb] if doer.i < verb.i else [verb])
    return None


def _check_in_danger(span: Span) -> Finding | None:
    """ "I'm in danger", "my life is in danger" -- not "I'm not in danger"."""
    verb = span[0].head
    if _is_denied(verb):
        return None
    subject = _subject(verb) if verb.pos_ in ("VERB", "AUX") else None
    if subject is not None and not (_is_user(subject) or _lower_lemma(subject) in
                                    SAFETY_NOUNS | HOUSEHOLD):
        return None
    return DANGER, span


def _check_abusive(word: Token) -> Finding | None:
    """ "He's abusive", "I'm in an abusive relationship"; "emotionally abusive" is control."""
    if _is_denied(word):
        return None
    owner = _experiencer(word)
    if word.dep_ == "amod":
        noun = word.head
        if _lower_lemma(noun) not in {"relationship", "marriage", "partner", "husband", "wife",
                                       "boyfriend", "girlfriend", "home", "household"}:
            return None
    elif owner is None or not (_is_partner(owner)
                               or _lower_lemma(owner) in {"relationship", "marriage"}):
        return None
    manner = {c.lower_ for c in word.children}
    if manner & {"emotionally", "verbally", "financially", "psychologically", "mentally"}:
        return COERCIVE_CONTROL, _span(word.doc, [*word.subtree])
    return DANGER, _span(word.doc, [*word.subtree])


def _check_forced_sex(force: Token) -> Finding | None:
    """ "He forced me to have sex", "forced himself on me"."""
    doer = _subject(force)
    if doer is None or not _is_person(doer) or _is_denied(force):
        return None
    words = _lemmas_in(force.subtree)
    if words & {"sex", "sexual", "himself", "herself"}:
        return DANGER, _span(force.doc, list(force.subtree))
    return None


# ==================================================================================================
# Coercive control rules
# ==================================================================================================


def _partner_does(verb: Token) -> bool:
    """The partner does it, it is not denied, and the user did not simply let them ("I let her
    track my location because I have nothing to hide" is a choice)."""
    doer = _subject(verb)
    if doer is None or not _is_partner(doer) or _is_denied(verb):
        return False
    return not _permitted_by_user(verb)


def _permitted_by_user(verb: Token) -> bool:
    head = verb.head
    if verb.dep_ not in ("ccomp", "xcomp") or _lower_lemma(head) not in PERMISSION_VERBS:
        return False
    granter = _subject(head)
    return granter is not None and _is_user(granter) and not _has_negation(head)


def _check_coercion(verb: Token) -> Finding | None:
    """ "She makes me share my location", "he demands my passwords", "forces me to hand over my
    paycheck" -- the partner compels, and what he compels reaches phone, money, people or place."""
    if not _partner_does(verb) or _is_hypothetical(verb):
        return None
    lemma = _lower_lemma(verb)
    reached = _subtree_without_subject(verb)
    if lemma == "make" and _lemmas_in(reached) & {"feel", "look", "seem", "sound", "laugh", "smile",
                                                  "happy", "sad", "angry"}:
        return None  # "he makes me feel guilty about seeing my friends" is about feelings
    if lemma in FORCE_VERBS and _compels_user(verb):
        return COERCIVE_CONTROL, _span(verb.doc, [verb, *reached])
    if lemma in COERCION_VERBS and _reaches_controlled_thing(reached):
        return COERCIVE_CONTROL, _span(verb.doc, [verb, *reached])
    return None


def _compels_user(verb: Token) -> bool:
    """ "Forced ME to", "forces me into" -- not "forced a smile"."""
    if any(_is_user(c) for c in _children(verb, "dobj")):
        return True
    return any(_is_user(s) for clause in _children(verb, "ccomp", "xcomp")
               for s in _children(clause, "nsubj"))


def _check_prohibition(verb: Token) -> Finding | None:
    """ "He forbids me from seeing my sister", "she has isolated me from everyone"."""
    if not _partner_does(verb):
        return None
    reached = _subtree_without_subject(verb)
    if not reached:
        return None
    return COERCIVE_CONTROL, _span(verb.doc, [verb, *reached])


def _check_permission(verb: Token) -> Finding | None:
    """ "He won't let me see my friends", "I'm not allowed to go out" -- not "she won't let me
    explain" (a quarrel) and not "we agreed to share passwords" (a choice)."""
    if not _has_negation(verb) or _at_institution(verb):
        return None
    subject = _subject(verb)
    passive = any(c.dep_ == "nsubjpass" for c in verb.children)
    if subject is None or not (_is_user(subject) if passive else _is_partner(subject)):
        return None
    for action in _children(verb, "xcomp", "ccomp"):
        if _restricts(action):
            return COERCIVE_CONTROL, _span(verb.doc, [verb, *action.subtree])
    # "I'm not allowed my own bank card"
    for thing in _children(verb, "dobj", "dative"):
        if _reaches_controlled_thing(thing.subtree):
            return COERCIVE_CONTROL, _span(verb.doc, [verb, *thing.subtree])
    return None


def _check_said_prohibition(say: Token) -> Finding | None:
    """ "My husband says I can't go to my sister's wedding", "she told me I can't see my
    friends" -- a partner's word as a ban."""
    if not _partner_does(say):
        return None
    for clause in _children(say, "ccomp"):
        subject = _subject(clause)
        banned = _has_negation(clause) and any(_lower_lemma(c) in {"can", "could", "may", "must"}
                                               for c in clause.children)
        if subject is not None and _is_user(subject) and banned and _restricts(clause):
            return COERCIVE_CONTROL, _span(say.doc, [say, *clause.subtree])
    return None


def _at_institution(verb: Token) -> bool:
    """ "I'm not allowed to have my phone at work" is a workplace rule, not a partner's."""
    for prep in (t for t in verb.subtree if t.dep_ == "prep" and t.lower_ in {"at", "in"}):
        if any(_lower_lemma(o) in {"work", "school", "office"} for o in _children(prep, "pobj")):
            return True
    return False


def _restricts(action: Token) -> bool:
    lemma = _lower_lemma(action)
    if lemma in QUARREL_ACTIVITIES:
        return False
    if _reaches_controlled_thing(action.subtree):
        return True
    return lemma in RESTRICTED_ACTIVITIES and lemma not in RESTRICTED_IF_CONTROLLED


def _check_prevention(verb: Token) -> Finding | None:
    """ "He stops me from seeing my family", "keeps me from going out"."""
    if not _partner_does(verb):
        return None
    for prep in _children(verb, "prep"):
        if prep.lower_ != "from":
            continue
        for action in _children(prep, "pcomp", "pobj"):
            if _restricts(action) or _reaches_controlled_thing(action.subtree):
                return COERCIVE_CONTROL, _span(verb.doc, [verb, *prep.subtree])
    return None


def _check_seizure(verb: Token) -> Finding | None:
    """ "He controls all the money", "she takes my paycheck", "tracks my location", "put a tracker
    on my car", "cut me off from my family" -- the partner takes over what is the user's, and the
    user has not said they agreed ("she tracks my location and I just let her")."""
    if not _partner_does(verb) or _user_consents(verb.sent):
        return None
    lemma = _lower_lemma(verb)
    reached = _subtree_without_subject(verb)
    words = _lemmas_in(reached)
    objects = _children(verb, "dobj") + [o for p in _children(verb, "prep")
                                         for o in _children(p, "pobj")]
    users_own = [o for o in objects if _is_user(o) or _owned_by_user(o)]
    if lemma in SURVEILLANCE_VERBS and (users_own or words & {"on", "everything", "where"}):
        return COERCIVE_CONTROL, _span(verb.doc, [verb, *reached])
    if lemma in {"install", "instal", "put", "hide"} and words & SURVEILLANCE_TOOLS and (
            _lemmas_in(reached) & {"my", "me"}):
        return COERCIVE_CONTROL, _span(verb.doc, [verb, *reached])
    if lemma == "control" and (words & CONTROL_SCOPE or _reaches_controlled_thing(reached)):
        return COERCIVE_CONTROL, _span(verb.doc, [verb, *reached])
    if lemma == "cut":
        if "off" in words and _reaches_controlled_thing(reached):
            return COERCIVE_CONTROL, _span(verb.doc, [verb, *reached])
        return None
    if lemma == "lock" and words & {"me"}:
        kind = COERCIVE_CONTROL if _reaches_controlled_thing(reached) else DANGER
        return kind, _span(verb.doc, [verb, *reached])
    if lemma in {"take", "withhold", "confiscate", "hide", "restrict", "limit", "smash", "break",
                 "destroy", "delete", "keep", "steal", "block"}:
        owned = [o for o in objects if _owned_by_user(o) and _reaches_controlled_thing([o])]
        if owned and not _lemmas_in(reached) & {"look", "check", "charge", "borrow", "fix"}:
            return COERCIVE_CONTROL, _span(verb.doc, [verb, *owned[0].subtree])
    return None


def _user_consents(sentence: Span) -> bool:
    """ "...and I let her", "I don't mind", "we both agreed": the user's own say-so."""
    for token in sentence:
        lemma = _lower_lemma(token)
        subject = _subject(token) if token.pos_ in ("VERB", "AUX") else None
        if subject is None or not (_is_user(subject) or subject.lower_ == "we"):
            continue
        if lemma in CONSENT_VERBS and not _is_denied(token):
            return True
        if lemma == "mind" and _has_negation(token):
            return True
    return False


def _owned_by_user(token: Token) -> bool:
    return any(c.dep_ == "poss" and c.lower_ == "my" for c in token.children)


def _check_controlling(word: Token) -> Finding | None:
    """ "He's very controlling", "my controlling husband" -- not "I don't want to seem
    controlling"."""
    if _is_denied(word):
        return None
    if word.dep_ == "amod":
        if not _is_partner(word.head):
            return None
        return COERCIVE_CONTROL, _span(word.doc, [word, word.head])
    owner = _experiencer(word)
    if owner is None or not _is_partner(owner):
        return None
    return COERCIVE_CONTROL, _span(word.doc, [owner, word] if owner.i < word.i else [word])


def _check_allowance(allowance: Token) -> Finding | None:
    """ "He gives me an allowance", "I'm on an allowance" -- an adult's own money doled out."""
    verb = allowance.head
    while verb.dep_ in ("pobj", "prep") and verb.head != verb:
        verb = verb.head
    if _is_denied(verb) or _is_hypothetical(verb):
        return None
    doer = _subject(verb)
    receivers = [c for c in verb.children if c.dep_ in ("dative", "dobj") and _is_user(c)]
    if doer is not None and _is_partner(doer) and (receivers or _lower_lemma(verb) == "give"):
        return COERCIVE_CONTROL, _span(allowance.doc, [verb, allowance])
    if doer is not None and _is_user(doer) and _lower_lemma(verb) in {"get", "receive", "be",
                                                                       "live", "have"}:
        return COERCIVE_CONTROL, _span(allowance.doc, [verb, allowance])
    return None


def _check_permission_noun(permission: Token) -> Finding | None:
    """ "I need his permission to go out", "I have to ask him for money"."""
    owners = [c for c in permission.children if c.dep_ == "poss"]
    if owners and _is_partner(owners[0]) and not _is_denied(permission):
        return COERCIVE_CONTROL, _span(permission.doc, [owners[0], *permission.subtree])
    return None


def _check_obliged_to_partner(verb: Token) -> Finding | None:
    """ "I have to ask him for money", "I have to send him a photo every hour to prove where I
    am" -- the user is obliged, the partner receives, and it is money, whereabouts or devices."""
    obliged = (verb.dep_ == "xcomp" and _lower_lemma(verb.head) in {"have", "get", "got"}
               ) or any(c.lower_ == "must" for c in verb.children)
    subject = _subject(verb)
    if not obliged or subject is None or not _is_user(subject) or _is_denied(verb):
        return None
    receivers = [c for c in verb.children if c.dep_ in ("dative", "dobj") and _is_partner(c)]
    receivers += [o for p in _children(verb, "prep") if p.lower_ in {"to", "with", "for"}
                  for o in _children(p, "pobj") if _is_partner(o)]
    if receivers and _reaches_controlled_thing(_subtree_without_subject(verb)):
        return COERCIVE_CONTROL, _span(verb.doc, [verb, *_subtree_without_subject(verb)])
    return None


def _mentions_sacrifice(tokens: Iterable[Token]) -> bool:
    """The user gives something up or hands it over: "I quit football", "I send her my location"."""
    for token in tokens:
        if _lower_lemma(token) in SACRIFICE_VERBS:
            subject = _subject(token)
            if subject is not None and _is_user(subject):
                return True
    return False


def _check_punished_refusal(sentence: Span, before: Span | None) -> Finding | None:
    """A controlled act tied to a partner's punishment: "if I don't send her my location she
    gives me the silent treatment", "I gave up football because he threatened to leave". The act
    may be in the sentence before: "She makes me write down everyone I talked to. If I leave
    someone out she screams for hours"."""
    if not _lemmas_in(sentence) & CONDITION_LINKS:
        return None
    acts = [sentence] + ([before] if before is not None else [])
    if not any(_reaches_controlled_thing(span) or _mentions_sacrifice(span) for span in acts):
        return None
    punishment = next((t for t in sentence if _is_punishment(t)), None)
    return (COERCIVE_CONTROL, sentence) if punishment is not None else None


def _is_punishment(token: Token) -> bool:
    """What a partner does to a user who refused: leaves, screams, takes the phone, tells all."""
    lemma = _lower_lemma(token)
    if lemma in PUNISHMENT_NOUNS:
        return any(c.lower_ == "silent" for c in token.children)
    if token.lower_ in BREAKUP_STATES:  # "he says we're done"
        owner = token.head if token.dep_ in ("acomp", "advmod") else token
        subject = _subject(owner) if owner.pos_ in ("VERB", "AUX") else None
        return subject is not None and subject.lower_ in {"we", "it", "us"} and any(
            _partner_does(a) for a in token.ancestors if _lower_lemma(a) in SPEECH_VERBS)
    if token.pos_ != "VERB" or (lemma not in PUNISHMENT_VERBS and lemma != "tell"):
        return False
    doer = _subject(token)
    if doer is None or not _is_partner(doer) or _is_denied(token):
        return False
    objects = {c.lower_ for c in token.children}
    below = _lemmas_in(token.subtree)
    if lemma in {"leave", "dump", "kick", "throw", "lock", "ignore"}:
        return bool(objects & USER) and "alone" not in objects  # not "leaves the room"
    if lemma in {"take", "cut", "share"}:
        return _reaches_controlled_thing(token.subtree) or "me" in below  # "takes it off me"
    if lemma == "tell":
        return bool(below & EXPOSURE_AUDIENCE)  # "she'd tell everyone I cheated"
    return True


# ==================================================================================================
# Rule tables
# ==================================================================================================


def _lemma_in(words: Iterable[str]) -> dict[str, Any]:
    return {"LEMMA": {"IN": sorted(words)}}


def _lower_in(words: Iterable[str]) -> dict[str, Any]:
    return {"LOWER": {"IN": sorted(words)}}


# Single anchor words, each read by the check that follows it in the parse.
ANCHOR_RULES: dict[str, tuple[dict[str, Any], Check]] = {
    # self-harm: wishes, words for suicide, methods and means
    "want_to_die": (_lemma_in({"want", "wanna"}), _check_want_to_die),
    "wish_dead": (_lemma_in({"wish"}), _check_wish_dead),
    "rather_dead": (_lower_in({"dead", "gone", "alive"}), _check_rather_dead),
    "suicide_word": (_lemma_in(SUICIDE_WORDS), _check_suicide_word),
    "suicide_word_lower": (_lower_in({"suicidal", "overdosed", "overdosing"}), _check_suicide_word),
    "cutting_habit": (_lemma_in({"cut"}), _check_cutting_habit),
    "method": (_lemma_in(METHOD_VERBS | {"thinkin"}), _check_method),
    "pill_amount": (_lemma_in(PILLS), _check_pill_amount),
    # danger: threats, fear, weapons, intimidation
    "threaten": (_lemma_in({"threaten"}), _check_threat),
    "threat": (_lemma_in({"threat"}), _check_threat_noun),
    "conditional_harm": (_lemma_in(VIOLENCE_VERBS), _check_conditional_harm),
    "fear_adjective": (_lower_in(FEAR_ADJECTIVES), _check_fear),
    "fear_verb": (_lemma_in(FEAR_VERBS), _check_fear_verb),
    "frighten": (_lower_in(FRIGHTEN_VERBS), _check_frighten),
    "not_safe": (_lower_in({"safe"}), _check_not_safe),
    "unknown_menace": (_lemma_in({"know"}), _check_unknown_menace),
    "hiding": (_lemma_in({"hide"}), _check_hiding),
    "abusive": (_lower_in({"abusive"}), _check_abusive),
    "violent_partner": (_lower_in({"violent", "physical", "aggressive"}), _check_violent_partner),
    "intimidation": (_lemma_in(INTIMIDATION_VERBS), _check_intimidation),
    "weapon": (_lemma_in(WEAPONS), _check_weapon),
    "lethal_act": (_lemma_in(LETHAL_ACTS), _check_lethal_act),
    "forced_sex": (_lemma_in({"force", "make", "pressure", "coerce"}), _check_forced_sex),
    # coercive control: compelling, forbidding, taking over, watching
    "coercion": (_lemma_in(COERCION_VERBS | FORCE_VERBS), _check_coercion),
    "prohibition": (_lemma_in(PROHIBITION_VERBS), _check_prohibition),
    "permission": (_lemma_in(PERMISSION_VERBS), _check_permission),
    "said_prohibition": (_lemma_in({"say", "tell"}), _check_said_prohibition),
    "prevention": (_lemma_in(PREVENTION_VERBS), _check_prevention),
    "seizure": (_lemma_in(SEIZURE_VERBS | SURVEILLANCE_VERBS), _check_seizure),
    "controlling": (_lower_in({"controlling"}), _check_controlling),
    "allowance": (_lemma_in({"allowance"}), _check_allowance),
    "permission_noun": (_lemma_in({"permission"}), _check_permission_noun),
    "obliged_to_partner": (_lemma_in(OBLIGED_ACTS), _check_obliged_to_partner),
}

# "What's the point of living", "no reason to keep going".
POINTLESS_LIFE_PHRASES: list[list[dict[str, Any]]] = [
    [_lemma_in({"point", "reason"}), _lower_in({"in", "of", "to"}),
     _lower_in({"living", "life", "existing", "being", "live", "exist"})],
    [_lemma_in({"point", "reason"}), _lower_in({"in", "of", "to"}),
     _lemma_in({"keep", "go", "carry"}), _lower_in({"going", "on"})],
]
# Fear for one's life, and living in fear.
FEAR_FOR_LIFE_PHRASES: list[list[dict[str, Any]]] = [
    [_lemma_in({"fear", "scared", "afraid", "terrified"}), {"LOWER": "for"},
     _lower_in({"my", "our"}), _lower_in({"life", "lives", "safety"})],
    [{"LEMMA": "live"}, {"LOWER": "in"}, {"LOWER": "fear"}],
]
# Strangulation described by its position rather than a verb.
HANDS_ON_NECK_PHRASES: list[list[dict[str, Any]]] = [
    [_lower_in({"hands", "hand"}), _lower_in({"around", "round", "on"}), {"LOWER": "my"},
     _lower_in({"neck", "throat"})],
]


def _check_fixed_danger(span: Span) -> Finding | None:
    """Danger said in a fixed form, unless denied ("I don't fear for my life")."""
    root = span.root
    return None if _is_denied(root) or _is_denied(root.head) else (DANGER, span)


# Multi-word expressions, read as a whole.
PHRASE_RULES: dict[str, tuple[list[list[dict[str, Any]]], Callable[[Span], Finding | None]]] = {
    "death_wish": (DEATH_WISH_PHRASES, _check_death_wish_phrase),
    "pointless_life": (POINTLESS_LIFE_PHRASES, _check_pointless_life),
    "in_danger": ([[{"LOWER": "in"}, {"LOWER": "danger"}]], _check_in_danger),
    "fear_for_life": (FEAR_FOR_LIFE_PHRASES, _check_fixed_danger),
    "hands_on_neck": (HANDS_ON_NECK_PHRASES, _check_fixed_danger),
}

# Verb-and-object shapes: (verb, object) found by dependency, then read by their check.
STRUCTURE_RULES: dict[str, tuple[list[dict[str, Any]], Callable[..., Finding | None]]] = {
    # "kill myself", "cutting myself"
    "self_harm_verb": ([
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": _lemma_in(SELF_HARM_VERBS)},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "target",
         "RIGHT_ATTRS": {"LOWER": "myself", "DEP": {"IN": ["dobj", "pobj", "npadvmod"]}}},
    ], _check_self_harm_verb),
    # "slit my wrists", "cutting my arms"
    "self_harm_body": ([
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": _lemma_in(SELF_INJURY_VERBS)},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "target",
         "RIGHT_ATTRS": {"LEMMA": {"IN": SELF_HARM_TARGETS}, "DEP": "dobj"}},
        {"LEFT_ID": "target", "REL_OP": ">", "RIGHT_ID": "owner",
         "RIGHT_ATTRS": {"LOWER": "my", "DEP": "poss"}},
    ], _check_self_harm_verb),
    # "end my life", "take my own life"
    "end_my_life": ([
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": _lemma_in({"end", "take"})},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "life",
         "RIGHT_ATTRS": {"LEMMA": "life", "DEP": "dobj"}},
        {"LEFT_ID": "life", "REL_OP": ">", "RIGHT_ID": "owner",
         "RIGHT_ATTRS": {"LOWER": "my", "DEP": "poss"}},
    ], _check_end_my_life),
    # "he hit me", "she choked me", "he'd crash us both"
    "violence_on_me": ([
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": _lemma_in(VIOLENCE_VERBS)},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "victim",
         "RIGHT_ATTRS": {"LOWER": {"IN": ["me", "us"]}, "DEP": "dobj"}},
    ], _check_violence),
    "violence_forms_on_me": ([
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": _lower_in(VIOLENCE_FORMS)},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "victim",
         "RIGHT_ATTRS": {"LOWER": "me", "DEP": "dobj"}},
    ], _check_violence),
    # "he grabbed my wrist"
    "violence_on_body": ([
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": _lemma_in(VIOLENCE_VERBS)},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "victim",
         "RIGHT_ATTRS": {"LEMMA": {"IN": sorted(BODY_PARTS)}, "DEP": "dobj"}},
        {"LEFT_ID": "victim", "REL_OP": ">", "RIGHT_ID": "owner",
         "RIGHT_ATTRS": {"LOWER": "my", "DEP": "poss"}},
    ], _check_violence),
    # "I was pushed", "I got slapped"
    "violence_passive": ([
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": _lemma_in(VIOLENCE_VERBS)},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "victim",
         "RIGHT_ATTRS": {"LOWER": "i", "DEP": "nsubjpass"}},
    ], _check_violence_passive),
    "violence_forms_passive": ([
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": _lower_in(VIOLENCE_FORMS)},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "victim",
         "RIGHT_ATTRS": {"LOWER": "i", "DEP": "nsubjpass"}},
    ], _check_violence_passive),
    # "he threw a plate at me", "pulled a knife on me"
    "missile": ([
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": _lemma_in(MISSILE_VERBS)},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "at",
         "RIGHT_ATTRS": {"LOWER": {"IN": ["at", "on", "to", "towards"]}, "DEP": "prep"}},
        {"LEFT_ID": "at", "REL_OP": ">", "RIGHT_ID": "victim",
         "RIGHT_ATTRS": {"LOWER": {"IN": ["me", "my"]}}},
    ], _check_missile),
}


class SafetyCheck:
    """Finds the most urgent safety flag in a parsed message. Build once per spaCy `Vocab`."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._anchors = Matcher(vocab)
        for name, (pattern, _) in ANCHOR_RULES.items():
            self._anchors.add(name, [[pattern]])
        self._phrases = Matcher(vocab)
        for name, (patterns, _) in PHRASE_RULES.items():
            self._phrases.add(name, patterns)
        self._structures = DependencyMatcher(vocab)
        for name, (pattern, _) in STRUCTURE_RULES.items():
            self._structures.add(name, [pattern])

    def check(self, doc: Doc) -> SafetyFlag | None:
        """The most urgent flag in `doc` (self_harm > danger > coercive_control), or None.

        `doc` must carry a dependency parse: every rule reads it, and without one the check would
        pass anything. Raises ValueError otherwise (see `parse` for docs made by Rasa's SpacyNLP).
        """
        found = self.find(doc)
        return found[0] if found else None

    def find(self, doc: Doc) -> tuple[SafetyFlag, Span] | None:
        """Like `check`, with the span of the evidence in `doc`."""
        findings = sorted(self._findings(doc),
                          key=lambda finding: (URGENCY.index(finding[0]), finding[1].start))
        if not findings:
            return None
        kind, span = findings[0]
        return SafetyFlag(kind=kind, evidence=span.text), span

    def _findings(self, doc: Doc) -> Iterator[Finding]:
        if not len(doc):
            return
        if not doc.has_annotation("DEP"):
            raise ValueError("SafetyCheck needs a dependency parse; parse the doc first.")
        strings = self.vocab.strings
        for match_id, start, _ in self._anchors(doc):
            _, check = ANCHOR_RULES[strings[match_id]]
            yield from _kept(check(doc[start]))
        for match_id, start, end in self._phrases(doc):
            _, check_phrase = PHRASE_RULES[strings[match_id]]
            yield from _kept(check_phrase(doc[start:end]))
        for match_id, token_ids in self._structures(doc):
            _, check_structure = STRUCTURE_RULES[strings[match_id]]
            yield from _kept(check_structure(*(doc[i] for i in token_ids)))
        before = None
        for sentence in doc.sents:
            yield from _kept(_check_punished_refusal(sentence, before))
            before = sentence


def _kept(finding: Finding | None) -> Iterator[Finding]:
    if finding is not None and finding[0] is not None:
        yield finding


# ==================================================================================================
# Rasa component
# ==================================================================================================


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False, model_from="SpacyNLP"
)
class SafetyClassifier(GraphComponent, IntentClassifier):
    """Gives the deterministic safety check the last word on the `safety_*` intents.

    Place it last in the pipeline, after SpacyNLP, the featurizers, DIETClassifier and
    FallbackClassifier. It reads the doc SpacyNLP stored on the message and borrows SpacyNLP's
    loaded model (`model_from="SpacyNLP"`) only to add the parse SpacyNLP skips; it loads none.
    A flag sets `safety_<kind>` (confidence 1.0) and a `safety_evidence` entity; a `safety_*`
    intent the classifiers predicted without a flag is replaced by the best other intent.
    """

    @classmethod
    def required_components(cls) -> list[type]:
        """SpacyNLP must run first: its doc is what this component reads."""
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """No settings: the rules are the configuration."""
        return {}

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = config
        self._check: SafetyCheck | None = None

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyClassifier:
        """Creates the component; the check itself is built from the first doc's vocab."""
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes unchanged: the check learns nothing."""
        return training_data

    # `Optional`, not `X | None`: Rasa's graph validator cannot read the newer union syntax.
    def process(
        self, messages: list[Message], model: Optional[SpacyModel] = None  # noqa: UP007
    ) -> list[Message]:
        """Flags each message, or takes back a `safety_*` intent the check does not confirm.

        `model` is SpacyNLP's loaded model, passed by Rasa; without it, docs must be parsed already.
        """
        for message in messages:
            found = self._find(message, model.model if model is not None else None)
            if found is not None:
                _set_flag(message, *found)
            else:
                _demote_unconfirmed_safety_intent(message)
        return messages

    def _find(self, message: Message, language: Language | None) -> tuple[SafetyFlag, Span] | None:
        doc = message.get(SPACY_DOCS[TEXT])
        if doc is None:
            if message.get(TEXT):
                logger.error("SafetyClassifier found no spaCy doc: is SpacyNLP in the pipeline?")
            return None
        if language is not None:
            parse(doc, language)
        if len(doc) and not doc.has_annotation("DEP"):
            logger.error("SafetyClassifier got a doc without a parse and no model to parse it.")
            return None
        if self._check is None or self._check.vocab is not doc.vocab:
            self._check = SafetyCheck(doc.vocab)
        return self._check.find(doc)


def _set_flag(message: Message, flag: SafetyFlag, span: Span) -> None:
    intent = {INTENT_NAME_KEY: f"{INTENT_PREFIX}{flag.kind}", PREDICTED_CONFIDENCE_KEY: 1.0}
    others = [entry for entry in message.get(INTENT_RANKING_KEY) or []
              if entry.get(INTENT_NAME_KEY) != intent[INTENT_NAME_KEY]]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *others], add_to_output=True)

    text = message.get(TEXT) or ""
    # SpacyNLP may have parsed a lowercased copy; the offsets still point into the original.
    value = text[span.start_char:span.end_char] if len(text) == len(span.doc.text) else span.text
    entity = {
        ENTITY_ATTRIBUTE_TYPE: EVIDENCE_ENTITY,
        ENTITY_ATTRIBUTE_VALUE: value,
        ENTITY_ATTRIBUTE_START: span.start_char,
        ENTITY_ATTRIBUTE_END: span.end_char,
        EXTRACTOR: SafetyClassifier.__name__,
    }
    message.set(ENTITIES, [*(message.get(ENTITIES) or []), entity], add_to_output=True)


def _demote_unconfirmed_safety_intent(message: Message) -> None:
    """Only the check may decide a safety answer: a learned `safety_*` guess gives way."""
    intent = message.get(INTENT) or {}
    if not str(intent.get(INTENT_NAME_KEY) or "").startswith(INTENT_PREFIX):
        return
    ranking = message.get(INTENT_RANKING_KEY) or []
    others = [entry for entry in ranking
              if not str(entry.get(INTENT_NAME_KEY) or "").startswith(INTENT_PREFIX)]
    best = others[0] if others else {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                                     PREDICTED_CONFIDENCE_KEY: intent.get(PREDICTED_CONFIDENCE_KEY,
                                                                          0.0)}
    message.set(INTENT, best, add_to_output=True)
    message.set(INTENT_RANKING_KEY, others if others else [best], add_to_output=True)
