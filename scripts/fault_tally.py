"""Tally of the durability promise: every fault the simulator can inject, tried many times.

    python scripts/fault_tally.py [--runs 6] [--seed 1]

For every fault word, ``--runs`` generations go through the real client and journal against the
in-process simulator (instant speed). Some runs are interrupted mid-poll and finished by a new
client (a kernel restart) with ``resume()``; some also restart the simulator on the same state.
At the end every task the simulator made is matched against the journal:

- lost: the simulator made (and billed) a task that the journal neither finished with a verified
  file, nor recorded as failed, nor kept as "outcome unknown" with its request;
- created twice: one request that led to more than one task at the simulator.

The figures are printed as a table; the README quotes them.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sora_widgets.client import SoraClient
from sora_widgets.errors import PollTimeout, SoraError
from sora_widgets.journal import Journal
from sora_widgets.simulator import Simulator

KEY = "tally-key-not-secret"
FAULTS = (
    "",
    "[sim:fail]",
    "[sim:fail=099]",
    "[sim:moderation]",
    "[sim:moderation=http]",
    "[sim:refuse]",
    "[sim:error_shape=string][sim:fail]",
    "[sim:http=429][sim:retry_after=0.01]",
    "[sim:http=503]",
    "[sim:http=500]",
    "[sim:poll=503x3][sim:retry_after=0.01]",
    "[sim:poll=429x2][sim:retry_after=0.01]",
    "[sim:malformed=2]",
    "[sim:drop]",
    "[sim:unknown=2]",
    "[sim:truncate]",
    "[sim:expire]",
    "[sim:lose]",
    "[sim:lose=drop]",
    "[sim:done]",
)


@dataclass
class Tally:
    fault: str
    runs: int = 0
    interrupted: int = 0
    sim_restarts: int = 0
    created: int = 0
    verified: int = 0
    failed: int = 0
    refused: int = 0
    unknown_kept: int = 0
    lost: int = 0
    twice: int = 0


def _is_mp4(path: Path | None) -> bool:
    return path is not None and path.is_file() and path.read_bytes()[4:8] == b"ftyp"


def run(runs: int, seed: int) -> list[Tally]:
    rng = random.Random(seed)
    root = Path(tempfile.mkdtemp(prefix="sora-tally-"))
    journal_path = root / "journal.sqlite3"
    sim = Simulator(speed="instant", state_dir=root / "sim")
    tallies: list[Tally] = []

    def new_client(simulator: Simulator) -> tuple[SoraClient, Journal]:
        journal = Journal(journal_path)
        client = SoraClient(KEY, connect=simulator, journal=journal, download_dir=root / "videos")
        return client, journal

    for fault in FAULTS:
        tally = Tally(fault or "(none)")
        for i in range(runs):
            prompt = f"Tally run {i}: a paper boat on a puddle {fault}".strip()
            tally.runs += 1
            client, journal = new_client(sim)
            interrupt = rng.random() < 0.4
            try:
                if interrupt:
                    task = client.create_sync(prompt=prompt)
                    # the "kernel" dies at its first poll: a new client must finish the task
                    client.wait_sync(task, timeout=0.0)
                else:
                    client.generate_sync(prompt=prompt)
            except (PollTimeout, SoraError):
                pass  # failures are tallied from the journal below, as a user would find them
            tally.interrupted += interrupt
            client.close()
            journal.close()
            if interrupt and rng.random() < 0.5:
                sim.close()
                sim = Simulator(speed="instant", state_dir=root / "sim")
                tally.sim_restarts += 1
            if interrupt:
                client, journal = new_client(sim)
                client.resume_sync()
                client.close()
                journal.close()
        tallies.append(tally)

    journal = Journal(journal_path)
    for tally, fault in zip(tallies, FAULTS, strict=True):
        for i in range(tally.runs):
            prompt = f"Tally run {i}: a paper boat on a puddle {fault}".strip()
            made = sim.ledger.by_prompt(prompt)
            tally.created += made
            tally.twice += max(0, made - 1)
            entries = [e for e in journal.entries() if e.prompt == prompt]
            statuses = {e.status for e in entries}
            done = [e for e in entries if e.status == "completed" and e.video and _is_mp4(e.video.path)]
            tally.verified += bool(done)
            tally.failed += "failed" in statuses
            tally.refused += "refused" in statuses
            tally.unknown_kept += "unknown_outcome" in statuses
            accounted = bool(done) or "failed" in statuses or "unknown_outcome" in statuses
            if made and not accounted:
                tally.lost += 1
    journal.close()
    sim.close()
    return tallies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6, help="generations per fault (default 6)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    tallies = run(args.runs, args.seed)
    cols = (
        "fault",
        "runs",
        "interrupted",
        "sim_restarts",
        "created",
        "verified",
        "failed",
        "refused",
        "unknown_kept",
        "lost",
        "twice",
    )
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for t in tallies:
        print("| " + " | ".join(f"`{t.fault}`" if c == "fault" else str(getattr(t, c)) for c in cols) + " |")
    total = {c: sum(getattr(t, c) for t in tallies) for c in cols[1:]}
    print("| **all** | " + " | ".join(str(total[c]) for c in cols[1:]) + " |")
    print(
        f"\nfaults tried: {len(tallies)} kinds, {total['runs']} generations "
        f"({total['interrupted']} interrupted and resumed, {total['sim_restarts']} simulator restarts); "
        f"tasks lost: {total['lost']}; tasks created twice: {total['twice']}"
    )
    return 1 if total["lost"] or total["twice"] else 0


if __name__ == "__main__":
    sys.exit(main())
