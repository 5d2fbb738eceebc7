"""Answer handling on hand-written generations: think blocks, boxes, letters, grading."""

from __future__ import annotations

import functools

import pytest

from harness.accuracy import (
    answers,
    boxes,
    equivalence,
    grading,
    letters,
    readings,
    stats,
    unboxed,
)

R1 = {"think_end": "</think>", "think_start": "<think>", "opens_think": True}


def test_answer_is_what_follows_the_last_think_end() -> None:
    # the chat template prefilled "<think>\n", so the generation has no opening tag
    s = answers.split_reasoning("Maybe \\boxed{3}? No.</think>The answer is \\boxed{4}.", **R1)
    assert not s.truncated and s.answer == "The answer is \\boxed{4}."
    assert "boxed{3}" in s.reasoning
    s = answers.split_reasoning("<think>a</think>b</think>final \\boxed{7}", **R1)
    assert s.answer == "final \\boxed{7}"


def test_unclosed_thinking_is_truncated_and_never_graded() -> None:
    text = "Let me think... so the answer is \\boxed{42} probably, but wait"
    s = answers.split_reasoning(text, **R1)
    assert s.truncated and s.answer == ""
    out = grading.process_math({"answer": "42"}, [[text]], **R1)
    assert out == {"pass@1": 0.0, "cons@n": 0.0, "truncated": 1.0}


def test_no_think_tags_configured_or_none_opened() -> None:
    assert answers.split_reasoning("just \\boxed{1}", think_end=None).answer == "just \\boxed{1}"
    s = answers.split_reasoning("no thinking here: 5", think_end="</think>",
                                think_start="<think>", opens_think=False)
    assert not s.truncated and s.answer == "no thinking here: 5"
    s = answers.split_reasoning("<think>started but", think_end="</think>",
                                think_start="<think>", opens_think=False)
    assert s.truncated


@pytest.mark.parametrize("text,expected", [
    ("first \\boxed{1} then \\boxed{2}", "2"),
    ("\\boxed{\\frac{1}{\\sqrt{2}}}", "\\frac{1}{\\sqrt{2}}"),
    ("\\boxed{ {a,b} }", "{a,b}"),
    ("\\fbox{9}", "9"),
    ("\\framebox{9}", "9"),
    ("\\framebox[1.5cm][c]{\\frac{1}{2}}", "\\frac{1}{2}"),  # its width and position
    ("\\boxed{unclosed", None),
    ("no box at all", None),
])
def test_last_boxed(text: str, expected: str | None) -> None:
    assert boxes.last_boxed(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("\\boxed{\\boxed{5}} \\boxed{a{b}c", ["\\boxed{5}", "5"]),  # nested; the last never closes
    ("} \\boxed{1}} {\\boxed{2}", ["1", "2"]),              # stray braces around them
    ("\\boxed {x} and \\fbox{\\{1,2\\}}", ["x", "\\{1,2\\}"]),
    # a degenerate answer (a repetition loop): quadratic before, about 70 s for this one
    ("\\boxed{" * 20000 + "}", [""]),
])
def test_boxes(text: str, expected: list[str]) -> None:
    assert boxes.boxes(text) == expected


@pytest.mark.parametrize("text,expected", [
    # degenerate text between two boxes: cubic time when two runs of spaces and dollars
    # stood side by side in the list pattern (16 s for 1,000 of " $")
    ("\\boxed{1}" + " $" * 20000 + "x\\boxed{2}", ["1", "2"]),
    ("\\boxed{1}" + "$" * 20000 + "x = \\boxed{2}", ["1", "2"]),
])
def test_final_boxes_of_degenerate_text(text: str, expected: list[str]) -> None:
    assert boxes.final_boxes(text) == expected


def test_a_long_run_of_digits_has_no_other_reading() -> None:
    from harness.accuracy.readings import other_reading

    # quadratic before: 41 s for 20,000 digits, each way of splitting them tried
    assert other_reading("1" * 20000 + "x") is None
    assert other_reading("1" * 20000 + "^\\circ") == "\\frac{" + "1" * 20000 + "\\pi}{180}"


