"""Summarizes the RB_RESULT lines of load runs (one `key=value ...` line per run) into
a table: the mean over the runs of each configuration, and its ratio to a base one.

    python3 bench/lib/summarize_runs.py SUMMARY_FILE BASE_LABEL LABEL...
"""
import sys
from collections import defaultdict


def load(path):
    runs = defaultdict(list)
    for line in open(path):
        kv = dict(item.split("=", 1) for item in line.split())
        runs[kv["label"]].append(kv)
    return runs


def mean(rows, key):
    return sum(float(r[key]) for r in rows) / len(rows)


def print_table(runs, base_label, labels):
    base = runs.get(base_label)
    print(f"{'config':<10} {'runs':>4} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'cpu us/req':>10} {'rps ratio':>9} {'cpu ratio':>9}")
    for label in labels:
        rows = runs.get(label)
        if not rows:
            continue
        rps = mean(rows, "rps")
        cpu = mean(rows, "cpu_us_per_req")
        ratio = f"{rps / mean(base, 'rps'):.3f}" if base else "n/a"
        cratio = f"{cpu / mean(base, 'cpu_us_per_req'):.3f}" if base else "n/a"
        print(f"{label:<10} {len(rows):>4} {rps:>9.0f} {mean(rows, 'p50_us') / 1000:>8.2f} "
              f"{mean(rows, 'p99_us') / 1000:>8.2f} {cpu:>10.1f} {ratio:>9} {cratio:>9}")


if __name__ == "__main__":
    print_table(load(sys.argv[1]), sys.argv[2], sys.argv[3:])
