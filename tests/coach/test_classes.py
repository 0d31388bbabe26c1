"""The prompt coach on the classes of prompt people really write (issue 26), one test per class.

The examples are not the issue's own words: each class is fixed at its mechanism (vocabulary,
phrase rules, position rules, dialogue and cut-marker parsing), so new members of the class pass.
"""

from __future__ import annotations

import time

import pytest

from sora_widgets.coaching import ELEMENTS, coach
from sora_widgets.widgets.prompt_builder import PromptBuilder


def _has(prompt: str, element: str) -> bool:
    return element in coach(prompt).present


# -- shot and viewpoint names ------------------------------------------------------------------


@pytest.mark.parametrize(
    "prompt",
    [
        "Rear view of a cyclist climbing a mountain pass.",
        "Selfie video of a hiker on a ridge, wind in her hair.",
        "FPV flight through an abandoned warehouse.",
        "Tilt-shift footage of a busy harbour.",
        "Split screen: a baker and a florist opening their shops.",
        "3/4 view of a dancer warming up.",
        "A tram is seen from the side as it rattles past.",
        "A skyscraper filmed from a low angle.",
        "Drone footage of a glacier calving.",
        "The low camera view makes the tortoise look enormous.",
        "Body cam footage of a ranger stopping a jeep.",
        "Medium camera framing keeps both skaters in view.",
        "Dancers spin at a party, in a view from below them.",
    ],
)
def test_shot_and_viewpoint_names_are_read(prompt: str) -> None:
    assert _has(prompt, "shot"), coach(prompt).present


# -- camera language, and what is not camera language -------------------------------------------


@pytest.mark.parametrize(
    "prompt",
    [
        "The camera orbits a marble statue in a courtyard.",
        "Boom up over the garden wall to reveal the sea.",
        "Snap zoom onto the ringing telephone.",
        "Hyperlapse through a night market.",
        "Bullet time as the glass shatters.",
        "Dolly shot along a row of lockers.",
        "The camera weaves between market stalls.",
        "The camera follows a heron along the river.",
        "A dynamic camera races through the corridors.",
        "A lynx stalks through pines, following the lynx closely.",
        "Low-angle POV gliding through fog over a marsh.",
    ],
)
def test_camera_moves_are_read(prompt: str) -> None:
    assert _has(prompt, "camera"), coach(prompt).present


@pytest.mark.parametrize(
    "prompt",
    [
        "Time-lapse of clouds racing over a wheat field.",
        "Slow motion of a water balloon bursting.",
        "A magician pulls out a string of flags from his sleeve.",
        "A girl pushes in the last puzzle piece.",
        "Body cam footage of a ranger stopping a jeep.",
    ],
)
def test_playback_speed_and_verbs_of_the_subject_are_not_camera_moves(prompt: str) -> None:
    assert not _has(prompt, "camera"), coach(prompt).present


# -- light named by its effect ------------------------------------------------------------------


@pytest.mark.parametrize(
    "prompt",
    [
        "A saxophonist silhouetted against a bright doorway.",
        "A reading room bathed in amber.",
        "Crepuscular rays over a misty valley.",
        "Subtle halation on the chrome bumpers.",
        "A portrait with a soft fill from the left.",
        "A boxer in a ring, high contrast.",
        "Lightning flashes illuminate the ruined tower.",
    ],
)
def test_light_named_by_its_effect_is_read(prompt: str) -> None:
    assert _has(prompt, "lighting"), coach(prompt).present


@pytest.mark.parametrize(
    "prompt",
    [
        "Flowers that glow and change colours in a fairy garden.",
        "A silhouette animation of a fox chasing a hare.",
        "A sailboat at sunset.",
        "A tanker filled with grain.",
        "A couple naps on sun loungers by a pool.",
        "A child draws a smiling cartoon sun on a window.",
    ],
)
def test_props_styles_and_times_of_day_are_not_light(prompt: str) -> None:
    assert not _has(prompt, "lighting"), coach(prompt).present


# -- settings that are not "in/at + a place" ----------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "words"),
    [
        ("A diamond ring turning on black velvet.", "velvet"),
        ("Two tiny boats racing inside a cup of tea.", "cup"),
        ("Miners panning for gold during the gold rush.", "during the gold"),
        ("A jazz band playing in 1920s Chicago.", "in 1920s"),
        ("An astronaut hopping on the moon.", "on the moon"),
        ("A cat floating in zero gravity.", "zero gravity"),
        ("Commuters boarding a hover train in the year 2300.", "year 2300"),
        ("A robot powers on in a cluttered laboratory.", "laboratory"),
        ("Old friends dance at a party.", "at a party"),
        ("Two violinists play on a train.", "on a train"),
        ("A boy tidies his house while singing.", "his house"),
    ],
)
def test_surfaces_containers_and_eras_are_settings(prompt: str, words: str) -> None:
    found = coach(prompt).present.get("setting", ())
    assert any(words in w for w in found), found