@pytest.mark.parametrize("text,expected", [
    ("so \\boxed{12}.", "12"),
    ("The final answer is 1,234.", "1,234"),
    ("Answer: 7", "7"),
    ("we get 3 then 18 apples", "18"),
    ("nothing numeric here", None),
    ("The answer is \\boxed{5} (in the form \\boxed{} asked for).", "5"),  # empty: none
    ("\\boxed{6}. Wait, actually \\boxed{7}", "7"),
    ("\\boxed{6}, \\boxed{7}", "6, 7"),
    ("so we get $\\frac{3}{8}$", "\\frac{3}{8}"),
    ("\\boxed{1\\,000\\,000}", "1000000"),
    ("the probability is .4", ".4"),  # a decimal from its point, not 4
    ("so it is -.25", "-.25"),
    ("version v.4 of the plan", "4"),
    ("so we get 1 000", "1000"),  # SI digit groups in prose, not 000
    ("There are 12 345 ways.", "12345"),
    ("She buys 3 100-dollar bills", "100"),  # not the group 3 100: a word follows it
    ("Final Answer: The final answer is $\\frac{1}{2}$. I hope it is correct.",
     "\\frac{1}{2}"),  # the innermost of nested statements (Minerva's form)
    ("Answer: 5. The answer is small.", "5"),  # a later statement, not nested in it
    ("Final Answer: The largest $n$ is 34.", "34"),
    ("Answer: The roots are 2 and 3.", "The roots are 2 and 3"),  # no single value
    ("Answer: sin x + cos x", "sin x + cos x"),  # a formula, not a sentence
    ("Answer: \\frac{3}{4} of the pizza", "\\frac{3}{4}"),  # a LaTeX word is one value
    ("Answer: 2 hours and 30 minutes", "2 hours and 30 minutes"),
    ('Answer: "42"', "42"),
    ("The final answer is therefore 42.", "42"),  # connectives before the value
    ("The answer is approximately 3.14", "3.14"),
    ("\\boxed{(1, 2)}\n\nThe final answer is therefore (1, 2) units.", "(1, 2)"),
    ("Answer: It is \\text{Evelyn} or 8.", "It is \\text{Evelyn} or 8"),  # a hedge
    ("In this context, the answer is within the specified constraints. The answer is within "
     "the given constraints.", "within the specified constraints"),  # not nested: a sentence
    ("\\boxed{200}, then \\boxed{255}. The final answer is 10455.", "10455"),
    ("\\boxed{7}\n\nThe final answer is correct for all 3 cases.", "7"),
    # the brace closing a wrapper around the words is no part of the value (it was "} 5")
    ("\\textbf{Answer:} 5", "5"), ("\\textbf{Final Answer:} $\\frac{1}{2}$", "\\frac{1}{2}"),
])
def test_extract_math(text: str, expected: str | None) -> None:
    assert answers.extract_math(text) == expected


@pytest.mark.parametrize("pred,gold,equal", [
    ("0.5", "\\frac{1}{2}", True), ("\\dfrac12", "\\frac{1}{2}", True),
    ("\\frac{2}{4}", "0.5", True), ("\\frac{\\sqrt2}{2}", "\\sqrt{2}/2", True),
    ("204", "204", True), ("135.", "135", True), ("1,234", "1234", True),
    ("3", "4", False), ("", "4", False), (None, "4", False),
])
def test_math_verify_equivalences(pred: str | None, gold: str, equal: bool) -> None:
    assert equivalence.math_equal(pred, gold) is equal


@pytest.mark.parametrize("text,letter", [
    ("reasoning...\nAnswer: C", "C"), ("The answer is (B).", "B"), ("\\boxed{D}", "D"),
    ("A is wrong, B is wrong.\nAnswer: A", "A"), ("no letter", None), ("Answer: E", None),
])
def test_extract_letter(text: str, letter: str | None) -> None:
    assert letters.extract_letter(text) == letter


def test_pass1_and_cons_over_samples() -> None:
    gens = ["x</think>\\boxed{5}", "y</think>\\boxed{5}", "z</think>\\boxed{6}",
            "never closed \\boxed{6}"]
    out = grading.process_math({"answer": "5"}, [gens], **R1)
    assert out["pass@1"] == 0.5 and out["cons@n"] == 1.0 and out["truncated"] == 0.25
    out = grading.process_math({"answer": "#### 6"}, [gens], **R1)  # GSM8K-style gold
    assert out["pass@1"] == 0.25 and out["cons@n"] == 0.0


