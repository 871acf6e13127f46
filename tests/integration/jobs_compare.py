"""`--jobs N` must give the same report as a serial run: the same images in the same order,
each with the same verdict and the same checks with the same outcomes. Names that carry a
measurement (cycles, milliseconds) are compared with their numbers blanked.

usage: jobs_compare.py SLOTBOX                  run both here (needs /dev/kvm)
       jobs_compare.py --reports SERIAL PARALLEL   two JSON reports a nested run wrote
"""
import json
import re
import sys

from support import fail, run, skip_without_kvm

NUMBER = re.compile(r"\d+")


def shape(report):
    """What must not depend on --jobs: per image, its verdict and its checks."""
    images = []
    for image in report["images"]:
        verdict = image["passed"]
        checks = [(check["outcome"], NUMBER.sub("#", check["name"])) for check in image["checks"]]
        images.append((image["name"], verdict, image["end"], checks))
    return images


def load(path):
    try:
        with open(path) as file:
            return json.load(file)
    except (OSError, ValueError) as error:
        fail(f"no report {path}: {error}")


def main():
    if sys.argv[1] == "--reports":
        serial, parallel = load(sys.argv[2]), load(sys.argv[3])
    else:
        skip_without_kvm()
        slotbox = sys.argv[1]
        serial = json.loads(run([slotbox, "--jobs", "1", "--format", "json"], timeout=120).stdout)
        parallel = json.loads(run([slotbox, "--jobs", "4", "--format", "json"], timeout=120).stdout)
    ours, theirs = shape(serial), shape(parallel)
    if [image[0] for image in ours] != [image[0] for image in theirs]:
        fail(f"images differ or are out of order: {[i[0] for i in ours]} vs {[i[0] for i in theirs]}")
    for one, other in zip(ours, theirs):
        if one != other:
            fail(f"image {one[0]} differs:\n  serial   {one[1:]}\n  parallel {other[1:]}")
    if serial["summary"] != parallel["summary"]:
        fail(f"summaries differ: {serial['summary']} vs {parallel['summary']}")
    print(f"{len(ours)} images, the same verdicts and checks; summary {serial['summary']}")


if __name__ == "__main__":
    main()
