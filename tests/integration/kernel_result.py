"""A kvm-unit-tests kernel that a nested backend run booted (tests/nested/campaign.sh):
slotbox must have passed it (kernel exit code 0), reported its checks, and every one of
them passed. What it printed is shown either way.

usage: kernel_result.py DIR/NAME
"""
import json
import sys

from support import fail, recorded_run


def main():
    result = sys.argv[1]
    recorded = recorded_run(result)
    output, exit_code = recorded.stdout, recorded.returncode
    try:
        with open(result + ".json") as report:
            image = json.load(report)["images"][0]
    except (OSError, ValueError, KeyError, IndexError) as error:
        fail(f"no result from the nested run: {error}")
    print(output, end="")
    failed = [check["name"] for check in image["checks"] if check["outcome"] == "fail"]
    if exit_code != 0:
        fail(f"slotbox exited {exit_code}")
    if not any(line.startswith("SUMMARY:") for line in output.splitlines()):
        fail("the kernel printed no SUMMARY line")
    if not image["checks"]:
        fail("no checks reported")
    if failed:
        fail(f"{len(failed)} checks failed: {failed}")
    print(f"{len(image['checks'])} checks passed")


if __name__ == "__main__":
    main()
