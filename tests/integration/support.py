"""Helpers shared by the integration tests: running slotbox and QEMU, reading TAP."""
import os
import re
import subprocess
import sys
from types import SimpleNamespace

SKIP = 77  # ctest SKIP_RETURN_CODE
TAP_LINE = re.compile(r"^(not ok|ok) (\d+) - (.*?)(?: # (SKIP.*|.*))?$")


def kvm_usable():
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
    except OSError:
        return False
    os.close(fd)
    return True


def skip_without_kvm():
    if not kvm_usable():
        print("SKIP: /dev/kvm is not usable here")
        sys.exit(SKIP)


def qemu_command(rom, ram="4G", accel=None):
    accel = accel or ("kvm" if kvm_usable() else "tcg")
    return ["qemu-system-x86_64", "-M", "pc", "-accel", accel, "-nodefaults", "-m", ram,
            "-bios", rom, "-display", "none", "-serial", "stdio",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]


def checks(output):
    """Every TAP check line in output as (number, outcome) with outcome ok/not ok/skip."""
    found = []
    for line in output.splitlines():
        match = TAP_LINE.match(line.strip())
        if not match:
            continue
        outcome = match.group(1)
        if outcome == "ok" and (match.group(4) or "").upper().startswith("SKIP"):
            outcome = "skip"
        found.append((int(match.group(2)), outcome, match.group(3)))
    return found


def run(command, timeout, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, errors="replace",
                          timeout=timeout, **kwargs)


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def recorded_run(results):
    """slotbox's output and exit code as a nested backend run recorded them."""
    try:
        with open(results + ".txt", errors="replace") as out, open(results + ".exit") as code:
            return SimpleNamespace(stdout=out.read(), stderr="", returncode=int(code.read()))
    except (OSError, ValueError) as error:
        fail(f"no result from the nested run: {error}")
