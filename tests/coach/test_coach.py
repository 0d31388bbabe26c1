"""The prompt coach: labelled prompts with per-element floors, the linguistic rules, the report."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sora_widgets as sw
from benchmarks.coach import SETS, load, score
from sora_widgets.coaching import ELEMENTS, PromptReport, Vocabulary, coach, stem
from sora_widgets.widgets.prompt_builder import compose_prompt

TUNED = load(SETS["tuned"])
HELD_OUT = load(SETS["held-out"])


def test_the_labelled_sets_are_big_varied_and_well_formed() -> None:
    assert len(TUNED) >= 150
    assert len(HELD_OUT) >= 40
    prompts = [r.prompt for r in TUNED + HELD_OUT]
    assert len(set(prompts)) == len(prompts), "a prompt is labelled twice"
    # varied: every element is both present and absent many times, and some ask for several shots
    for name in ELEMENTS:
        have = sum(name in r.present for r in TUNED)
        assert 20 <= have <= len(TUNED) - 9, (name, have)
    assert sum(not r.single_purpose for r in TUNED) >= 10
    lengths = sorted(len(p.split()) for p in prompts)
    assert lengths[0] <= 3 and lengths[-1] >= 35


@pytest.mark.parametrize("name", ELEMENTS)
def test_precision_floor_per_element_on_the_tuned_set(name: str) -> None:
    counts, _ = score(TUNED)
    c = counts[name]
    assert c.precision >= 0.95, c.errors
    assert c.missing_precision >= 0.95, c.errors
    assert c.recall >= 0.95, c.errors


@pytest.mark.parametrize("name", ELEMENTS)
def test_precision_floor_per_element_on_prompts_it_was_not_tuned_on(name: str) -> None:
    counts, _ = score(HELD_OUT)
    c = counts[name]
    assert c.precision >= 0.9, c.errors
    assert c.recall >= 0.85, c.errors


def test_several_shots_are_flagged_and_single_shots_are_not() -> None:
    for rows in (TUNED, HELD_OUT):
        _, split = score(rows)
        assert split.precision >= 0.95, split.errors
        assert split.recall >= 0.9, split.errors


# -- the tricky meanings, one by one ---------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "absent"),
    [
        ("A cowboy fires a shot into the air outside a saloon", "shot"),
        ("The bartender pours a shot of whiskey at a crowded bar", "shot"),
        ("A hiker with a light backpack climbs a trail", "lighting"),
        ("A light rain falls on a village street", "lighting"),
        ("A woman, light on her feet, dances across a loft", "lighting"),
        ("A vintage camera sitting on a wooden desk in a study", "camera"),
        ("A film crew sets up a camera on a tripod in a studio", "camera"),
        ("A grandmother fries eggs in a pan in her kitchen", "camera"),
        ("A white crane wades through a marsh at dawn", "camera"),
        ("A tracker follows deer tracks through the snow", "camera"),
        ("A man lights a cigarette in the doorway of a bar", "lighting"),
        ("A bowl of fruit.", "action"),
        ("Pots and pans hanging in a rustic kitchen.", "action"),
    ],
)
def test_ambiguous_words_do_not_count_in_their_other_meaning(prompt: str, absent: str) -> None:
    report = coach(prompt)
    assert absent not in report.present, report.present
    assert absent in report.missing


@pytest.mark.parametrize(
    ("prompt", "element", "words"),
    [
        ("Wide shot of a basketball player taking a shot", "shot", ("Wide shot",)),
        ("Wind-swept dunes, soft light.", "lighting", ("soft light",)),
        ("Fog rolls in at golden hour", "lighting", ("golden hour",)),
        ("Slow dolly-in on the door", "camera", ("dolly-in",)),
        ("Slow dolly in on the door", "camera", ("dolly in",)),
        ("The camera slowly pans left", "camera", ("camera slowly pans",)),
        ("Over-the-shoulder shot of a chess game", "shot", ("Over-the-shoulder",)),
        ("over the shoulder of a chess player", "shot", ("over the shoulder",)),
        ("A heron glides, glided and is gliding", "action", ("glides", "glided", "gliding")),
        ("A sailboat in Kyoto", "setting", ("Kyoto",)),
        ("A fox in the forest. Lighting: whatever the moon gives.", "lighting", ("whatever the moon gives",)),
    ],
)
def test_inflections_hyphens_phrases_and_labels(prompt: str, element: str, words: tuple[str, ...]) -> None:
    assert coach(prompt).present[element] == words


def test_the_stemmer_gives_one_stem_per_word_family() -> None:
    families = [
        ("glide", "glides", "gliding", "glided"),
        ("run", "runs", "running"),
        ("dance", "dances", "dancing", "danced"),
        ("dolly", "dollies"),
        ("speed", "speeds"),
        ("watch", "watches", "watching"),
        ("shadow", "shadows"),
    ]
    for family in families:
        assert len({stem(w) for w in family}) == 1, family
    assert stem("rings") != stem("rinse")


def test_missing_is_in_the_vendor_order_and_advice_is_concrete() -> None:
    report = coach("a dog on a beach")
    assert report.missing == ["shot", "action", "lighting", "camera"]
    assert set(report.present) == {"subject", "setting"}
    assert report.present["subject"] == ("dog",)
    assert len(report.advice) == 4
    assert "wide shot" in report.advice[0]
    assert "dolly-in" in report.advice[-1]
    assert report.single_purpose


def test_several_shots_name_what_splits_them_and_advise_splitting() -> None:
    report = coach("Wide shot of a city at night, then cut to a close-up of a taxi driver smoking.")
    assert not report.single_purpose
    assert "cut to" in report.splits
    assert any("Wide shot" in s and "close-up" in s for s in report.splits)
    assert "one shot" in report.advice[-1] and "cut to" in report.advice[-1]
    events = coach("A man wakes up, brushes his teeth, drives to work, and then sits down at his desk.")
    assert not events.single_purpose
    assert "then" in events.splits[0]
    # two actions joined by "then" are one shot; a push-in from wide to close is one camera move
    assert coach("A kitten chases a ball of yarn, then pounces on it").single_purpose


def test_a_builder_prompt_with_all_six_fields_is_ready() -> None:
    prompt = compose_prompt(
        shot_type="Wide shot",
        subject="a red fox",
        action="trotting through fresh snow",
        setting="in a birch forest in winter",
        lighting="golden hour, long soft shadows",
        camera="slow dolly-in",
    )
    report = coach(prompt)
    assert report.ready, report
    assert report.score == 6
    assert report.advice == ("All six elements are there and it is one shot: ready to send.",)


def test_users_extend_the_vocabulary_without_touching_the_default() -> None:
    prompt = "An axolotl drifting in bioluminescence"
    assert "lighting" not in coach(prompt).present
    vocab = Vocabulary.default().extend(
        lighting=["bioluminescence"], subject=["axolotl"], ignore=["drifting"]
    )
    report = coach(prompt, vocabulary=vocab)
    assert report.present["lighting"] == ("bioluminescence",)
    assert report.present["subject"] == ("axolotl",)
    assert "action" not in report.present  # "drifting" ignored on request
    assert "lighting" not in coach(prompt).present  # the default is unchanged
    split = Vocabulary.default().extend(split=["and also"])
    assert not coach("A dog runs and also a cat sleeps", vocabulary=split).single_purpose
    with pytest.raises(ValueError, match="unknown element"):
        Vocabulary.default().extend(colour=["red"])


def test_report_serialises_and_renders_escaped_html() -> None:
    report = sw.coach('<b>A dog</b> runs on a "beach", then cut to <script>x</script>')
    assert isinstance(report, sw.PromptReport)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["missing"] == report.missing
    assert data["present"]["subject"] == ["dog"]
    assert data["single_purpose"] is False
    assert data["score"] == len(report.present)
    page = report._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" not in page  # the prompt itself is not echoed
    assert "✗ shot" in page and "✓ subject" in page and "several shots" in page
    assert "cut to" in page
    rows = report.checklist()
    assert [r["element"] for r in rows] == list(ELEMENTS)
    assert str(report).startswith("✗ shot ✓ subject")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_a_consistent_report(text: str) -> None:
    report = coach(text)
    assert report.advice
    assert coach(text) == report  # deterministic
    if report.language != "en":  # one line saying it reads English only, nothing listed
        assert not report.present and not report.missing and len(report.advice) == 1 and not report.ready
        return
    assert set(report.present) | set(report.missing) == set(ELEMENTS)
    assert not set(report.present) & set(report.missing)
    assert report.missing == [e for e in ELEMENTS if e in report.missing]
    for words in report.present.values():
        assert words and all(w and w in text for w in words)
    assert report.advice
    assert coach(text) == report  # deterministic


def test_report_is_a_plain_frozen_value() -> None:
    report = coach("A dog")
    assert isinstance(report, PromptReport)
    with pytest.raises(AttributeError):
        report.prompt = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("prompt", "subject", "action"),
    [
        ("A chef cooks pasta", ("chef", "pasta"), ("cooks",)),
        ("A cook stirs a pot", ("cook",), ("stirs",)),
        ("Boxers train in a gym as a train passes", ("Boxers", "train"), ("train", "passes")),
        ("Rain drips from the leaves; she leaves the room", ("leaves", "she"), ("drips", "leaves")),
    ],
)
def test_a_word_that_is_both_a_thing_and_a_verb_is_read_from_its_place(
    prompt: str, subject: tuple[str, ...], action: tuple[str, ...]
) -> None:
    report = coach(prompt)
    assert set(report.present["subject"]) >= set(subject), report.present
    assert report.present["action"] == action, report.present
