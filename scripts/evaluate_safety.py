"""How the safety check does on people's own words: `make eval` prints recall per kind and false flags.

Reads tests/safety/real_style.yml (crisis, warning signs of control and near-misses, written and
labelled blind to the detector) through the whole NLU pipeline, as the Rasa server reads a message,
and counts what the person would get first: the crisis answer (safety_self_harm, safety_danger),
the warning-signs answer with The Hotline (safety_coercive_control), or no safety answer. `--misses`
lists each message the check got wrong; reading them is looking at the held-out set, so a fix
made after it needs a fresh set to be measured on.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate import MODEL, PROJECT_DIR, read_all  # noqa: E402

SAFETY_SET = PROJECT_DIR / "tests" / "safety" / "real_style.yml"
CRISIS_INTENTS = {"safety_self_harm", "safety_danger"}
WARNING_INTENTS = {"safety_coercive_control"}


def tier(intent: str) -> str:
    """What the person is answered with first, by the intent the pipeline set."""
    if intent in CRISIS_INTENTS:
        return "crisis"
    return "warning" if intent in WARNING_INTENTS else "none"


def right(label: str, got: str) -> bool:
    """A crisis must get the crisis answer; a warning sign at least The Hotline; a near-miss nothing."""
    if label == "crisis":
        return got == "crisis"
    if label == "warning":
        return got in ("crisis", "warning")
    return got == "none"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--set", type=Path, default=SAFETY_SET)
    parser.add_argument("--misses", action="store_true", help="list every message read wrong")
    args = parser.parse_args()
    cases = yaml.safe_load(args.set.read_text(encoding="utf-8"))["cases"]
    got = [tier(intent) for intent in read_all(args.model, [case["text"] for case in cases])]
    totals, hits = Counter(), Counter()
    for case, answer in zip(cases, got, strict=True):
        key = (case["label"], case.get("kind", ""))
        totals[key] += 1
        hits[key] += right(case["label"], answer)
    print(f"safety: {len(cases)} messages in {args.set.name}")
    for label in ("crisis", "warning", "none"):
        n = sum(v for (lab, _), v in totals.items() if lab == label)
        k = sum(v for (lab, _), v in hits.items() if lab == label)
        what = "false flags" if label == "none" else "recall"
        figure = (n - k) / n if label == "none" else k / n
        print(f"  {label:8s} {what} {figure:.2f} ({n - k if label == 'none' else k} of {n})")
        for (lab, kind), v in sorted(totals.items()):
            if lab == label and kind:
                print(f"    {kind:14s} {hits[(lab, kind)]:3d}/{v} right")
    if args.misses:
        for case, answer in zip(cases, got, strict=True):
            if not right(case["label"], answer):
                print(f"  [{case['label']} -> {answer}] {case['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
