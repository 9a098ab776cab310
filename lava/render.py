#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fill a LAVA job template's {{ NAME }} placeholders (docs/LAVA.md) and check the result.

    python3 lava/render.py lava/jobs/rk3399-rock-pi-4b.yaml KEY=VALUE... > job.yaml

Values come from KEY=VALUE arguments, else from the environment. A placeholder left
without a value is an error, as is a rendered job the validator rejects."""
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import validate  # noqa: E402

PLACEHOLDER = re.compile(r"\{\{\s*([A-Z][A-Z0-9_]*)\s*\}\}")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def render(text: str, values: dict[str, str]) -> str:
    missing = sorted(placeholders(text) - values.keys())
    if missing:
        raise KeyError("no value for " + ", ".join(missing))
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    text = open(argv[1]).read()
    values = {k: v for k, v in os.environ.items() if k in placeholders(text)}
    for arg in argv[2:]:
        key, sep, value = arg.partition("=")
        if not sep:
            print(f"render: {arg}: expected KEY=VALUE", file=sys.stderr)
            return 2
        values[key] = value
    try:
        out = render(text, values)
    except KeyError as e:
        print(f"render: {argv[1]}: {e.args[0]}", file=sys.stderr)
        return 1
    errors = validate.check_job_text(out, argv[1], rendered=True)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    sys.stdout.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
