"""Report formats and run options: --format tap|json|junit parse as what they claim and
agree with the text run; --output writes the file whole; --stats and --trace print what
they promise; image arguments after `--` reach the guest.

usage: reports.py SLOTBOX CASE
"""
import json
import os
import sys
import tempfile
import xml.etree.ElementTree as ElementTree

from support import checks, fail, run, skip_without_kvm

IMAGES = ["hello", "faults/triple"]


def run_slotbox(slotbox, *arguments):
    result = run([slotbox, "run", *IMAGES, *arguments], timeout=60)
    if result.returncode != 0:
        fail(f"exit {result.returncode}:\n{result.stdout}{result.stderr}")
    return result


def expected_total(slotbox):
    text = run_slotbox(slotbox).stdout
    return len(checks(text)) + 1  # the guests' checks, and faults/triple's declared end


def case_json(slotbox):
    document = json.loads(run_slotbox(slotbox, "--format", "json").stdout)
    total = sum(len(image["checks"]) for image in document["images"])
    summary = document["summary"]
    print(f"{total} checks in JSON, summary {summary}")
    if [image["name"] for image in document["images"]] != IMAGES:
        fail("images missing from the JSON report")
    if total != expected_total(slotbox) or summary["passed"] != total or summary["failed"] != 0:
        fail("the JSON report disagrees with the text run")
    if document["images"][1]["end"] != "triple fault":
        fail("faults/triple's end is not reported as a triple fault")


def case_junit(slotbox):
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "report.xml")
        text = run_slotbox(slotbox, "--format", "junit", "--output", path).stdout
        if "slotbox:" not in text:
            fail("with --output the text report should stay on stdout")
        root = ElementTree.parse(path).getroot()
        if os.path.exists(path + ".tmp"):
            fail("a temporary file was left behind")
    cases = root.findall(".//testcase")
    print(f"{len(cases)} testcases in {len(root.findall('testsuite'))} suites")
    if len(cases) != expected_total(slotbox) or root.get("failures") != "0":
        fail("the JUnit report disagrees with the text run")


def case_tap(slotbox):
    output = run_slotbox(slotbox, "--format", "tap").stdout
    found = checks(output)
    plan = [line for line in output.splitlines() if line.startswith("1..")]
    print(f"{len(found)} TAP lines, plan {plan}")
    if not output.startswith("TAP version 13") or plan != [f"1..{len(found)}"]:
        fail("not one TAP stream with a plan")
    if [n for n, _, _ in found] != list(range(1, len(found) + 1)) or len(found) != expected_total(slotbox):
        fail("checks are not numbered across images")


def case_output_unwritable(slotbox):
    result = run([slotbox, "run", "hello", "--format", "json", "--output", "/nonexistent/dir/report.json"], timeout=60)
    print(result.stderr.strip())
    if result.returncode != 2 or "/nonexistent/dir/report.json" not in result.stderr:
        fail("an unwritable --output must fail with exit 2 naming the file")


def case_stats(slotbox):
    output = run([slotbox, "run", "hello", "--stats"], timeout=60).stdout
    print("\n".join(line for line in output.splitlines() if line.startswith("   ")))
    for expected in ("exits: KVM_EXIT_IO", "ports: 0x70", "kvm stats:"):
        if expected not in output:
            fail(f"--stats does not show '{expected}'")


def case_trace(slotbox):
    result = run([slotbox, "run", "hello", "--trace"], timeout=60)
    traced = [line for line in result.stderr.splitlines() if line.startswith("exit: ")]
    summary = [line for line in result.stdout.splitlines() if line.startswith("-- hello")][0]
    exits = int(summary.split(" exits")[0].split()[-1])
    print(f"{len(traced)} traced exits; the run reports {exits}")
    if len(traced) != exits or "exit: io out port 0xf4" not in result.stderr:
        fail("--trace must print every exit, the exit port write among them")


def case_image_arguments(slotbox):
    output = run([slotbox, "run", "touch", "--", "--window", "8M"], timeout=60).stdout
    print("\n".join(line for line in output.splitlines() if "pages at" in line))
    if "2048 pages at 0x2000000" not in output:
        fail("the --window argument did not reach the touch image")


def case_per_image_arguments(slotbox):
    """--arg IMAGE:ARGUMENT reaches the image it names, and only that one."""
    output = run([slotbox, "run", "hello", "--arg", "touch:--window=8M", "--arg", "hel*:--window=1", "touch"],
                 timeout=60).stdout
    print("\n".join(line for line in output.splitlines() if "pages at" in line))
    if "2048 pages at 0x2000000" not in output:
        fail("--arg touch:--window=8M did not reach the touch image")


def main():
    slotbox, case = sys.argv[1], sys.argv[2]
    skip_without_kvm()
    globals()["case_" + case.replace("-", "_")](slotbox)


if __name__ == "__main__":
    main()
