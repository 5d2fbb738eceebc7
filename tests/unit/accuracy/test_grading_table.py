"""Realistic R1/QwQ-style generations, each with the verdict a careful grader gives, run
through the grading functions the project's task YAMLs name (resolved from the YAMLs)."""

from __future__ import annotations

from typing import Any

import pytest

from harness.accuracy import answers, equivalence
from harness.config.configs import CONFIGS

R1 = {"think_end": "</think>", "think_start": "<think>", "opens_think": True}
PLAIN = {"think_end": "</think>", "think_start": "<think>", "opens_think": False}
T = "Let me work through this carefully. First, 3 + 4 = 7, and (2, 4) is a point.</think>\n\n"


def grader(task: str) -> Any:
    from lm_eval.tasks._yaml_loader import load_yaml

    return load_yaml(CONFIGS / "tasks" / f"{task}.yaml")["process_results"]


# (task, gold, generation, correct): math500 and gsm8k read doc["answer"] (GSM8K's after
# "####"), aime24 doc["Answer"], gpqa_diamond doc["gold"].
CASES = [
    # tuples, intervals, sets, unions, several roots: the gold is never edited
    ("math500", "(2,4)", T + "The intersection is $\\boxed{(2,4)}$.", True),
    ("math500", "(2,4)", T + "So the point is \\boxed{(2, 4)}", True),
    ("math500", "(2,4)", T + "\\boxed{(4,2)}", False),
    ("math500", "\\left( 3, \\frac{\\pi}{2} \\right)", T + "\\boxed{(3, \\frac{\\pi}{2})}", True),
    ("math500", "\\left( 3, \\frac{\\pi}{2} \\right)", T + "\\boxed{(3, \\pi)}", False),
    ("math500", "[-2,7]", T + "The range is \\boxed{[-2, 7]}.", True),
    ("math500", "[-2,7]", T + "The range is \\boxed{(-2, 7)}.", False),
    ("math500", "(-\\infty,-2)\\cup(3,\\infty)", T + "\\boxed{(-\\infty, -2) \\cup (3, \\infty)}",
     True),
    ("math500", "(-\\infty,-2)\\cup(3,\\infty)", T + "\\boxed{(-\\infty, -2)}", False),
    # the same set written as an inequality (math-verify's allow_set_relation_comp)
    ("math500", "[-2,7]", T + "So \\boxed{-2 \\le x \\le 7}.", True),
    ("math500", "[-2,7]", T + "So \\boxed{-2 < x \\le 7}.", False),
    # a gold written as relations: the set they describe, as an answer's are
    ("math500", "x \\le 2 \\text{ or } x \\ge 3", T + "\\boxed{(-\\infty, 2] \\cup [3, \\infty)}",
     True),
    ("math500", "x \\le 2 \\text{ or } x \\ge 3", T + "\\boxed{(-\\infty, 2) \\cup [3, \\infty)}",
     False),
    # a ratio or a time in plain text is whole, not its last number
    ("math500", "3:2", T + "So the ratio of red to blue marbles is 3:2.", True),
    ("math500", "2", T + "So the ratio of red to blue marbles is 3:2.", False),
    ("math500", "9:30 \\text{ a.m.}", T + "The train arrives at 9:30 a.m.", True),
    ("math500", "30", T + "The train arrives at 9:30 a.m.", False),
    ("math500", "4 \\text{ p.m.}", T + "So they meet at 4 a.m.", False),
    ("math500", "4 \\text{ p.m.}", T + "So they meet at **4 PM**.", True),
    # digit groups inside LaTeX, in the answer or the gold
    ("math500", "\\frac{20000}{\\pi}", T + "\\boxed{\\frac{20,000}{\\pi}}", True),
    ("math500", "\\frac{20000}{\\pi}", T + "\\boxed{\\frac{20{,}000}{\\pi}}", True),
    ("math500", "10\\,000\\pi", T + "\\boxed{10000\\pi}", True),
    ("math500", "10\\,000\\pi", T + "\\boxed{0}", False),
    ("math500", "\\text{no solution}", T + "\\boxed{\\emptyset}", True),
    ("math500", "\\emptyset", T + "There is \\boxed{\\text{no real solution}}.", True),
    ("math500", "0", T + "\\boxed{\\text{no solution}}", False),
    ("math500", "5", T + "\\boxed{5 = n}", True),
    ("math500", "5", T + "\\boxed{6 = n}", False),
    ("math500", "\\frac{1}{2}", T + "\\boxed{\\left. \\frac{1}{2} \\right.}", True),
    # values given to variables out of alphabetical order: in that order too
    ("math500", "(1,-2)", T + "\\boxed{y = -2, x = 1}", True),
    ("math500", "(1,-2)", T + "\\boxed{y = 1, x = -2}", False),
    ("math500", "(1,-2)", T + "\\boxed{x = -2, y = 1}", False),
    ("math500", "(\\frac{1}{2}, 3)", T + "\\boxed{b = 3 \\text{ and } a = \\frac{1}{2}}", True),
    ("math500", "1000", T + "\\boxed{\\num{1000}}", True),
    ("math500", "5", T + "The rod is \\boxed{\\SI{5}{\\meter}} long.", True),
    ("math500", "5", T + "\\boxed{\\SI{6}{\\meter}}", False),
    # no digit anywhere: a number in words that ends the last sentence
    ("aime24", "73", T + "So the number of such pairs is seventy-three.", True),
    ("aime24", "73", T + "So the number of such pairs is seventy-two.", False),
    ("math500", "0", T + "This is a nice problem.", False),
    # Chinese answer words and punctuation, which QwQ and the R1 distills drift into
    ("math500", "5", T + "答案是5，不是6。", True),
    ("math500", "6", T + "答案是5，不是6。", False),
    ("math500", "5", T + "因此，答案是 5。验证：5+1=6。", True),
    ("math500", "\\frac{1}{2}", T + "最终答案：$\\frac{1}{2}$", True),
    # Unicode vulgar fractions
    ("math500", "\\frac{3}{2}", T + "It takes $\\boxed{1½}$ hours.", True),
    ("math500", "0.75", T + "So the answer is ¾.", True),
    # set-builder notation: the set its condition describes
    ("math500", "(0,\\infty)", T + "\\boxed{\\{x \\mid x > 0\\}}", True),
    ("math500", "(0,\\infty)", T + "\\boxed{\\{x \\in \\mathbb{R} : x > 1\\}}", False),
    ("math500", "(-\\infty,0)\\cup(1,\\infty)",
     T + "\\boxed{\\{x \\mid x < 0 \\text{ or } x > 1\\}}", True),
    ("math500", "(-\\infty,3]", T + "\\boxed{x \\leq 3}", True),
    ("math500", "(-\\infty,3]", T + "\\boxed{x < 3}", False),
    ("math500", "(-\\infty,0)\\cup(0,\\infty)", T + "\\boxed{x \\neq 0}", True),
    ("math500", "3", T + "\\boxed{x \\le 3}", False),
    # the positive reals, set differences and ISO 31-11's reversed brackets, as intervals
    ("math500", "(0,\\infty)", T + "The range is $\\mathbb{R}^+$.", True),
    ("math500", "(0,\\infty)", T + "\\boxed{\\mathbb{R}_{>0}}", True),
    ("math500", "[0,\\infty)", T + "\\boxed{\\mathbb{R}^+}", False),
    ("math500", "[0,\\infty)", T + "\\boxed{\\mathbb{R}_{\\geq 0}}", True),
    ("math500", "(-\\infty,0)", T + "\\boxed{\\mathbb{R}^-}", True),
    ("math500", "(-\\infty,1)\\cup(1,\\infty)", T + "\\boxed{\\mathbb{R} \\backslash \\{1\\}}",
     True),
    ("math500", "(-\\infty,1)\\cup(1,\\infty)", T + "\\boxed{\\mathbb{R} - \\{1\\}}", True),
    ("math500", "(-\\infty,1)\\cup(1,\\infty)", T + "\\boxed{\\mathbb{R} - \\{-1\\}}", False),
    ("math500", "(-\\infty,1)\\cup(1,\\infty)", T + "\\boxed{x \\in \\mathbb{R}, x \\neq 1}", True),
    # a bound is no number: "\\geq 5" and "5 or more" are x >= 5 (math-verify alone: 5)
    ("math500", "5", T + "\\boxed{\\geq 5}", False),
    ("math500", "(-\\infty, 5)", T + "\\boxed{< 5}", True),
    ("math500", "[5,\\infty)", T + "\\boxed{\\geq 5}", True),
    ("math500", "5", T + "\\boxed{\\text{5 or more}}", False),
    ("math500", "[5,\\infty)", T + "\\boxed{\\text{5 or more}}", True),
    ("math500", "3", T + "The answer is 3 or fewer.", False),
    ("math500", "(1,5)", T + "The solution set is $]1, 5[$.", True),
    ("math500", "(1,5)", T + "\\boxed{x \\in ]1,5[}", True),
    ("math500", "[1,5)", T + "\\boxed{[1,5[}", True),
    ("math500", "[1,5]", T + "\\boxed{[1,5[}", False),
    ("math500", "(-\\infty,-2)\\cup(2,\\infty)", T + "\\boxed{]-\\infty, -2[ \\cup ]2, +\\infty[}",
     True),
    ("math500", "(-\\infty,-2]\\cup[3,\\infty)", T + "\\boxed{x \\le -2 \\text{ or } x \\ge 3}",
     True),
    ("math500", "(-\\infty,-2]\\cup[3,\\infty)", T + "So $x < -2$ or $x \\ge 3$: \\boxed{x < -2, "
     "x \\ge 3}", False),
    ("math500", "(-\\infty,-2]\\cup[3,\\infty)", T + "\\boxed{x \\le -2, y \\ge 3}", False),
    ("math500", "-2,1", T + "The roots are \\boxed{-2} and \\boxed{1}.", True),
    ("math500", "-2,1", T + "The solutions are \\boxed{1, -2}.", True),
    ("math500", "-2,1", T + "\\boxed{-2}", False),
    ("math500", "\\{1,2\\}", T + "\\boxed{\\{1, 2\\}}", True),
    ("math500", "(1,2,3)", T + "\\boxed{(1,2,3)}", True),
    ("math500", "(-\\infty, 0]", T + "\\boxed{(-\\infty,0]}", True),
    ("math500", "(-\\infty, 0]", T + "\\boxed{(-\\infty,0)}", False),
    # text, degrees, percents, currency, complex numbers, matrices, equations
    ("math500", "\\text{Evelyn}", T + "\\boxed{\\text{Evelyn}}", True),
    ("math500", "\\text{(C)}", T + "\\boxed{\\text{(C)}}", True),
    ("math500", "5", T + "The probability is \\boxed{5\\%}.", True),
    ("math500", "5\\%", T + "\\boxed{5\\%}", True),
    ("math500", "18\\%", T + "\\boxed{0.18}", True),  # a percent's value is its other reading
    ("math500", "\\frac{1}{4}", T + "The probability is \\boxed{25\\%}.", True),
    ("math500", "0.18", T + "\\boxed{18}", False),  # no percent sign: never hundredths
    ("math500", "18\\%", T + "\\boxed{1800}", False),
    ("math500", "18\\%", T + "\\boxed{0.19}", False),
    # a scale word has both readings too: 2 (a question in millions) and 2000000
    ("gsm8k", "#### 2000000", T + "So the company earns \\boxed{2\\text{ million}} dollars.", True),
    ("gsm8k", "#### 2000000", T + "The answer is 2 million dollars.", True),
    ("gsm8k", "#### 2", T + "The answer is 2 million dollars.", True),
    ("gsm8k", "#### 1500000000", T + "\\boxed{\\$1.5 \\text{ billion}}", True),
    ("gsm8k", "#### 2000", T + "\\boxed{2\\text{ million}}", False),
    ("gsm8k", "#### 2000000", T + "\\boxed{2}", False),  # a bare number is never scaled
    # a whole answer in number words is its number (Qwen2.5-Math's grader converts them too)
    ("gsm8k", "#### 5", T + "The answer is five.", True),
    ("math500", "23", T + "\\boxed{\\text{Twenty-three}}", True),
    ("gsm8k", "#### 105", T + "The answer is one hundred and five.", True),
    ("gsm8k", "#### 2300", T + "**Final Answer:** two thousand three hundred", True),
    ("math500", "\\text{five}", T + "\\boxed{5}", True),
    ("gsm8k", "#### 56", T + "The answer is five six.", False),
    ("gsm8k", "#### 6", T + "The answer is five.", False),
    ("math500", "(-\\infty,\\infty)", T + "\\boxed{\\text{all real numbers}}", True),
    # a program's scientific notation (math-verify alone: 3 * e * 5)
    ("gsm8k", "#### 300000", T + "The answer is 3e5.", True),
    ("math500", "0.00012", T + "\\boxed{1.2E-4}", True),
    ("math500", "0.00012", T + "\\boxed{1.2e-5}", False),
    ("math500", "(0,\\infty)", T + "\\boxed{\\text{all real numbers}}", False),
    ("math500", "10^\\circ", T + "\\boxed{10^\\circ}", True),
    # a trigonometric function of degrees (math-verify alone: sin of 60 radians)
    ("math500", "\\sin 60^\\circ", T + "\\boxed{\\frac{\\sqrt{3}}{2}}", True),
    ("math500", "\\frac{1}{4}", T + "\\boxed{\\sin^2 30^\\circ}", True),
    ("math500", "1", T + "\\boxed{\\tan(45°)}", True),
    ("math500", "\\sin 60^\\circ", T + "\\boxed{\\sin 61^\\circ}", False),
    ("math500", "\\sin 60^\\circ", T + "\\boxed{\\frac{1}{2}}", False),
    ("math500", "30^\\circ", T + "\\boxed{30}", True),
    # one angle in degrees and in radians (a bare number is no angle in degrees)
    ("math500", "\\frac{\\pi}{3}", T + "The angle is $\\boxed{60^\\circ}$.", True),
    ("math500", "60^\\circ", T + "\\boxed{\\frac{\\pi}{3}}", True),
    ("math500", "\\frac{\\pi}{8}", T + "\\boxed{22.5 \\text{ degrees}}", True),
    ("math500", "\\frac{\\pi}{3}", T + "\\boxed{30^\\circ}", False),
    ("math500", "\\frac{\\pi}{3}", T + "\\boxed{60}", False),
    ("math500", "60", T + "\\boxed{\\frac{\\pi}{3}}", False),
    ("math500", "\\$32,\\!348", T + "\\boxed{32348}", True),
    ("math500", "\\$32,\\!348", T + "\\boxed{\\$32,348}", True),
    ("math500", "6 - 5i", T + "\\boxed{6-5i}", True),
    ("math500", "6 - 5i", T + "\\boxed{6+5i}", False),
    # complex numbers however spaced or written (math-verify's i is a symbol whose realness
    # follows the spacing: "5 i" and "5i" were different numbers)
    ("math500", "6 - 5i", T + "\\boxed{6 - 5 i}", True),
    ("math500", "\\frac{3}{5} + \\frac{4}{5}i", T + "\\boxed{\\frac{3+4i}{5}}", True),
    ("math500", "\\frac{\\sqrt{2}}{2} + \\frac{\\sqrt{2}}{2} i", T + "\\boxed{e^{i\\pi/4}}", True),
    ("math500", "2i", T + "\\boxed{(1+i)^2}", True),
    ("math500", "-i", T + "\\boxed{\\frac{1}{i}}", True),
    ("math500", "-1", T + "\\boxed{i^2}", True),
    ("math500", "1 + 2i", T + "\\boxed{z = 1 + 2 i}", True),
    ("math500", "6 - 5i", T + "\\boxed{6 - 5 i^2}", False),
    ("math500", "1 - i", T + "\\boxed{1 + i}", False),
    ("math500", "1 + 2i", T + "\\boxed{1 + 2\\mathrm{i}}", True),  # math-verify alone: 3
    ("math500", "3", T + "\\boxed{1 + 2\\mathrm{i}}", False),
    ("math500", "1 + 2i", T + "\\boxed{1 + 2{\\rm i}}", True),
    ("math500", "2e", T + "\\boxed{2\\mathrm{e}}", True),  # math-verify alone: 2
    ("math500", "2", T + "\\boxed{2\\mathrm{e}}", False),
    ("math500", "\\frac{e}{2}", T + "\\boxed{\\frac{\\mathrm{e}}{2}}", True),
    # roman i and e in the gold too (math-verify alone read 1 - \frac{1}{\mathrm{e}} as 0)
    ("math500", "1 - \\frac{1}{\\mathrm{e}}", T + "\\boxed{1 - \\frac{1}{e}}", True),
    ("math500", "1 - \\frac{1}{\\mathrm{e}}", T + "\\boxed{1 - \\frac{1}{\\mathrm{e}}}", True),
    ("math500", "1 - \\frac{1}{\\mathrm{e}}", T + "\\boxed{0}", False),
    ("math500", "1 - \\frac{1}{\\mathrm{e}}", T + "\\boxed{1 + \\frac{1}{e}}", False),
    ("math500", "2\\mathrm{i}", T + "\\boxed{2}", False),
    ("math500", "1 + 2i", T + "\\boxed{x \\neq}", False),  # unparseable: a verdict, not a crash
    ("math500", "3", T + "\\boxed{2i \\le}", False),
    # lm-eval's Minerva format, "Final Answer: The final answer is $X$. I hope it is correct."
    ("math500", "\\frac{1}{2}",
     T + "Final Answer: The final answer is $\\frac{1}{2}$. I hope it is correct.", True),
    ("math500", "(-6, 10)",
     T + "Final Answer: The final answer is \\((-6, 10)\\). I hope it is correct.", True),
    ("math500", "2", T + "Final Answer: The final answer is $\\frac{1}{2}$. I hope it is "
     "correct.", False),
    # a stated sentence with one value states that value; with two it states no single one
    ("gsm8k", "#### 120", T + "Final Answer: The volume of the box is 120. I hope it is correct.",
     True),
    ("gsm8k", "#### 3", T + "Answer: Jane started growing the plant 3 hours ago.", True),
    ("math500", "34", T + "Final Answer: The largest $n$ is 34.", True),
    ("math500", "4", T + "Final Answer: The minimum is 4, attained at $x = 2$.", True),
    # without a box or a statement: a last clause that says where the value is reached
    ("math500", "4", T + "The minimum value is $4$, attained at $x = 2$.", True),
    ("math500", "2", T + "The minimum is attained at $x = 2$.", True),
    # one variable's values listed in plain text are the answer, as they are in $...$
    ("math500", "5, -3", T + "So x = 5 or x = -3.", True),
    ("math500", "-3", T + "So x = 5 or x = -3.", False),
    ("math500", "3", T + "We get x = 2 and y = 3.", True),  # two variables: the last value
    # a closing check that names the value before it is no new value
    ("gsm8k", "#### 12", T + "The result is 12. Note that 12 = 3 * 4.", True),
    ("gsm8k", "#### 5", T + "x = 5. Check: 2*5 - 3 = 7.", True),
    ("gsm8k", "#### 3", T + "We need more than 5. Let's check each n: n=1 gives 3, n=2 gives "
     "5, n=3 gives 7. So n = 3.", True),  # a check that concludes is read
    ("math500", "5", T + "It first exceeds 100 when $n = 5$.", True),
    ("math500", "3", T + "Answer: The roots are 2 and 3.", False),
    ("math500", "8", T + "Answer: It is either 7 or 8.", False),
    # statements one after another, nothing between them: no single answer
    ("math500", "6", T + "Answer: 5\nAnswer: 6", False),
    ("math500", "6", T + "**Answer:** 5\n**Final Answer:** 6", False),
    ("math500", "5", T + "**Final Answer:** 5\n**Final Answer:** 5.0", True),
    ("math500", "6", T + "Answer: 5\nWait, 5 double counts.\nAnswer: 6", True),
    ("math500", "20", T + "If order mattered, the answer would be 10.\nAnswer: 20", True),
    ("math500", "6", T + "The answer is 12 if we count order.\nThe answer is 6 since it does "
     "not matter.", True),
    ("math500", "6", T + "Answer: 5\nActually, the answer is 6.", True),
    ("math500", "\\text{Evelyn}", T + "Answer: Evelyn", True),
    ("gsm8k", "#### 42", T + "The final answer is therefore 42.", True),
    ("gsm8k", "#### 18", T + "She sells 9 eggs at $2.\n#### 18\n\nWe used 3 eggs for muffins.",
     True),  # GSM8K's own answer marker
    ("gsm8k", "#### 42", T + "So the answer is simply $42$.", True),
    # the words in a LaTeX wrapper: its closing brace is no part of the value
    ("math500", "\\frac{1}{2}", T + "\\textbf{Final Answer:} $\\frac{1}{2}$", True),
    ("gsm8k", "#### 5", T + "\\textbf{Answer:} 5 pencils were left over, since 3 + 2 = 5.", True),
    # a "final answer" statement after the boxes has the last word (boxes of partial results)
    ("gsm8k", "#### 10455", T + "so $\\boxed{200}$, then $\\boxed{255}$. Final Answer: The final "
     "answer is $10,455$. I hope it is correct.", True),
    ("gsm8k", "#### 200", T + "so $\\boxed{200}$. The final answer is 10455.", False),
    # an answer statement between boxes: the boxes after it are the answer
    ("math500", "143", T + "Up to 2000 there are $\\boxed{285}$ multiples of 7, so the answer is "
     "$\\boxed{143}$.", True),
    ("math500", "2,3", T + "The solutions are $\\boxed{2}$ and $\\boxed{3}$.", True),
    # a conclusion that combines values into the last box: that box; a plain one, a list
    ("aime24", "33", T + "$\\boxed{\\frac{25}{8}}$, so $m+n = \\boxed{33}$.", True),
    ("math500", "2, 3", T + "$x = \\boxed{2}$, so $y = \\boxed{3}$.", True),
    ("math500", "\\frac67", T + "Area: $\\boxed{12}$. Perimeter: $\\boxed{14}$.\n\nSo the ratio "
     "is $\\frac{12}{14} = \\boxed{\\frac{6}{7}}$.", True),
    ("math500", "2, 3", T + "$x_1 = \\boxed{2}$, so $x_2 = \\boxed{3}$.", True),
    # a conclusion that names the boxes before it as one tuple: the tuple
    ("math500", "(-2,1)", T + "So $a = \\boxed{-2}$ and $b = \\boxed{1}$, i.e. $(a, b) = "
     "\\boxed{(-2, 1)}$.", True),
    ("math500", "(6,31,-1)", T + "$p = \\boxed{6}$, $q = \\boxed{31}$, $r = \\boxed{-1}$, so "
     "$\\left(p, q, r\\right) = \\boxed{(6, 31, -1)}$.", True),
    ("math500", "(1,2,3)", T + "$x = \\boxed{1}$, and $(y, z) = \\boxed{(2, 3)}$.", False),
    # a stray closing tag after the answer: the answer before it
    ("math500", "7", "Thinking.</think>\n\nSo $\\boxed{7}$.</think>", True),
    ("math500", "7", "Thinking \\boxed{7}.</think>\n\n", False),
    # a box the words after it take back, however they say so
    ("math500", "4", T + "$\\boxed{3}$ is not right; let me reconsider. Final: $\\boxed{4}$.",
     True),
    ("math500", "4", T + "So $\\boxed{3}$. Hmm, on second thought, it is $\\boxed{4}$.", True),
    ("math500", "4", T + "So $\\boxed{3}$. Hold on, I miscounted: $\\boxed{4}$.", True),
    ("math500", "3", T + "So $\\boxed{3}$. Hold on, I miscounted: $\\boxed{4}$.", False),
    ("math500", "4", T + "So $\\boxed{3}$. Double-checking, recounting gives $\\boxed{4}$.",
     True),
    # a box that says where the answer is reached is no part of it, unless every box does
    # a counterfactual box after the answer is no part of it
    ("math500", "1", T + "\\boxed{1}.\n\n**Note:** if negative values were allowed, the answer "
     "would be \\boxed{-1}.", True),
    ("math500", "-1", T + "\\boxed{1}.\n\n**Note:** if negative values were allowed, the answer "
     "would be \\boxed{-1}.", False),
    ("math500", "6", T + "The answer is \\boxed{6}. Had order mattered, it would be \\boxed{12}.",
     True),
    ("aime24", "73", T + "$\\boxed{73}$. But wait, if we consider ordered pairs, it'd be "
     "$\\boxed{146}$. However, the question asks for unordered ones, so $\\boxed{73}$.", True),
    ("math500", "6", T + "\\boxed{6}. If we counted the empty set too, it would be \\boxed{7}.",
     True),
    ("math500", "12", T + "If the question meant ordered pairs, the answer would be "
     "\\boxed{12}.", True),  # the only box: its answer
    ("math500", "4", T + "The minimum value is $\\boxed{4}$, attained at $x = \\boxed{2}$.",
     True),
    ("math500", "4", T + "When $x = \\boxed{2}$, the minimum value is $\\boxed{4}$.", True),
    ("math500", "10", T + "The maximum $\\boxed{10}$ occurs at $\\boxed{a = 3}$.", True),
    ("math500", "2", T + "The minimum value is $\\boxed{4}$, attained at $x = \\boxed{2}$.",
     False),
    ("math500", "2,3", T + "It holds when $x = \\boxed{2}$ or when $x = \\boxed{3}$.", True),
    ("math500", "-2,1", T + "So $x = \\boxed{-2}$ and $x = \\boxed{1}$.", True),
    ("math500", "4", T + "The minimum is $\\boxed{4}$, attained at $x = \\boxed{2}$ and "
     "$y = \\boxed{3}$.", True),
    ("math500", "(2,3)", T + "We arrive at $x = \\boxed{2}$ and $y = \\boxed{3}$.", True),
    ("math500", "2,3", T + "It is $y = 2x + 3$, where $m = \\boxed{2}$ and $b = \\boxed{3}$.",
     True),
    ("math500", "12", T + "The answer is $\\boxed{12}$, where $k = \\boxed{3}$.", True),
    # a total of the boxes before it: the last box alone (partial results before it)
    ("math500", "30", T + "$\\boxed{12}$ for the first case and $\\boxed{18}$ for the second, "
     "so in total $\\boxed{30}$.", True),
    ("math500", "7", T + "There are $\\boxed{3}$ red and $\\boxed{4}$ blue, so $\\boxed{7}$ "
     "balls altogether.", True),
    ("math500", "3, 4", T + "There are $\\boxed{3}$ red and $\\boxed{4}$ blue.", True),
    ("math500", "2,3", T + "So $x = \\boxed{2}$ or $x = \\boxed{3}$.\n\n**Final Answer**\n"
     "$\\boxed{2}$, $\\boxed{3}$", True),
    ("gpqa_diamond", "C", T + "\\boxed{A} fails the units test, so the answer is \\boxed{C}.",
     True),
    ("math500", "(1,2)", T + "\\boxed{(1,2)}\n\nThe final answer is the pair above.", True),
    ("math500", "12\\text{ and }13", T + "between $\\boxed{12 $ and $13 }. $ Final Answer: The "
     "final answer is \"$12 $ and $13 $\". I hope it is correct.", True),
    # a decimal written from its point, SI digit groups in prose
    ("gsm8k", "#### 0.4", T + "So the probability is .4", True),
    ("gsm8k", "#### 4", T + "So the probability is .4", False),
    ("gsm8k", "#### 1000", T + "so we get 1 000", True),
    ("gsm8k", "#### 0", T + "so we get 1 000", False),
    # a residue with its modulus (math-verify alone: 3 \pmod 7 is 3 +- 7*d*o, 3 \bmod 7 is 7)
    ("math500", "3", T + "\\boxed{3 \\pmod{7}}", True),
    ("math500", "3", T + "\\boxed{3 \\bmod 7}", True),
    ("math500", "3", T + "So the remainder is $3 \\ (\\text{mod } 7)$.", True),
    ("math500", "7", T + "\\boxed{3 \\pmod{7}}", False),
    ("math500", "3", T + "\\boxed{4 \\pmod 7}", False),
    # small decimals compared to their own significant digits (math-verify alone rounds both
    # to 6 places, so 0.000067 was .0000672 and 3e-7 was 1e-7)
    ("math500", ".0000672", T + "\\boxed{0.000067}", False),
    ("math500", ".0000672", T + "\\boxed{0.0000672}", True),
    ("math500", ".0000672", T + "\\boxed{6.72 \\times 10^{-5}}", True),
    ("math500", "0.0000003", T + "\\boxed{0.0000001}", False),
    ("math500", "0", T + "\\boxed{0.0}", True),
    # repeating decimals (math-verify alone reads 0.\overline{54} as 0) and the empty set
    ("math500", "\\frac{6}{11}", T + "\\boxed{0.\\overline{54}}", True),
    ("math500", "0.\\overline{54}", T + "\\boxed{\\frac{6}{11}}", True),
    ("math500", "0.\\overline{54}", T + "\\boxed{0.\\overline{45}}", False),
    ("math500", "0", T + "\\boxed{0.\\overline{3}}", False),
    ("math500", "\\frac{1}{6}", T + "\\boxed{0.1\\overline{6}}", True),
    ("math500", "\\emptyset", T + "\\boxed{\\varnothing}", True),
    # LaTeX's spacing commands (math-verify alone cannot parse \hspace)
    ("math500", "5", T + "\\boxed{\\hspace{1em}5}", True),
    # TeX's unbraced arguments (math-verify alone splits \frac\pi2 into \frac{\}{p}i2)
    ("math500", "\\frac{\\pi}{2}", T + "\\boxed{\\frac\\pi2}", True),
    ("math500", "\\frac\\pi4", T + "\\boxed{\\dfrac{\\pi}{4}}", True),
    ("math500", "\\frac\\pi4", T + "\\boxed{\\frac\\pi3}", False),
    ("math500", "\\sqrt{\\pi}", T + "\\boxed{\\sqrt\\pi}", True),
    # bold with a command inside, underline
    ("math500", "\\frac{1}{2}", T + "\\boxed{\\mathbf{\\frac{1}{2}}}", True),
    ("math500", "7", T + "\\boxed{\\underline{7}}", True),
    ("math500", "7", T + "\\boxed{\\boldsymbol{8}}", False),
    # SI-style thousands: TeX ignores the space, math-verify alone reads 10 * 000 = 0
    ("math500", "10000", T + "\\boxed{10 000}", True),
    ("math500", "0", T + "\\boxed{10 000}", False),
    ("math500", "12345.5", T + "The answer is 12 345.5.", True),
    ("math500", "23", T + "\\boxed{2 3}", False),
    ("math500", "\\text{Emily}", T + "\\boxed{\\text{Emliy}}", False),
    # words in a text wrapper, however spaced and wrapped (math-verify alone: products of letters)
    ("math500", "\\text{June 20}", T + "\\boxed{\\text{June } 20}", True),
    ("math500", "\\text{June 20}", T + "\\boxed{\\text{June 21}}", False),
    ("math500", "\\text{11:00 a.m.}", T + "\\boxed{11:00 \\text{ a.m.}}", True),
    ("math500", "\\text{11:00 a.m.}", T + "\\boxed{11:00 \\text{ p.m.}}", False),
    ("math500", "2:30 \\text{ p.m.}", T + "\\boxed{\\text{2:30 PM}}", True),
    ("math500", "2:30 \\text{ p.m.}", T + "\\boxed{\\text{2:30 AM}}", False),
    ("math500", "\\text{no solution}", T + "\\boxed{\\text{No solutions}}", True),
    ("math500", "\\text{odd}", T + "\\boxed{\\text{odds}}", False),
    ("math500", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}",
     T + "\\boxed{\\begin{pmatrix}1\\\\2\\end{pmatrix}}", True),
    # a vector as a column, a tuple or in angle brackets (math-verify alone: never equal)
    ("math500", "\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}", T + "\\boxed{(2, -1)}", True),
    ("math500", "\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}", T + "\\boxed{\\langle 2, -1 \\rangle}",
     True),
    ("math500", "\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}", T + "\\boxed{(-1, 2)}", False),
    ("math500", "\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}", T + "\\boxed{<2, -1>}", True),
    ("math500", "\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}", T + "\\boxed{⟨2, -1⟩}", True),
    ("math500", "\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}", T + "\\boxed{<-1, 2>}", False),
    ("math500", "\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}",
     T + "\\boxed{\\begin{pmatrix} 2 & -1 \\end{pmatrix}}", True),  # one row: the same tuple
    ("math500", "\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}",
     T + "\\boxed{\\begin{pmatrix} -1 & 2 \\end{pmatrix}}", False),
    ("math500", "\\begin{pmatrix} 2 & 0 \\\\ 0 & 2 \\end{pmatrix}",
     T + "\\boxed{\\begin{bmatrix} 2 & 0 \\\\ 0 & 2 \\end{bmatrix}}", True),
    ("math500", "\\begin{pmatrix} 2 & 0 \\\\ 0 & 2 \\end{pmatrix}", T + "\\boxed{(2, 0, 0, 2)}",
     False),
    ("math500", "y = 2x+3", T + "\\boxed{y=2x+3}", True),
    ("math500", "x^2+7x+10", T + "\\boxed{(x+2)(x+5)}", True),
    ("math500", "\\sqrt{2}", T + "\\boxed{\\frac{2}{\\sqrt{2}}}", True),
    ("math500", "\\frac{14}{3}", T + "\\boxed{\\dfrac{14}{3}}", True),
    ("math500", "\\frac{1}{2}", T + "\\boxed{0.5}", True),
    ("math500", "\\pi", T + "\\boxed{3.14}", False),
    ("math500", "4", T + "The side is \\boxed{4 \\text{ cm}}.", True),
    # Unicode math that math-verify does not read, as LaTeX
    ("math500", "12\\sqrt{3}", T + "The area is 12√3.", True),
    ("math500", "\\frac{\\sqrt{2}}{2}", T + "\\boxed{√2/2}", True),
    ("math500", "(-\\infty, 3]", T + "\\boxed{(-∞, 3]}", True),
    ("math500", "\\sqrt{x+1}", T + "\\boxed{√(x+1)}", True),
    ("math500", "\\sqrt{x+2}", T + "\\boxed{√(x+1)}", False),
    # MATH's option-letter golds: the letters chosen, as a set
    ("math500", "\\text{(C)}", T + "\\boxed{\\textbf{(C)}\\ 42}", True),
    ("math500", "\\text{(C)}", T + "\\boxed{(D)\\ 42}", False),
    ("math500", "\\text{(C)}", T + "\\boxed{(C)\\ 5, (D)\\ 6}", False),
    # a letter and a second value beside it is a list or a hedge, not the option's value
    ("math500", "\\text{(C)}", T + "\\boxed{\\text{(C)}} or \\boxed{0}", False),
    ("math500", "\\text{(C)}", T + "\\boxed{\\text{(C)}, 0}", False),
    # AMC's way of answering, the option and its value, against a gold written as the value
    ("math500", "12", T + "\\boxed{\\mathbf{(C)}\\ 12}", True),
    ("math500", "12", T + "The answer is $\\textbf{(C)}~12$.", True),
    ("math500", "12", T + "\\boxed{\\textbf{(C)}\\ 13}", False),
    ("math500", "12", T + "\\boxed{(C)\\ 12, (D)\\ 13}", False),
    ("math500", "\\text{A, C}", T + "\\boxed{A, C}", True),
    ("math500", "\\text{A, C}", T + "\\boxed{C,A}", True),
    ("math500", "\\text{A, C}", T + "\\boxed{\\text{(A), (C)}}", True),
    ("math500", "\\text{A, C}", T + "\\boxed{A, C, D}", False),
    ("math500", "\\text{A, C}", T + "\\boxed{A}", False),
    # several boxes: the same value twice is one answer, two values for one number is none
    ("math500", "3", T + "So \\boxed{3}. Therefore the answer is \\boxed{3}.", True),
    ("math500", "3", T + "It is \\boxed{3} or maybe \\boxed{5}.", False),
    ("math500", "3", "I first thought \\boxed{5}.</think>\n\nThe answer is \\boxed{3}.", True),
    ("math500", "(1,2)", T + "\\boxed{(1,2)}\n\nSo the point is \\boxed{(1, 2)}.", True),
    ("math500", "\\frac{1}{2}", T + "\\boxed{\\frac{1}{2}}, i.e. \\boxed{0.5}", True),
    ("math500", "2\\sqrt{2}", T + "$\\boxed{2\\sqrt{2}} \\approx \\boxed{2.83}$", True),
    ("math500", "2\\sqrt{2}", T + "\\boxed{2\\sqrt{2}} (approximately \\boxed{2.83})", True),
    ("math500", "2", T + "\\boxed{2} = \\boxed{3}", False),  # two values, not one restated
    ("math500", "-2,1", T + "\\boxed{x=-2} and \\boxed{x=1}", True),
    # a box the text then takes back is not part of the answer
    ("math500", "7", T + "\\boxed{6}\n\nWait, actually it is \\boxed{7}.", True),
    ("math500", "6", T + "\\boxed{6}\n\nWait, actually it is \\boxed{7}.", False),
    ("math500", "3", T + "So \\boxed{5}. No, that double counts: \\boxed{3}.", True),
    ("math500", "-2,1", T + "Case 1 gives \\boxed{-2}.\n\nCase 2 gives \\boxed{1}.", True),
    ("math500", "2", T + "The answer is \\boxed{2}, not \\boxed{3}.", True),  # a rejected box
    ("math500", "3", T + "It is not \\boxed{3}.", False),
    # no box: a stated answer or the last number, whole
    ("math500", "3.5", T + "The answer is 3.5.", True),
    ("math500", "0.5", T + "The answer is 3.5.", False),
    ("math500", "\\frac{14}{3}", T + "The answer is 14/3.", True),
    ("math500", "-3", T + "Answer: -3", True),
    ("math500", "-3", T + "The final answer is −3.", True),
    ("math500", "1234", T + "The final answer is 1,234.", True),
    ("math500", "42", T + "**Final Answer**\n\n42", True),
    ("math500", "42", T + "**Final Answer:** 42", True),
    ("math500", "42", T + "To answer this, we compute 6 x 7 = 42.", True),
    ("math500", "7", T + "To answer this, note that 3 + 4 equals 7.", True),
    ("math500", "2", T + "Thus we get 2.5 in the end.", False),
    ("math500", "2", T + "The answer is: $2$", True),
    # the last number keeps what makes its value: π, a percent sign, a scale word
    ("math500", "25\\pi", T + "The area is 25π square units.", True),
    ("math500", "25", T + "The area is 25π square units.", False),
    ("math500", "\\frac{3}{8}", T + "The probability is $\\frac{3}{8}$, or 37.5%.", True),
    ("gsm8k", "#### 12", T + "So the growth rate is 12%.", True),
    ("gsm8k", "#### 1500000", T + "So there are 1.5 million people.", True),
    ("gsm8k", "#### 1.5", T + "So there are 1.5 million people.", True),
    ("gsm8k", "#### 4", T + "So there are 4 millionaires.", True),
    ("gsm8k", "#### 4000000", T + "So there are 4 millionaires.", False),
    # no box or statement with a value: the last math expression, unless a number follows it
    ("math500", "\\frac{3}{8}", T + "**Final Answer**\n\\[ \\frac{3}{8} \\]", True),
    ("math500", "\\frac{3}{8}", T + "The final answer is:\n\\[\n\\frac{3}{8}\n\\]", True),
    ("math500", "\\frac{3}{8}", T + "The answer is \\[ \\frac{3}{8} \\]", True),
    ("math500", "\\frac{3}{8}", T + "**Final Answer**\n\\[\n\\frac{3}{8}\n\\]\nThis is because 8"
     " outcomes are equally likely.", True),  # the display under the heading, not the 8
    ("math500", "\\frac{3}{8}", T + "So we get $x = \\frac{3}{8}$.", True),
    ("math500", "8", T + "So we get $x = \\frac{3}{8}$.", False),
    ("math500", "2", T + "We had $x = 5$ and $y = 3$, so the difference is 2.", True),
    # the expressions a sentence lists are one answer, as boxes are
    ("math500", "5, -3", T + "So the solutions are $x = 5$ and $x = -3$.", True),
    ("math500", "-3", T + "So the solutions are $x = 5$ and $x = -3$.", False),
    ("math500", "2,3,5", T + "The primes are $2$, $3$ and $5$.", True),
    ("math500", "14", T + "The area is $A = 12$ and the perimeter is $P = 14$.", True),
    ("math500", "3", T + "She pays $5 and gets $3 back.", True),
    ("math500", "\\frac{3}{8}", T + "After simplifying, we get \\frac{3}{8}.", True),  # no $
    ("math500", "2\\sqrt{3}", T + "After simplifying, we get 2\\sqrt{3}.", True),
    ("math500", "\\text{(B)}", T + "So the result is $x = B$.", True),
    ("math500", "1000", T + "So the result is $x = 1,000$.", True),  # not x = {1, 0}
    # LaTeX spaces between digit groups are thousands separators (math-verify: 10 * 000)
    ("math500", "10000", T + "\\boxed{10\\,000}", True),
    ("math500", "10000", T + "The answer is 10\\,000.", True),
    # a number followed by plain words is the number (math-verify alone reads the words as
    # variables: 18*d*o*l*l*a*r*s)
    ("math500", "18", T + "Final Answer: 18 dollars", True),
    ("math500", "18", T + "Janet makes \\boxed{18 dollars} a day.", True),
    ("math500", "2", T + "She finishes \\boxed{2nd}.", True),  # an ordinal is its number
    ("math500", "3", T + "\\boxed{\\text{3rd place}}", True),
    ("math500", "21", T + "\\boxed{21st}", True),
    ("math500", "2", T + "\\boxed{12th}", False),
    ("math500", "8", T + "The answer is 8 km/h.", True),
    ("math500", "10", T + "The answer is 10 meters squared", True),
    ("math500", "5", T + "The answer is 5 and 6.", False),
    ("math500", "7", T + "The answer is 7 cm^2.", True),  # a unit with its power
    ("math500", "9.8", T + "Final answer: 9.8 m/s^{2}", True),
    # an exact value and the decimal that rounds it, in one box: the exact value
    ("math500", "\\frac{3}{56}", T + "\\boxed{\\frac{3}{56} = 0.0536}", True),
    ("math500", "\\frac{3}{56}", T + "\\boxed{\\frac{3}{56} = 0.5}", False),
    # numbers with their bases: by value; without one, the base the question asked for
    ("math500", "52_8", T + "\\boxed{52_9}", False),
    ("math500", "52_8", T + "\\boxed{(52)_8}", True),
    ("math500", "52_8", T + "\\boxed{52}", True),
    ("math500", "4210_{5}", T + "\\boxed{4210_5}", True),
    # a mixed number in plain text is one value, boxed, stated or last
    ("math500", "137 \\frac{1}{2}", T + "\\boxed{137 1/2}", True),
    ("math500", "\\frac{3}{2}", T + "The answer is 1 1/2 hours.", True),
    ("math500", "\\frac{3}{2}", T + "So it takes 1 1/2 hours.", True),
    ("math500", "\\frac{1}{2}", T + "So it takes 1 1/2 hours.", False),
    # unstated: the unit's power is not the last number
    ("math500", "12", T + "So the area of the square is 12 cm^2.", True),
    ("math500", "12", T + "So the area of the square is $12$ cm$^2$.", True),
    ("math500", "9.8", T + "Its acceleration is 9.8 m/s^2.", True),
    # a two-letter word that is no unit is a product of variables
    ("math500", "4xy", T + "\\boxed{4 xy}", True),
    ("math500", "4", T + "\\boxed{4 xy}", False),
    ("math500", "4", T + "\\boxed{4 cm}", True),
    ("math500", "4", T + "\\boxed{\\text{4 inches}}", True),  # the words inside \\text{}
    # letters that end an answer are variables, which math-verify alone drops as a unit:
    # "ab", "t", "h", "c" and "s" are in its list (a cone's volume was pi r^2 / 3)
    # infinity in words
    ("math500", "\\infty", T + "\\boxed{\\text{infinitely many}}", True),
    ("math500", "\\infty", T + "There are infinitely many solutions.", True),
    ("math500", "5", T + "\\boxed{\\text{infinitely many}}", False),
    ("math500", "\\infty", T + "\\boxed{\\text{infinity}}", True),
    ("math500", "-\\infty", T + "Final Answer: negative infinity", True),
    ("math500", "\\infty", T + "\\boxed{\\text{negative infinity}}", False),
    # full-width digits, and an en dash against a number as its minus sign
    ("math500", "10", T + "\\boxed{１０}", True),
    ("math500", "2", T + "The answer is ２.", True),
    ("math500", "-5", T + "\\boxed{–5}", True),
    ("math500", "-5", T + "So x = –5", True),
    ("math500", "(-2,3)", T + "\\boxed{(–2, 3)}", True),
    ("math500", "2", T + "\\boxed{2ab}", False),
    ("math500", "2ab", T + "\\boxed{2 a b}", True),
    ("math500", "2", T + "\\boxed{2 a b}", False),  # "a ." in its list is a pattern
    ("math500", "\\frac{1}{2}", T + "\\boxed{\\frac{1}{2} b h}", False),
    ("math500", "\\frac{bh}{2}", T + "\\boxed{\\frac{1}{2} b h}", True),
    ("math500", "2", T + "\\boxed{2t}", False),
    ("math500", "2t", T + "\\boxed{2t}", True),
    ("math500", "\\frac{1}{3}\\pi r^2", T + "\\boxed{\\frac{1}{3}\\pi r^2 h}", False),
    ("math500", "\\frac{1}{3}\\pi r^2 h", T + "\\boxed{\\frac{\\pi r^2 h}{3}}", True),
    ("math500", "x^2+3", T + "\\boxed{x^2 + 3c}", False),
    ("math500", "\\sqrt{3}", T + "\\boxed{\\sqrt{3}s}", False),
    ("math500", "\\frac{s}{2}", T + "\\boxed{\\frac{1}{2}s}", True),
    # ... and a unit after a number alone is still a unit
    ("math500", "5", T + "\\boxed{5 m}", True),
    ("math500", "5", T + "\\boxed{x = 5 s}", True),
    ("math500", "5\\sqrt{2}", T + "\\boxed{5\\sqrt{2} m}", True),
    ("math500", "5", T + "\\boxed{5cm}", True),
    ("math500", "3", T + "\\boxed{3 yr}", True),
    ("math500", "5", T + "\\boxed{\\text{5 or 6}}", False),
    ("math500", "\\frac{1}{2}", T + "\\boxed{\\frac{1}{2}.}", True),  # a full stop in the box
    ("math500", "x", T + "\\boxed{x\\;}", True),
    ("math500", "\\frac{3}{4}", T + "The answer is $\\frac{3}{4}$.", True),
    # the statement ends where prose starts
    ("math500", "7", T + "The answer is 7, not 8.", True),
    ("math500", "7", T + "Answer: 7. Note that 8 would double count.", True),
    ("math500", "7", T + "The answer is 7 since 2+5 equals 7 and 9 is too big.", True),
    # no statement, no box: a value ruled out at the end is not the answer
    ("math500", "12", T + "So there are 12 ways, not 10.", True),
    ("math500", "12", T + "There are 12 ways (not 10).", True),
    ("math500", "10", T + "So x = 12, rather than 10.", False),
    ("math500", "12", T + "所以共有 12 种方法，而不是 10 种。", True),
    # no statement, no box: a closing reason is no new value
    ("math500", "7", T + "The smallest such $n$ is 7, since 6 fails.", True),
    ("math500", "6", T + "The smallest such $n$ is 7, since 6 fails.", False),
    ("math500", "3", T + "Thus x = 3 because 2x = 6.", True),
    ("math500", "7", T + "The answer is 7 (not 8).", True),
    ("math500", "7", T + "The answer is 7 (or maybe 8).", False),  # a hedge is no answer
    ("math500", "8", T + "The answer is 7 (or maybe 8).", False),
    ("math500", "5", T + "\\boxed{5 \\text{ (or 3)}}", False),  # the same hedge in a box
    ("math500", "3", T + "\\boxed{5 \\lor 3}", False),
    ("math500", "5", T + "\\boxed{5} \\quad (\\text{or } 6)", False),  # a hedge after the box
    ("math500", "5", T + "$\\boxed{5}$, or possibly $6$.", False),
    ("math500", "\\frac{1}{2}", T + "\\boxed{\\frac{1}{2}} (or 0.5)", True),  # restated
    ("math500", "3, 5", T + "\\boxed{5 \\text{ or } 3}", True),  # both roots, as a set
    ("math500", "\\frac{1}{2}", T + "The answer is $\\frac{1}{2}$, which is 0.5.", True),
    ("math500", "12", T + "The answer is 12 by symmetry.", True),
    ("math500", "7", T + "The answer must be 7, not 8.", True),
    ("math500", "9", T + "The answer will be an integer, so we get 9.", True),
    ("math500", "2(x+1)", T + "The answer is 2 (x+1)", True),
    # truncated thinking scores 0 whatever it contains
    ("math500", "42", "Let me think... it should be \\boxed{42} but wait, let me", False),
    ("math500", "42", "<think>Hmm, \\boxed{42}", False),
    # AIME: integer answers, leading zeros
    ("aime24", 33, T + "\\boxed{033}", True),
    ("aime24", 33, T + "\\boxed{\\text{033}}", True),  # math-verify alone: the string "033"
    ("aime24", 33, T + "\\boxed{\\text{34}}", False),
    ("aime24", 33, T + "\\boxed{33}", True),
    ("aime24", 33, T + "\\boxed{34}", False),
    ("aime24", 204, T + "The final answer is $\\boxed{204}$.", True),
    ("aime24", 204, T + "Final answer: 204", True),
    # GPQA letters, in the forms models use
    ("gpqa_diamond", "D", T + "The correct option is D.", True),
    ("gpqa_diamond", "B", T + "Selected option: B", True),
    ("gpqa_diamond", "B", T + "Answer: <B>", True),
    # by elimination, where nothing is chosen: the one option not ruled out
    ("gpqa_diamond", "C", T + "Options A, B, and D are incorrect.", True),
    ("gpqa_diamond", "C", T + "We can rule out A and B. D is also incorrect.", True),
    ("gpqa_diamond", "C", T + "A and B are incorrect.", False),
    ("gpqa_diamond", "C", T + "A, B, C and D are all incorrect.", False),
    ("gpqa_diamond", "C", T + "A, C and D are incorrect, so the answer is B.", False),
    ("gpqa_diamond", "B", T + "\\boxed{B \\text{ (4.5 eV)}}", True),
    ("gpqa_diamond", "B", T + "\\boxed{B (or C)}", False),
    ("gpqa_diamond", "C", T + "\\boxed{B (C also works)}", False),
    # full-width forms and Chinese answer words (QwQ and the R1 distills drift into Chinese)
    ("gpqa_diamond", "D", T + "Answer：D", True),
    ("gpqa_diamond", "B", T + "Answer: Ｂ", True),
    ("gpqa_diamond", "C", T + "综上所述，答案是C。", True),
    ("gpqa_diamond", "B", T + "正确答案：B", True),
    ("gpqa_diamond", "D", T + "所以选D", True),
    ("gpqa_diamond", "D", T + "故答案选D", True),
    ("gpqa_diamond", "C", T + "正确选项是 C", True),
    ("gpqa_diamond", "A", T + "答案是C。", False),
    ("gpqa_diamond", "C", T + "A和B都不对，故选C。", True),
    ("gpqa_diamond", "B", T + "不应选A，应选B。", True),
    ("gpqa_diamond", "B", T + "选项B正确。", True),
    ("gpqa_diamond", "B", T + "A不正确，B正确。", True),
    ("gpqa_diamond", "B", T + "我们选B。", True),
    ("gpqa_diamond", "A", T + "我们不选A", False),  # a bare 选 may be negated
    ("gpqa_diamond", "C", T + "The best choice is **C**.", True),
    ("gpqa_diamond", "B", T + "Answer: b", True),
    ("gpqa_diamond", "A", T + "a", True),  # the whole answer: a letter, not a word
    ("gpqa_diamond", "A", T + "(a).", True),
    ("gpqa_diamond", "A", T + "a b", False),
    ("gpqa_diamond", "C", T + "\\boxed{\\text{C}}", True),
    ("gpqa_diamond", "B", T + "The answer is: B", True),
    ("gpqa_diamond", "B", T + "**Answer**: B", True),
    ("gpqa_diamond", "A", T + "Answer: $\\mathrm{A}$", True),
    ("gpqa_diamond", "B", T + "Answer: $B$", True),
    ("gpqa_diamond", "C", T + "Answer: (C)", True),
    ("gpqa_diamond", "C", T + "Answer: **(C)**", True),
    ("gpqa_diamond", "D", T + "\\boxed{D}", True),
    ("gpqa_diamond", "D", T + "\\boxed{(D)}", True),
    ("gpqa_diamond", "B", T + "\\boxed{B. 4.5 eV}", True),
    ("gpqa_diamond", "B", T + "\\boxed{(B)\\ 4.5\\ \\text{eV}}", True),
    ("gpqa_diamond", "C", T + "Answer: [C]", True),
    ("gpqa_diamond", "A", T + "The answer is (A).", True),
    ("gpqa_diamond", "A", T + "Final answer: $\\text{A}$", True),
    ("gpqa_diamond", "B", T + "Option B is correct.", True),
    ("gpqa_diamond", "B", T + "After weighing the options,\n\n**B**", True),
    ("gpqa_diamond", "A", T + "The answer is a bit subtle.\n\nAnswer: C", False),
    ("gpqa_diamond", "C", T + "The answer is a bit subtle.\n\nAnswer: C", True),
    ("gpqa_diamond", "B", T + "Answer: A\n\nWait, that ignores the spin. The answer is B.", True),
    ("gpqa_diamond", "B", T + "Answer: B or C", False),
    ("gpqa_diamond", "C", T + "Answer: B or C", False),
    # the same hedges with the letters in brackets (each letter's match ends at its bracket)
    ("gpqa_diamond", "B", T + "Answer: (B) or (C)", False),
    ("gpqa_diamond", "B", T + "Answer: **(B)**, **(C)**", False),
    ("gpqa_diamond", "A", T + "The answer is (A) and also (C).", False),
    ("gpqa_diamond", "B", T + "Answer: (B) (or possibly (C))", False),
    ("gpqa_diamond", "B", T + "Answer: (B). Option (C) is wrong because of the sign.", True),
    ("gpqa_diamond", "B", T + "\\boxed{B} and \\boxed{C}", False),
    ("gpqa_diamond", "C", T + "\\boxed{B}\n\nWait, B ignores the spin: \\boxed{C}", True),
    ("gpqa_diamond", "B", T + "Answer: B, C", False),
    ("gpqa_diamond", "A", T + "Answer: A|B|C|D", False),
    ("gpqa_diamond", "A", T + "Answer: A; B", False),
    ("gpqa_diamond", "A", T + "Answer: A–D", False),  # a range of letters
    ("gpqa_diamond", "A", T + "Answer: A through D", False),
    ("gpqa_diamond", "A", T + "Answer: A (and B)", False),
    ("gpqa_diamond", "A", T + "Answer: A\n(B is also true)", False),
    ("gpqa_diamond", "A", T + "Answer: A - B is wrong since it breaks parity.", True),
    ("gpqa_diamond", "A", T + "Answer: A; B and C fail the symmetry test.", True),
    ("gpqa_diamond", "B", T + "Answer: B (and C is wrong: it breaks parity)", True),
    ("gpqa_diamond", "B", T + "Answer: B, C is incorrect", True),
    ("gpqa_diamond", "A", T + "Answer: A+B", False),
    ("gpqa_diamond", "A", T + "Answer: A (B also works)", False),
    ("gpqa_diamond", "A", T + "Answer: A; C is correct too.", False),
    ("gpqa_diamond", "A", T + "Answer: A (B is also plausible, but less likely)", True),
    # answer statements one after another, nothing between them: no choice, not the last
    ("gpqa_diamond", "D", T + "Answer: A\nAnswer: B\nAnswer: C\nAnswer: D", False),
    ("gpqa_diamond", "B", T + "Answer: A\n\n**Answer:** B", False),
    ("gpqa_diamond", "B", T + "Option A is correct. Option B is correct.", False),
    ("gpqa_diamond", "B", T + "Answer: A. Option B is correct.", False),
    ("gpqa_diamond", "B", T + "Option A is wrong: it breaks parity. Option B is correct.", True),
    ("gpqa_diamond", "B", T + "The answer is B.\n\nAnswer: B", True),
    ("gpqa_diamond", "B", T + "Answer: A\n\nNo: A ignores the spin.\n\nAnswer: B", True),
    ("gpqa_diamond", "B", T + "The answer is B, a classic case of resonance.", True),
    ("gpqa_diamond", "A", T + "Answer: E", False),
    ("gpqa_diamond", "B", T + "The options:\nA) 1 eV\nB) 2 eV\nC) 3 eV\n\nThe correct one is B.",
     True),
    # weaker forms, only where no answer statement is there
    ("gpqa_diamond", "A", T + "Comparing the spectra, the answer must be A.", True),
    ("gpqa_diamond", "C", T + "**Answer:** I think C", True),
    ("gpqa_diamond", "B", T + "A and D fail the symmetry test. B is correct.", True),
    ("gpqa_diamond", "B", T + "I choose B.", True),
    ("gpqa_diamond", "C", T + "The product is 2-methylbutane, which corresponds to choice C.",
     True),
    ("gpqa_diamond", "B", T + "Option B: 4.5 eV is the answer.", True),
    ("gpqa_diamond", "D", T + "Only the last one conserves charge.\n\nThus, (D).", True),
    ("gpqa_diamond", "C", T + "Only one conserves charge:\n\n**C. 4.5 eV**", True),
    # a last line that lists letters chooses none
    ("gpqa_diamond", "A", T + "(A)(B)(C)(D)", False),
    ("gpqa_diamond", "A", T + "A. B. C. D.", False),
    ("gpqa_diamond", "A", T + "It is one of these:\n(A) or (B)", False),
    ("gpqa_diamond", "C", T + "So the sphere is\n\nC. A solid sphere", True),
    ("gpqa_diamond", "C", T + "The options:\nA) 1 eV\nB) 2 eV\nC) 3 eV", False),  # a list
    ("gpqa_diamond", "B", T + "**Answer:** B\n\n**Why:** A is correct only in vacuum; here the"
     " medium matters.", True),
    ("gpqa_diamond", "A", T + "**Answer:** B\n\n**Why:** A is correct only in vacuum; here the"
     " medium matters.", False),
    ("gpqa_diamond", "B", T + "B is not correct, nor is A. C is correct.", False),
    ("gpqa_diamond", "C", T + "B is not correct, nor is A. C is correct.", True),
    ("gpqa_diamond", "B", T + "B is incorrect.", False),
    ("gpqa_diamond", "D", T + "A and B fail the symmetry test, and C the units. So it must be "
     "D.", True),
    ("gpqa_diamond", "D", T + "So it must be a mistake to pick B.\n\nAnswer: D", True),
    ("gpqa_diamond", "B", T + "Answer: 2 (option B)", True),
    ("gpqa_diamond", "B", T + "The answer is not A, as shown. It's B.", True),
    ("gpqa_diamond", "B", T + "Answer - B", True),
    ("gpqa_diamond", "D", T + "The answer is for sure D, it can't be A or B.", True),
    ("gpqa_diamond", "B", T + "The answer is certainly B.", True),
    # the JSON form Qwen's model cards ask multiple-choice answers to take
    ("gpqa_diamond", "C", T + '```json\n{\n  "reasoning": "A fails the units test.",\n'
     '  "answer": "C"\n}\n```', True),
    ("gpqa_diamond", "C", T + "Answer: 'C'", True),
    ("gpqa_diamond", "C", T + '{"answer": "B"}', False),
    ("gpqa_diamond", "C", T + '{"answer": "(C)"}', True),
    ("gpqa_diamond", "C", T + "Answer: {C}", True),  # the prompt's placeholder form, filled
    ("gpqa_diamond", "C", T + '{"answer": "C. 4.5 eV"}', True),
    ("gpqa_diamond", "C", T + '{"answer": "C or D"}', False),
    ("gpqa_diamond", "B", T + "A fails the units test, and C and D the symmetry.\n\nSo, B.",
     True),
    ("gpqa_diamond", "B", T + "Answer: B\n\nSo, A is ruled out.", True),
    ("gpqa_diamond", "B", T + "A is wrong because of parity... C is wrong too. Therefore B.",
     True),  # a conclusion that ends a line after a sentence
    ("gpqa_diamond", "B", T + "Between A and B, I think B.", True),
    ("gpqa_diamond", "A", T + "Between A and B, I think B.", False),
    ("gpqa_diamond", "D", T + "Therefore, the correct choice is option D.", True),
    ("gpqa_diamond", "C", T + "So I think the answer is 4.5 eV, which is option C.", True),
    ("gpqa_diamond", "D", T + "Among the options, only D satisfies both.", True),
    ("gpqa_diamond", "A", T + "The difference must exceed $10^{-4}$ eV, i.e. option A.", True),
    ("gpqa_diamond", "B", T + "Therefore, option B.", True),
    ("gpqa_diamond", "C", T + "The most plausible option is C.", True),
    ("gpqa_diamond", "B", T + "After eliminating A, C and D, the remaining option is B.", True),
    ("gpqa_diamond", "C", T + "Choice C: 12 is correct.", True),
    # a statement the text then takes back: the choice after the correction
    ("gpqa_diamond", "D", T + "The answer is B.\n\nWait, no — it's D.", True),
    ("gpqa_diamond", "B", T + "The answer is B.\n\nWait, no — it's D.", False),
    ("gpqa_diamond", "B", T + "Answer: B\n\nOption A is wrong: it ignores spin. So it must be B.",
     True),
    ("gpqa_diamond", "B", T + "I think A is wrong.\n\nThe answer is B.", True),
    # an explanation after the answer: an option "correct only if" is not chosen
    ("gpqa_diamond", "B", T + "Answer: B\n\nExplanation: option A is correct only if the field "
     "is uniform; it is not.", True),
    ("gpqa_diamond", "B", T + "Answer: B. Option A is correct if T = 0, but here T > 0.", True),
    ("gpqa_diamond", "C", T + "Option C is correct because it conserves charge.", True),
    ("gpqa_diamond", "C", T + "Option C is correct under these conditions.", True),
    ("gpqa_diamond", "B", T + "Answer: B, but it could be C.", False),  # a hedge
    ("gpqa_diamond", "B", T + "Answer: B (though it might also be D)", False),
    ("gpqa_diamond", "B", T + "Answer: B, but it is not C.", True),
    ("gpqa_diamond", "B", T + "Answer: B (or possibly C)", False),
    ("gpqa_diamond", "B", T + "**Answer:** B; maybe D", False),
    ("gpqa_diamond", "B", T + "Answer: B. Possibly A was meant, but B fits the data.", True),
    # every letter listed is no choice, however it is spaced
    ("gpqa_diamond", "A", T + "Answer: A B C D", False),
    ("gpqa_diamond", "A", T + "Answer: (A) (B) (C) (D).", False),
    ("gpqa_diamond", "C", T + "Answer: C (A and B fail the units test)", True),
    ("gpqa_diamond", "B", T + "Answer: B\nA is ruled out by symmetry.", True),
    ("gpqa_diamond", "B", T + "Answer: 2 (option B)\n\nAnswer: C", False),
    ("gpqa_diamond", "B", T + "Final: B", True),
    ("gpqa_diamond", "B", T + "**Final:** (B)\n\nA and C ignore the spin.", True),
    ("gpqa_diamond", "B", T + "So the correct option is 4.5 eV, i.e. B.", True),
    ("gpqa_diamond", "B", T + "So the correct option is 4.5 eV, i.e. D.", False),
    ("gpqa_diamond", "B", "Answer: B\nHmm, or is it", False),  # unclosed thinking
    ("gpqa_diamond", "D", "I recall D is right.</think>\n\nI am not sure.", False),
]


