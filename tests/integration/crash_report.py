"""A crash report names where the guest was: registers, then a frame-pointer stack walk
symbolized from the image's ELF. For each crash image, the frame of image_main() must be at
the source line that crashes (or spins), found by a piece of that line's text.

usage: crash_report.py SLOTBOX IMAGE SOURCE NEEDLE           run IMAGE here (needs /dev/kvm)
       crash_report.py SLOTBOX IMAGE SOURCE NEEDLE --results JSON   judge a nested run's report
       crash_report.py SLOTBOX --unexpected ROM SOURCE NEEDLE [--results TXT]
           a copy of a crash image's ROM whose header expects a clean exit (and its ELF
           beside it): the crash is unexpected, so the text report carries the crash lines
"""
import json
import os
import shutil
import struct
import sys
import tempfile

from support import fail, run, skip_without_kvm

EXPECTED_END_OFFSET = 12  # abi::ImageHeader: magic[8], abi_version, expected_end, expected_status


def line_of(source, needle):
    with open(source) as file:
        for number, line in enumerate(file, 1):
            if needle in line:
                return number
    fail(f"{source} has no line with {needle!r}")


def check_frames(frames, source, line):
    """The first frame of image_main() (inlined callees above it are fine) is at source:line."""
    for frame in frames:
        if frame["function"] == "image_main()" and not frame["inlined"]:
            if not frame["file"].endswith(os.path.basename(source)) or frame["line"] != line:
                fail(f"image_main() at {frame['file']}:{frame['line']}, expected {source}:{line}")
            return
    fail(f"no frame in image_main(): {frames}")


def judge_json(report, source, line):
    image = report["images"][0]
    crash = image.get("crash")
    if not crash:
        fail(f"{image['name']} ended in {image['end']} without a crash report")
    if not crash["symbols"].endswith(".elf"):
        fail(f"no symbols: {crash['symbols']}")
    for register in ("rip", "rsp", "rbp", "cr3"):
        if register not in crash["registers"]:
            fail(f"register {register} missing: {crash['registers']}")
    if crash["frames"][0]["address"] != crash["registers"]["rip"]:
        fail(f"frame 0 at {crash['frames'][0]['address']}, rip {crash['registers']['rip']}")
    check_frames(crash["frames"], source, line)
    where = next(f for f in crash["frames"] if f["function"] == "image_main()")
    print(f"{image['name']}: {image['end']}, {crash['source']}; image_main() at {where['file']}:{where['line']}")


def judge_text(text, source, line):
    """The verdict says CRASHED and the crash lines name image_main() at the line."""
    wanted = f"in image_main() at "
    lines = [l.strip() for l in text.splitlines()]
    if not any("CRASHED" in l for l in lines):
        fail("no CRASHED verdict:\n" + text)
    if not any(l.startswith("crash: registers from the runtime's trap frame") for l in lines):
        fail("no crash lines:\n" + text)
    frames = [l for l in lines if l.startswith("#") and wanted in l and " (inlined)" not in l]
    if not frames or not frames[0].endswith(f"{os.path.basename(source)}:{line}"):
        fail(f"no frame of image_main() at {source}:{line}:\n" + text)
    print(frames[0])


def unexpected_copy(rom, directory):
    """The ROM with its header expecting a clean exit, and its ELF beside it."""
    copy = os.path.join(directory, "unexpected.rom")
    shutil.copyfile(rom, copy)
    with open(copy, "r+b") as file:
        file.seek(EXPECTED_END_OFFSET)
        file.write(struct.pack("<II", 0, 0))  # ExpectedEnd::kGuestExit, status 0
    shutil.copyfile(rom[: -len(".rom")] + ".elf", os.path.join(directory, "unexpected.elf"))
    return copy


def main():
    args = sys.argv[1:]
    results = None
    if "--results" in args:
        index = args.index("--results")
        results = args[index + 1]
        del args[index : index + 2]
    slotbox = args[0]
    if args[1] == "--unexpected":
        rom, source, needle = args[2:5]
        line = line_of(source, needle)
        if results:
            with open(results) as file:
                return judge_text(file.read(), source, line)
        skip_without_kvm()
        with tempfile.TemporaryDirectory() as directory:
            result = run([slotbox, "run", unexpected_copy(rom, directory)], timeout=60)
        if result.returncode != 3:
            fail(f"exit {result.returncode}, expected 3 (crashed)\n{result.stdout}{result.stderr}")
        return judge_text(result.stdout, source, line)
    image, source, needle = args[1:4]
    line = line_of(source, needle)
    if results:
        try:
            with open(results) as file:
                report = json.load(file)
        except (OSError, ValueError) as error:
            fail(f"no report {results}: {error}")
        return judge_json(report, source, line)
    skip_without_kvm()
    result = run([slotbox, "run", image, "--format", "json"], timeout=60)
    judge_json(json.loads(result.stdout), source, line)


if __name__ == "__main__":
    main()
