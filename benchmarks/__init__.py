"""Benchmarks of sora_widgets against the alternatives, measured side by side in one run.

Run them all (about 5-10 minutes) and write ``benchmarks/RESULTS.md``::

    python -m benchmarks

A smoke-sized run (under about a minute; prints, writes nothing unless ``--output`` is given)::

    python -m benchmarks --quick

One or a few: ``python -m benchmarks --only polling,download``; each module also runs alone
(``python -m benchmarks.polling --quick``). See ``benchmarks/README.md``.
"""

BENCHMARKS = ("polling", "many_jobs", "delivery", "download", "imports", "render", "coach", "long_session")
