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
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], wait_s: float) -> None:
    """Add, update and remove articles (.txt, .md, .jsonl) under PATHS (default: the corpus folder)."""
    from tqdm import tqdm

    from assistant.ingest import IngestBusyError
    from assistant.models import ModelMissingError
    from assistant.store import StoreError

    bar: tqdm | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="chunk", desc="embedding", disable=None)
        bar.update(done - bar.n)

    try:
        report = _assistant(ctx).ingest(list(paths) or None, progress=progress, lock_wait_s=wait_s)
    except (IngestBusyError, ModelMissingError, StoreError, RuntimeError) as err:
        _fail(err)
    if bar is not None:
        bar.close()
    for problem in report.problems:
        click.echo(f"skipped {problem.origin}: {problem.reason}", err=True)
    click.echo(report.summary())


@cli.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print {text, abstained, citations} as JSON.")
@click.option("--full", is_flag=True, help="With --json: also evidence, rewritten question, timings.")
@click.pass_context
def ask(ctx: click.Context, question: str, as_json: bool, full: bool) -> None:
    """Answer QUESTION from the indexed articles."""
    from assistant.models import ModelMissingError
    from assistant.schema import QuestionError
    from assistant.store import StoreError

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
    from assistant.web import serve as run_server

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
    from assistant.store import Store, StoreError

    settings = _settings(ctx)
    store = Store(settings)
    info: dict[str, Any] = {"data_dir": str(settings.data_dir), "chroma": settings.chroma_url or "embedded",
                            "documents": len(store.documents("ok")), "pending": len(store.documents("pending")),
                            "chunks": store.chunk_count(), "backend": settings.backend}
    if verify:
        from assistant.verify_index import verify_index

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
    """Download, join and verify the models into ASSISTANT_MODELS_DIR."""
    from assistant.models import fetch_embedding, fetch_gguf

    logging.getLogger("assistant.models").setLevel(logging.INFO)
    models_dir = _settings(ctx.find_root()).models_dir
    results = [fetch_embedding(models_dir, force)]
    if llm:
        results.append(fetch_gguf(models_dir, force))
    for r in results:
        click.echo(f"{r.name}: {'fetched' if r.fetched else 'present, verified'} at {r.path}")


def main() -> None:
    cli(prog_name="assistant")


if __name__ == "__main__":
    main()
