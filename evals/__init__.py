"""Evaluations of the assistant: gold questions, grounding metrics, the support judge, reports.

Everything here runs the real ``Assistant`` (the code path users get); nothing re-implements
retrieval or answering. ``perf/`` holds the speed and memory benchmarks.
"""
