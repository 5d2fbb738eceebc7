"""results/report.html: one self-contained file (no server, no network) with the comparison
tables, the claims' verdicts, the plots inlined, and a sample browser over the complete runs'
samples (filter by model, task, verdict and truncation; each raw generation with its
extracted answer). Built from the same files as COMPARISON.md and CLAIMS.md, which it shows
as they are; opened with any browser, it stays one file to mail or archive."""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path
from typing import Any

from harness.results import files
from harness.results.record import Run

MAX_SAMPLES = 3000  # generations embedded; more would make the file slow to open
MAX_TEXT = 20_000  # characters of one generation kept (the head and the tail)


def _inline(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", text)


def markdown_to_html(md: str) -> str:
    """The Markdown the harness writes (headings, paragraphs, lists, pipe tables) as HTML."""
    out: list[str] = []
    lines = md.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("|"):
            block = []
            while i < len(lines) and lines[i].startswith("|"):
                cells = re.split(r"(?<!\\)\|", lines[i].strip().removeprefix("|")
                                 .removesuffix("|"))
                block.append([c.strip().replace("\\|", "|") for c in cells])
                i += 1
            head, body = block[0], [r for r in block[1:] if not set("".join(r)) <= set("-: ")]
            out.append("<table><thead><tr>" + "".join(f"<th>{_inline(c)}</th>" for c in head)
                       + "</tr></thead><tbody>" + "".join(
                           "<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>"
                           for row in body) + "</tbody></table>")
            continue
        heading = re.match(r"(#{1,4}) (.*)", line)
        if heading:
            level = len(heading.group(1)) + 1  # the page's own h1 is above
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif line.startswith(("- ", "* ")):
            items = []
            while i < len(lines) and lines[i].startswith(("- ", "* ", "  ")):
                if lines[i].startswith(("- ", "* ")):
                    items.append(lines[i][2:])
                else:
                    items[-1] += " " + lines[i].strip()
                i += 1
            out.append("<ul>" + "".join(f"<li>{_inline(x)}</li>" for x in items) + "</ul>")
            continue
        elif line.strip():
            para = [line]
            while i + 1 < len(lines) and lines[i + 1].strip() and \
                    not lines[i + 1].startswith(("|", "#", "- ", "* ")):
                i += 1
                para.append(lines[i])
            out.append(f"<p>{_inline(' '.join(para))}</p>")
        i += 1
    return "\n".join(out)


def _clip(text: str) -> str:
    if len(text) <= MAX_TEXT:
        return text
    half = MAX_TEXT // 2
    return f"{text[:half]}\n\n[... {len(text) - MAX_TEXT:,} characters left out ...]\n\n" \
        f"{text[-half:]}"


def samples(root: Path, runs: list[Run]) -> list[dict[str, Any]]:
    """One entry per generation of the complete runs, newest runs first."""
    out: list[dict[str, Any]] = []
    for run in sorted((r for r in runs if r.status == "complete"),
                      key=lambda r: r.run_id, reverse=True):
        for path in sorted((root / "runs" / run.run_id / "samples").glob("*.jsonl")):
            for line in path.read_text(errors="replace").splitlines():
                try:
                    out += _entries(json.loads(line), run, path.stem)
                except (ValueError, AttributeError, TypeError, IndexError, KeyError):
                    continue  # not a sample record (a hand edit, another tool's line)
                if len(out) >= MAX_SAMPLES:
                    return out[:MAX_SAMPLES]
    return out


def _entries(row: dict[str, Any], run: Run, task: str) -> list[dict[str, Any]]:
    """The generations of one line of a samples file, as the sample browser shows them."""
    args = row.get("arguments") or [[""]]
    prompt = args[0][0] if isinstance(args[0], list) and args[0] else str(row.get("doc", ""))
    resps = row.get("resps") or []
    texts = [t for r in resps for t in (r if isinstance(r, list) else [r])]
    graded = row.get("graded") or [{}] * len(texts)
    out = []
    for i, text in enumerate(texts):
        g = graded[i] if i < len(graded) and isinstance(graded[i], dict) else {}
        verdict = g.get("correct")
        out.append({
            "run": run.run_id, "model": run.model.name, "weights": run.model.weights,
            "task": task, "doc": row.get("doc_id"), "sample": i,
            "prompt": _clip(str(prompt)), "target": _reference(row),
            "text": _clip(str(text)), "extracted": _extracted(g),
            "verdict": "correct" if verdict else "wrong" if verdict is not None
            else "not graded per generation",
            "truncated": bool(g.get("truncated"))})
    return out


def _reference(row: dict[str, Any]) -> str:
    """The gold answer; for IFEval (whose target is a placeholder 0), its instructions."""
    doc = row.get("doc") if isinstance(row.get("doc"), dict) else {}
    if isinstance(doc.get("instruction_id_list"), list):
        return "instructions: " + ", ".join(map(str, doc["instruction_id_list"]))
    return str(row.get("target", ""))


def _extracted(graded: dict[str, Any]) -> Any:
    """What the grader took from a generation; for IFEval, the instructions it broke."""
    if isinstance(graded.get("not_followed"), list):
        broken = graded["not_followed"]
        return "not followed: " + ", ".join(map(str, broken)) if broken else "all followed"
    return graded.get("extracted")


def write(root: Path, runs: list[Run]) -> Path:
    """Write root/report.html from COMPARISON.md, CLAIMS.md, plots/ and the samples."""
    parts = []
    for name in ("COMPARISON.md", "CLAIMS.md"):
        if (root / name).exists():
            parts.append(f'<section id="{name.split(".")[0].lower()}">'
                         + markdown_to_html((root / name).read_text()) + "</section>")
    pictures = "".join(
        f'<figure><img alt="{p.stem}" src="data:image/png;base64,'
        f'{base64.b64encode(p.read_bytes()).decode()}"><figcaption>{p.name}</figcaption>'
        "</figure>" for p in sorted((root / "plots").glob("*.png")))
    rows = samples(root, runs)
    # no "<" at all in the data script: "</script>" would close it, and "<!--<script>" (in a
    # model's HTML, say) would make the parser run past its end
    data = json.dumps(rows).replace("<", "\\u003c").replace(">", "\\u003e")
    page = (TEMPLATE.read_text().replace("@TABLES@", "\n".join(parts))
            .replace("@PLOTS@", pictures or "<p>(no plots yet)</p>")
            .replace("@COUNT@", f"{len(rows):,}" + (" (the first ones)" if len(rows) >=
                                                      MAX_SAMPLES else ""))
            .replace("@DATA@", data))
    files.write_text(root / "report.html", page)
    return root / "report.html"


TEMPLATE = Path(__file__).with_name("report_template.html")  # package data of the wheel
