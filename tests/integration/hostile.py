"""Hostile ROMs and signals on KVM (issue 13): the user's --timeout bounds a header's own
limit; a 4-byte write at port 0xF2 exits with 0x1234 as QEMU on KVM does; `sti; hlt` and
`cli; hlt` say how the guest halted; a console flood is cut at its cap (--console-limit) and the run goes
on; SIGINT/SIGTERM stop the VM, say what ran, write no report and exit 130/143.

usage: hostile.py SLOTBOX CASE
"""
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time

from support import fail, run, skip_without_kvm

ROM_SIZE = 64 * 1024
RESET = ROM_SIZE - 16           # 0xFFFFFFF0, in real mode
JMP_SELF = b"\xeb\xfe"
MAGIC = b"SLOTBOX\0"
EXPECT_GUEST_EXIT, EXPECT_TIMEOUT = 0, 1


def rom(directory, name, reset_code, header=None, patches=()):
    image = bytearray(ROM_SIZE)
    if header:
        expected_end, status, limit_ms = header
        image[0:32] = MAGIC + struct.pack("<6I", 1, expected_end, status, limit_ms, 0, 0)
    image[RESET:RESET + len(reset_code)] = reset_code
    for offset, data in patches:
        image[offset:offset + len(data)] = data
    path = os.path.join(directory, name)
    with open(path, "wb") as file:
        file.write(image)
    return path


def case_header_limit(slotbox, directory):
    # A header that asks for 49 days must not outlast --timeout 1.
    spin = rom(directory, "forever.rom", JMP_SELF, header=(EXPECT_TIMEOUT, 0, 0xFFFFFFFF))
    started = time.monotonic()
    result = run([slotbox, "run", spin, "--timeout", "1"], timeout=120)
    elapsed = time.monotonic() - started
    print(result.stdout + result.stderr + f"elapsed {elapsed:.1f} s")
    if "no end within 1000 ms" not in result.stdout:
        fail("the run was not bounded by --timeout 1")


def case_port_f2(slotbox, directory):
    # mov eax, 0x12345678; out 0xF2, eax: QEMU (KVM) cuts the write at 0xF4 and the
    # isa-debug-exit gets the upper half, 0x1234.
    code = b"\x66\xb8\x78\x56\x34\x12" + b"\x66\xe7\xf2" + JMP_SELF
    path = rom(directory, "port-f2.rom", code)
    result = run([slotbox, "run", path, "--timeout", "20", "--format", "json"], timeout=120)
    image = json.loads(result.stdout)["images"][0]
    print(image["end"], image["end_detail"], image["status"])
    if image["end"] != "guest exit" or image["status"] != 0x1234:
        fail(f"expected a guest exit with status 0x1234, got {image['end']} {image['status']:#x}")


def case_halt(slotbox, directory):
    for name, code, expected in (("sti-hlt.rom", b"\xfb\xf4\xeb\xfd", "halted with interrupts on"),
                                 ("cli-hlt.rom", b"\xfa\xf4\xeb\xfd", "halted with interrupts off")):
        result = run([slotbox, "run", rom(directory, name, code), "--timeout", "1"], timeout=120)
        verdict = [line for line in result.stdout.splitlines() if line.startswith("-- ")]
        print("\n".join(verdict))
        if result.returncode != 3 or not verdict or expected not in verdict[0]:
            fail(f"{name}: the verdict does not say '{expected}'")


def case_console_flood(slotbox, directory):
    # At F000:0100: 3 times `rep outsb` of 16 KiB of "ok 1 - flooding\n" to COM1 (48 KiB,
    # 3072 checks), then status 0 at the exit port. Each byte is one exit on SVM (about
    # 3700 a second nested under TCG), so the run uses --console-limit 16K, not 4 MiB.
    line = b"ok 1 - flooding\n"
    code = (b"\xba\xf8\x03" b"\xb8\x00\xf0" b"\x8e\xd8" b"\xbb\x03\x00"   # dx=COM1, ds=F000, bx=3
            b"\xbe\x00\x10" b"\xb9\x00\x40" b"\xf3\x6e" b"\x4b" b"\x75\xf5"  # again: si, cx, rep outsb, dec, jnz
            b"\xb0\x00" b"\xe6\xf4" + JMP_SELF)
    path = rom(directory, "flood.rom", b"\xea\x00\x01\x00\xf0",          # jmp F000:0100
               patches=((0x100, code), (0x1000, line * (0x4000 // len(line)))))
    result = subprocess.run([slotbox, "run", path, "--timeout", "120", "--console-limit", "16K"],
                            capture_output=True, timeout=400)
    out = result.stdout.decode(errors="replace")
    tail = out.splitlines()[-3:]
    print(f"exit {result.returncode}, {len(result.stdout)} bytes on stdout; last lines:", *tail, sep="\n")
    if "# console truncated after 16384 bytes" not in out:
        fail("no truncation line")
    if len(result.stdout) > 16384 + 4096:
        fail("more than the cap reached stdout")
    verdict = [line for line in tail if line.startswith("-- ")]
    if result.returncode != 0 or not verdict or "3072 checks" not in verdict[0]:
        fail("the run did not go on to its exit with every check counted")


def interrupted(slotbox, directory, sent, code):
    spin = rom(directory, "spin.rom", JMP_SELF)
    report = os.path.join(directory, "report.json")
    process = subprocess.Popen([slotbox, "run", spin, "hello", "--timeout", "300", "--format", "json",
                                "--output", report], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)  # well into the spin, under nested TCG too
    started = time.monotonic()
    process.send_signal(sent)
    stdout, stderr = process.communicate(timeout=60)
    elapsed = time.monotonic() - started
    print(stdout + stderr + f"exit {process.returncode} {elapsed:.1f} s after the signal")
    if process.returncode != code:
        fail(f"exit {process.returncode}, expected {code}")
    name = signal.Signals(sent).name
    if f"interrupted by {name}" not in stderr or "stopped: " + spin not in stderr or "not started: 1" not in stderr:
        fail("stderr does not say what ran and that it was interrupted")
    left = sorted(set(os.listdir(directory)) - {"spin.rom"})
    if left:
        fail(f"a report or temporary was written: {left}")


def case_sigint(slotbox, directory):
    interrupted(slotbox, directory, signal.SIGINT, 130)


def case_sigterm(slotbox, directory):
    interrupted(slotbox, directory, signal.SIGTERM, 143)


CASES = ["header-limit", "port-f2", "halt", "console-flood", "sigint", "sigterm"]


def main():
    slotbox, case = sys.argv[1], sys.argv[2]
    skip_without_kvm()
    # "all": every case in one process, for one nested boot (scripts/nested).
    for name in CASES if case == "all" else [case]:
        print(f"== {name}")
        with tempfile.TemporaryDirectory() as directory:
            globals()["case_" + name.replace("-", "_")](slotbox, directory)


if __name__ == "__main__":
    main()
