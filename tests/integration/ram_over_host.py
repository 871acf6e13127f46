"""--ram larger than the host's memory is accepted (guest RAM is reserved lazily, as with
QEMU) with one warning line on stderr; beyond 64 GiB it is still refused.

usage: ram_over_host.py SLOTBOX
"""
import os
import sys

from support import SKIP, fail, run


def main():
    slotbox = sys.argv[1]
    host = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    if host >= 64 << 30:
        print("SKIP: this host has 64 GiB or more")
        sys.exit(SKIP)
    result = run([slotbox, "mtree", "--flat", "--ram", "64G"], timeout=30)
    print(f"exit {result.returncode}: {result.stderr.strip()}")
    if result.returncode != 0:
        fail("--ram 64G was refused")
    lines = result.stderr.strip().splitlines()
    if len(lines) != 1 or "warning" not in lines[0] or "more than this host's memory" not in lines[0]:
        fail("expected one warning line naming the host's memory")
    # 64 GiB: 3 GiB below the hole, 61 GiB from 4 GiB on.
    if "0000000100000000-000000103fffffff" not in result.stdout:
        fail("the flat view has no 61 GiB of RAM above 4 GiB")
    refused = run([slotbox, "mtree", "--ram", "65G"], timeout=30)
    if refused.returncode != 2:
        fail(f"--ram 65G: exit {refused.returncode}, expected 2")


if __name__ == "__main__":
    main()
