"""The KVM memory slots slotbox registers must equal QEMU's for the same -m and BIOS:
same guest-physical ranges, sizes and read-only flags, and host addresses at the same
offsets into RAM, BIOS and option ROM. Both are traced with strace. slotbox must also
register its final map directly: one KVM_SET_USER_MEMORY_REGION per slot, no deletes.

With --traces DIR, both traces come from a nested backend run (tests/nested/campaign.sh:
slotbox-RAM.strace and qemu-RAM.strace, QEMU stopped before its first instruction).

usage: slot_compare.py SLOTBOX ROM RAM [--traces DIR]
"""
import os
import re
import sys
import tempfile

from support import fail, qemu_command, run, skip_without_kvm

SET_REGION = re.compile(
    r"KVM_SET_USER_MEMORY_REGION\w*, \{slot=(\d+), flags=([^,]+), guest_phys_addr=(\w+), "
    r"memory_size=(\d+), userspace_addr=(\w+)")
FOUR_GIB = 1 << 32
OPTION_ROM_GPA = 0xC0000


def calls_in(trace, who):
    """Every memory-slot ioctl in an strace log, in order, as dicts."""
    try:
        with open(trace) as file:
            calls = [m.groups() for m in map(SET_REGION.search, file) if m]
    except OSError as error:
        fail(f"no trace of {who}: {error}")
    if not calls:
        fail(f"no KVM_SET_USER_MEMORY_REGION traced for {who}")
    return [{"slot": int(s), "readonly": "READONLY" in f, "gpa": int(g, 0), "size": int(n),
             "hva": int(h, 0)} for s, f, g, n, h in calls]


def traced_calls(command):
    """Every memory-slot ioctl the command made, in order, as dicts."""
    with tempfile.TemporaryDirectory() as directory:
        trace = os.path.join(directory, "trace")
        result = run(["strace", "-f", "-e", "trace=ioctl", "-o", trace] + command, timeout=60)
        if "PTRACE" in result.stderr or "Operation not permitted" in result.stderr:
            print(f"SKIP: strace cannot trace here: {result.stderr.strip()}")
            sys.exit(77)
        return calls_in(trace, f"{command[0]}: {result.stderr}")


def final_slots(calls):
    """Replays the calls: a size of 0 deletes the slot."""
    slots = {}
    for call in calls:
        if call["size"] == 0:
            slots.pop(call["slot"], None)
        else:
            slots[call["slot"]] = call
    return list(slots.values())


def normalized(slots, bios_size):
    """(gpa, size, readonly, block, offset): host addresses as offsets into the RAM, BIOS
    or option-ROM block, whose bases are the slots at gpa 0, 4 GiB - BIOS and 0xC0000."""
    by_gpa = {slot["gpa"]: slot for slot in slots}
    bases = {name: by_gpa[gpa]["hva"] for name, gpa in
             (("ram", 0), ("bios", FOUR_GIB - bios_size), ("pc.rom", OPTION_ROM_GPA)) if gpa in by_gpa}
    rows = set()
    for slot in slots:
        name, base = max(((n, b) for n, b in bases.items() if b <= slot["hva"]),
                         key=lambda item: item[1], default=("?", 0))
        rows.add((slot["gpa"], slot["size"], slot["readonly"], name, slot["hva"] - base))
    return rows


def describe(rows):
    return "\n".join(f"  gpa {g:#x} size {s:#x} {'ro' if r else 'rw'} {n}+{o:#x}"
                     for g, s, r, n, o in sorted(rows))


def main():
    slotbox, rom, ram = sys.argv[1], sys.argv[2], sys.argv[3]
    bios_size = os.path.getsize(rom)
    if len(sys.argv) > 5 and sys.argv[4] == "--traces":
        traces = sys.argv[5]
        ours_calls = calls_in(os.path.join(traces, f"slotbox-{ram}.strace"), "slotbox")
        qemu_calls = calls_in(os.path.join(traces, f"qemu-{ram}.strace"), "QEMU")
    else:
        skip_without_kvm()
        ours_calls = traced_calls([slotbox, "run", rom, "--ram", ram])
        qemu_calls = traced_calls(qemu_command(rom, ram=ram, accel="kvm"))
    ours, qemu = final_slots(ours_calls), final_slots(qemu_calls)
    print(f"--ram {ram}: slotbox made {len(ours_calls)} calls for {len(ours)} slots, "
          f"QEMU {len(qemu_calls)} calls for {len(qemu)} slots")
    ours_rows, qemu_rows = normalized(ours, bios_size), normalized(qemu, bios_size)
    print("slotbox slots:\n" + describe(ours_rows))
    if ours_rows != qemu_rows:
        fail("slots differ from QEMU's:\n" + describe(qemu_rows))
    if len(ours_calls) != len(ours):
        fail(f"slotbox needed {len(ours_calls)} calls for {len(ours)} slots: start-up must "
             "register the final map directly, with no deletes")


if __name__ == "__main__":
    main()
