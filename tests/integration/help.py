"""--help of slotbox and its sub-commands says what to type (SIZE, N, FILE, defaults), never
CLI11's internals: type names (TEXT, UINT, BOOLEAN), validator texts ("in [1 - 64]",
"{json->1,text->0} OR {1,0}"). Needs no KVM.

usage: help.py SLOTBOX
"""
import re
import sys

from support import fail, run

COMMANDS = [[], ["run"], ["kut"], ["bench"], ["mtree"], ["list"]]
# CLI11's words and validator descriptions, as they appear in its generated help.
JUNK = re.compile(r"\b(TEXT|UINT|INT|FLOAT|BOOLEAN)\b|:\w+ in [\[{]|->|\} OR \{|\bin \[\d")


def main():
    slotbox = sys.argv[1]
    for command in COMMANDS:
        result = run([slotbox, *command, "--help"], timeout=30)
        shown = " ".join(["slotbox", *command, "--help"])
        if result.returncode != 0:
            fail(f"{shown} exited {result.returncode}: {result.stderr}")
        junk = [line for line in result.stdout.splitlines() if JUNK.search(line)]
        if junk:
            fail(f"{shown} shows CLI11's internals:\n" + "\n".join(junk))
        print(f"{shown}: {len(result.stdout.splitlines())} lines, none with CLI11's types or validators")
    top = run([slotbox, "--help"], timeout=30).stdout
    for expected in ("--ram SIZE=4G", "--smp N=1", "--format FORMAT=text", "kut DIR"):
        if expected not in top:
            fail(f"slotbox --help does not show '{expected}'")


if __name__ == "__main__":
    main()
