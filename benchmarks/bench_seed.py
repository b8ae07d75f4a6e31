"""Benchmark: the county bank generated and loaded by `rmdesk seed`, time and peak memory.

Goals (issue: the synthetic bank): the county scale (200,000 customers, 50,000 loans, about
10,000,000 transactions over 12 months, 300 account managers in 30 outlets) is generated and
loaded in 300 seconds or less on a 2-core machine, with a peak resident memory of the seed
process of 4 GB or less, on SQLite and on PostgreSQL; the demo scale seeds in 30 seconds or
less.

It runs `python -m rmdesk.cli seed --scale county --seed 1 --no-progress` in a subprocess on
a fresh database (after `migrate`): a new SQLite file in a temporary RMDESK_VAR_DIR, or, with
`--postgres`, a throwaway cluster started by `scripts/throwaway-postgres` (its server
processes are not the seed's memory and are not counted). Wall time and peak RSS come from
`/usr/bin/time -v` when it is installed, else from the clock and getrusage(RUSAGE_CHILDREN).
It prints one JSON line.

    make bench-seed                          # SQLite, county
    uv run python benchmarks/bench_seed.py --postgres
    uv run python benchmarks/bench_seed.py --scale demo
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOALS = {"county": {"seconds": 300, "peak_rss_mb": 4096}, "demo": {"seconds": 30, "peak_rss_mb": 4096}}
TIME = "/usr/bin/time"


@contextmanager
def database(postgres: bool, port: int):
    """Environment of a fresh database: a temporary var dir, and a throwaway PostgreSQL if asked."""
    with tempfile.TemporaryDirectory(prefix="rmdesk-bench-seed.") as var:
        env = {**os.environ, "RMDESK_VAR_DIR": var, "DJANGO_SETTINGS_MODULE": "config.settings"}
        env.pop("DATABASE_URL", None)
        if not postgres:
            yield env
            return
        cluster = tempfile.mkdtemp(prefix="rmdesk-bench-pg.")
        script = str(ROOT / "scripts" / "throwaway-postgres")
        url = subprocess.run([script, "start", cluster, str(port)], check=True, capture_output=True, text=True).stdout.strip()
        try:
            yield {**env, "DATABASE_URL": url}
        finally:
            subprocess.run([script, "stop", cluster], check=False)


def rmdesk(env: dict, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rmdesk.cli", *args], env=env, cwd=ROOT, check=True, capture_output=capture, text=True)


def timed_seed(env: dict, scale: str, seed: int) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one `rmdesk seed` run."""
    command = [sys.executable, "-m", "rmdesk.cli", "seed", "--scale", scale, "--seed", str(seed), "--no-progress"]
    started = time.monotonic()
    if shutil.which(TIME):
        done = subprocess.run([TIME, "-v", *command], env=env, cwd=ROOT, capture_output=True, text=True)
        seconds = time.monotonic() - started
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit(f"seed failed with exit code {done.returncode}")
        peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))
        return seconds, peak_kb / 1024
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True)
    seconds = time.monotonic() - started
    # ru_maxrss of children is the largest child so far; migrate ran before and is far smaller.
    return seconds, max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", action="store_true", help="seed a throwaway PostgreSQL instead of SQLite")
    parser.add_argument("--scale", choices=sorted(GOALS), default="county")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=54341, help="port of the throwaway PostgreSQL")
    args = parser.parse_args()

    with database(args.postgres, args.port) as env:
        rmdesk(env, "migrate", "--verbosity", "0")
        seconds, peak_mb = timed_seed(env, args.scale, args.seed)
        sys.stderr.write(f"seeded in {seconds:.1f} s, peak RSS {peak_mb:.0f} MB\n")
        shell = rmdesk(
            env, "shell", "-c",
            "import json; from rmdesk.synthetic.models import SeedRun; print(json.dumps(SeedRun.objects.latest('pk').counts))",
            capture=True,
        )
        counts = json.loads(shell.stdout.strip().splitlines()[-1])
    goal = GOALS[args.scale]
    print(
        json.dumps(
            {
                "benchmark": "rmdesk seed, generated and loaded",
                "scale": args.scale,
                "database": "postgresql" if args.postgres else "sqlite",
                "seconds": round(seconds, 1),
                "peak_rss_mb": round(peak_mb),
                "rows": counts,
                "total_rows": sum(counts.values()),
                "goal_seconds": goal["seconds"],
                "goal_peak_rss_mb": goal["peak_rss_mb"],
                "goals_met": seconds <= goal["seconds"] and peak_mb <= goal["peak_rss_mb"],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
