"""Parse + constraint extraction time per trial over the shared ClinicalTrials.gov records.

Run: ``.venv/bin/python benchmarks/eligibility_speed.py [--repeat N] [--all]``.
Reads ``../shared/data/ctgov/v2/studies.jsonl`` (the 467 trials; ``--all`` adds the legacy
XML records). Reports wall-clock and CPU time per trial for two steps: parse + extraction
(splitting into items, roles, groups and the constraints of every criterion: the 2 ms target)
and the whole of ``parse_criteria``, which also writes each criterion's question and glossary
help. On a shared, busy machine the CPU figure is the one to compare with the target.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import eligibility  # noqa: E402
from eligibility.constraints import extract  # noqa: E402
from eligibility.rules import Pools  # noqa: E402
from eligibility.split import split  # noqa: E402

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


def parse_and_extract(text: str) -> None:
    """The steps of ``parse_criteria`` before the questions: items, roles, constraints."""
    pools = Pools.of(text)
    for item in split(text).items:
        if item.role == "criterion":
            extract(item.text, pools.terms)


def measure(
    texts: list[str], repeat: int, step: Callable[[str], object]
) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per trial of each timed pass of ``step`` over ``texts``."""
    for text in texts:  # warm-up: compiles the rule tables once
        step(text)
    walls, cpus = [], []
    for _ in range(max(1, repeat)):
        wall, cpu = time.perf_counter(), time.process_time()
        for text in texts:
            step(text)
        walls.append((time.perf_counter() - wall) * 1000 / len(texts))
        cpus.append((time.process_time() - cpu) * 1000 / len(texts))
    return walls, cpus


def report(texts: list[str], repeat: int) -> None:
    items = sum(len(eligibility.parse_criteria(t).items) for t in texts)
    print(f"trials: {len(texts)}, items: {items}, passes: {max(1, repeat)}")
    for label, step in (
        ("parse + extraction (items, roles, constraints)", parse_and_extract),
        ("parse_criteria (also questions and glossary)", eligibility.parse_criteria),
    ):
        walls, cpus = measure(texts, repeat, step)
        verdict = "meets" if min(cpus) <= TARGET_MS else "misses"
        print(f"{label}:")
        print(f"  wall ms/trial: mean {statistics.mean(walls):.3f}, best {min(walls):.3f}")
        print(f"  cpu  ms/trial: mean {statistics.mean(cpus):.3f}, best {min(cpus):.3f}")
        print(f"  target {TARGET_MS} ms/trial (cpu, best pass): {verdict}")


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