@pytest.mark.parametrize("task,gold,text,correct", CASES,
                         ids=[f"{i}-{c[0]}" for i, c in enumerate(CASES)])
def test_generation_gets_the_careful_verdict(task: str, gold: Any, text: str,
                                             correct: bool) -> None:
    field = {"math500": "answer", "gsm8k": "answer", "aime24": "Answer",
             "gpqa_diamond": "gold"}[task]
    out = grader(task)({field: gold}, [[text]], **R1)
    assert out["pass@1"] == float(correct), answers.extract_math(text.split("</think>")[-1])


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 80


# Gold answers in the forms MATH-500 writes them; each fed back as \boxed{gold} is correct.
MATH500_GOLDS = [
    "(2,4)", "\\left( 3, \\frac{\\pi}{2} \\right)", "[-2,7]", "(-\\infty,-2)\\cup(3,\\infty)",
    "(-\\infty, 0]", "[0,1)", "-2,1", "1, -2, 3", "\\{1,2\\}", "(1,2,3)",
    "\\text{Evelyn}", "\\text{(C)}", "\\text{A, C}", "\\text{odd}", "\\text{neither}",
    "10^\\circ", "30^\\circ", "5\\%", "\\$32,\\!348", "1,\\!234", "6 - 5i",
    "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "y = 2x+3", "x^2+7x+10", "\\sqrt{2}",
    "3\\sqrt{3}", "\\frac{14}{3}", "-\\frac{1}{2}", "\\dfrac{9}{7}", "\\pi", "2\\pi",
    "\\infty", "0.5", "4\\text{ cm}", "\\frac{\\sqrt{3}}{2}", "2 \\sqrt{5}", "11\\sqrt2",
    "p - q", "\\tfrac{3}{4}", "-1", "0", "\\frac\\pi2", "0.\\overline{54}", "\\varnothing",
    "2 - 3 i",
]


