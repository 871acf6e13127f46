"""slotbox finds its images beside its binary, not in the build tree: `cmake --install` the
build into a prefix, then `slotbox list` from PREFIX/bin must list every image of the index
from PREFIX/share/slotbox/images (ROM and ELF installed), and with that folder gone it must
refuse in one line naming the folders it looked in, exit 2. Needs no KVM.

usage: installed_images.py BUILD_DIR WORK_DIR
"""
import shutil
import sys
from pathlib import Path

from support import fail, run


def main():
    build, work = (Path(argument) for argument in sys.argv[1:3])
    shutil.rmtree(work, ignore_errors=True)
    prefix = work / "prefix"
    install = run(["cmake", "--install", str(build), "--prefix", str(prefix)], timeout=600)
    if install.returncode != 0:
        fail(f"cmake --install failed (exit {install.returncode}):\n{install.stdout}{install.stderr}")
    slotbox, images = prefix / "bin" / "slotbox", prefix / "share" / "slotbox" / "images"
    names = (build / "images" / "index").read_text().split()
    if "hello" not in names:
        fail(f"the build's index names no hello: {names}")
    for name in names:
        for suffix in (".rom", ".elf"):
            if not (images / (name + suffix)).is_file():
                fail(f"cmake --install put no {name}{suffix} in {images}")

    listed = run([str(slotbox), "list"], timeout=60)
    if listed.returncode != 0:
        fail(f"installed slotbox list: exit {listed.returncode}:\n{listed.stdout}{listed.stderr}")
    listed_names = [line.split()[0] for line in listed.stdout.splitlines()]
    if listed_names != names:
        fail(f"installed slotbox list gave {listed_names}, the index {names}")
    if "broken image" in listed.stdout:
        fail(f"installed slotbox list read a broken image:\n{listed.stdout}")

    shutil.move(str(images), str(work / "moved-images"))
    missing = run([str(slotbox), "list"], timeout=60)
    lines = missing.stderr.splitlines()
    expected = f"slotbox: images: no image index in {prefix / 'bin' / 'images'} or {images}"
    if missing.returncode != 2 or len(lines) != 1 or not lines[0].startswith(expected) or missing.stdout:
        fail(f"without its images, slotbox list should exit 2 with one line starting {expected!r}; "
             f"got exit {missing.returncode}, stdout {missing.stdout!r}, stderr {missing.stderr!r}")
    print(f"installed slotbox lists {len(names)} images; without them: {lines[0]}")


if __name__ == "__main__":
    main()
