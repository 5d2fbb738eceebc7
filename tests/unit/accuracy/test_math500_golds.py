"""Every gold answer of MATH-500 that is not a plain whole number, as the dataset writes it
(HuggingFaceH4/MATH-500, test split, `answer`: 176 distinct of its 500), through the
math500 task's grader: each written back by a model (boxed, stated, `\\dfrac`, spaces
dropped, `\\left`/`\\right` dropped) is correct, and each with one digit changed is not. Then
spellings R1-style models give for some of them, with the verdict a careful grader gives."""

from __future__ import annotations

import re
from typing import Any

import pytest

from harness.config.configs import CONFIGS

R1 = {"think_end": "</think>", "think_start": "<think>", "opens_think": True}
T = "Let me work this out step by step.</think>\n\n"


def _grader() -> Any:
    from lm_eval.tasks._yaml_loader import load_yaml

    return load_yaml(CONFIGS / "tasks" / "math500.yaml")["process_results"]

GOLDS = [
    r"\left( 3, \frac{\pi}{2} \right)", r"p - q", r"\frac{14}{3}", r"\text{Evelyn}", r"90^\circ",
    r"3\sqrt{13}", r"\frac{3}{56}", r"\sqrt{51}", r"6 - 5i", r"-50", r"\pi", r"6+9i", r"x=5",
    r"1,-2", r"-2 + 7i", r"52_8", r"11\sqrt2", r"\frac{243}{625}", r"-125", r"3, 5, 7",
    r"70 \sqrt{2}", r"1.25", r"\frac{3}{2}", r"x^5 - x^4 + x^3 - x^2 + x - 1", r"-\frac{\pi}{6}",
    r"0.15", r"(6,31,-1)", r"-256", r"\frac{35}{64}", r"x^3+3x-6", r"40_9", r"2516_8",
    r"\frac{3\sqrt{3}}{4}", r"\cot x", r"\frac{11}{36}", r"(-2,1)", r"\sqrt{5}",
    r"\frac{448}{15625}", r"1 \pm \sqrt{19}", r"\text{east}", r"2k+2",
    r"\begin{pmatrix} -1/3 \\ 2/3 \\ 5/3 \end{pmatrix}", r"145^\circ", r"(a+5)(b+2)", r"(3,4]",
    r"\frac43", r"120^\circ", r"\text{even}", r"\frac{11}{2}", r"1+274i", r"4210_{5}",
    r"\frac{3840}{289}", r"204_5", r"\frac{1}{3}", r"3 \sqrt{5}", r"(15,-29)",
    r"\frac{\sqrt{3}}{3}", r"\frac{2}{21}", r"2\sqrt{113}", r"\frac{1}{4}", r"30^\circ",
    r"\frac65", r"3.21", r"\dfrac{17}{50}", r"-\frac{35}{9}", r"-\sqrt{3}", r"\frac{4}{9}",
    r"\frac{270}7\text{ degrees}", r"\frac{13}{15}", r".0000672", r"5x - 7y + 11z + 4 = 0",
    r"(2,\infty)", r"\frac{13}{18}", r"10,\!080", r"\begin{pmatrix} -2 \\ -14 \\ -7 \end{pmatrix}",
    r"\left( \frac{3}{2}, -13 \right)", r"11,\! 111,\! 111,\! 100", r"(-1,6)", r"\frac{1}{2}",
    r"\frac{16}{27}", r"\frac{9}{256}", r"\text{(C)}", r"288 \pi", r"\frac{16}{5}",
    r"\frac{1997}{2}", r"\frac 59", r"\$32,\!348", r"-13x+3", r"\frac{10}{11}",
    r"\begin{pmatrix} -1 & 0 \\ 0 & -1 \end{pmatrix}", r"\frac{1}{8}", r"\text{(E)}",
    r"\frac{8}{21}", r"864 \mbox{ inches}^2", r"76^\circ", r"1\frac{4}{5}", r"\dfrac{33}{100}",
    r"180^\circ", r"18+2\pi", r"\sqrt{53}", r"7\pi", r"36^\circ", r"3 \pm 2 \sqrt{2}",
    r"\frac{17}{21}", r"\left(\frac{3}{5},\frac{8}{3}\right]", r"\text{(B)}",
    r"\begin{pmatrix} -18 \\ -49 \\ 96 \end{pmatrix}", r"5.4 \text{ cents}", r"\frac9{19}",
    r"(-\infty, 0]", r"1+2\sqrt{3}", r"(5,\infty)", r"12\pi", r"(2,4)", r"\frac{11+9a}{20}",
    r"-\frac{24}{25}", r"\frac{9}{100}", r"\frac{13}{6}", r"4343_6", r"2k", r"55^\circ", r"58,500",
    r"6r^2-4r-24", r"\frac{1}{16}", r"11 \sqrt{5} + 11", r"(-\sqrt{3}, \sqrt{3})",
    r"\text{ellipse}", r"\frac{7}{4}", r"16 \sqrt{3}", r"\frac14", r"(1,-16,-4,43)", r"1+2i",
    r"(8,-2)", r"(0,9) \cup (9,36)", r"\frac{20000}{\pi}", r"x \in [-2,7]", r"15x - 80",
    r"\frac{\sqrt{21}}{5}", r"\sqrt{66}", r"\frac 34", r"-\frac{3}{8}", r"\text{Navin}", r"326.5",
    r"\frac{13}{4}", r"1 - 12i", r"\begin{pmatrix} 1/5 \\ -18/5 \end{pmatrix}", r"2 \sqrt{5}",
    r"5r^5", r"2\sqrt{5}", r"\begin{pmatrix} -7 \\ 16 \\ 5 \end{pmatrix}",
    r"\begin{pmatrix} 16/49 \\ 48/49 \\ 24/49 \end{pmatrix}", r"\{1\pm\sqrt{5},-2\}", r"3R^2",
    r"6\sqrt{2}", r"4.5", r"\left[ \frac{\pi^2}{8}, \frac{5 \pi^2}{4} \right]", r".35625",
    r"(-\infty, 2) \cup (3, \infty)", r"x^8 + x^7 + x^6 + x^5 + x^4 + x^3 + x^2 + x + 1",
    r"\frac{639}{40}", r"y = 2x + 3", r"-2,1", r"\$18.90", r"75^\circ", r"8 \pi",
    r"15\mbox{ cm}^2", r"137 \frac{1}{2}", r"\frac{2}{1005}", r"8n^2 + 4n + 1", r"\frac{8}{15}",
    r"\$36", r"y = -2x", r"(2,12) \cup (12,102)", r"\frac{5}{13}", r"\frac{7}{2}", r"106^\circ",
]


