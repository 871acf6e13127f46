"""Bad input gets exit code 2 and exactly one line on stderr that names the thing and
the reason, before any VM is created.

usage: bad_input.py SLOTBOX CASE
"""
import os
import sys
import tempfile

from support import fail, run


def expect_rejected(command, *fragments):
    result = run(command, timeout=30)
    lines = result.stderr.strip().splitlines()
    print(f"$ {' '.join(command[1:])}\nexit {result.returncode}: {result.stderr.strip()}")
    if result.returncode != 2:
        fail(f"exit code {result.returncode}, expected 2")
    if len(lines) != 1:
        fail(f"expected one line on stderr, got {len(lines)}")
    for fragment in fragments:
        if fragment not in lines[0]:
            fail(f"the message does not mention '{fragment}'")
    if "== " in result.stdout:
        fail("an image started running despite the bad input")


def main():
    slotbox, case = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as directory:
        odd_rom = os.path.join(directory, "odd.rom")
        with open(odd_rom, "wb") as file:
            file.write(b"\0" * 70000)
        cases = {
            "not-a-rom": ([slotbox, "run", "/etc/passwd"], "/etc/passwd", "not a multiple of 64 KiB"),
            "odd-size": ([slotbox, "run", odd_rom], "odd.rom", "size 70000 is not a multiple of 64 KiB"),
            "missing": ([slotbox, "run", "no-such-image"], "no-such-image", "no embedded image"),
            "ram-zero": ([slotbox, "--ram", "0"], "--ram 0", "between 512 MiB and 64 GiB"),
            "ram-unit": ([slotbox, "--ram", "12Q"], "--ram 12Q", "unknown unit"),
            "ram-max": ([slotbox, "--ram", "65G"], "--ram 65G", "between 512 MiB and 64 GiB"),
            "timeout": ([slotbox, "--timeout", "-1"], "--timeout", "between"),
            "option": ([slotbox, "--no-such-option"], "--no-such-option"),
        }
        expect_rejected(*cases[case])


if __name__ == "__main__":
    main()
