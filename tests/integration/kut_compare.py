"""`slotbox kut DIR tsc --compare-qemu` as a nested backend run recorded it
(tests/nested/campaign.sh): the section passed, and QEMU, started as kvm-unit-tests starts
it, passed it too, its SUMMARY line and both wall times on the section's line.

usage: kut_compare.py DIR/NAME
"""
import re
import sys

from support import fail, recorded_run

SECTION = re.compile(r"^PASS tsc .*\[slotbox \d+ ms, QEMU PASS in \d+ ms: [\d.]+x; QEMU's SUMMARY: .+\]$")


def main():
    recorded = recorded_run(sys.argv[1])
    output = recorded.stdout
    print(output, end="")
    if not any(SECTION.match(line) for line in output.splitlines()):
        fail("no line 'PASS tsc ... [slotbox N ms, QEMU PASS in N ms: Rx; QEMU's SUMMARY: ...]'")
    if recorded.returncode != 0:
        fail(f"slotbox kut exited {recorded.returncode}")
    print("tsc passed under slotbox and under QEMU, both timed")


if __name__ == "__main__":
    main()