@pytest.mark.parametrize("gold", MATH500_GOLDS)
def test_every_math500_gold_form_boxed_back_is_correct(gold: str) -> None:
    out = grader("math500")({"answer": gold}, [[f"{T}So \\boxed{{{gold}}}."]], **R1)
    assert out["pass@1"] == 1.0


def test_consensus_votes_by_value_not_spelling() -> None:
    # by string "2" would win 2 to 1; by value 1/2 wins 3 to 2
    votes = ["0.5", "\\dfrac{1}{2}", "1/2", "2", "2"]
    assert equivalence.consensus_score(votes, lambda v: equivalence.math_equal(v, "1/2")) == 1.0
    gens = [f"{T}\\boxed{{{v}}}" for v in votes]
    out = grader("math500")({"answer": "\\frac{1}{2}"}, [gens], **R1)
    assert out["cons@n"] == 1.0 and out["pass@1"] == pytest.approx(0.6)
    # "033" and "33" are one answer
    gens = [f"{T}\\boxed{{{v}}}" for v in ("033", "33", "34", "34")]
    assert grader("aime24")({"Answer": 33}, [gens], **R1)["cons@n"] == 0.5  # a 2-2 tie


def test_a_tie_scores_the_same_in_any_order() -> None:
    for votes in (["3", "5"], ["5", "3"]):
        assert equivalence.consensus_score(votes, lambda v: v == "3") == 0.5
    assert equivalence.consensus_score([None, None], lambda v: True) == 0.0


