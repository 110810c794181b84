"""The parent of the crash harness: one run is a seeded sequence, killed and restarted.

A run migrates a fresh database, then starts the child (``child.py``) with a
kill point; when it dies (SIGKILL) it starts the next life with the next kill
point, which first recovers, then retries or drops the interrupted operation.
After the planned kills a life without a kill point runs the sequence to its
end, and a last life only restarts (recovery and ``serve``'s jobs). Then the
oracle (``invariants``) checks the books.

    python -m tests.integration.crash.driver --seed 7 [--url URL] [--ops 60] [--kills 4]

reruns one run exactly (the kill points are deterministic) and prints its report.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from copytrade.adapters.db.engine import make_engine
from copytrade.adapters.db.migrate import upgrade_database

from .child import Journal
from .invariants import Violation, check_all
from .kill_points import KillPoint
from .scenario import generate, setup_ops
from .world import settings

ROOT = Path(__file__).resolve().parents[3]
SIGKILL = -9
OPS = 50
KILLS = 3


@dataclass
class Life:
    kill: KillPoint | None
    resume: str
    returncode: int
    died_in: str = ""  # the operation the kill interrupted, as the journal has it


@dataclass
class RunReport:
    seed: int
    url: str
    ops: int
    kills: int
    lives: list[Life] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

    def command(self, backend: str) -> str:
        return (
            f"CT_CRASH_SEED={self.seed} CT_CRASH_OPS={self.ops} CT_CRASH_KILLS={self.kills} "
            f".venv/bin/python -m pytest tests/integration/crash -k {backend}   # or: "
            f".venv/bin/python -m tests.integration.crash.driver --seed {self.seed} "
            f"--ops {self.ops} --kills {self.kills}"
        )

    def text(self, backend: str = "sqlite", limit: int = 25) -> str:
        lines = [
            f"seed {self.seed}: {len(self.violations)} violation(s); rerun: {self.command(backend)}"
        ]
        for life in self.lives:
            point = life.kill.text() if life.kill else "none"
            lines.append(
                f"  life kill={point} resume={life.resume} rc={life.returncode} {life.died_in}"
            )
        for v in self.violations[:limit]:
            lines.append(f"  {v}")
        if len(self.violations) > limit:
            lines.append(f"  … and {len(self.violations) - limit} more")
        return "\n".join(lines)


def plan(seed: int, ops: int, kills: int) -> list[tuple[KillPoint, str]]:
    """The kill points of a run and how each restart resumes, from the seed alone."""
    rng = random.Random(f"kills:{seed}")
    setup = len(setup_ops())
    # Mostly in the random part; one kill in five may land in the setup.
    at = sorted(
        rng.randrange(setup) if rng.random() < 0.2 else rng.randrange(setup, ops)
        for _ in range(kills)
    )
    points = []
    for n, op in enumerate(at):
        if n and rng.random() < 0.15:
            op = -1  # this life dies during its own recovery
        when = rng.choice(["before", "after"])
        points.append((KillPoint(op, rng.randint(1, 6), when), rng.choice(["retry", "drop"])))
    return points


def child(
    mode: str, url: str, workdir: Path, seed: int, ops: int, *extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.integration.crash.child",
            mode,
            url,
            str(workdir),
            str(seed),
            str(ops),
            *extra,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def crash_run(url: str, workdir: Path, seed: int, ops: int = OPS, kills: int = KILLS) -> RunReport:
    db = make_engine(settings(url))
    upgrade_database(db)
    report = RunReport(seed, url, ops, kills)
    journal = Journal(workdir)
    resume = "drop"
    finished = False
    for point, next_resume in plan(seed, len(generate(seed, ops)), kills):
        proc = child("run", url, workdir, seed, ops, resume, point.text())
        if not _lived(report, Life(point, resume, proc.returncode, _last_started(journal)), proc):
            return _checked(report, db, journal, seed, ops)
        if proc.returncode == 0:
            finished = True
            break
        resume = next_resume
    if not finished:
        proc = child("run", url, workdir, seed, ops, resume)
        if not _lived(report, Life(None, resume, proc.returncode), proc):
            return _checked(report, db, journal, seed, ops)
    proc = child("final", url, workdir, seed, ops)
    _lived(report, Life(None, "final", proc.returncode), proc)
    return _checked(report, db, journal, seed, ops)


def _lived(report: RunReport, life: Life, proc: subprocess.CompletedProcess[str]) -> bool:
    """Record a life; False when it ended otherwise than by our kill or normally."""
    report.lives.append(life)
    if proc.returncode in (0, SIGKILL):
        return True
    tail = "\n".join(proc.stderr.strip().splitlines()[-12:])
    report.violations.append(Violation("process-survives", f"life {len(report.lives)}", tail))
    return False


def _last_started(journal: Journal) -> str:
    events = journal.events()
    if events and events[-1]["event"] == "boot":
        return "died in its recovery"
    done = {e["i"] for e in events if e["event"] in ("done", "dropped")}
    started = [e for e in events if e["event"] == "start" and e["i"] not in done]
    if started:
        op = started[-1]["op"]
        target = op.get("rel") or op.get("provider") or op.get("account") or ""
        return f"died in op {op['i']} {op['kind']} {target}"
    return "died between operations" if events else ""


def _checked(report: RunReport, db: Engine, journal: Journal, seed: int, ops: int) -> RunReport:
    for e in journal.events():
        if e["event"] == "done" and e["outcome"] == "error":
            report.violations.append(
                Violation(
                    "use-cases-raise-only-their-errors", f"op {e['i']}", e["detail"].splitlines()[0]
                )
            )
        if e["event"] == "jobs":
            for job, error in e["errors"].items():
                report.violations.append(Violation("serve-jobs-succeed", job, error))
    last = datetime.fromisoformat(generate(seed, ops)[-1]["ts"]) + timedelta(minutes=1)
    report.violations.extend(check_all(db, last))
    report.violations.extend(_reconcile_command(report.url))
    db.dispose()
    return report


def _reconcile_command(url: str) -> list[Violation]:
    """``copytrade reconcile --json`` as an operator runs it, where the command exists;
    the oracle above does not depend on it."""
    env = {**os.environ, "COPYTRADE_DATABASE_URL": url}
    proc = subprocess.run(
        [sys.executable, "-m", "copytrade.cli", "reconcile", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode == 0 or "No such command" in proc.stderr:
        return []
    try:
        found = json.loads(proc.stdout).get("differences", [])
        detail = f"{len(found)} difference(s): {json.dumps(found[:5])}"
    except ValueError:
        detail = " ".join((proc.stderr or proc.stdout).strip().splitlines()[-1:])
    return [Violation("copytrade-reconcile-clean", f"exit {proc.returncode}", detail)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--ops", type=int, default=OPS)
    parser.add_argument("--kills", type=int, default=KILLS)
    parser.add_argument("--url", help="an empty database (default: a new SQLite file)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix=f"crash-{args.seed}-"))
    url = args.url or f"sqlite:///{workdir / 'crash.db'}"
    report = crash_run(url, workdir, args.seed, args.ops, args.kills)
    print(report.text("postgres" if url.startswith("postgres") else "sqlite", limit=200))
    print(f"journal: {workdir / 'journal.jsonl'}")
    return 1 if report.violations else 0


if __name__ == "__main__":
    sys.exit(main())
