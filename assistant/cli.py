"""The ``assistant`` command line."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from assistant.settings import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


def _harness() -> None:
    """Make the eval harness importable for the commands that run it (eval, bench, judge, germanquad).

    ``evals/`` is the repository's, never installed with the package, so nothing the product does at
    run time can depend on it. It is found beside the package (a checkout installed with ``pip install
    -e``) or in the working directory; subprocesses the harness starts inherit the path."""
    for root in (Path(__file__).resolve().parents[1], Path.cwd()):
        if (root / "evals" / "__init__.py").is_file():
            if str(root) not in sys.path:
                sys.path.insert(0, str(root))
            os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))
            return
    raise click.ClickException("this command runs the eval harness, evals/ of a repository checkout: run it "
                               "from the checkout (git clone …; pip install -e .)")


def _fail(err: Exception) -> None:
    click.echo(f"error: {err}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--data-dir", type=click.Path(path_type=Path), help="Index folder (ASSISTANT_DATA_DIR).")
@click.option("--backend", type=click.Choice(["extractive", "local", "openai"]), help="ASSISTANT_BACKEND.")
@click.option("-v", "--verbose", is_flag=True, help="Log what happens.")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, backend: str | None, verbose: bool) -> None:
    """Grounded answers with cited passages from a folder of news articles."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s")
    overrides: dict[str, Any] = {}
    if data_dir:
        overrides["data_dir"] = data_dir
    if backend:
        overrides["backend"] = backend
    try:
        ctx.obj = {"settings": Settings(**overrides)}
    except ValueError as err:
        _fail(err)


def _assistant(ctx: click.Context) -> Any:
    from assistant.api import Assistant

    return Assistant(_settings(ctx))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--wait", "wait_s", default=0.0, help="Seconds to wait for another ingest to finish.")
@click.option("--reembed", is_flag=True,
              help="Embed every stored chunk again with the configured model and runtime (after changing either).")
@click.option("--ray", "ray_address", is_flag=False, flag_value="", default=None, metavar="[ADDRESS]",
              help="Embed on Ray (pip install -e '.[ray]'): the cluster at ADDRESS, or a local one without it.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], wait_s: float, reembed: bool, ray_address: str | None
           ) -> None:
    """Add, update and remove articles (.txt, .md, .jsonl) under PATHS (default: the corpus folder)."""
    from tqdm import tqdm

    from assistant.ingest.ingestor import IngestBusyError
    from assistant.models import ModelMissingError
    from assistant.retrieval.store import StoreError

    if reembed and paths:
        raise click.UsageError("--reembed works on the whole index: give no PATHS with it.")
    if reembed and ray_address is not None:
        raise click.UsageError("--reembed runs in this process: give it without --ray.")
    bar: tqdm | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="chunk", desc="embedding", disable=None)
        bar.update(done - bar.n)

    assistant = _assistant(ctx)
    try:
        if reembed:
            click.echo(assistant.reembed(progress=progress, lock_wait_s=wait_s).summary())
            return
        report = assistant.ingest(list(paths) or None, progress=progress, lock_wait_s=wait_s,
                                  ray_address=ray_address)
    except (IngestBusyError, ModelMissingError, StoreError, RuntimeError) as err:
        _fail(err)
    finally:
        if bar is not None:
            bar.close()
    for problem in report.problems:
        click.echo(f"skipped {problem.origin}: {problem.reason}", err=True)
    click.echo(report.summary())


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON, short_answer included.")
@click.option("--full", is_flag=True, help="With --json: also evidence, rewritten question, timings.")
@click.pass_context
def ask(ctx: click.Context, question: str, as_json: bool, full: bool) -> None:
    """Answer QUESTION from the indexed articles."""
    from assistant.models import ModelMissingError
    from assistant.retrieval.store import StoreError
    from assistant.schema import QuestionError

    try:
        answer = _assistant(ctx).ask(question)
    except (QuestionError, ModelMissingError, StoreError, RuntimeError) as err:
        _fail(err)
    if as_json:
        click.echo(json.dumps(answer.to_dict(full=full), ensure_ascii=False, indent=2))
        return
    click.echo(answer.text)
    for c in answer.citations:
        click.echo(f"\n[{c.number}] {c.title}\n    {c.quote}")
    if answer.abstained and answer.evidence:
        click.echo("\n(closest: " + answer.evidence[0].quote[:200] + ")")


