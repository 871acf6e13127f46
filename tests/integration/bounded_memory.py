"""Host memory follows the bytes slotbox read, not the sizes an input declares (issue 13):
zeros a file only announces cost nothing until the guest touches them.

  map-roms    `slotbox mtree --map` with many 16 MiB `rom` regions made of one 4 KiB file
              (no KVM needed): each region's zeros past the file stay untouched.
  kernel-bss  a multiboot kernel of 128 bytes whose one segment declares 1 GiB of zeros;
              it checks the last of them reads zero and exits (exit 77 without KVM).

Each measures slotbox's own peak RSS (wait4's ru_maxrss) against a cap far below what
holding the declared zeros on the host takes.

usage: bounded_memory.py SLOTBOX map-roms|kernel-bss
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

from support import fail, skip_without_kvm

ROM_REGIONS = 48                # 768 MiB of declared ROM
ROM_REGION_SIZE = 16 << 20      # the largest a map `rom` may be
KERNEL_BASE = 0x100000
KERNEL_ZEROS = 1 << 30          # the segment's p_memsz
PEAK_RSS_CAP = 128 << 20        # a few times what slotbox itself takes


def peak_rss(command):
    """Runs command; its exit status, output and peak resident set size in bytes."""
    with tempfile.TemporaryFile() as output:
        child = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        output.seek(0)
        text = output.read().decode(errors="replace")
    return os.waitstatus_to_exitcode(status), text, usage.ru_maxrss * 1024


def expect_small(command, expected_exit):
    code, output, rss = peak_rss(command)
    print(f"$ {' '.join(command[1:])}\nexit {code}, peak RSS {rss >> 20} MiB (cap {PEAK_RSS_CAP >> 20} MiB)")
    if code != expected_exit:
        print(output[-2000:])
        fail(f"exit {code}, expected {expected_exit}")
    if rss > PEAK_RSS_CAP:
        fail(f"peak RSS {rss >> 20} MiB: the declared zeros were held on the host")


def map_roms(slotbox, directory):
    blob = os.path.join(directory, "blob.bin")
    with open(blob, "wb") as file:
        file.write(b"\xab" * 4096)
    regions = [{"name": f"rom{i}", "type": "rom", "address": hex(0x1000000000 + i * ROM_REGION_SIZE),
                "file": "blob.bin", "size": "16M"} for i in range(ROM_REGIONS)]
    path = os.path.join(directory, "roms.json")
    with open(path, "w") as file:
        json.dump({"regions": regions}, file)
    expect_small([slotbox, "mtree", "--map", path], 0)


def bss_kernel():
    """An ELF32 multiboot kernel (Multiboot Specification 0.6.96 §3.1): one PT_LOAD of the
    whole file at 1 MiB with p_memsz KERNEL_ZEROS; the code reads the last dword of the
    zeros and exits through port 0xF4 with 0 (kvm-unit-tests' pass) when it is zero, else 1."""
    header_size, phdr_size, multiboot_size = 52, 32, 12
    code_offset = header_size + phdr_size + multiboot_size
    last = KERNEL_BASE + KERNEL_ZEROS - 4
    code = (b"\xa1" + struct.pack("<I", last)  # mov eax, [last]
            + b"\x85\xc0"                      # test eax, eax
            + b"\xb0\x00"                      # mov al, 0
            + b"\x74\x02"                      # jz .out
            + b"\xb0\x01"                      # mov al, 1
            + b"\xe6\xf4"                      # .out: out 0xf4, al
            + b"\xf4\xeb\xfd")                 # hlt; jmp hlt
    file_size = code_offset + len(code)
    elf = (b"\x7fELF\x01\x01\x01" + bytes(9)
           + struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, KERNEL_BASE + code_offset, header_size, 0, 0,
                         header_size, phdr_size, 1, 40, 0, 0))
    phdr = struct.pack("<IIIIIIII", 1, 0, KERNEL_BASE, KERNEL_BASE, file_size, KERNEL_ZEROS, 7, 0x1000)
    magic, flags = 0x1BADB002, 0x3
    multiboot = struct.pack("<III", magic, flags, (-(magic + flags)) & 0xFFFFFFFF)
    return elf + phdr + multiboot + code


def kernel_bss(slotbox, directory):
    skip_without_kvm()
    path = os.path.join(directory, "bss.elf")
    with open(path, "wb") as file:
        file.write(bss_kernel())
    expect_small([slotbox, "run", "--kernel", path, "--ram", "2G", "--timeout", "60"], 0)


def main():
    slotbox, case = sys.argv[1], sys.argv[2]
    cases = {"map-roms": map_roms, "kernel-bss": kernel_bss}
    if case not in cases:
        fail(f"unknown case {case}")
    with tempfile.TemporaryDirectory() as directory:
        cases[case](slotbox, directory)


if __name__ == "__main__":
    main()