def test_depth_of_field_and_the_background_are_not_settings() -> None:
    assert not _has("Portrait of a violinist, shallow depth of field, blurred background.", "setting")


# -- actions and states ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prompt",
    [
        'A barista looks up and says, "Next!"',
        "A courier pedals hard up the hill.",
        "The bus brakes at the stop.",
        "A boxer flinches at the bell.",
        "A grandfather whispers a secret to a child.",
    ],
)
def test_speech_and_small_movements_are_actions(prompt: str) -> None:
    assert _has(prompt, "action"), coach(prompt).present


@pytest.mark.parametrize(
    "prompt",
    [
        "A woman wearing a red coat.",
        "A poster featuring three astronauts.",
        "A jar filled with marbles.",
        "A villa overlooking the bay.",
        "A surreal valley with floating rocks.",
        "Create a video of a castle.",
        "A man on a metal folding chair.",
        "A girl in a puff sleeve dress.",
        "A rock resembling a sleeping giant.",
    ],
)
def test_states_and_instructions_are_not_actions(prompt: str) -> None:
    assert not _has(prompt, "action"), coach(prompt).present


# -- subjects -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "subject"),
    [
        ("Sad clown.", "Sad clown"),
        ("Kitten sneezes.", "Kitten"),
        ("Borneo wildlife on the Kinabatangan River", "Borneo wildlife"),
        ("Aerial shot of otters drifting in kelp", "otters"),
        ("A light rain falls on the harbour.", "light rain"),
    ],
)
def test_a_bare_noun_phrase_is_a_subject(prompt: str, subject: str) -> None:
    assert coach(prompt).present.get("subject") == (subject,)


@pytest.mark.parametrize(
    "prompt",
    [
        "The audio features distant thunder.",
        "Anamorphic 2.0x lens, shallow DOF.",
        "Soft, warm, golden light.",
    ],
)
def test_sound_lenses_and_adjectives_are_not_subjects(prompt: str) -> None:
    assert not _has(prompt, "subject"), coach(prompt).present


# -- one shot or several --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prompt",
    [
        "Cut 1 (0.0-3.0 s): a kettle boils. Cut 2 (3.0-6.0 s): tea is poured.",
        "Shot 2: the door slams behind her.",
        "[00:00-00:04] A fox sniffs the snow. [00:04-00:08] It pounces.",
        "A chef plates a dish; the camera cuts to the diners.",
        "Close-up of a letter. Lens switch. Wide shot of the empty room.",
        "Scene one: a robot wakes up. Scene two: it walks into the city.",
        "A rap battle where the camera alternates between the two rappers.",
        "A teaser trailer for a heist film set in Monaco.",
        "0-3 s: static wide shot of a pier. 3-6 s: slow push-in on the fisherman.",
        "Wide shot of a stadium. Close-up of the goalkeeper's gloves.",
    ],
)
def test_shot_lists_time_codes_and_cuts_are_several_shots(prompt: str) -> None:
    report = coach(prompt)
    assert not report.single_purpose, report.splits
    assert "one shot" in report.advice[-1]


@pytest.mark.parametrize(
    "prompt",
    [
        "He glances at his watch and sighs, then steps onto the train.",
        "A girl looks up, smiles, then waves at the camera.",
        'She says, "Cut to the chase, we can talk later, then leave."',
        "**Shot 2.1** (5s) | close-up | static: a hand opens and the letter falls.",
        "The camera starts wide on the pier, then pushes in to a close-up of the fisherman.",
        # time ranges that pace one take, with no framing or camera move of their own
        "0-2s: three dancers sway on stage. 2-6s: they laugh and clap. 6-9s: they bow.",
        # the end of the clip, a camera move that begins wide, one framing changing continuously
        "A lighthouse keeper climbs the stairs and the film cuts to black.",
        "The camera starts with a wide shot of the harbour before zooming in on a gull.",
        "Medium shot transitioning to close-up of a potter shaping clay.",
        "Medium shot, eye-level close-up of a baker dusting flour.",
        # an instruction not to begin some way, and a prompt that says it is one take
        "The dog runs to the gate. Do not start with the dog sitting.",
        "One continuous uncut shot: she walks, then runs, then leaps a fence, then rolls in the grass.",
        # a style paragraph after the last time range belongs to the whole clip, not to that part
        "0-3s: a medium shot of two singers on stage.\n3-6s: they laugh.\n\nStyle: handheld concert footage.",
    ],
)
def test_one_continuous_moment_is_one_shot(prompt: str) -> None:
    report = coach(prompt)
    assert report.single_purpose, report.splits


def test_a_list_of_tasks_is_still_several_shots() -> None:
    report = coach("A tailor measures a client, cuts the cloth, and then sews the jacket in his shop.")
    assert not report.single_purpose


