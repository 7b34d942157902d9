"""Performance and scale benchmarks behind ``assistant bench`` (see docs/BENCHMARKS.md)."""