@cli.command()
@click.option("--host", help="Bind address (ASSISTANT_HOST, default 127.0.0.1).")
@click.option("--port", type=int, help="Port (ASSISTANT_PORT, default 7860).")
@click.option("--insecure", is_flag=True, help="Allow a non-loopback bind without ASSISTANT_AUTH.")
@click.option("--no-ingest", is_flag=True, help="Serve the index as it is; do not ingest the corpus folder first.")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, insecure: bool, no_ingest: bool) -> None:
    """Start the web chat."""
    from assistant.web.app import serve as run_server

    settings = _settings(ctx)
    if host:
        settings.host = host
    if port:
        settings.port = port
    try:
        run_server(settings, insecure=insecure, ingest_first=not no_ingest)
    except (RuntimeError, ValueError) as err:
        _fail(err)


@cli.command()
@click.option("--verify", is_flag=True, help="Check Chroma, BM25 and the manifest against each other and repair.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def status(ctx: click.Context, verify: bool, as_json: bool) -> None:
    """What is indexed."""
    from assistant.retrieval.store import Store, StoreError

    settings = _settings(ctx)
    store = Store(settings)
    info: dict[str, Any] = {"data_dir": str(settings.data_dir), "chroma": settings.chroma_url or "embedded",
                            "documents": len(store.documents("ok")), "pending": len(store.documents("pending")),
                            "chunks": store.chunk_count(), "backend": settings.backend}
    if verify:
        from assistant.retrieval.verify_index import verify_index

        try:
            info["verify"] = verify_index(settings, store).to_dict()
        except StoreError as err:
            _fail(err)
    if as_json:
        click.echo(json.dumps(info, indent=2, ensure_ascii=False))
    else:
        for key, value in info.items():
            click.echo(f"{key}: {value}")


@cli.group()
def models() -> None:
    """Fetch and check the packaged models."""


@models.command("fetch")
@click.option("--llm", is_flag=True, help="Also the local GGUF model (1.1 GB).")
@click.option("--force", is_flag=True, help="Download again even when present.")
@click.pass_context
def models_fetch(ctx: click.Context, llm: bool, force: bool) -> None:
    """Download, join and verify the models into ASSISTANT_MODELS_DIR; export the ONNX graph."""
    from assistant.models import fetch_embedding, fetch_gguf
    from assistant.retrieval.encoders import resolve_runtime
    from assistant.retrieval.onnx_export import fetch_onnx
    from assistant.retrieval.onnx_int8 import fetch_int8

    logging.getLogger("assistant.models").setLevel(logging.INFO)
    settings = _settings(ctx.find_root())
    models_dir = settings.models_dir
    results = [fetch_embedding(models_dir, force)]
    runtime = resolve_runtime(settings.embed_runtime, settings.embed_dtype)
    if runtime in ("onnx", "onnx-int8"):
        results.append(fetch_onnx(models_dir, settings.embed_model, settings.max_seq_length, force))
    if runtime == "onnx-int8":
        results.append(fetch_int8(models_dir, settings.embed_model, settings.max_seq_length, force))
    if llm:
        results.append(fetch_gguf(models_dir, force))
    for r in results:
        click.echo(f"{r.name}: {'fetched' if r.fetched else 'present, verified'} at {r.path}")


@cli.command("eval")
@click.option("--gold", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Gold questions (.jsonl, evals/gold.jsonl format); default evals/gold.jsonl.")
@click.option("--backend", "backends", multiple=True, type=click.Choice(["extractive", "local", "openai"]),
              help="Answer backend; repeat for several (default: the configured one).")
@click.option("--distractors", is_flag=True, help="Also ingest the 1,028 10kGNAD articles as distractors.")
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False), help="Write results as JSON.")
@click.option("--report", "report_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Write a Markdown + HTML report with a plot and a per-question table to this folder.")
@click.option("--data-dir", "eval_data_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Reusable eval index folder (default ~/.cache/assistant/evals).")
@click.option("--gate", is_flag=True, help="Exit 1 and list the floors missed (evals/thresholds.toml).")
@click.option("--limit", type=click.IntRange(min=1), help="Only N questions, spread over the gold file.")
@click.option("-q", "--quiet", is_flag=True, help="No per-question progress lines.")
@click.pass_context
def eval_command(ctx: click.Context, gold: Path | None, backends: tuple[str, ...], distractors: bool,
                 json_path: Path | None, report_dir: Path | None, eval_data_dir: Path | None, gate: bool,
                 limit: int | None, quiet: bool) -> None:
    """Grade the assistant on gold questions: answers, citations, retrieval, abstention, latency."""
    _harness()
    from evals.evaluate import run_eval
    from evals.gold import DEFAULT_GOLD, GoldError

    try:
        code = run_eval(_settings(ctx), gold or DEFAULT_GOLD, backends, distractors, json_path, report_dir,
                        eval_data_dir, gate, limit, echo=click.echo,
                        progress=None if quiet else (lambda line: click.echo(line, err=True)))
    except GoldError as err:
        _fail(err)
    sys.exit(code)


