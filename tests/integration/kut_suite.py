"""The whole kvm-unit-tests suite as `slotbox kut DIR` ran it on a nested backend
(tests/nested/campaign.sh). It must report no FAIL (a failure the backend is known for is
an XFAIL with its reason, host/cli/kut_expected.cpp), end with its totals, and every
section that passed under QEMU on KVM here (DIR/qemu-here.txt) or on the nested backends
(QEMU_PASSES_NESTED) must pass, unless slotbox cannot build its machine at all
(ALLOWED_SKIPS and ALLOWED_XFAILS say which and why; an allowed XFAIL may be a SKIP that
--skip-slow made, as the run never ends by itself).

usage: kut_suite.py RESULT_PREFIX KUT_DIR
"""
import re
import sys

from support import fail, recorded_run

# Sections QEMU passes that need a machine slotbox does not build, or (XFAIL) firmware
# behaviour it leaves out on purpose (host/machine/firmware_handover.h).
ALLOWED_SKIPS = {
    "intel_iommu": "needs QEMU's q35 machine with an emulated Intel IOMMU and the edu device",
}
ALLOWED_XFAILS = {
    "realmode": "waits for SeaBIOS's PIT tick, which slotbox does not start",
}
# Sections QEMU passes on the nested AMD backends (docs/kvm-unit-tests.md, --compare-qemu)
# but not on the machine qemu-here.txt came from, where QEMU aborted them.
QEMU_PASSES_NESTED = ["hyperv_synic", "hyperv_stimer", "hyperv_stimer_direct", "hyperv_clock"]
LINE = re.compile(r"^(PASS|FAIL|SKIP|XFAIL|XPASS) (\S+)")


def read_sections(output):
    return {m.group(2): (m.group(1), line) for line in output.splitlines() if (m := LINE.match(line))}


def qemu_passes(kut_dir):
    with open(f"{kut_dir}/qemu-here.txt") as reference:
        return [m.group(2) for line in reference if (m := LINE.match(line)) and m.group(1) == "PASS"]


def main():
    prefix, kut_dir = sys.argv[1], sys.argv[2]
    recorded = recorded_run(prefix)
    output, exit_code = recorded.stdout, recorded.returncode
    print(output, end="")
    sections = read_sections(output)
    if not sections or not output.rstrip().splitlines()[-1].startswith("kut:"):
        fail("no section lines, or no totals line at the end")
    failed = [name for name, (status, _) in sections.items() if status == "FAIL"]
    if failed:
        fail(f"{len(failed)} sections failed unexpectedly: {failed}")
    for name in qemu_passes(kut_dir) + QEMU_PASSES_NESTED:
        status, line = sections.get(name, (None, "missing"))
        skipped_as_slow = status == "SKIP" and "--skip-slow" in line
        if status in ("PASS", "XPASS") or (status == "SKIP" and name in ALLOWED_SKIPS) or \
                (status == "XFAIL" or skipped_as_slow) and name in ALLOWED_XFAILS:
            continue
        fail(f"{name} passes under QEMU here but slotbox gave: {line}")
    if exit_code != 0:
        fail(f"slotbox kut exited {exit_code}")
    passed = sum(status in ("PASS", "XPASS") for status, _ in sections.values())
    print(f"{passed} sections passed, {len(sections)} in all; every QEMU pass passes "
          f"(but {', '.join(f'{k}: {v}' for k, v in {**ALLOWED_SKIPS, **ALLOWED_XFAILS}.items())})")


if __name__ == "__main__":
    main()