def test_truncation_without_think_tags() -> None:
    class Words:  # a tokenizer whose tokens are words
        def __call__(self, text: str, add_special_tokens: bool = False) -> dict[str, Any]:
            return {"input_ids": text.split()}

    limit = answers.TokenLimit(Words(), 6)
    process = grader("math500")
    cut_off = "so the sum is \\boxed{5} and then we"  # 8 words: stopped at the limit
    out = process({"answer": "5"}, [[cut_off]], at_limit=limit, **PLAIN)
    assert out["truncated"] == 1.0 and out["pass@1"] == 1.0  # graded on what it wrote
    out = process({"answer": "5"}, [["so \\boxed{5}"]], at_limit=limit, **PLAIN)
    assert out["truncated"] == 0.0
    out = process({"answer": "5"}, [["thinking \\boxed{5} but"]], at_limit=limit, **R1)
    assert out["truncated"] == 1.0 and out["pass@1"] == 0.0  # unclosed thinking


GPQA_DOC = {"choice_a": "2.1 eV", "choice_b": "$4.5$ eV", "choice_c": "9 eV",
            "choice_d": "\\text{none of these}", "gold": "B"}


@pytest.mark.parametrize("text,correct", [
    (T + "Answer: 4.5 eV", True),  # the option's text, not its letter
    (T + "The answer is $4.5$ eV.", True),
    (T + "So the answer would be $4.5$ eV.", True),
    (T + "The answer must be 4.5 eV", True),
    (T + "The answer would be 4.5 eV if it were free; it is bound.", False),
    (T + "\\boxed{4.5\\text{ eV}}", True),
    (T + "Answer: 2.1 eV", False),
    (T + "Answer: 4.5", True),  # the number of an option that is a number and its unit
    (T + "\\boxed{4.50}", True),
    (T + "Answer: 4", False),
    (T + "Answer: none", False),  # not an option's whole text
    (T + "Answer: C", False),  # a letter is a letter, whatever text follows elsewhere
    (T + "Answer: B", True),
])
def test_an_option_named_by_its_text_is_that_option(text: str, correct: bool) -> None:
    out = grader("gpqa_diamond")(GPQA_DOC, [[text]], **R1)
    assert out["pass@1"] == float(correct)


