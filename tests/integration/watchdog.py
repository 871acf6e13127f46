"""A ROM that spins at the reset vector (`jmp $`, no slotbox header) run with
--timeout 1 must end with exit code 3 and a message naming the timeout within 2 s.

usage: watchdog.py SLOTBOX
"""
import os
import sys
import tempfile
import time

from support import fail, run, skip_without_kvm

ROM_SIZE = 64 * 1024
RESET_VECTOR_OFFSET = ROM_SIZE - 16  # 0xFFFFFFF0
JMP_SELF = b"\xeb\xfe"


def main():
    slotbox = sys.argv[1]
    skip_without_kvm()
    with tempfile.TemporaryDirectory() as directory:
        rom = os.path.join(directory, "spin.rom")
        image = bytearray(ROM_SIZE)
        image[RESET_VECTOR_OFFSET:RESET_VECTOR_OFFSET + 2] = JMP_SELF
        with open(rom, "wb") as file:
            file.write(image)
        started = time.monotonic()
        result = run([slotbox, "run", rom, "--timeout", "1"], timeout=10)
        elapsed = time.monotonic() - started
    print(result.stdout + result.stderr + f"elapsed {elapsed:.2f} s, exit {result.returncode}")
    if result.returncode != 3:
        fail(f"exit code {result.returncode}, expected 3")
    if "timeout" not in result.stdout:
        fail("the report does not say the guest timed out")
    if elapsed >= 2.0:
        fail(f"took {elapsed:.2f} s, expected under 2 s")


if __name__ == "__main__":
    main()