def test_multiple_choice_and_ifeval_on_the_answer_only() -> None:
    doc = {"gold": "B"}
    out = grading.process_mc(doc, [["Answer: A</think>Answer: B", "</think>Answer: C"]], **R1)
    # B (graded on the answer, not the reasoning's A) and C tie: half of the tied votes are
    # right, whatever order they came in
    assert out["pass@1"] == 0.5 and out["cons@n"] == 0.5
    ifeval_doc = {"key": 1, "prompt": "Reply without using any commas.",
                  "instruction_id_list": ["punctuation:no_comma"], "kwargs": [{}]}
    # the reasoning is full of commas; only the answer after </think> is checked
    graded = grading.process_ifeval(ifeval_doc, [["Hmm, well, ok, so</think>A reply with none"]],
                                    **R1)
    assert graded["prompt_level_strict_acc"] == 1.0 and graded["truncated"] == 0.0
    graded = grading.process_ifeval(ifeval_doc, [["never closed and no commas either"]], **R1)
    assert graded["prompt_level_strict_acc"] == 0.0 and graded["truncated"] == 1.0
    # loose accuracy drops an intro line: the first line of the answer, not the blank line
    # that follows </think>
    lower = {"key": 2, "prompt": "Reply in lowercase letters only.",
             "instruction_id_list": ["change_case:english_lowercase"], "kwargs": [{}]}
    graded = grading.process_ifeval(lower, [["ok</think>\n\nSure! Here it is:\nall lowercase"]],
                                    **R1)
    assert graded["prompt_level_strict_acc"] == 0.0
    assert graded["prompt_level_loose_acc"] == 1.0


def test_ifeval_grades_every_sample() -> None:
    doc = {"key": 3, "prompt": "Reply in lowercase letters only, without any commas.",
           "instruction_id_list": ["change_case:english_lowercase", "punctuation:no_comma"],
           "kwargs": [{}, {}]}
    gens = ["</think>all lowercase and no commas", "</think>Capital, and a comma",
            "</think>lowercase, with a comma", "never closed"]
    out = grading.process_ifeval(doc, [gens], **R1)
    # one of four samples follows both instructions; 3 of the 8 instructions are followed
    assert out["prompt_level_strict_acc"] == 0.25 and out["truncated"] == 0.25
    assert out["inst_level_strict_acc"] == [True, True, False, False, True, False,
                                            False, False]
    assert grading.agg_inst_level_acc([out["inst_level_strict_acc"]]) == 3 / 8
    graded = grading.explain(functools.partial(grading.process_ifeval, **R1), doc, gens)
    assert [g["correct"] for g in graded] == [True, False, False, False]
    assert graded[1]["not_followed"] == ["change_case:english_lowercase", "punctuation:no_comma"]
    assert graded[2]["not_followed"] == ["punctuation:no_comma"]
    assert graded[3] == {"truncated": True, "correct": False,
                         "not_followed": doc["instruction_id_list"]}
    # the sample browser shows the broken instructions where other tasks show the answer
    from harness.report.html import _extracted, _reference

    assert _extracted(graded[0]) == "all followed"
    assert _extracted(graded[2]) == "not followed: punctuation:no_comma"
    assert _reference({"doc": doc, "target": 0}) == ("instructions: change_case:english_lowercase"
                                                     ", punctuation:no_comma")
    assert _reference({"doc": {"answer": "5"}, "target": "5"}) == "5"


def test_pass_at_k_by_hand() -> None:
    assert stats.pass_at_k(4, 2, 1) == pytest.approx(0.5)
    assert stats.pass_at_k(4, 2, 2) == pytest.approx(1 - 1 / 6)  # 1 - C(2,2)/C(4,2)
    assert stats.pass_at_k(5, 0, 3) == 0.0 and stats.pass_at_k(5, 3, 3) == 1.0
    with pytest.raises(ValueError):
        stats.pass_at_k(4, 5, 1)


def test_mean_and_stderr_by_hand() -> None:
    m, se = stats.mean_and_stderr([1.0, 0.0, 1.0, 0.0])
    assert m == 0.5 and se == pytest.approx((1 / 3) ** 0.5 / 2)
    assert stats.mean_and_stderr([1.0]) == (1.0, None)


def test_pass_at_k_is_reported_for_the_k_asked() -> None:
    gens = ["</think>\\boxed{5}", "</think>\\boxed{4}", "</think>\\boxed{4}", "</think>\\boxed{4}"]
    out = grading.process_math({"answer": "5"}, [gens], ks=(2,), **R1)
    assert out["pass@1"] == 0.25 and out["pass@2"] == pytest.approx(0.5)  # 1 - C(3,2)/C(4,2)
    with pytest.raises(ValueError):  # k > n cannot be estimated (suites are refused earlier)
        grading.process_math({"answer": "5"}, [gens], ks=(8,), **R1)
    graded = grading.explain(functools.partial(grading.process_math, ks=(2,), **R1),
                             {"answer": "5"}, gens)
    assert graded[0] == {"extracted": "5", "truncated": False, "correct": True}


