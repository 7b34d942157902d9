"""The web chat's look: a calm theme with local fonts (no font CDN) and the source-card styles."""

from __future__ import annotations

import gradio as gr

# system fonts only: the page must not fetch anything from another origin
_SANS = ["ui-sans-serif", "system-ui", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
_MONO = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]


def theme() -> gr.themes.Base:
    return gr.themes.Default(primary_hue="indigo", secondary_hue="slate", neutral_hue="slate",
                             font=_SANS, font_mono=_MONO, radius_size="md", text_size="md")


CSS = """
.gradio-container { max-width: 1400px !important; }
#app-head h1 { font-size: 1.45rem; margin: 0 0 2px 0; }
#app-head p { margin: 0; color: var(--body-text-color-subdued); font-size: 0.95rem; }

/* chat */
#chat .question { white-space: pre-wrap; }
#chat .answer { line-height: 1.55; }
#chat .answer .short-answer { margin: 0 0 6px 0; font-size: 1.05em; }
#chat .answer .quotes { color: var(--body-text-color); }
#chat .answer.waiting { color: var(--body-text-color-subdued); font-style: italic; }
#chat .answer.streaming::after { content: " ▍"; color: var(--color-accent); }
#chat a.cite {
  text-decoration: none; font-weight: 600; font-size: 0.85em; padding: 0 3px; margin-left: 1px;
  border-radius: 4px; background: var(--color-accent-soft); color: var(--color-accent);
}
#chat a.cite:hover { background: var(--color-accent); color: white; }
#chat .closest { margin-top: 6px; font-size: 0.9em; }
#chat .understood, .sources .understood { margin-top: 6px; font-size: 0.85em; color: var(--body-text-color-subdued); }
#chat .timing { margin-top: 2px; font-size: 0.8em; color: var(--body-text-color-subdued); }
#chat .note-error { color: var(--error-text-color, #b91c1c); }

/* sources */
#sources-panel { max-height: 640px; overflow-y: auto !important; padding-right: 6px; }
.sources-empty, .docs-empty { color: var(--body-text-color-subdued); padding: 12px 4px; font-size: 0.95em; }
.sources .turn { margin-bottom: 18px; }
.sources .turn-head { font-size: 0.9em; margin: 4px 0 8px 0; color: var(--body-text-color-subdued); }
.sources .turn-no { font-weight: 700; color: var(--body-text-color); margin-right: 4px; }
.src-card {
  border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 10px 12px; margin: 0 0 10px 0;
  background: var(--block-background-fill); scroll-margin-top: 44px; transition: box-shadow 0.3s;
}
.src-card.closest { border-style: dashed; }
.src-card.near { border-style: dashed; border-color: #b7791f; }
#chat .near-miss { border-left: 3px solid #b7791f; padding-left: 8px; }
#chat .near-label { font-size: 0.85em; font-weight: 600; color: #975a16; margin-bottom: 4px; }
.src-card:target, .src-card.flash { box-shadow: 0 0 0 3px var(--color-accent); }
.src-card header { font-weight: 600; line-height: 1.35; }
.src-card .src-num { color: var(--color-accent); margin-right: 2px; }
.src-card .src-meta { font-size: 0.8em; color: var(--body-text-color-subdued); margin-top: 2px; }
.src-card .src-text {
  margin: 6px 0 0 0; font-size: 0.9em; line-height: 1.5; color: var(--body-text-color-subdued);
  white-space: pre-wrap; overflow-wrap: anywhere;
}
.src-card mark { background: #fde68a; color: #111827; padding: 1px 2px; border-radius: 3px; }
.closest-note { font-size: 0.9em; margin: 4px 0 8px 0; }
.src-card details.full summary {
  cursor: pointer; font-size: 0.8em; color: var(--body-text-color-subdued); margin-top: 4px;
}
details.evidence { font-size: 0.85em; margin-top: 4px; }
details.evidence summary { cursor: pointer; color: var(--body-text-color-subdued); }
details.evidence ol { padding-left: 20px; margin: 6px 0; }
details.evidence li { margin-bottom: 6px; }
details.evidence .score { font-family: var(--font-mono); font-weight: 600; margin-right: 4px; }
details.evidence .ev-title { font-weight: 600; }

/* articles */
.docs table { width: 100%; border-collapse: collapse; font-size: 0.9em; }
.docs th, .docs td { text-align: left; padding: 5px 6px; border-bottom: 1px solid var(--border-color-primary); }
.docs td.num { text-align: right; }
.docs-head { font-weight: 600; margin-bottom: 6px; }
.ingest-report { font-size: 0.9em; }
.ingest-report .problems { margin-top: 6px; color: var(--error-text-color, #b91c1c); }
"""
