"""Reads a JSON array of JSON texts on stdin; prints, for each, Python's
json.dumps(json.loads(text, parse_constant=<reject>), separators=(",", ":")) or null when Python
refuses it (Django REST framework's strict parsing). Used to cross-check canonicalPythonJson."""
import json
import sys


def strict_constant(name):
    raise ValueError(name)


out = []
for text in json.load(sys.stdin):
    try:
        out.append(json.dumps(json.loads(text, parse_constant=strict_constant), separators=(",", ":")))
    except (ValueError, RecursionError):
        out.append(None)
json.dump(out, sys.stdout)
