"""The routine file: the bundled series loads, and every kind of mistake in an edited copy
is reported as a ConfigError naming the file, the right line and the key."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipcoach.errors import ConfigError
from hipcoach.exercises.routine import (
    EXERCISE_IDS,
    Routine,
    load_routine,
    parse_routine,
)
from hipcoach.exercises.rule_registry import RULE_IDS
from hipcoach.exercises.toml_errors import field_path
from hipcoach.exercises.toml_lines import TomlLineIndex

BUNDLED = resources.files("hipcoach.exercises").joinpath("hip_series.toml").read_text("utf-8")


# ---------------------------------------------------------------------------- helpers


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def exercise_span(text: str, exercise_id: str) -> tuple[int, int]:
    """0-based [start, end) line span of the [[exercise]] block with this id."""
    lines = lines_of(text)
    headers = [i for i, line in enumerate(lines) if line.strip() == "[[exercise]]"]
    for k, start in enumerate(headers):
        end = headers[k + 1] if k + 1 < len(headers) else len(lines)
        if f'id = "{exercise_id}"' in lines[start:end]:
            return start, end
    raise AssertionError(f"no exercise {exercise_id} in text")


def rule_span(text: str, rule_id: str) -> tuple[int, int]:
    """0-based [start, end) span of the [[rule]] block with this id (up to the next header)."""
    lines = lines_of(text)
    for i, line in enumerate(lines):
        if line.strip() == "[[rule]]" and lines[i + 1] == f'id = "{rule_id}"':
            end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("["))
            return i, end
    raise AssertionError(f"no rule {rule_id} in text")


def key_line(text: str, exercise_id: str, key: str, after: str | None = None) -> int:
    """1-based line of ``key = ...`` inside the exercise block (after line ``after`` if given)."""
    start, end = exercise_span(text, exercise_id)
    lines = lines_of(text)
    if after is not None:
        start = next(i for i in range(start, end) if lines[i].strip() == after)
    return next(i for i in range(start, end) if lines[i].startswith(f"{key} =")) + 1


def replace_in_exercise(text: str, exercise_id: str, key: str, new_line: str) -> str:
    lines = lines_of(text)
    lines[key_line(text, exercise_id, key) - 1] = new_line
    return "\n".join(lines)


def insert_after(text: str, line_number: int, new_line: str) -> tuple[str, int]:
    """Insert ``new_line`` after 1-based ``line_number``; return text and its line number."""
    lines = lines_of(text)
    lines.insert(line_number, new_line)
    return "\n".join(lines), line_number + 1


def delete_lines(text: str, start: int, end: int) -> str:
    lines = lines_of(text)
    return "\n".join(lines[:start] + lines[end:])


def error_for(tmp_path: Path, text: str) -> tuple[Path, str]:
    path = tmp_path / "edited_series.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_routine(path)
    return path, info.value.message


def assert_names(message: str, path: Path, line: int, field: str) -> None:
    expected = f"{path} line {line}: {field}: "
    assert message.startswith(expected), f"{message!r} does not start with {expected!r}"


# ---------------------------------------------------------------------------- bundled file


def test_bundled_file_loads() -> None:
    routine = load_routine()
    assert isinstance(routine, Routine)
    assert routine.side_order == ("left", "right")
    assert "not a medical device" in routine.safety.not_medical_device
    assert "pain" in routine.safety.stop_on_pain


def test_bundled_exercises_in_order() -> None:
    routine = load_routine()
    assert tuple(ex.id for ex in routine.exercises) == EXERCISE_IDS
    assert [ex.target_reps for ex in routine.exercises] == [10, 5, 10, 5, 5]
    assert routine.exercise("leg_circle_cw").max_reps == 10
    assert routine.exercise("leg_circle_ccw").direction == "ccw"
    small, big = routine.exercise("small_leg_raise"), routine.exercise("big_leg_lift")
    assert small.target_peak_deg_max <= big.target_peak_deg_min


def test_sets_cover_both_sides_in_side_order() -> None:
    routine = load_routine()
    sets = routine.sets()
    assert len(sets) == 2 * len(EXERCISE_IDS)
    assert [s.side for s in sets] == ["left"] * 5 + ["right"] * 5
    assert [s.exercise.id for s in sets] == list(EXERCISE_IDS) * 2
    side, exercise = sets[5]
    assert (side, exercise.id) == ("right", "small_leg_raise")


def test_every_rule_of_every_exercise_exists_with_a_cue() -> None:
    routine = load_routine()
    assert {r.id for r in routine.rules} == set(RULE_IDS)
    for ex in routine.exercises:
        for rule_id in ex.rules:
            assert routine.rule(rule_id).id == rule_id
            assert ex.cue(rule_id).strip()
    with pytest.raises(KeyError):
        routine.exercise("small_leg_raise").cue("circle_size")


def test_rule_fault_direction() -> None:
    routine = load_routine()
    tempo = routine.rule("tempo")
    assert tempo.is_fault(tempo.threshold - 0.1) and not tempo.is_fault(tempo.threshold + 0.1)
    roll = routine.rule("pelvis_roll")
    assert roll.is_fault(roll.threshold + 1) and not roll.is_fault(roll.threshold - 1)


def test_copy_on_disk_loads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "copy.toml"
    path.write_text(BUNDLED, encoding="utf-8")
    assert load_routine(path) == load_routine()


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as info:
        load_routine(missing)
    assert str(missing) in info.value.message


# ---------------------------------------------------------------------------- mutations


def test_syntax_error_names_line_and_key(tmp_path: Path) -> None:
    text = replace_in_exercise(BUNDLED, "small_leg_raise", "target_reps", "target_reps = = 10")
    path, message = error_for(tmp_path, text)
    assert_names(
        message, path, key_line(text, "small_leg_raise", "target_reps"), "exercise[0].target_reps"
    )
    assert "TOML syntax error" in message


def test_syntax_error_at_end_of_document(tmp_path: Path) -> None:
    text = BUNDLED.rstrip("\n") + "\nextra ="
    path, message = error_for(tmp_path, text)
    assert_names(message, path, len(lines_of(text)), "exercise[4].cues.extra")


def test_unknown_key(tmp_path: Path) -> None:
    low = key_line(BUNDLED, "big_leg_lift", "rep_low_deg")
    text, line = insert_after(BUNDLED, low, "rep_hihg_deg = 12.0")
    path, message = error_for(tmp_path, text)
    assert_names(message, path, line, "exercise[2].rep_hihg_deg")
    assert "unknown key" in message


def test_unknown_key_in_a_plain_table(tmp_path: Path) -> None:
    header = lines_of(BUNDLED).index("[safety]") + 1
    text, line = insert_after(BUNDLED, header, 'colour = "red"')
    path, message = error_for(tmp_path, text)
    assert_names(message, path, line, "safety.colour")


@pytest.mark.parametrize(
    ("exercise_id", "index", "key", "value", "other"),
    [
        ("big_leg_lift", 2, "rep_high_deg", 5.0, "rep_low_deg"),
        ("bicycle_sidekick", 1, "flexion_high_deg", -10.0, "extension_low_deg"),
        ("small_leg_raise", 0, "max_rep_s", 0.2, "min_rep_s"),
        ("leg_circle_cw", 4, "target_peak_deg_max", 3.0, "target_peak_deg_min"),
    ],
)
def test_high_not_above_low(
    tmp_path: Path, exercise_id: str, index: int, key: str, value: float, other: str
) -> None:
    text = replace_in_exercise(BUNDLED, exercise_id, key, f"{key} = {value}")
    path, message = error_for(tmp_path, text)
    assert_names(message, path, key_line(text, exercise_id, key), f"exercise[{index}].{key}")
    assert f"must be greater than {other}" in message


def test_missing_exercise(tmp_path: Path) -> None:
    text = delete_lines(BUNDLED, *exercise_span(BUNDLED, "big_leg_lift"))
    first = lines_of(text).index("[[exercise]]") + 1
    path, message = error_for(tmp_path, text)
    assert_names(message, path, first, "exercise")
    assert "big_leg_lift" in message


def test_duplicate_exercise_id(tmp_path: Path) -> None:
    start, end = exercise_span(BUNDLED, "small_leg_raise")
    block = lines_of(BUNDLED)[start:end]
    text = BUNDLED.rstrip("\n") + "\n\n" + "\n".join(block)
    duplicate = [i + 1 for i, line in enumerate(lines_of(text)) if line == block[1]][1]
    path, message = error_for(tmp_path, text)
    assert_names(message, path, duplicate, "exercise[5].id")
    assert "duplicate" in message


def test_duplicate_rule_id(tmp_path: Path) -> None:
    start, end = rule_span(BUNDLED, "tempo")
    block = lines_of(BUNDLED)[start:end]
    text = BUNDLED.rstrip("\n") + "\n\n" + "\n".join(block)
    duplicate = [i + 1 for i, line in enumerate(lines_of(text)) if line == block[1]][1]
    path, message = error_for(tmp_path, text)
    assert_names(message, path, duplicate, f"rule[{len(RULE_IDS)}].id")


@pytest.mark.parametrize("value", ['"5"', "5.0", "true", "[5]"])
def test_wrong_type(tmp_path: Path, value: str) -> None:
    text = replace_in_exercise(BUNDLED, "bicycle_sidekick", "target_reps", f"target_reps = {value}")
    path, message = error_for(tmp_path, text)
    line = key_line(text, "bicycle_sidekick", "target_reps")
    assert_names(message, path, line, "exercise[1].target_reps")
    assert "integer" in message


def test_wrong_type_of_top_level_array(tmp_path: Path) -> None:
    lines = lines_of(BUNDLED)
    line = next(i for i, s in enumerate(lines) if s.startswith("side_order =")) + 1
    lines[line - 1] = 'side_order = "left"'
    path, message = error_for(tmp_path, "\n".join(lines))
    assert_names(message, path, line, "side_order")


def test_missing_key_points_at_its_table(tmp_path: Path) -> None:
    line = key_line(BUNDLED, "bicycle_sidekick", "min_rep_s")
    text = delete_lines(BUNDLED, line - 1, line)
    header = exercise_span(text, "bicycle_sidekick")[0] + 1
    path, message = error_for(tmp_path, text)
    assert_names(message, path, header, "exercise[1].min_rep_s")
    assert "missing" in message


def test_rule_without_table(tmp_path: Path) -> None:
    text = delete_lines(BUNDLED, *rule_span(BUNDLED, "knee_bent"))
    path, message = error_for(tmp_path, text)
    assert_names(message, path, key_line(text, "small_leg_raise", "rules"), "exercise[0].rules")
    assert "knee_bent" in message


def test_missing_cue_points_at_cues_table(tmp_path: Path) -> None:
    line = key_line(BUNDLED, "small_leg_raise", "toes_up", after="[exercise.cues]")
    text = delete_lines(BUNDLED, line - 1, line)
    start, _ = exercise_span(text, "small_leg_raise")
    header = lines_of(text).index("[exercise.cues]", start) + 1
    path, message = error_for(tmp_path, text)
    assert_names(message, path, header, "exercise[0].cues.toes_up")


@pytest.mark.parametrize(
    ("exercise_id", "index", "key", "new", "words"),
    [
        ("leg_circle_ccw", 3, "max_reps", "max_reps = 3", "at least target_reps"),
        ("leg_circle_cw", 4, "direction", 'direction = "ccw"', "does not match"),
        ("small_leg_raise", 0, "signal", 'signal = "circle"', "counted from"),
        ("small_leg_raise", 0, "max_rep_s", "max_rep_s = 0.2", "greater than min_rep_s"),
        ("bicycle_sidekick", 1, "extension_low_deg", "extension_low_deg = -5.5", "at least -5.0"),
        ("big_leg_lift", 2, "rep_high_deg", "rep_high_deg = 40.0", "target_peak_deg_min"),
    ],
)
def test_inconsistent_values(
    tmp_path: Path, exercise_id: str, index: int, key: str, new: str, words: str
) -> None:
    text = replace_in_exercise(BUNDLED, exercise_id, key, new)
    path, message = error_for(tmp_path, text)
    assert_names(message, path, key_line(text, exercise_id, key), f"exercise[{index}].{key}")
    assert words in message


def test_key_of_another_signal(tmp_path: Path) -> None:
    text, line = insert_after(
        BUNDLED, key_line(BUNDLED, "small_leg_raise", "signal"), 'direction = "cw"'
    )
    path, message = error_for(tmp_path, text)
    assert_names(message, path, line, "exercise[0].direction")
    assert "not used by signal" in message


def test_rule_unit_must_match(tmp_path: Path) -> None:
    start, _ = rule_span(BUNDLED, "tempo")
    lines = lines_of(BUNDLED)
    line = next(i for i in range(start, len(lines)) if lines[i].startswith("unit =")) + 1
    lines[line - 1] = 'unit = "deg"'
    path, message = error_for(tmp_path, "\n".join(lines))
    assert_names(message, path, line, f"rule[{RULE_IDS.index('tempo')}].unit")


def test_several_errors_are_all_counted(tmp_path: Path) -> None:
    text = replace_in_exercise(BUNDLED, "small_leg_raise", "target_reps", 'target_reps = "x"')
    text = replace_in_exercise(text, "big_leg_lift", "target_reps", 'target_reps = "y"')
    path, message = error_for(tmp_path, text)
    assert_names(
        message, path, key_line(text, "small_leg_raise", "target_reps"), "exercise[0].target_reps"
    )
    big = key_line(text, "big_leg_lift", "target_reps")
    assert f"also 1 more: line {big}: exercise[2].target_reps" in message


def test_bundled_name_in_messages() -> None:
    text = replace_in_exercise(BUNDLED, "big_leg_lift", "rep_high_deg", "rep_high_deg = 5.0")
    with pytest.raises(ConfigError) as info:
        parse_routine(text)
    line = key_line(text, "big_leg_lift", "rep_high_deg")
    assert info.value.message.startswith(
        f"hip_series.toml line {line}: exercise[2].rep_high_deg: must be greater than rep_low_deg"
    )


# ---------------------------------------------------------------------------- line index

TRICKY = """\
# top = 1 (a comment, not a key)
title = "a # not a comment"
notes = \"\"\"
[[exercise]]
id = "inside a string"
\"\"\"
raw = '''
name = 'also inside'
'''
numbers = [
  1, # a comment ] with a bracket
  [2, 3],
]
"quoted.key" = 1
dotted.inner = 2
   indented = 3
