"""Eval results out: a terminal table, JSON, and a Markdown + HTML report with one plot."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from evals.metrics import breakdown
from evals.run import EvalRun

# (key, label, format): the rows of the terminal table and the report
ROWS = (
    ("questions", "questions", "d"),
    ("fact_accuracy", "fact accuracy", "%"),
    ("wrong_abstention", "wrong abstention", "%"),
    ("abstention", "abstention (unanswerable)", "%"),
    ("hallucination", "hallucination", "%"),
    ("crag_score", "CRAG score", "f"),
    ("citation_recall_gold", "citation recall (gold)", "%"),
    ("citation_precision_gold", "citation precision (gold)", "%"),
    ("verifier_self_agreement_recall", "verifier self-agreement, recall", "%"),
    ("verifier_self_agreement_precision", "verifier self-agreement, precision", "%"),
    ("direct", "facts in the first 200 characters", "%"),
    ("fallback_rate", "LLM fallback to extractive", "%"),
    ("recall@1", "evidence recall@1", "%"),
    ("recall@3", "evidence recall@3", "%"),
    ("recall@5", "evidence recall@5", "%"),
    ("mrr", "evidence MRR", "f"),
    ("latency_p50_ms", "latency p50 (ms)", "ms"),
    ("latency_p95_ms", "latency p95 (ms)", "ms"),
)


def _fmt(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "%":
        return f"{100 * value:.1f}%"
    if kind == "f":
        return f"{value:.3f}"
    if kind == "ms":
        return f"{value:.0f}"
    return str(value)


def columns(metrics: dict[str, dict[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{backend} {lang}", figures) for backend, by_lang in metrics.items()
            for lang, figures in by_lang.items()]


def table(run: EvalRun) -> str:
    """A fixed-width table: one row per metric, one column per backend and language."""
    cols = columns(breakdown(run.results))
    head = ["metric", *[name for name, _ in cols]]
    body = [[label, *[_fmt(figures.get(key), kind) for _, figures in cols]] for key, label, kind in ROWS]
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
    lines = [f"setting: {run.setting}  gold: {run.gold}  index: {run.ingest.get('documents')} documents, "
             f"{run.ingest.get('chunks')} chunks",
             "  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(head, widths, strict=True)))]
    lines.append("  ".join("-" * w for w in widths))
    for row in body:
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(row, widths, strict=True))))
    return "\n".join(lines)


def to_json(run: EvalRun, failures: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"setting": run.setting, "gold": run.gold, "backends": run.backends,
                           "index": run.ingest, "seconds": run.seconds, "metrics": breakdown(run.results),
                           "questions": [r.to_dict() for r in run.results]}
    if failures is not None:
        out["gate"] = {"passed": not failures, "failures": failures}
    return out


def write_json(run: EvalRun, path: Path, failures: list[str] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_json(run, failures), ensure_ascii=False, indent=2), encoding="utf-8")


def _escape(text: str) -> str:
    return html.escape(text).replace("|", "&#124;").replace("\n", " ")


def _verdict(r: dict[str, Any]) -> str:
    if r["correct"]:
        return "correct" if r["answerable"] else "correct abstention"
    if r["abstained"]:
        return "wrong abstention"
    return "unanswerable, answered" if not r["answerable"] else "wrong"


def _sentences(r: dict[str, Any]) -> list[str]:
    out = []
    for s in r["sentences"]:
        marks = ", ".join(f"[{c['number']}] {'✓' if c['supports'] else '✗'}" for c in s["citations"]) or "no citation"
        out.append(f"{'supported' if s['supported'] else 'UNSUPPORTED'} ({marks}): {s['text']}")
    return out


def plot(metrics: dict[str, dict[str, dict[str, Any]]], path: Path, title: str) -> Path:
    """Grouped bars of the main rates, one group per metric, one bar per backend and language."""
    import matplotlib

    matplotlib.use("Agg")  # no display; must be chosen before pyplot is imported
    import matplotlib.pyplot as plt

    keys = [("fact_accuracy", "fact acc."), ("wrong_abstention", "wrong abst."), ("abstention", "abstention"),
            ("hallucination", "halluc."), ("citation_recall_gold", "cit. recall"),
            ("citation_precision_gold", "cit. prec."),
            ("recall@1", "evid. R@1"), ("mrr", "evid. MRR")]
    cols = columns(metrics)
    width = 0.8 / max(len(cols), 1)
    fig, ax = plt.subplots(figsize=(10, 4.2), dpi=110)
    for i, (name, figures) in enumerate(cols):
        values = [figures.get(k) if figures.get(k) is not None else 0.0 for k, _ in keys]
        ax.bar([x + i * width for x in range(len(keys))], values, width, label=name)
    ax.set_xticks([x + width * (len(cols) - 1) / 2 for x in range(len(keys))], [label for _, label in keys])
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, ncol=min(len(cols), 6), loc="lower left")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def markdown(data: dict[str, Any], plot_name: str) -> str:
    cols = columns(data["metrics"])
    lines = [f"# Grounding eval: {data['setting']}", "",
             f"Gold: `{data['gold']}`; index: {data['index'].get('documents')} documents, "
             f"{data['index'].get('chunks')} chunks; backends: {', '.join(data['backends'])}; "
             f"{data['seconds']} s.", ""]
    if "gate" in data:
        gate = data["gate"]
        lines += ["**Gate: passed**" if gate["passed"] else "**Gate: FAILED**", ""]
        lines += [f"- {f}" for f in gate["failures"]] + ([""] if gate["failures"] else [])
    lines += [f"![metrics]({plot_name})", "",
              "| metric | " + " | ".join(name for name, _ in cols) + " |",
              "|---|" + "---:|" * len(cols)]
    for key, label, kind in ROWS:
        lines.append(f"| {label} | " + " | ".join(_fmt(f.get(key), kind) for _, f in cols) + " |")
    lines += ["", "## Questions", "", "| id | backend | lang | type | verdict | question | answer | citations | "
              "sentences | evidence rank | ms |", "|---|---|---|---|---|---|---|---|---|---:|---:|"]
    for r in data["questions"]:
        cites = "<br>".join(_escape(f"[{c['number']}] {c['title']}: {c['quote']}") for c in r["citations"])
        lines.append(" | ".join([
            f"| {r['id']}", r["backend"], r["lang"], r["type"], _verdict(r), _escape(r["question"]),
            _escape(r["answer"]), cites, "<br>".join(_escape(s) for s in _sentences(r)),
            str(r["evidence_rank"] or "–"), f"{r['latency_ms']:.0f} |"]))
    return "\n".join(lines) + "\n"


def html_page(data: dict[str, Any], plot_name: str) -> str:
    cols = columns(data["metrics"])
    e = html.escape
    head = "".join(f"<th>{e(name)}</th>" for name, _ in cols)
    rows = "".join(f"<tr><td>{e(label)}</td>" + "".join(f"<td class=n>{_fmt(f.get(key), kind)}</td>" for _, f in cols)
                   + "</tr>" for key, label, kind in ROWS)
    gate = ""
    if "gate" in data:
        g = data["gate"]
        gate = ("<p class=ok>Gate: passed</p>" if g["passed"] else
                "<p class=bad>Gate: FAILED</p><ul>" + "".join(f"<li>{e(f)}</li>" for f in g["failures"]) + "</ul>")
    qrows = []
    for r in data["questions"]:
        cites = "".join(f"<li>[{c['number']}] <b>{e(c['title'])}</b>: {e(c['quote'])}</li>" for c in r["citations"])
        sents = "".join(f"<li>{e(s)}</li>" for s in _sentences(r))
        verdict = _verdict(r)
        cls = "ok" if r["correct"] else "bad"
        qrows.append(f"<tr><td>{e(r['id'])}</td><td>{e(r['backend'])}</td><td>{r['lang']}</td><td>{e(r['type'])}</td>"
                     f"<td class={cls}>{e(verdict)}</td><td>{e(r['question'])}</td><td>{e(r['answer'])}</td>"
                     f"<td><ul>{cites}</ul></td><td><ul>{sents}</ul></td><td class=n>{r['evidence_rank'] or '–'}</td>"
                     f"<td class=n>{r['latency_ms']:.0f}</td></tr>")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Grounding eval: {e(data['setting'])}</title>
<style>body{{font-family:sans-serif;margin:1.5rem;}} table{{border-collapse:collapse;margin:1rem 0;}}
td,th{{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;font-size:.85rem;}} .n{{text-align:right;}}
.ok{{color:#176117;}} .bad{{color:#a11;font-weight:bold;}} ul{{margin:0;padding-left:1rem;}}</style></head>
<body><h1>Grounding eval: {e(data['setting'])}</h1>
<p>Gold: <code>{e(data['gold'])}</code>; index: {data['index'].get('documents')} documents,
{data['index'].get('chunks')} chunks; backends: {e(', '.join(data['backends']))}; {data['seconds']} s.</p>
{gate}<img src="{e(plot_name)}" alt="metrics per backend and language">
<table><tr><th>metric</th>{head}</tr>{rows}</table>
<h2>Questions</h2>
<table><tr><th>id</th><th>backend</th><th>lang</th><th>type</th><th>verdict</th><th>question</th><th>answer</th>
<th>citations</th><th>sentences</th><th>evidence rank</th><th>ms</th></tr>{''.join(qrows)}</table>
</body></html>
"""


def write_report(run: EvalRun, directory: Path, failures: list[str] | None = None) -> list[Path]:
    """``report.md``, ``report.html``, ``metrics.png`` and ``results.json`` in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    data = to_json(run, failures)
    png = plot(data["metrics"], directory / "metrics.png", f"grounding eval: {run.setting}")
    md = directory / "report.md"
    md.write_text(markdown(data, png.name), encoding="utf-8")
    page = directory / "report.html"
    page.write_text(html_page(data, png.name), encoding="utf-8")
    js = directory / "results.json"
    js.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return [md, page, png, js]
