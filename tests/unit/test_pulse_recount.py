"""The recount a round's counters are replaced with when it closes: a pure function of the
answers stored, so each is counted once."""

from __future__ import annotations

from domain.followup import team_counts
from domain.pulse import Counted, fine_deltas, recount


def test_the_recount_adds_each_answer_once_into_the_cell_it_was_given() -> None:
    answers = [
        Counted("Oppvekst", "30-39", {"stress": 4, "social": 2}),
        Counted("Oppvekst", "30-39", {"stress": 4, "social": 5}),
        Counted("Kultur", "none", {"stress": 1, "social": 2}),
    ]
    assert recount(answers) == {
        ("Oppvekst", "30-39"): {"n": 2, "stress_4": 2, "social_2": 1, "social_5": 1},
        ("Kultur", "none"): {"n": 1, "stress_1": 1, "social_2": 1},
    }


def test_the_recount_of_one_answer_is_what_its_increment_adds() -> None:
    scores = {"stress": 3, "focus": 5}
    assert recount([Counted("A", "none", scores)]) == {("A", "none"): fine_deltas(scores)}


def test_a_round_without_answers_has_no_cells() -> None:
    assert recount([]) == {}


def test_team_counts_are_per_leader_and_leave_out_whoever_has_none() -> None:
    answers = [
        Counted("A", "none", {"stress": 5}, "lars"),
        Counted("A", "none", {"stress": 2}, "lars"),
        Counted("A", "none", {"stress": 4}, "eva"),
        Counted("A", "none", {"stress": 5}, ""),
    ]
    assert team_counts(answers, stress_high=4) == {"lars": (2, 1), "eva": (1, 1)}
