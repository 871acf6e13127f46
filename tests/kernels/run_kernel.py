"""One case of tests/kernels/cases.txt: a multiboot test kernel of ours, under QEMU (the
reference) or under slotbox, judged the same way: it printed its SUMMARY line, reported
exactly CHECKS checks of which exactly FAILURES failed, and ended with the verdict that
follows (passed when FAILURES is 0, else failed).

  qemu OUT ...      runs QEMU (-accel kvm where /dev/kvm is usable, else tcg) and keeps
                    its output and status in OUT.txt and OUT.status for the two below
  kvm OUT ...       runs slotbox on this host's KVM (exit 77 where there is none)
  recorded OUT ...  reads what slotbox did in a nested backend (--results DIR/NAME:
                    NAME.txt, NAME.json, NAME.exit from tests/nested/campaign.sh)
The slotbox runs must also report QEMU's checks, name by name, with the same outcomes.

usage: run_kernel.py qemu|kvm|recorded OUT KERNEL --ram R --smp N --checks C --failures F
                     [--initrd FILE] [--append TEXT] [--slotbox SLOTBOX] [--results DIR/NAME]
"""
import argparse
import itertools
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from support import fail, kvm_usable, recorded_run, run, skip_without_kvm  # noqa: E402

QEMU_TIMEOUT_SECONDS = 120  # TCG on a shared 2-core machine: SeaBIOS alone takes seconds
SLOTBOX_TIMEOUT_SECONDS = 60
KUT_PREFIXES = {"PASS": "pass", "FAIL": "fail", "SKIP": "skip"}


def qemu_command(arguments):
    command = ["qemu-system-x86_64", "-M", "pc", "-accel", "kvm" if kvm_usable() else "tcg",
               "-nodefaults", "-kernel", arguments.kernel, "-m", arguments.ram,
               "-smp", str(arguments.smp), "-serial", "stdio", "-display", "none", "-no-reboot",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x4", "-device", "pc-testdev"]
    if arguments.initrd:
        command += ["-initrd", arguments.initrd]
    if arguments.append:
        command += ["-append", arguments.append]
    return command


def slotbox_options(arguments):
    options = ["--ram", arguments.ram, "--smp", str(arguments.smp)]
    if arguments.initrd:
        options += ["--initrd", arguments.initrd]
    if arguments.append:
        options += ["--append", arguments.append]
    return options


def kernel_checks(output):
    """The kernel's report lines as (outcome, name), in order."""
    found = []
    for line in output.splitlines():
        prefix, separator, name = line.partition(": ")
        if separator and prefix in KUT_PREFIXES:
            found.append((KUT_PREFIXES[prefix], name.strip()))
    return found


def has_summary(output):
    return any(line.startswith("SUMMARY: ") for line in output.splitlines())


def qemu_verdict(status):
    """isa-debug-exit makes QEMU exit with (code << 1) | 1: 0 passed, 1 failed, 38 skipped."""
    return {1: "passed", 3: "failed", 77: "skipped"}.get(status, f"ended with QEMU status {status}")


def slotbox_verdict(exit_code):
    """README "Exit codes": 0 all passed, 1 a check failed; anything else is no verdict."""
    return {0: "passed", 1: "failed"}.get(exit_code, f"ended with slotbox exit {exit_code}")


def judge(who, output, checks, verdict, arguments):
    """Fails naming what differs from the case's expectations."""
    failed = [name for outcome, name in checks if outcome == "fail"]
    expected_verdict = "failed" if arguments.failures else "passed"
    if not has_summary(output):
        fail(f"{who}: the kernel printed no SUMMARY line ({verdict})")
    if len(checks) != arguments.checks:
        fail(f"{who}: {len(checks)} checks, expected {arguments.checks}")
    if len(failed) != arguments.failures:
        fail(f"{who}: {len(failed)} checks failed {failed}, expected {arguments.failures}")
    if verdict != expected_verdict:
        fail(f"{who}: {verdict}, expected {expected_verdict}")
    print(f"{who}: {verdict}, {len(checks)} checks, {len(failed)} failed")


def run_qemu(arguments):
    try:
        result = run(qemu_command(arguments), timeout=QEMU_TIMEOUT_SECONDS)
    except (subprocess.TimeoutExpired, OSError) as error:  # no reference to keep
        fail(f"QEMU: {error}")
    print(result.stdout, end="")
    if result.stderr.strip():
        print(result.stderr.strip())
    with open(arguments.out + ".txt", "w") as out, open(arguments.out + ".status", "w") as status:
        out.write(result.stdout)
        status.write(f"{result.returncode}\n")
    judge("QEMU", result.stdout, kernel_checks(result.stdout), qemu_verdict(result.returncode), arguments)


def qemu_reference(arguments):
    try:
        with open(arguments.out + ".txt", errors="replace") as out:
            return kernel_checks(out.read())
    except OSError as error:
        fail(f"no QEMU output from kernels/qemu/... to compare with: {error}")


def slotbox_checks(report_path):
    """The checks of slotbox's JSON report (what slotbox made of the kernel's lines)."""
    try:
        with open(report_path) as report:
            image = json.load(report)["images"][0]
        return [(check["outcome"], check["name"]) for check in image["checks"]]
    except (OSError, ValueError, KeyError, IndexError) as error:
        fail(f"no slotbox report {report_path}: {error}")


def compare_with_qemu(checks, arguments):
    reference = qemu_reference(arguments)
    if checks != reference:
        lines = [f"  slotbox {ours}, QEMU {theirs}"
                 for ours, theirs in itertools.zip_longest(checks, reference) if ours != theirs]
        fail("slotbox's checks differ from QEMU's:\n" + "\n".join(lines))
    print(f"the {len(checks)} checks and their outcomes are QEMU's")


def run_slotbox(arguments):
    skip_without_kvm()
    report_path = arguments.out + ".slotbox.json"
    command = [arguments.slotbox, "run", "--kernel", arguments.kernel, *slotbox_options(arguments),
               "--format", "json", "--output", report_path]
    try:
        result = run(command, timeout=SLOTBOX_TIMEOUT_SECONDS)
    except (subprocess.TimeoutExpired, OSError) as error:
        fail(f"slotbox: {error}")
    print(result.stdout, end="")
    if result.stderr.strip():
        print(result.stderr.strip())
    checks = slotbox_checks(report_path)
    judge("slotbox", result.stdout, checks, slotbox_verdict(result.returncode), arguments)
    compare_with_qemu(checks, arguments)


def read_recorded(arguments):
    results = arguments.results
    recorded = recorded_run(results)
    output, exit_code = recorded.stdout, recorded.returncode
    print(output, end="")
    checks = slotbox_checks(results + ".json")
    judge("slotbox", output, checks, slotbox_verdict(exit_code), arguments)
    compare_with_qemu(checks, arguments)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["qemu", "kvm", "recorded"])
    parser.add_argument("out")
    parser.add_argument("kernel")
    parser.add_argument("--ram", required=True)
    parser.add_argument("--smp", type=int, required=True)
    parser.add_argument("--checks", type=int, required=True)
    parser.add_argument("--failures", type=int, required=True)
    parser.add_argument("--initrd")
    parser.add_argument("--append")
    parser.add_argument("--slotbox")
    parser.add_argument("--results")
    arguments = parser.parse_args()
    if arguments.mode == "qemu":
        os.makedirs(os.path.dirname(arguments.out), exist_ok=True)
        run_qemu(arguments)
    elif arguments.mode == "kvm":
        run_slotbox(arguments)
    else:
        read_recorded(arguments)


if __name__ == "__main__":
    main()