def test_an_option_named_in_latex_is_that_option() -> None:
    doc = {"choice_a": "10^-4 eV", "choice_b": "10^-8 eV", "choice_c": "$\\frac{1}{2}$ mol",
           "choice_d": "10^-9 eV", "gold": "A"}
    for text, correct in (("Answer: $10^{-4}$ eV", True), ("Answer: $10^{-8}$ eV", False),
                          ("\\boxed{10^{-4}\\ \\text{eV}}", True), ("Answer: 10^{-4}~eV", True)):
        out = grader("gpqa_diamond")(doc, [[T + text]], **R1)
        assert out["pass@1"] == float(correct), text
    boxed = T + "\\boxed{\\dfrac12 \\text{ mol}}"
    out = grader("gpqa_diamond")(dict(doc, gold="C"), [[boxed]], **R1)
    assert out["pass@1"] == 1.0


PLACE = "For what value of $x$ is $x^2 - 4x + 8$ a minimum?"
VALUE = "What is the minimum value of $x^2 - 4x + 8$?"
BOTH = "The minimum value is $\\boxed{4}$, attained at $x = \\boxed{2}$."


@pytest.mark.parametrize("problem,gold,text,correct", [
    (PLACE, "2", T + BOTH, True),  # the question asks where: the place is the answer
    (VALUE, "4", T + BOTH, True),
    (PLACE, "4", T + BOTH, False),
    (PLACE, "2", T + "The minimum occurs at $x = \\boxed{2}$, where it is $\\boxed{4}$.", True),
    (PLACE, "2", T + "The minimum value is 4, attained at $x = 2$.", True),
    (VALUE, "4", T + "The minimum value is 4, attained at $x = 2$.", True),
    ("What value of $t$ maximizes $h(t) = -t^2 + 6t$?", "3",
     T + "The maximum $\\boxed{9}$ occurs at $t = \\boxed{3}$.", True),
    # only the sentence that asks counts
    ("Let $x_0$ be the number for which $x^2 - 4x + 8$ is smallest. What is its value there?",
     "4", T + BOTH, True),
])
def test_the_question_says_whether_the_place_or_the_value_is_asked(
        problem: str, gold: str, text: str, correct: bool) -> None:
    out = grader("math500")({"problem": problem, "answer": gold}, [[text]], **R1)
    assert out["pass@1"] == float(correct)


