"""--map FILE: good maps show up in `slotbox mtree` and boot; bad ones are rejected with
exit 2 and one line naming the JSON path and the reason.

usage: map_file.py SLOTBOX CASE
"""
import json
import os
import sys
import tempfile

from support import fail, run, skip_without_kvm

GOOD = {"regions": [
    {"name": "scratch", "type": "ram", "address": "0xd0000000", "size": "16M"},
    {"name": "blob", "type": "rom", "address": "0xd1000000", "file": "blob.bin"},
    {"name": "window", "type": "alias", "address": "0xd2000000", "size": "1M",
     "target": "pc.ram", "offset": "0x100000", "readonly": True},
    {"name": "probe", "type": "mmio", "address": "0xd3000000", "size": "4K"},
    {"name": "over-ram", "type": "mmio", "address": "0x10000000", "size": "4K", "priority": 1},
]}

BAD = {
    "zero-size": ({"name": "z", "type": "ram", "address": 0, "size": 0}, "regions[0].size: must not be zero"),
    "unaligned-ram": ({"name": "u", "type": "ram", "address": "0x1800", "size": "4K"},
                      "regions[0]: RAM and ROM must start and end on a 4 KiB page"),
    "alias-past-end": ({"name": "a", "type": "alias", "address": "0xd0000000", "size": "512K",
                        "target": "pc.bios"}, "regions[0].target: the alias ends past the end of \"pc.bios\""),
    "unknown-target": ({"name": "a", "type": "alias", "address": 0, "size": "4K", "target": "nope"},
                       "regions[0].target: no region named \"nope\""),
    "bad-type": ({"name": "t", "type": "disk", "address": 0, "size": "4K"}, "regions[0].type: must be one of"),
    "duplicate-name": ({"name": "pc.ram", "type": "ram", "address": 0, "size": "4K"},
                       "regions[0]: a region named \"pc.ram\" already exists"),
}


def write(directory, name, document):
    path = os.path.join(directory, name)
    with open(path, "w") as file:
        file.write(document if isinstance(document, str) else json.dumps(document))
    return path


def expect_rejected(slotbox, path, fragment):
    result = run([slotbox, "mtree", "--map", path], timeout=30)
    message = result.stderr.strip()
    print(f"exit {result.returncode}: {message}")
    if result.returncode != 2 or len(message.splitlines()) != 1:
        fail("expected exit 2 and one line on stderr")
    if fragment not in message or path not in message:
        fail(f"the message does not name the file and '{fragment}'")


def check_good(slotbox, path):
    flat = run([slotbox, "mtree", "--flat", "--ram", "1G", "--map", path], timeout=30)
    for line in ("00000000d0000000-00000000d0ffffff (prio 0, ram): scratch KVM",
                 "00000000d1000000-00000000d1001fff (prio 0, rom): blob KVM",
                 "00000000d2000000-00000000d20fffff (prio 0, rom): pc.ram @0000000000100000 KVM",
                 "00000000d3000000-00000000d3000fff (prio 0, i/o): probe",
                 "0000000010000000-0000000010000fff (prio 1, i/o): over-ram",
                 "0000000010001000-000000003fffffff (prio 0, ram): pc.ram @0000000010001000 KVM"):
        if line not in flat.stdout:
            fail(f"mtree --flat lacks '{line}':\n{flat.stdout}")
    skip_without_kvm()
    booted = run([slotbox, "run", "layout", "--ram", "1G", "--map", path], timeout=60)
    print(booted.stdout.splitlines()[-1])
    if booted.returncode != 0:
        fail(f"layout failed with the map (exit {booted.returncode}):\n{booted.stdout}{booted.stderr}")


def main():
    slotbox, case = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as directory:
        with open(os.path.join(directory, "blob.bin"), "wb") as blob:
            blob.write(os.urandom(8192))
        if case == "good":
            check_good(slotbox, write(directory, "good.json", GOOD))
        elif case == "not-json":
            expect_rejected(slotbox, write(directory, "broken.json", '{"regions": [ {"name": '), "not valid JSON")
        else:
            region, fragment = BAD[case]
            expect_rejected(slotbox, write(directory, f"{case}.json", {"regions": [region]}), fragment)


if __name__ == "__main__":
    main()
