"""The loop both round-trip runners share: JSON jobs on stdin, one result (or the traceback) per job on stdout."""
import json
import sys
import traceback


def serve(run):
    results = []
    for job in json.load(sys.stdin):
        try:
            results.append(run(job))
        except Exception:  # noqa: BLE001 - the test shows the traceback of whatever went wrong
            results.append({"id": job["id"], "error": traceback.format_exc()})
    json.dump(results, sys.stdout)
