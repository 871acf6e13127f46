"""Where KVM is unusable slotbox exits 77 (ctest's skip code) with one line saying why,
instead of failing: /dev/kvm missing, or a /dev/kvm that is not KVM. Each case builds its
own /dev on a tmpfs in a private mount namespace (needs root; skipped otherwise), so it
runs the same whether or not this machine has a real /dev/kvm.

usage: no_kvm.py SLOTBOX CASE
"""
import subprocess
import sys

from support import fail, run

SETUPS = {
    "missing": "mount -t tmpfs none /dev",
    # the memory device /dev/null (char 1:3) under KVM's name
    "not-kvm": "mount -t tmpfs none /dev && mknod /dev/kvm c 1 3",
}


def main():
    slotbox, case = sys.argv[1], sys.argv[2]
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True)
    if probe.returncode != 0:
        print("SKIP: cannot make a mount namespace here (needs root)")
        sys.exit(77)
    script = f"{SETUPS[case]} && exec {slotbox} run hello"
    result = run(["unshare", "--mount", "sh", "-c", script], timeout=30)
    message = result.stderr.strip()
    print(f"exit {result.returncode}: {message}")
    if result.returncode != 77 or len(message.splitlines()) != 1 or "/dev/kvm" not in message:
        fail("expected exit 77 and one line naming /dev/kvm")


if __name__ == "__main__":
    main()