inline = { a = 1, b = [1, 2] }\r

[[exercise]]
id = "a"
[exercise.cues]
setup = "x"

[[exercise]]  # second
id = "b"
[[exercise.sub]]
k = 1
[[exercise.sub]]
k = 2
[exercise.cues]
setup = 'y'
[table]
key = "last"
"""


def test_index_on_tricky_text() -> None:
    data = tomllib.loads(TRICKY)
    assert data["exercise"][1]["sub"][1]["k"] == 2  # the sample is valid TOML
    lines = lines_of(TRICKY)
    index = TomlLineIndex(TRICKY)

    def at(prefix: str, nth: int = 0) -> int:
        return [i + 1 for i, s in enumerate(lines) if s.lstrip().startswith(prefix)][nth]

    assert index.line_of(("title",)) == at("title")
    assert index.line_of(("notes",)) == at("notes")
    assert index.line_of(("numbers", 1)) == at("numbers")
    assert index.line_of(("quoted.key",)) == at('"quoted.key"')
    assert index.line_of(("dotted", "inner")) == at("dotted.inner")
    assert index.line_of(("dotted",)) == at("dotted.inner")
    assert index.line_of(("indented",)) == at("indented")
    assert index.line_of(("inline", "b")) == at("inline")
    assert index.line_of(("exercise",)) == at("[[exercise]]", 1)  # not the one in the string
    assert index.line_of(("exercise", 0, "id")) == at('id = "a"')
    assert index.line_of(("exercise", 0, "cues", "setup")) == at('setup = "x"')
    assert index.line_of(("exercise", 1)) == at("[[exercise]]", 2)
    assert index.line_of(("exercise", 1, "id")) == at('id = "b"')
    assert index.line_of(("exercise", 1, "sub", 1, "k")) == at("k = 2")
    assert index.line_of(("exercise", 1, "cues", "setup")) == at("setup = 'y'")
    assert index.line_of(("exercise", 1, "cues", "absent")) == at("[exercise.cues]", 1)
    assert index.line_of(("table", "key")) == at('key = "last"')
    assert index.line_of(("nowhere",)) == 1
    assert index.path_at(at("id =", 0)) == ("notes",)  # inside the multi-line string
    assert index.path_at(at("[2, 3]")) == ("numbers",)
    assert index.path_at(at("k = 1")) == ("exercise", 1, "sub", 0, "k")
    assert index.path_at(at("[table]")) == ("table",)


def _leaf_paths(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaf_paths(item, (*path, key))
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for i, item in enumerate(value):
            yield from _leaf_paths(item, (*path, i))
    else:
        yield path


def test_index_finds_every_key_of_the_bundled_file() -> None:
    index = TomlLineIndex(BUNDLED)
    lines = lines_of(BUNDLED)
    paths = list(_leaf_paths(tomllib.loads(BUNDLED)))
    assert len(paths) > 100
    for path in paths:
        line = lines[index.line_of(path) - 1]
        assert line.startswith(f"{path[-1]} = "), (path, line)


def test_field_path() -> None:
    assert field_path(("exercise", 2, "rep_high_deg")) == "exercise[2].rep_high_deg"
    assert field_path(("side_order", 0)) == "side_order[0]"
    assert field_path(()) == "(top level)"


names = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
values = st.sampled_from(["1", '"s"', '"""\nk = 1\n[[t]]\n"""', "[\n 1,\n 2,\n]", "{ a = 1 }"])
padding = st.sampled_from(["", "# c = 1", "   ", "# [[t]]"])


@settings(max_examples=80, deadline=None)
@given(
    top=st.lists(st.tuples(names, values), max_size=3, unique_by=lambda kv: kv[0]),
    tables=st.lists(
        st.lists(st.tuples(names, values, padding), max_size=4, unique_by=lambda kv: kv[0]),
        max_size=4,
    ),
)
def test_index_matches_generated_documents(
    top: list[tuple[str, str]], tables: list[list[tuple[str, str, str]]]
) -> None:
    out: list[str] = []
    expected: dict[tuple[str | int, ...], int] = {}
    for key, value in top:
        if key == "t":
            continue
        expected[(key,)] = len(out) + 1
        out.extend(f"{key} = {value}".split("\n"))
    for i, entries in enumerate(tables):
        out.append("[[t]]")
        expected[("t", i)] = len(out)
        for key, value, pad in entries:
            out.append(pad)
            expected[("t", i, key)] = len(out) + 1
            out.extend(f"{key} = {value}".split("\n"))
    text = "\n".join(out) + "\n"
    tomllib.loads(text)  # the generated document is valid TOML
    index = TomlLineIndex(text)
    for loc, line in expected.items():
        assert index.line_of(loc) == line, (loc, text)


def test_exercise_threshold_overrides_the_rule() -> None:
    routine = load_routine()
    toes = routine.rule("toes_up")
    big, small = routine.exercise("big_leg_lift"), routine.exercise("small_leg_raise")
    assert small.threshold(toes) == toes.threshold
    assert big.threshold(toes) == big.thresholds["toes_up"] != toes.threshold
    value = (toes.threshold + big.thresholds["toes_up"]) / 2
    assert toes.is_fault(value) and not toes.is_fault(value, big.threshold(toes))


def test_exercise_threshold_for_a_rule_it_does_not_use(tmp_path: Path) -> None:
    text = replace_in_exercise(BUNDLED, "big_leg_lift", "toes_up", "circle_size = 2.0")
    path, message = error_for(tmp_path, text)
    line = key_line(text, "big_leg_lift", "circle_size")
    assert_names(message, path, line, "exercise[2].thresholds.circle_size")


def test_a_rule_may_list_no_view() -> None:
    routine = load_routine()
    assert routine.rule("trunk_leg_alignment").views == ()