def _correct(gold: str, text: str) -> bool:
    return _grader()({"answer": gold}, [[T + text]], **R1)["pass@1"] == 1.0


def _one_digit_changed(gold: str) -> str | None:
    m = re.search(r"\d", gold)
    return gold[:m.start()] + str((int(m.group()) + 1) % 10) + gold[m.end():] if m else None


def test_the_list_is_whole() -> None:
    assert len(GOLDS) == len(set(GOLDS)) == 176


@pytest.mark.parametrize("gold", GOLDS)
def test_each_gold_written_back_is_correct_and_one_digit_off_is_not(gold: str) -> None:
    bare = gold.replace("\\left", "").replace("\\right", "")
    display = gold.replace("\\frac", "\\dfrac")
    for text in (f"\\boxed{{{gold}}}", f"The final answer is ${gold}$.", f"**Answer:** ${gold}$",
                 f"So the answer is $\\boxed{{{display}}}$.",
                 f"\\boxed{{{gold.replace(' ', '')}}}", f"\\[\\boxed{{{bare}}}\\]"):
        assert _correct(gold, text), text
    wrong = _one_digit_changed(gold)
    if wrong:
        assert not _correct(gold, f"\\boxed{{{wrong}}}")
        assert not _correct(gold, f"The final answer is ${wrong}$.")


def _boxed(value: str) -> str:
    return f"The answer is $\\boxed{{{value}}}$."


