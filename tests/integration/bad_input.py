"""Bad input gets exit code 2 and exactly one line on stderr that names the thing and
the reason, before any VM is created.

usage: bad_input.py SLOTBOX CASE
"""
import json
import os
import subprocess
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


def expect_output_refused(slotbox, directory, target, kind):
    """--output at something not a regular file: exit 2 naming it, before any image,
    and the thing itself left as it was."""
    before = os.lstat(target)
    expect_rejected([slotbox, "run", "hello", "--format", "json", "--output", target], target, kind)
    after = os.lstat(target)
    if (before.st_mode, before.st_ino, before.st_rdev) != (after.st_mode, after.st_ino, after.st_rdev):
        fail(f"{target} was replaced")
    left = [name for name in os.listdir(directory) if name.startswith(".")]
    if left:
        fail(f"temporary files left behind: {left}")


def expect_stdout_error(command):
    """A write error on stdout is reported (exit 3), not dropped."""
    with open("/dev/full", "w") as full:
        result = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, timeout=30)
    print(f"$ {' '.join(command[1:])} > /dev/full\nexit {result.returncode}: {result.stderr.strip()}")
    if result.returncode != 3 or "stdout" not in result.stderr or "No space left" not in result.stderr:
        fail("a write error on stdout must exit 3 and say so")


def main():
    slotbox, case = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as directory:
        odd_rom = os.path.join(directory, "odd.rom")
        with open(odd_rom, "wb") as file:
            file.write(b"\0" * 70000)
        cases = {
            "not-a-rom": ([slotbox, "run", "/etc/passwd"], "/etc/passwd", "not a multiple of 64 KiB"),
            "odd-size": ([slotbox, "run", odd_rom], "odd.rom", "size 70000 is not a multiple of 64 KiB"),
            "missing": ([slotbox, "run", "no-such-image"], "no-such-image", "no image or file of that name"),
            "ram-zero": ([slotbox, "--ram", "0"], "--ram 0", "between 512 MiB and 64 GiB"),
            "ram-unit": ([slotbox, "--ram", "12Q"], "--ram 12Q", "unknown unit"),
            "ram-max": ([slotbox, "--ram", "65G"], "--ram 65G", "between 512 MiB and 64 GiB"),
            "timeout": ([slotbox, "--timeout", "-1"], "--timeout", "more than 0"),
            "option": ([slotbox, "--no-such-option"], "--no-such-option"),
        }
        fifo = os.path.join(directory, "fifo")
        os.mkfifo(fifo)
        victim = os.path.join(directory, "victim.json")
        with open(victim, "w") as file:
            file.write("not slotbox's\n")
        link = os.path.join(directory, "link.json")
        os.symlink(victim, link)
        os.mkdir(os.path.join(directory, "dir"))

        def write_map(region):
            path = os.path.join(directory, f"m{len(os.listdir(directory))}.json")
            with open(path, "w") as file:
                json.dump({"regions": [region]}, file)
            return path

        rom = {"name": "blob", "type": "rom", "address": "0xd0000000"}
        cases.update({
            "timeout-empty": ([slotbox, "--timeout", ""], '--timeout ""', "not a number of seconds"),
            "format": ([slotbox, "--format", "xml"], '--format "xml"', "must be text, tap, json or junit"),
            "mtree-views": ([slotbox, "mtree", "--slots", "--flat"], "--flat --slots", "choose one"),
            "mtree-image": ([slotbox, "mtree", "hello"], "mtree hello", "runs no image"),
            "map-directory": ([slotbox, "mtree", "--map", directory], directory, "not a regular file (a directory)"),
            "map-fifo": ([slotbox, "mtree", "--map", fifo], fifo, "not a regular file (a FIFO)"),
            "map-rom-directory": ([slotbox, "mtree", "--map", write_map({**rom, "file": "dir"})],
                                  "regions[0].file", "not a regular file (a directory)"),
            "map-rom-fifo": ([slotbox, "mtree", "--map", write_map({**rom, "file": "fifo"})],
                             "regions[0].file", "not a regular file (a FIFO)"),
            "map-rom-zero": ([slotbox, "mtree", "--map", write_map({**rom, "file": "/dev/zero"})],
                             "regions[0].file", "not a regular file (a character device)"),
            "map-rom-huge": ([slotbox, "mtree", "--map", write_map({**rom, "file": "victim.json", "size": "1G"})],
                             "regions[0].size", "larger than 16 MiB"),
            "map-ram-wrap": ([slotbox, "mtree", "--map", write_map({"name": "r", "type": "ram", "address": 0,
                                                                     "size": "0xffffffffffffffff"})],
                             "regions[0].size", "larger than 64 GiB"),
            "map-alias-unaligned": ([slotbox, "mtree", "--flat", "--map", write_map(
                {"name": "w", "type": "alias", "address": "0xd2000800", "size": "1M", "target": "pc.ram"})],
                "regions[0]", "4 KiB pages"),
            "map-priority": ([slotbox, "mtree", "--map", write_map({"name": "p", "type": "mmio", "address": 0,
                                                                     "size": "4K", "priority": 2**32})],
                             "regions[0].priority", "-2147483648 to 2147483647"),
            "map-negative": ([slotbox, "mtree", "--map", write_map({"name": "r", "type": "ram", "address": 0,
                                                                     "size": "-4096"})],
                             "regions[0].size", "not a number"),
            "image-fifo": ([slotbox, "run", fifo], fifo, "not a regular file (a FIFO)"),
            "image-zero": ([slotbox, "run", "/dev/zero"], "/dev/zero", "not a regular file (a character device)"),
            "initrd-directory": ([slotbox, "run", "--kernel", victim, "--initrd", directory], "--initrd", "a directory"),
        })
        if case == "output-devnull":
            return expect_output_refused(slotbox, directory, "/dev/null", "is a character device")
        if case == "output-symlink":
            return expect_output_refused(slotbox, directory, link, "is a symbolic link")
        if case == "output-directory":
            return expect_output_refused(slotbox, directory, os.path.join(directory, "dir"), "is a directory")
        if case == "output-fifo":
            return expect_output_refused(slotbox, directory, fifo, "is a FIFO")
        if case == "stdout-full":
            return expect_stdout_error([slotbox, "list"])
        expect_rejected(*cases[case])


if __name__ == "__main__":
    main()
