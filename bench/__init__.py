"""Benchmarks of the catalog over real HTTP, PostgreSQL and Redis: ``python -m bench --help``.

Not tests: they measure, print Markdown tables and write JSON to ``bench/results/``; the
numbers and what they mean are in ``docs/benchmarks.md``.
"""

from __future__ import annotations