@cli.command("eval-retrieval")
@click.argument("benchmark", type=click.Choice(["germanquad"]))
@click.option("--data-dir", "eval_data_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Reusable index folder (default ~/.cache/assistant/evals/germanquad).")
@click.option("--half", type=click.Choice(["dev", "test", "all"]), default="all", show_default=True,
              help="Queries with even ids (dev), odd ids (test) or all.")
@click.option("--mode", "modes", multiple=True, type=click.Choice(["dense", "bm25", "hybrid", "full", "answer"]),
              help="Ranking to score; repeat for several (default: the first four). 'answer' asks each question "
                   "through the whole pipeline: its wrong abstentions (every question is answerable).")
@click.option("--limit", type=click.IntRange(min=1), help="Only N queries, spread over the set.")
@click.option("--candidates", type=click.IntRange(min=1), help="Chunks per retriever (default: settings).")
@click.option("--dense-weight", type=click.FloatRange(0, 1), help="Dense fusion weight (default: settings).")
@click.option("--fusion", type=click.Choice(["zscore", "rrf"]), help="Fusion method (default: zscore).")
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False), help="Write results as JSON.")
@click.pass_context
def eval_retrieval(ctx: click.Context, benchmark: str, eval_data_dir: Path | None, half: str, modes: tuple[str, ...],
                   limit: int | None, candidates: int | None, dense_weight: float | None, fusion: str | None,
                   json_path: Path | None) -> None:
    """Retrieval benchmark (GermanQuAD): MRR@10 and Success@k through the assistant's own retrieval."""
    _harness()
    from evals.germanquad import MODES, run_benchmark, table

    params = {"candidates": candidates, "dense_weight": dense_weight, "fusion": fusion}
    out = run_benchmark(_settings(ctx), eval_data_dir, limit, half, modes or MODES, params,
                        progress=lambda line: click.echo(line, err=True))
    click.echo(f"{benchmark}: {out['queries']} queries, {out['passages']} passages, {out['chunks']} chunks, {params}")
    click.echo(table(out["results"]))
    if json_path:
        json_path.write_text(json.dumps(out, indent=2), encoding="utf-8")
        click.echo(f"wrote {json_path}")


@cli.command("eval-judge")
@click.option("--tune", "search", is_flag=True, help="Also search the thresholds on the tune half (even ids).")
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False), help="Write results as JSON.")
@click.pass_context
def eval_judge(ctx: click.Context, search: bool, json_path: Path | None) -> None:
    """Agreement of the support judge with the hand labels (evals/data/support_labels.jsonl)."""
    from assistant.grounding.verify import SupportJudge
    from assistant.retrieval.embed import CachedEmbed
    _harness()
    from evals.judge import evaluate_judge, judge_table, load_labels, tune

    judge = SupportJudge(embed=CachedEmbed(_assistant(ctx).embedder.embed_texts))
    report = evaluate_judge(judge)
    if search:
        report["tuned"] = tune(judge, load_labels())
        click.echo(f"best on the tune half: {report['tuned']}")
    click.echo(judge_table(report))
    if json_path:
        json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")


@cli.command()
@click.option("--quick", is_flag=True, help="CI-sized: a small subset, no 1M-vector Chroma, no LLM (under 3 min).")
@click.option("--json", "json_path", type=click.Path(path_type=Path, dir_okay=False), help="Write all results here.")
@click.option("--doc", "doc_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write the Markdown report here, its plot beside it (`make bench`: docs/BENCHMARKS.md); "
              "without it no file but --json is written, so a plain run never rewrites a tracked file.")
@click.option("--work", "work_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Scratch and cache folder (default ~/.cache/assistant/bench/work).")
@click.option("--skip", multiple=True, help="Phase to leave out (main, reingest, llamaindex, local, serve, "
              "memory, chroma); repeat for several.")
@click.option("--merge", "merge_path", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="Take skipped phases from this earlier --json result.")
@click.option("--articles", type=click.IntRange(min=1), help="Only the first N 10kGNAD articles (default: all).")
@click.option("--memory-chunks", type=click.IntRange(min=10),
              help="Chunks for the memory-scaling run (default 20k; 100k for the full curve).")
def bench(quick: bool, json_path: Path | None, doc_path: Path | None, work_dir: Path | None, skip: tuple[str, ...],
          merge_path: Path | None, articles: int | None, memory_chunks: int | None) -> None:
    """Measure ingest, retrieval, answers, cold start, memory and a 1M-vector Chroma server."""
    _harness()
    from evals.perf.bench import main as run_bench

    doc = None if doc_path is None or str(doc_path) == "-" else doc_path
    run_bench(quick, json_path, doc, work_dir, skip, merge_path, click.echo, articles, memory_chunks)


def main() -> None:
    cli(prog_name="assistant")


if __name__ == "__main__":
    main()
