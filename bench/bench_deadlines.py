"""Time due-date arithmetic: workday ordinals against a day-by-day loop.

Both methods compute the same (start, amount) pairs on the national calendar seeded from
chinesecalendar, and every result of the loop is checked against the ordinal method.
Run from the repository root:

    .venv/bin/python bench/bench_deadlines.py --pairs 1000000 --repeat 3

It prints the median wall time of each method over the repeats and their ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from onestop.worktime.engine import WorkdayCalendar

ONE_DAY = dt.timedelta(days=1)


def make_pairs(count: int, seed: int) -> list[tuple[dt.date, int]]:
    """Draw starts in 2005–2026 and amounts of 0 to 60 working days."""
    generator = random.Random(seed)
    first = dt.date(2005, 1, 1).toordinal()
    last = dt.date(2026, 10, 31).toordinal()
    return [
        (dt.date.fromordinal(generator.randint(first, last)), generator.randint(0, 60))
        for _ in range(count)
    ]


def by_ordinals(calendar: WorkdayCalendar, pairs: list) -> list[dt.date]:
    add = calendar.add_working_days
    return [add(start, amount) for start, amount in pairs]


def day_by_day(calendar: WorkdayCalendar, pairs: list) -> list[dt.date]:
    is_workday = calendar.is_workday
    results = []
    for start, amount in pairs:
        day = start
        while amount > 0:
            day += ONE_DAY
            if is_workday(day):
                amount -= 1
        results.append(day)
    return results


def timed(function, calendar: WorkdayCalendar, pairs: list) -> tuple[float, list]:
    began = time.perf_counter()
    results = function(calendar, pairs)
    return time.perf_counter() - began, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1_000_000, help="Pairs per run.")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each method.")
    parser.add_argument("--seed", type=int, default=20261204, help="Random seed.")
    args = parser.parse_args()
    if not 1 <= args.pairs <= 5_000_000 or not 1 <= args.repeat <= 10:
        parser.error("--pairs must be 1 to 5000000 and --repeat 1 to 10")

    calendar = WorkdayCalendar.from_chinesecalendar()
    pairs = make_pairs(args.pairs, args.seed)
    ordinal_times, loop_times = [], []
    for _ in range(args.repeat):
        seconds, fast = timed(by_ordinals, calendar, pairs)
        ordinal_times.append(seconds)
        seconds, slow = timed(day_by_day, calendar, pairs)
        loop_times.append(seconds)
        if fast != slow:
            sys.exit("The two methods disagree; the benchmark result is invalid.")

    ordinal = statistics.median(ordinal_times)
    loop = statistics.median(loop_times)
    per_pair = 1e9 / args.pairs
    print(f"python {platform.python_version()}, {args.pairs} pairs, {args.repeat} runs")
    print(f"ordinals    median {ordinal:8.3f} s  ({ordinal * per_pair:7.0f} ns/pair)")
    print(f"day by day  median {loop:8.3f} s  ({loop * per_pair:7.0f} ns/pair)")
    print(f"ratio       {loop / ordinal:.1f}x")


if __name__ == "__main__":
    main()
