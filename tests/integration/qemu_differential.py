"""Runs one ROM on slotbox and under QEMU (-M pc -nodefaults, isa-debug-exit) and checks
that both report the same checks with the same outcomes and end the same way.
QEMU is the reference for PC semantics: a check that passes on one and fails on the
other is a bug in one of them. Checks skipped on either side (host-assisted ones under
QEMU) are not compared.

With --results DIR/NAME, slotbox's side is not run here but read from what a nested
backend run left (tests/nested/campaign.sh: NAME.txt and NAME.exit): the same image on
kvm_amd with NPT or shadow paging, compared with QEMU on this host.

With --smp N both run with N vCPUs (QEMU's -smp N).

usage: qemu_differential.py SLOTBOX ROM [RAM] [--smp N] [--results DIR/NAME]
"""
import argparse
import re
import subprocess
import sys

from support import checks, fail, kvm_usable, qemu_command, recorded_run, run, skip_without_kvm

CRASH_STATUS, EXCEPTION_VECTORS = 0x40, 32  # abi.h kStatusCrash: the runtime's crash report

QEMU_TIMEOUT_SECONDS = 20


def text_of(data):
    """TimeoutExpired carries bytes even when the run asked for text."""
    return data.decode(errors="replace") if isinstance(data, bytes) else (data or "")


def slotbox_end(output):
    """The end kind slotbox reported on its per-image line: 'guest exit', 'timeout', ..."""
    match = re.search(r"^-- .*?: \w+ \(([a-z ]+):", output, re.M)
    return match.group(1) if match else None


def qemu_run(rom, ram, smp, expected_end):
    """QEMU's output and its end: ('guest exit', status) or ('timeout', None)."""
    limit = QEMU_TIMEOUT_SECONDS
    if expected_end in ("timeout", "internal error"):
        limit = 2  # QEMU does not exit on either: give it a short while to show it
    try:
        result = run(qemu_command(rom, ram=ram) + ["-smp", str(smp), "-no-reboot"], timeout=limit)
    except subprocess.TimeoutExpired as expired:
        # On an emulation failure QEMU reports it and pauses the VM instead of exiting.
        if "KVM internal error" in text_of(expired.stderr):
            return text_of(expired.stdout), ("internal error", None)
        return text_of(expired.stdout), ("timeout", None)
    if result.returncode % 2 == 1:  # isa-debug-exit: (status << 1) | 1
        status = result.returncode >> 1
        if CRASH_STATUS <= status < CRASH_STATUS + EXCEPTION_VECTORS:
            return result.stdout, ("guest crash", status)
        return result.stdout, ("guest exit", status)
    if result.returncode == 0:  # -no-reboot: a triple fault shuts QEMU down cleanly
        return result.stdout, ("triple fault", None)
    fail(f"QEMU failed with exit code {result.returncode}: {result.stderr.strip()}")


def crash_line(output):
    return next((line for line in output.splitlines() if line.startswith("Bail out!")), "(none)")


def crash_lines_agree(ours, qemu):
    """Both printed the runtime's crash line, naming the same exception at the same place."""
    return crash_line(ours) != "(none)" and crash_line(ours) == crash_line(qemu)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("slotbox")
    parser.add_argument("rom")
    parser.add_argument("ram", nargs="?", default="4G")
    parser.add_argument("--smp", type=int, default=1)
    parser.add_argument("--results")
    arguments = parser.parse_args()
    slotbox, rom, ram = arguments.slotbox, arguments.rom, arguments.ram
    if arguments.results:
        ours = recorded_run(arguments.results)
    else:
        skip_without_kvm()
        ours = run([slotbox, "run", rom, "--ram", ram, "--smp", str(arguments.smp)], timeout=60)
    print(ours.stdout, end="")
    if ours.returncode != 0:
        fail(f"slotbox exited {ours.returncode}: {ours.stderr.strip()}")
    our_end = slotbox_end(ours.stdout)
    if our_end is None:
        fail(f"slotbox printed no end line (exit {ours.returncode}):\n{ours.stdout}{ours.stderr}")
    qemu_output, (qemu_end, qemu_status) = qemu_run(rom, ram, arguments.smp, our_end)

    print(f"slotbox: exit {ours.returncode}, end '{our_end}'; QEMU: end '{qemu_end}', status {qemu_status}")
    if our_end == "internal error" and qemu_end in ("timeout", "guest crash") and not kvm_usable():
        # QEMU here is TCG, which executes whatever unassigned memory reads as (zeroes:
        # `add %al, (%rax)`, a write to the unmapped page 0, so a #PF); only KVM gives up
        # on such a fetch. The end cannot be compared, the checks still are.
        print("QEMU runs on TCG here: an emulation failure is KVM's alone, ends not compared")
    elif our_end != qemu_end:
        fail(f"ends differ: slotbox '{our_end}', QEMU '{qemu_end}'")
    if our_end == "guest crash" and not crash_lines_agree(ours.stdout, qemu_output):
        fail("the crash lines differ:\n" + crash_line(ours.stdout) + "\n" + crash_line(qemu_output))
    if qemu_end == "guest exit" and qemu_status != (0 if ours.returncode == 0 else 1):
        fail(f"QEMU's guest status {qemu_status} disagrees with slotbox's exit code {ours.returncode}")

    our_checks, qemu_checks = checks(ours.stdout), checks(qemu_output)
    if len(our_checks) != len(qemu_checks):
        fail(f"slotbox reported {len(our_checks)} checks, QEMU {len(qemu_checks)}\n"
             f"--- slotbox\n{ours.stdout}--- QEMU\n{qemu_output}")
    compared = 0
    for (number, ours_outcome, name), (_, qemu_outcome, qemu_name) in zip(our_checks, qemu_checks):
        if "skip" in (ours_outcome, qemu_outcome):
            continue
        compared += 1
        if ours_outcome != qemu_outcome:
            fail(f"check {number} '{name}': slotbox {ours_outcome}, QEMU {qemu_outcome} ('{qemu_name}')")
    print(f"{compared} checks agree ({len(our_checks) - compared} skipped on one side)")


if __name__ == "__main__":
    main()
