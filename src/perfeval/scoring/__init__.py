"""Scoring: the pure engine — plain data in, a ``Result`` out.

Raw tables → ``Department`` (``inputs``), the rubric as data (``rubric``, ``rubrics/*.json``),
the 14 rules (``rules/``), cross-checks (``validate``) and ``engine.score``.  Standard
library only; no file, no Excel.  Imports nothing of perfeval but ``perfeval.layout``
(enforced by the import-linter contracts in ``pyproject.toml``).
"""