def test_one_then_in_a_long_prompt_does_not_make_its_actions_a_list() -> None:
    prompt = (
        "A fisherman mends a net on the pier. Gulls circle and dive over the water. Waves crash on "
        "the rocks. He looks up, then smiles."
    )
    assert coach(prompt).single_purpose, coach(prompt).splits


# -- prompts not in English --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prompt",
    [
        "Un chat noir marche sur le toit d'une maison la nuit, la caméra le suit de près.",
        "Ein alter Mann sitzt auf der Bank im Park und füttert die Tauben.",
        "夕暮れの海辺を走る犬、スローモーション。",
        "一只熊猫在巴黎的咖啡馆喝咖啡，推镜头",
        "Собака бежит по снегу на закате.",
    ],
)
def test_a_prompt_not_in_english_gets_one_line_and_no_missing_list(prompt: str) -> None:
    report = coach(prompt)
    assert report.language == "other"
    assert report.missing == [] and report.present == {}
    assert len(report.advice) == 1 and "English only" in report.advice[0]
    assert not report.ready and str(report).startswith("- The coach reads English only")
    assert report.to_dict()["language"] == "other"
    page = report._repr_html_()
    assert "English only" in page and "✗" not in page  # no checklist of missing elements


def test_english_with_a_foreign_name_or_quote_is_still_english() -> None:
    report = coach('Wide shot of a waiter in a Paris café saying "Bonjour, monsieur" at dawn.')
    assert report.language == "en" and "shot" in report.present


# -- Unicode --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "element", "words"),
    [
        ("Ｃｌｏｓｅ-ｕｐ of a hummingbird.", "shot", "Ｃｌｏｓｅ-ｕｐ"),
        ("Close\u200b-up of a hummingbird.", "shot", "Close\u200b-up"),
        ("A heron at gold\u00adenhour. Gol\u200bden hour light.", "lighting", "Gol\u200bden hour"),
        ("Backli\u0301t dancer on a stage.", "lighting", "Backli\u0301t"),
        ("ﬁreﬂies over a meadow, ﬁlmed handheld.", "camera", "handheld"),
    ],
)
def test_full_width_zero_width_and_combining_marks_are_read(prompt: str, element: str, words: str) -> None:
    found = coach(prompt).present.get(element, ())
    assert words in found, found
    assert all(w in prompt for w in found)  # the evidence is cut from the prompt as written


# -- evidence and advice ------------------------------------------------------------------------------


def test_advice_is_phrased_from_what_was_and_was_not_found() -> None:
    report = coach("Wide shot of a heron wading through a marsh at dawn.")
    assert report.present["shot"] == ("Wide shot",)
    assert report.missing == ["lighting", "camera"]
    assert report.advice[0].startswith("No light named: words like") and report.advice[0].endswith(
        "would say it."
    )
    assert report.advice[1].startswith("No camera move named")
    rows = {row["element"]: row for row in report.checklist()}
    assert rows["subject"]["words"] == ["heron"] and rows["lighting"]["words"] == []


# -- linear time, bounded work ----------------------------------------------------------------------


def _cpu_seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        coach(text)
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.parametrize(
    "unit",
    [
        "Lighting: warm.\n",  # thousands of label lines
        "\n",  # a long run of newlines
        'He says "later" and ',  # quotes opening and closing
        "[00:00-00:03] Wide shot. ",  # time codes
        "shot ",  # a word that starts many terms
        "A fox trots through snow at dusk, then cut to a close-up. ",
    ],
)
def test_work_grows_linearly_with_the_prompt(unit: str) -> None:
    # Eight times the text must cost about eight times the work (CPU time of this process, best of
    # three, compared within one run): quadratic work would cost sixty-four times.
    small = (unit * (2_500 // len(unit) + 1))[:2_500]
    large = (unit * (20_000 // len(unit) + 1))[:20_000]
    coach(small)  # warm the vocabulary index
    ratio = _cpu_seconds(large) / max(_cpu_seconds(small), 1e-4)
    assert ratio < 24, f"{unit!r}: 8x the text took {ratio:.1f}x the work"


def test_the_builder_coaches_what_can_be_sent_and_only_when_it_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sora_widgets._constants import MAX_PROMPT_CHARS
    from sora_widgets.widgets import prompt_builder

    seen: list[int] = []
    real = prompt_builder.coach

    def counting(text: str, **kwargs: object) -> object:
        seen.append(len(text))
        return real(text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(prompt_builder, "coach", counting)
    builder = PromptBuilder()
    builder.text = "Wide shot of a fox. " * 2_000  # a 40,000-character paste
    assert seen and max(seen) <= MAX_PROMPT_CHARS
    calls = len(seen)
    builder.text = builder.text + " more words past the cap"
    assert len(seen) == calls  # what can be sent did not change: no new coaching
    builder.text = "Close-up of a fox."
    assert len(seen) == calls + 1
    assert builder.coach["present"]["shot"] == ["Close-up"]
    assert set(builder.coach) >= {"present", "missing", "advice", "language"}
    assert all(name in ELEMENTS for name in builder.coach["present"])