RADIANS = "Compute $\\arcsin 1$. Express your answer in radians."
DEGREES = "Find the degree measure of the angle between the two lines."


@pytest.mark.parametrize("problem,gold,text,correct", [
    # the question asks for one unit: an answer in the other fails, as for MATH's grader
    (RADIANS, "\\frac{\\pi}{2}", T + "\\boxed{90^\\circ}", False),
    (RADIANS, "\\frac{\\pi}{2}", T + "\\boxed{\\frac{\\pi}{2}}", True),
    (DEGREES, "90^\\circ", T + "\\boxed{\\frac{\\pi}{2}}", False),
    (DEGREES, "90^\\circ", T + "\\boxed{90}", True),
    ("Convert $\\frac{\\pi}{3}$ radians to degrees.", "60^\\circ", T + "\\boxed{\\frac{\\pi}{3}}",
     False),
    ("How many degrees are in each angle?", "60", T + "\\boxed{60^\\circ}", True),
    # no unit asked: the same angle in either unit
    ("Compute $\\arcsin 1$.", "\\frac{\\pi}{2}", T + "\\boxed{90^\\circ}", True),
])
def test_an_angle_in_the_unit_the_question_did_not_ask_for_is_wrong(
        problem: str, gold: str, text: str, correct: bool) -> None:
    out = grader("math500")({"problem": problem, "answer": gold}, [[text]], **R1)
    assert out["pass@1"] == float(correct)


