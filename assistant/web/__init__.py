"""The Gradio chat: the app, its rendering, labels, style and uploads."""