# (gold, what the model boxed, correct)
SPELLINGS = [
    (r"x=5", "5", True), (r"x=5", "x = 5", True), (r"x=5", "5, -1", False),
    (r"90^\circ", "90", True), (r"90^\circ", "90°", True),
    (r"90^\circ", r"90 \text{ degrees}", True),
    (r"\text{Evelyn}", "Evelyn", True), (r"\text{Evelyn}", r"\textbf{Evelyn}", True),
    (r"52_8", "52", True), (r"52_8", "52_{8}", True), (r"52_8", "42", False),
    (r"1,-2", "-2, 1", True), (r"1,-2", "1, 2", False), (r"1,-2", "1", False),
    (r"\$32,\!348", "32348", True), (r"\$32,\!348", r"\$32{,}348", True),
    (r"\$32,\!348", "32347", False),
    (r"5.4 \text{ cents}", "5.4", True), (r"864 \mbox{ inches}^2", r"864 \text{ in}^2", True),
    (r"\frac{270}7\text{ degrees}", r"\dfrac{270}{7}^\circ", True),
    (r"\frac{270}7\text{ degrees}", r"38\frac{4}{7}", True),
    (r"\frac{270}7\text{ degrees}", "38.57", False),
    (r"x \in [-2,7]", "[-2, 7]", True), (r"x \in [-2,7]", r"-2 \le x \le 7", True),
    (r"x \in [-2,7]", "(-2,7)", False),
    (r"3 \pm 2 \sqrt{2}", r"3 + 2\sqrt{2}, 3 - 2\sqrt{2}", True),
    (r"3 \pm 2 \sqrt{2}", r"3 + 2\sqrt{2}", False),
    (r"\{1\pm\sqrt{5},-2\}", r"-2, 1 \pm \sqrt{5}", True),
    (r"\{1\pm\sqrt{5},-2\}", r"\{1+\sqrt{5}, -2\}", False),
    (r"\cot x", r"\frac{\cos x}{\sin x}", True), (r"\cot x", r"\tan x", False),
    (r"11 \sqrt{5} + 11", r"11(1+\sqrt{5})", True),
    (r"5x - 7y + 11z + 4 = 0", "-5x + 7y - 11z - 4 = 0", True),
    (r"5x - 7y + 11z + 4 = 0", "5x - 7y + 11z - 4 = 0", False),
    (r"y = -2x", "2x + y = 0", True), (r"y = -2x", "y = 2x", False),
    (r"\text{(C)}", "C", True), (r"\text{(C)}", r"\text{(C) Plane}", True),
    (r"\text{(C)}", r"\text{Plane}", False), (r"\text{(C)}", "C, D", False),
    (r"137 \frac{1}{2}", r"137 \tfrac12", True), (r"137 \frac{1}{2}", "137.5", True),
    (r"137 \frac{1}{2}", "137", False), (r"1\frac{4}{5}", r"\frac{9}{5}", True),
    (r"1\frac{4}{5}", r"\frac45", False),
    (r"\begin{pmatrix} -1/3 \\ 2/3 \\ 5/3 \end{pmatrix}",
     r"\begin{pmatrix} -\frac{1}{3} \\ \frac{2}{3} \\ \frac{5}{3} \end{pmatrix}", True),
    (r"\begin{pmatrix} -1/3 \\ 2/3 \\ 5/3 \end{pmatrix}",
     r"\left(-\frac13, \frac23, \frac53\right)", True),
    (r"\begin{pmatrix} -7 \\ 16 \\ 5 \end{pmatrix}",
     r"\begin{pmatrix} 16 \\ -7 \\ 5 \end{pmatrix}", False),
    (r"\left[ \frac{\pi^2}{8}, \frac{5 \pi^2}{4} \right]", r"[\pi^2/8, 5\pi^2/4]", True),
    (r"\left[ \frac{\pi^2}{8}, \frac{5 \pi^2}{4} \right]",
     r"\left(\frac{\pi^2}{8}, \frac{5\pi^2}{4}\right]", False),
    (r"(2,\infty)", r"(2,+\infty)", True), (r"(2,\infty)", r"[2, \infty)", False),
    (r"8n^2 + 4n + 1", "1 + 4n + 8n^2", True), (r"2k", "2", False),
    (r"\text{east}", "East", True), (r"\text{east}", "west", False),
    (r"\text{ellipse}", r"\text{an ellipse}", True), (r"\text{even}", r"\text{neither}", False),
    (r"11,\! 111,\! 111,\! 100", "11,111,111,100", True),
    (r"\$18.90", "18.9", True), (r"\$18.90", "18.80", False),
    (r"\$36", r"36 \text{ dollars}", True),
    (r"15\mbox{ cm}^2", r"15\,\text{cm}^2", True), (r"4210_{5}", "4210", True),
    (r"\left( \frac{3}{2}, -13 \right)", "(1.5, -13)", True), (r"(8,-2)", "(-2,8)", False),
    (r"3, 5, 7", "7, 5, 3", True), (r"3, 5, 7", "3, 7", False),
    (r"(-\infty, 2) \cup (3, \infty)", r"x < 2 \text{ or } x > 3", True),
    (r"(-\infty, 2) \cup (3, \infty)", r"(-\infty,2] \cup [3,\infty)", False),
    (r"-\frac{\pi}{6}", r"-30^\circ", True), (r"-\frac{\pi}{6}", r"\frac{11\pi}{6}", False),
    (r"\frac{1}{3}", r"0.\overline{3}", True), (r"\frac{1}{3}", "0.333", False),
    (r"3\sqrt{13}", r"\sqrt{117}", True), (r"3\sqrt{13}", "10.82", False),
    (r"x^8 + x^7 + x^6 + x^5 + x^4 + x^3 + x^2 + x + 1", r"\frac{x^9-1}{x-1}", True),
]


@pytest.mark.parametrize("gold,boxed,correct", SPELLINGS)
def test_a_models_spelling_of_a_gold_gets_the_careful_verdict(gold: str, boxed: str,
                                                              correct: bool) -> None:
    assert _correct(gold, _boxed(boxed)) == correct