TRAIN = "A train leaves at 7:50 a.m. and travels for 100 minutes. At what time does it arrive?"


@pytest.mark.parametrize("problem,gold,text,correct", [
    (TRAIN, "9:30 \\text{ a.m.}", T + "It arrives at \\boxed{9:30 \\text{ AM}}.", True),
    (TRAIN, "9:30 \\text{ a.m.}", T + "\\boxed{9:30 \\text{ p.m.}}", False),
    (TRAIN, "9:30 \\text{ a.m.}", T + "\\boxed{9:30}", True),
    (TRAIN, "9:30", T + "\\boxed{3:10}", False),  # a ratio equal to 9:30, not the time
    ("What is the ratio of $a$ to $b$?", "3:10", T + "\\boxed{9:30}", True),
])
def test_a_time_of_day_is_compared_as_a_time(problem: str, gold: str, text: str,
                                             correct: bool) -> None:
    out = grader("math500")({"problem": problem, "answer": gold}, [[text]], **R1)
    assert out["pass@1"] == float(correct)


def test_the_vote_keeps_morning_and_evening_apart() -> None:
    texts = [T + "\\boxed{4 \\text{ a.m.}}", T + "\\boxed{4 \\text{ a.m.}}",
             T + "\\boxed{4 \\text{ p.m.}}"]
    out = grader("math500")({"problem": TRAIN, "answer": "4 \\text{ p.m.}"}, [texts], **R1)
    assert out["pass@1"] == 1 / 3 and out["cons@n"] == 0.0


