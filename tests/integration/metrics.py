"""Metrics from a real run: touch and dirty report what they measured with metric(), and
slotbox turns the "# metric NAME VALUE UNIT" lines into structured fields: a metrics
array per image in --format json, properties in JUnit, `#` lines in text. The guest's
other `#` lines are kept too (JSON "comments", JUnit system-out).

With --results DIR, the JSON reports are the ones a nested backend run left in DIR
(tests/nested/campaign.sh: DIR/touch.json, DIR/dirty.json, 64 MiB windows).

usage: metrics.py SLOTBOX json|junit|text
       metrics.py --results DIR
"""
import json
import re
import sys
import xml.etree.ElementTree as ElementTree

from support import fail, run, skip_without_kvm

WINDOW_PAGES = 2048  # --arg touch:--window=8M


def run_slotbox(slotbox, *arguments):
    result = run([slotbox, "run", "touch", "dirty", "--arg", "touch:--window=8M", *arguments], timeout=120)
    if result.returncode != 0:
        fail(f"exit {result.returncode}:\n{result.stdout}{result.stderr}")
    return result.stdout


def metrics_of(image):
    found = {}
    for metric in image["metrics"]:
        if set(metric) != {"name", "value", "unit"} or not isinstance(metric["value"], int):
            fail(f"a metric is not {{name, value, unit}} with an integer value: {metric}")
        found[metric["name"]] = (metric["value"], metric["unit"])
    return found


def check_touch(image, pages):
    metrics = metrics_of(image)
    print("touch:", metrics)
    for window in ("low_ram", "high_ram"):
        if metrics.get(f"{window}.pages") != (pages, "pages"):
            fail(f"{window}.pages is {metrics.get(f'{window}.pages')}, expected {pages} pages")
        first, unit = metrics.get(f"{window}.first_touch_per_page", (0, ""))
        if first <= 0 or unit != "cycles/page":
            fail(f"{window}.first_touch_per_page is not a positive number of cycles/page")
        faults, unit = metrics.get(f"{window}.faults", (0, ""))
        if faults <= 0 or unit != "faults":
            fail(f"{window}.faults: KVM's pf_fixed over the first touches should be positive")
        mapped = metrics[f"{window}.pages_4k"][0] + 512 * metrics[f"{window}.pages_2m"][0]
        if mapped != pages:
            fail(f"{window}: pages_4k + 512 * pages_2m = {mapped}, the check says they cover {pages}")
    # The numbers are the ones the checks printed: the check line carries the same cycles.
    names = [check["name"] for check in image["checks"]]
    cycles = metrics["low_ram.first_touch_per_page"][0]
    if not any(f"first touch {cycles} cycles/page" in name for name in names):
        fail(f"no check names first touch {cycles} cycles/page: {names}")
    if not any(comment.startswith("# touch: ") for comment in image["comments"]):
        fail(f"the guest's tally line is not among the comments: {image['comments']}")


def check_dirty(image):
    metrics = metrics_of(image)
    print("dirty:", metrics)
    for number in (1, 2):
        written = metrics.get(f"round{number}.pages_written")
        dirty = metrics.get(f"round{number}.pages_dirty")
        if not written or written[1] != "pages" or written != dirty:
            fail(f"round {number}: pages written {written} and found dirty {dirty} should be equal")
        check = next((c for c in image["checks"] if c["name"].startswith(f"round {number}:")), None)
        if not check or f"the {written[0]} pages written" not in check["name"]:
            fail(f"round {number}'s check does not name the {written} pages of its metric")
        if metrics.get(f"round{number}.fetch", (0, ""))[1] != "cycles":
            fail(f"round{number}.fetch is not a time in cycles")


def case_json(slotbox):
    document = json.loads(run_slotbox(slotbox, "--format", "json"))
    touch, dirty = document["images"]
    check_touch(touch, WINDOW_PAGES)
    check_dirty(dirty)


def case_junit(slotbox):
    root = ElementTree.fromstring(run_slotbox(slotbox, "--format", "junit"))
    suite = root.find("testsuite[@name='touch']")
    properties = {p.get("name"): p.get("value") for p in suite.findall("properties/property")}
    print("touch properties:", properties)
    if properties.get("low_ram.pages") != f"{WINDOW_PAGES} pages":
        fail("JUnit has no property low_ram.pages with the window's pages")
    if not re.fullmatch(r"\d+ cycles/page", properties.get("low_ram.first_touch_per_page", "")):
        fail("JUnit's low_ram.first_touch_per_page is not 'N cycles/page'")
    system_out = suite.findtext("system-out") or ""
    print("touch system-out:", system_out)
    if "# touch: " not in system_out or "# metric" in system_out:
        fail("system-out should hold the guest's # lines (its tally), and no metric lines")


def case_text(slotbox):
    output = run_slotbox(slotbox)
    lines = [line for line in output.splitlines() if line.startswith("# metric ")]
    print("\n".join(lines))
    if f"# metric low_ram.pages {WINDOW_PAGES} pages" not in lines or not any("round1.pages_written" in l for l in lines):
        fail("the text run does not show the metrics as # lines")


def main():
    if sys.argv[1] == "--results":
        directory = sys.argv[2]
        with open(f"{directory}/touch.json") as touch, open(f"{directory}/dirty.json") as dirty:
            check_touch(json.load(touch)["images"][0], 16384)
            check_dirty(json.load(dirty)["images"][0])
        return
    slotbox, case = sys.argv[1], sys.argv[2]
    skip_without_kvm()
    globals()["case_" + case](slotbox)


if __name__ == "__main__":
    main()