@pytest.mark.parametrize("text,math,letter", [
    ("Answer:" + " " * 20000 + "B", "B", "B"),
    ("answer" + " " * 20000 + "\n\nThe answer is 7.", "7", None),
    ("\n$" * 20000 + "Answer: C", "C", "C"),
    ("option" + " \t" * 20000 + "\n" * 20000 + "Answer: 12", "12", None),
])
def test_degenerate_answers_grade_as_any_other(text: str, math: str | None,
                                               letter: str | None) -> None:
    """Runs of white space (a repetition loop, or a hostile model) met regexes that put
    optional spaces beside optional spaces: minutes each, before white space was squeezed."""
    assert answers.extract_math(text) == math
    assert letters.extract_letter(text) == letter


@pytest.mark.parametrize("text", ["A, B, " * 5000, "(A), " * 5000, "A and " * 5000,
                                  "A, B and D are wrong. " + "C, " * 5000])
def test_a_list_of_letters_without_end_costs_linear_time(text: str) -> None:
    """A letter list in elimination ("A, B and D are incorrect") is ten letters at most:
    unbounded, a list without end took 24 s (each start scanned the rest)."""
    assert letters.eliminated(text) is None


def test_white_space_between_boxes_costs_linear_time() -> None:
    """The answer statement looked for between two boxes let optional spaces sit beside
    optional spaces: 27 s for 30,000 spaces on text that had not been squeezed."""
    text = "\\boxed{1} answer" + " " * 30000 + "\\boxed{2}"
    assert boxes.final_boxes(text) == ["1", "2"]
    assert unboxed.stated_answer("The answer" + " " * 30000 + "x") is None


def test_a_box_of_latex_spaces_grades_in_linear_time() -> None:
    """A residue's modulus is looked for at the end of the answer ("3 \\pmod{7}"): a
    pattern that let LaTeX spaces come before it took 2 s on 10,000 of them, 8 s on 20,000."""
    spaces = "\\ " * 20000
    assert answers.extract_math("\\boxed{3" + spaces + "\\pmod{7}}") == "3"
    assert answers.extract_math("\\boxed{3" + spaces + "}").startswith("3")


@pytest.mark.parametrize("text,number", [
    ("five", "5"), ("Zero", "0"), ("\\text{Twenty-three}", "23"), ("ninety nine", "99"),
    ("one hundred and five", "105"), ("twelve hundred", "1200"), ("minus four", "-4"),
    ("five thousand and five", "5005"), ("three hundred thousand", "300000"),
    ("one million two hundred thousand", "1200000"), ("five.", "5"),
    # not one number: words after it, two numbers side by side, scales out of order
    ("five apples", None), ("a few", None), ("five six", None), ("twenty ten", None),
    ("nineteen ninety", None), ("one thousand one million", None), ("hundred", None),
    ("one hundred and", None), ("and", None), ("", None),
])
def test_spelled_numbers(text: str, number: str | None) -> None:
    assert readings.spelled_number(text) == number


def test_a_generation_a_server_stopped_short_is_at_its_limit() -> None:
    """The openai backend collects the generations a server stopped at what its context
    left: they are truncated whatever their length, with or without a local tokenizer."""
    from harness.accuracy.answers import TokenLimit

    short: set[str] = set()
    limit = TokenLimit(None, 400, short)
    assert not limit("Once upon a time")
    short.add("Once upon a time")  # filled while the task generates, after the limit is made
    assert limit("Once upon a time") and not limit("The end.")
    assert not TokenLimit(None, 400)("anything")


@pytest.mark.parametrize("question,words", [
    ("A circle has area $25\\pi$. Find its radius.", {"find", "its", "radius"}),
    ("Compute the sum. Express your answer as a common fraction.", {"compute", "the", "sum"}),
    ("The sides are 3 and 4; what is the area of the rectangle?",
     {"the", "sides", "are", "and", "what", "is", "area", "of", "rectangle"}),
    ("Let $x = 5$.", {"let"}),  # no sentence asks: the whole question
    # the expression a sentence asks for itself, as a name of its own
    ("The probability is $\\frac{m}{n}$. Find $m + n$.", {"find", "$m+n"}),
    ("What is the value of \\(x^{2} + y\\)?", {"what", "is", "the", "value", "of", "$x^2+y"}),
    ("Find $x$ if $x + 1 = 3$.", {"find", "if"}),  # a condition follows: no expression asked
])
def test_asked_words_come_from_the_sentence_that_asks(question: str, words: set[str]) -> None:
    from harness.accuracy.labels import asked_words

    assert asked_words(question) == words
