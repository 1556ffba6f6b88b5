"""`python -m bench.scaling`: print, write or check SCALING.md's generated section."""

import argparse
import sys
from pathlib import Path

from bench import scaling
from bench.scaling.document import SCALING_MD, generate, section_of, with_section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scaling", description=scaling.__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="rewrite SCALING.md's section")
    action.add_argument(
        "--check", action="store_true", help="exit 1 if SCALING.md's section differs"
    )
    parser.add_argument("--file", type=Path, default=SCALING_MD, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    generated = generate()
    if args.write:
        args.file.write_text(with_section(args.file.read_text(), generated))
        print(f"wrote {args.file}", file=sys.stderr)
    elif args.check:
        if section_of(args.file.read_text()) != generated:
            print(
                f"{args.file} is out of date: run python -m bench.scaling --write",
                file=sys.stderr,
            )
            return 1
    else:
        print(generated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