def test_the_vote_keeps_the_two_units_apart_where_one_was_asked() -> None:
    texts = [T + "\\boxed{90^\\circ}", T + "\\boxed{90^\\circ}", T + "\\boxed{\\frac{\\pi}{2}}"]
    out = grader("math500")({"problem": RADIANS, "answer": "\\frac{\\pi}{2}"}, [texts], **R1)
    assert out["pass@1"] == 1 / 3 and out["cons@n"] == 0.0


NAMED = "The area is $\\boxed{12}$ square units and the perimeter is $\\boxed{14}$ units."


@pytest.mark.parametrize("problem,gold,text,correct", [
    # boxes each named by a word: the one the question asks for is the answer
    ("A rectangle has sides 3 and 4. What is its area?", "12", T + NAMED, True),
    ("A rectangle has sides 3 and 4. What is its perimeter?", "14", T + NAMED, True),
    ("A rectangle has sides 3 and 4. What is its area?", "14", T + NAMED, False),
    ("A circle has area $25\\pi$. Find its radius.", "5",
     T + "The radius is $\\boxed{5}$, and its area is $\\boxed{25\\pi}$ as given.", True),
    ("What is the length of the hypotenuse?", "5",
     T + "The length of the hypotenuse is $\\boxed{5}$ and the area is $\\boxed{6}$.", True),
    ("What is the probability that both are red?", "\\frac{1}{3}",
     T + "The number of ways is $\\boxed{12}$ and the probability is $\\boxed{\\frac13}$.",
     True),
    # both asked, none asked, or boxes named by no word of their own: the boxes stay one answer
    ("A rectangle has sides 3 and 4. Find its area and perimeter.", "12, 14", T + NAMED, True),
    ("A rectangle has sides 3 and 4. What is its diagonal?", "12", T + NAMED, False),
    ("What is the area?", "12", T + "The answer is $\\boxed{12}$ and the value is $\\boxed{14}$.",
     False),
    ("If $x+y=7$ and $x-y=-1$, what is $x + y$?", "7",
     T + "So $x = \\boxed{3}$ and $y = \\boxed{4}$.", False),
    # "none" where the question asks how many and the gold is 0, and only there
    ("How many real solutions does $x^2 + 1 = 0$ have?", "0",
     T + "\\boxed{\\text{no real solutions}}", True),
    ("How many real solutions does $x^2 + 1 = 0$ have?", "0", T + "\\boxed{\\text{none}}", True),
    ("How many real solutions does $x^2 - 1 = 0$ have?", "2", T + "\\boxed{\\text{none}}", False),
    ("What is the minimum value of $f$?", "0", T + "\\boxed{\\text{none}}", False),
    # boxes named by expressions: the one the question asks for itself
    ("If $x+y=7$ and $x-y=-1$, what is $x$?", "3", T + "So $x = \\boxed{3}$ and $y = \\boxed{4}$.",
     True),
    ("If $x+y=7$ and $x-y=-1$, what is $x$?", "3", T + "So $x = \\boxed{3}$ or $x = \\boxed{4}$.",
     False),
    ("The probability is $\\frac{m}{n}$ for coprime $m$ and $n$. Find $m+n$.", "73",
     T + "The probability is $\\boxed{\\frac{9}{64}}$ and $m + n = \\boxed{73}$.", True),
    ("The probability is $\\frac{m}{n}$ for coprime $m$ and $n$. Find $m+n$.", "73",
     T + "$\\boxed{\\frac{9}{64}}$ \\\\ $m+n = 9 + 64 = \\boxed{73}$", True),
    ("The probability is $\\frac{m}{n}$ for coprime $m$ and $n$. Find $m+n$.", "73",
     T + "The probability is $\\boxed{\\frac{9}{64}}$ and $m \\cdot n = \\boxed{576}$.", False),
    ("Find the remainder when $N$ is divided by $1000$.", "104",
     T + "$N = \\boxed{5104}$, so the remainder is $\\boxed{104}$.", True),
    ("Find $Q+R$.", "699",
     T + "$Q = \\boxed{5}$, $R = \\boxed{694}$, so $Q + R = \\boxed{699}$.", True),
    # no box: a stated answer that the line then carries on to the asked expression
    ("The probability is $\\frac{m}{n}$ for coprime $m$ and $n$. Find $m+n$.", "73",
     T + "**Answer:** $\\frac{9}{64}$, so $m+n = 9 + 64 = 73$.", True),
    ("The probability is $\\frac{m}{n}$ for coprime $m$ and $n$. Find $m+n$.", "73",
     T + "Answer: 9/64, so m + n = 73", True),
    ("The probability is $\\frac{m}{n}$ for coprime $m$ and $n$. Find $m+n$.", "73",
     T + "Answer: 9/64, so m n = 576", False),
    ("The probability is $\\frac{m}{n}$ for coprime $m$ and $n$. What is it?", "\\frac{9}{64}",
     T + "Answer: 9/64, so m + n = 73", True),
])
def test_of_boxes_named_by_words_the_one_the_question_asks_for_is_the_answer(
        problem: str, gold: str, text: str, correct: bool) -> None:
    out = grader("math500")({"problem": problem, "answer": gold}, [[text]], **R1)
    assert out["pass@1"] == float(correct)


@pytest.mark.parametrize("text,correct", [
    (T + "\\boxed{3.0}", True), (T + "Answer: 3", True), (T + "\\boxed{3.5}", False),
])
def test_an_option_that_is_a_number_is_named_by_its_value(text: str, correct: bool) -> None:
    doc = {"choice_a": "1", "choice_b": "2", "choice_c": "3", "choice_d": "12 m/s", "gold": "C"}
    out = grader("gpqa_diamond")(doc, [[text]], **R1)
    assert out["pass@1"] == float(correct)


@pytest.mark.parametrize("question,gold,text,correct", [
    # a value restated in another unit, no box: the amount the question asks for, else the
    # first; a hedge between two amounts of one unit is no single answer
    ("How many minutes will it take?", "90", T + "It will take 1.5 hours, or 90 minutes.", True),
    ("How many hours will it take?", "1.5", T + "It will take 1.5 hours, or 90 minutes.", True),
    ("How many hours will it take?", "90", T + "It will take 1.5 hours, or 90 minutes.", False),
    ("How many minutes?", "160", T + "160 minutes, which is 2 hours and 40 minutes.", True),
    ("How many minutes?", "45", T + "The answer is 45 minutes (3/4 of an hour).", True),
    ("How much does she make every day?", "18",
     T + "She earns 18 dollars a day, or 126 dollars a week.", True),
    ("How many apples?", "5", T + "The answer is 5 apples or 6 apples.", False),
    # nothing states the answer: of the last sentence's amounts, the one the question asks for
    ("How much does he need to pay for them?", "64",
     T + "Kylar needs to pay $64 for 16 glasses.", True),
    ("How many glasses can he buy?", "16", T + "He can buy 16 glasses for $64.", True),
    ("How many glasses can he buy?", "64", T + "He can buy 16 glasses for $64.", False),
])
def test_of_amounts_in_words_the_one_asked(question: str, gold: str, text: str,
                                           correct: bool) -> None:
    out = grader("gsm8k")({"question": question, "answer": f"#### {gold}"}, [[text]], **R1)
    assert out["pass@1"] == float(correct)


@pytest.mark.parametrize("gold,text,correct", [
    # an option's value in another spelling, with the option's unit if it states one
    ("A", "\\boxed{0.5}", True),
    ("A", "\\boxed{1/2}", True),
    ("B", "\\boxed{0.002 M}", True),
    ("B", "Answer: 2e-3 M", True),
    ("B", "Answer: 0.002 mM", False),  # another unit
    ("C", "\\boxed{0.0001}", True),  # the unit left out
    ("C", "\\boxed{0.001}", False),
])
def test_an_option_named_by_its_value_is_that_option(gold: str, text: str,
                                                      correct: bool) -> None:
    doc = {"choice_a": "$\\frac{1}{2}$", "choice_b": "$2 \\times 10^{-3}$ M",
           "choice_c": "10^{-4} s", "choice_d": "Both A and B", "gold": gold}
    out = grader("gpqa_diamond")(doc, [[T + text]], **R1)
    assert out["pass@1"] == float(correct)
