"""Parse + constraint extraction time per trial over the shared ClinicalTrials.gov records.

Run: ``.venv/bin/python benchmarks/eligibility_speed.py [--repeat N] [--all]``.
Reads ``../shared/data/ctgov/v2/studies.jsonl`` (the 467 trials; ``--all`` adds the legacy
XML records). Reports wall-clock and CPU time per trial: on a shared, busy machine the CPU
figure is the one to compare with the 2 ms target.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import eligibility  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "ctgov"
TARGET_MS = 2.0


def criteria_texts(include_legacy: bool) -> list[str]:
    texts = []
    with (SHARED / "v2" / "studies.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            module = json.loads(line)["protocolSection"].get("eligibilityModule", {})
            texts.append(module.get("eligibilityCriteria", ""))
    if include_legacy:
        for path in sorted((SHARED / "legacy-xml").glob("*.xml")):
            node = ET.parse(path).getroot().find("eligibility/criteria/textblock")
            texts.append(node.text if node is not None and node.text else "")
    return texts


def measure(texts: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per trial of each timed pass over ``texts``."""
    for text in texts:  # warm-up: compiles the rule tables once
        eligibility.parse_criteria(text)
    walls, cpus = [], []
    for _ in range(max(1, repeat)):
        wall, cpu = time.perf_counter(), time.process_time()
        for text in texts:
            eligibility.parse_criteria(text)
        walls.append((time.perf_counter() - wall) * 1000 / len(texts))
        cpus.append((time.process_time() - cpu) * 1000 / len(texts))
    return walls, cpus


def report(texts: list[str], repeat: int) -> None:
    walls, cpus = measure(texts, repeat)
    items = sum(len(eligibility.parse_criteria(t).items) for t in texts)
    print(f"trials: {len(texts)}, items: {items}, passes: {len(walls)}")
    print(f"wall ms/trial: mean {statistics.mean(walls):.3f}, best {min(walls):.3f}")
    print(f"cpu  ms/trial: mean {statistics.mean(cpus):.3f}, best {min(cpus):.3f}")
    verdict = "meets" if min(cpus) <= TARGET_MS else "misses"
    print(f"target {TARGET_MS} ms/trial (cpu, best pass): {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed passes (default 5)")
    parser.add_argument("--all", action="store_true", help="include the legacy XML records")
    args = parser.parse_args()
    if not (SHARED / "v2" / "studies.jsonl").exists():
        print(f"shared data not found under {SHARED}", file=sys.stderr)
        return 1
    report(criteria_texts(args.all), args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
