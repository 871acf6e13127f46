"""The RAM and ROM ranges of slotbox's flat view (`slotbox mtree --flat`) must equal
those of QEMU's `info mtree -f` for the same -m and BIOS, line for line: addresses,
priority, type, region name, offset and the KVM marker. Devices differ (slotbox has none
of QEMU's PIC, HPET, IOAPIC...), so only ram/rom ranges are compared.

usage: mtree_compare.py SLOTBOX ROM RAM
"""
import re
import subprocess
import sys

from support import fail, kvm_usable, run

MEMORY_RANGE = re.compile(r"^  [0-9a-f]{16}-[0-9a-f]{16} \(prio -?\d+, (ram|rom|romd)\): .*$")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def memory_ranges(text, header):
    """The ram/rom lines of the flat view whose block starts with `header`."""
    lines, inside = [], False
    for line in text.splitlines():
        if line.startswith(header):
            inside = True
        elif inside and not line.strip():
            break
        elif inside and MEMORY_RANGE.match(line):
            lines.append(line.rstrip())
    return lines


def qemu_flat_view(rom, ram):
    accel = "kvm" if kvm_usable() else "tcg"
    command = ["qemu-system-x86_64", "-M", "pc", "-accel", accel, "-nodefaults", "-m", ram,
               "-bios", rom, "-display", "none", "-S", "-monitor", "stdio"]
    try:
        result = subprocess.run(command, input="info mtree -f\nquit\n", capture_output=True,
                                text=True, timeout=60)
    except subprocess.TimeoutExpired:
        fail("QEMU did not answer the monitor within 60 s")
    text = ANSI.sub("", result.stdout)
    # QEMU lists the AS names of a flat view before "Root memory region".
    block = text[text.index('AS "memory"'):]
    lines = memory_ranges(block, 'AS "memory"')
    if accel != "kvm":  # only a KVM QEMU marks slots
        lines = [line.removesuffix(" KVM") for line in lines]
    return lines, accel


def main():
    slotbox, rom, ram = sys.argv[1], sys.argv[2], sys.argv[3]
    ours = run([slotbox, "mtree", "--flat", "--ram", ram, "--bios", rom], timeout=30)
    if ours.returncode != 0:
        fail(f"slotbox mtree failed: {ours.stderr}")
    our_lines = memory_ranges(ours.stdout, 'AS "memory"')
    qemu_lines, accel = qemu_flat_view(rom, ram)
    if accel != "kvm":
        our_lines = [line.removesuffix(" KVM") for line in our_lines]
    print(f"-m {ram}: {len(our_lines)} ram/rom ranges in slotbox, {len(qemu_lines)} in QEMU ({accel})")
    print("\n".join(our_lines))
    if our_lines != qemu_lines:
        fail("QEMU's ranges differ:\n" + "\n".join(qemu_lines))


if __name__ == "__main__":
    main()
