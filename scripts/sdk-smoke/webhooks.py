"""Folio's webhook signatures, checked by the official Python Standard Webhooks library (PyPI `standardwebhooks`).

    python webhooks.py [--tally FILE] < cases.json

Reads the cases scripts/sdk-smoke/webhook-interop.ts made with `signWebhook` (client/src/webhooks.ts,
the function Folio signs its deliveries with): each a secret, a message (id, timestamp, body), the
signature header Folio made, and whether the library must accept it. A valid one must verify and
parse to the body, and the library's own `sign` must make the same signature; an invalid one
(changed body, wrong secret, stale timestamp) must be refused. One line per case; exits non-zero
when any case fails. `--tally` adds the counts to that file (the SDK smoke test's, for npm test).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import datetime, timezone

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def run_case(case: dict) -> str:
    headers = {"webhook-id": case["id"], "webhook-timestamp": str(case["timestamp"]), "webhook-signature": case["signature"]}
    webhook = Webhook(case["verify_with"])
    if not case["valid"]:
        try:
            webhook.verify(case["body"].encode(), headers)
        except WebhookVerificationError as error:
            return f"refused: {error}"
        raise AssertionError("the library accepted it")
    parsed = webhook.verify(case["body"].encode(), headers)
    if parsed != json.loads(case["body"]):
        raise AssertionError(f"parsed to {parsed!r}")
    at = datetime.fromtimestamp(case["timestamp"], tz=timezone.utc)
    own = Webhook(case["secret"]).sign(case["id"], at, case["body"])
    if own not in case["signature"].split(" "):
        raise AssertionError(f"the library signs {own}, Folio sent {case['signature']}")
    return "verified, and the library signs it alike"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tally", help="add {passed, failed} to the JSON tally in this file")
    args = parser.parse_args()
    passed = failed = 0
    for case in json.load(sys.stdin)["cases"]:
        try:
            detail = run_case(case)
        except Exception as error:  # noqa: BLE001 — any failure is the case's
            failed += 1
            print(f"FAIL webhook interop, {case['name']}: {error}")
        else:
            passed += 1
            print(f"ok   webhook interop, {case['name']}: {detail}")
    print(f"webhook interop (standardwebhooks on PyPI): {passed} passed, {failed} failed")
    if args.tally:
        tally = {"passed": 0, "failed": 0, "skipped": 0}
        if os.path.exists(args.tally):
            with open(args.tally, encoding="utf-8") as existing:
                tally = json.load(existing)
        tally["passed"] += passed
        tally["failed"] += failed
        with open(args.tally, "w", encoding="utf-8") as out:
            json.dump(tally, out)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
