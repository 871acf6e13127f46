"""An image built outside the tree: `cmake --install` the build into a prefix, configure
and build examples/out-of-tree against it with find_package(slotbox), then run its ROM
under QEMU and, where KVM is usable, with the installed slotbox (the ROM and the ELF).
readme_example.py does the same with the README's example.

usage: out_of_tree.py BUILD_DIR EXAMPLE_DIR WORK_DIR
"""
import shutil
import subprocess
import sys
from pathlib import Path

from support import fail, kvm_usable, qemu_command, run


def step(command, what):
    result = run([str(part) for part in command], timeout=600)
    if result.returncode != 0:
        fail(f"{what} failed (exit {result.returncode}):\n{result.stdout}{result.stderr}")
    return result


def check_example(build, example, work, name, passed):
    """Installs BUILD into WORK/prefix, builds the project in EXAMPLE against it and runs
    its image NAME, which must pass PASSED checks (no fewer: a check lost is a failure)."""
    expected_tally = f"# {name}: {passed} passed, 0 failed, 0 skipped"
    prefix, example_build = work / "prefix", work / "build"
    step(["cmake", "--install", build, "--prefix", prefix], "cmake --install")
    step(["cmake", "-S", example, "-B", example_build, f"-DCMAKE_PREFIX_PATH={prefix}"], "configuring the example")
    step(["cmake", "--build", example_build], "building the example")
    rom, elf = example_build / "images" / f"{name}.rom", example_build / "images" / "elf" / f"{name}.elf"
    if not rom.is_file() or not elf.is_file():
        fail(f"the example built no {rom} or {elf}")

    try:
        qemu = run(qemu_command(str(rom)) + ["-no-reboot"], timeout=60)
    except subprocess.TimeoutExpired:
        fail("the example's ROM did not end under QEMU")
    print(qemu.stdout, end="")
    if expected_tally not in qemu.stdout or qemu.returncode != 1:  # isa-debug-exit: (0 << 1) | 1
        fail(f"under QEMU the example did not pass (exit {qemu.returncode})")

    if not kvm_usable():
        print("no usable KVM here: the installed slotbox is not run")
        return
    for image in (rom, elf):
        ours = run([str(prefix / "bin" / "slotbox"), "run", str(image)], timeout=60)
        print(ours.stdout, end="")
        if ours.returncode != 0 or expected_tally not in ours.stdout:
            fail(f"slotbox run {image} exited {ours.returncode}: {ours.stderr.strip()}")


def main():
    build, example, work = (Path(argument) for argument in sys.argv[1:4])
    shutil.rmtree(work, ignore_errors=True)
    check_example(build, example, work, "out-of-tree", 4)


if __name__ == "__main__":
    main()
