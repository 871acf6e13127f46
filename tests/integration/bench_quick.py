"""`slotbox bench` as a smoke test: the report's shape, never its timings (benchmarks are
not tests). Without /dev/kvm every KVM section must say it is skipped and why, and the
memory-map section and the emulation section's counts under QEMU must still run.

usage: bench_quick.py SLOTBOX CASE            CASE: quick (JSON), text, bad-section
       bench_quick.py SLOTBOX nested BACKEND  the same JSON checks on scripts/nested's KVM
"""
import json
import os
import sys

from support import fail, run

SECTIONS = ["cold_start", "lifecycle", "exits", "memory_map", "footprint", "first_touch", "suite", "emulation"]
NESTED = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "nested")


def check_summary(where, summary):
    for key in ("median", "min", "max", "trials"):
        if not isinstance(summary.get(key), (int, float)):
            fail(f"{where}: '{key}' is not a number")
    if summary["trials"] < 1:
        fail(f"{where}: no trials")
    if not summary["min"] <= summary["median"] <= summary["max"]:
        fail(f"{where}: median {summary['median']} outside min..max {summary['min']}..{summary['max']}")


def check_figure(where, figure):
    for key in ("name", "unit"):
        if not isinstance(figure.get(key), str) or not figure[key]:
            fail(f"{where}: no '{key}'")
    check_summary(f"{where} value", figure["value"])
    if figure["baseline"] is None:
        if figure["ratio"] is not None:
            fail(f"{where}: a ratio without a baseline")
    else:
        check_summary(f"{where} baseline", figure["baseline"])
        if not figure["baseline"].get("name"):
            fail(f"{where}: the baseline has no name")
        if figure["baseline"]["median"] > 0 and not isinstance(figure["ratio"], (int, float)):
            fail(f"{where}: a baseline but no ratio")
    if not isinstance(figure.get("comparable"), bool):
        fail(f"{where}: 'comparable' is not true or false")


QEMU_COUNT = ": CPL0 under QEMU"


def check_kvm_emulation(section):
    emulation = {f["name"]: f for f in section["figures"] if not f["name"].endswith(QEMU_COUNT)}
    if "hello" not in emulation or "all images" not in emulation:
        fail("emulation: no count for hello and for all images")
    per_image = sum(figure["value"]["median"] for name, figure in emulation.items() if name != "all images")
    if per_image != emulation["all images"]["value"]["median"] or per_image == 0:
        fail(f"emulation: the images' counts add up to {per_image}, not to the total, or to none")


# The CPL0 counts under QEMU run with or without KVM; scripts/test installs QEMU.
def check_qemu_emulation(section, has_kvm):
    if section["skipped"]:
        fail(f"emulation: skipped: {section['skipped']}")
    if not has_kvm and not any("/dev/kvm" in note for note in section["notes"]):
        fail("emulation: without KVM a note must say why there is no insn_emulation, naming /dev/kvm")
    counts = {f["name"]: f["value"]["median"] for f in section["figures"] if f["name"].endswith(QEMU_COUNT)}
    boot, total = counts.get("hello (boot path)" + QEMU_COUNT), counts.get("hello" + QEMU_COUNT)
    if not boot or not total or boot > total:
        fail(f"emulation: hello's boot path ({boot}) must be counted under QEMU, and within its whole run ({total})")


def check_report(report, expect_kvm):
    machine = report.get("machine", {})
    for key in ("cpu", "cpus", "memory_bytes", "kernel"):
        if key not in machine:
            fail(f"machine: no '{key}'")
    if report.get("quick") is not True:
        fail("'quick' is not true under --quick")
    names = [section.get("name") for section in report.get("sections", [])]
    if names != SECTIONS:
        fail(f"sections {names}, expected {SECTIONS}")
    has_kvm = machine.get("kvm") is not None
    if expect_kvm and not has_kvm:
        fail(f"no KVM in the report: {machine.get('kvm_unavailable')}")
    for section in report["sections"]:
        name = section["name"]
        print(f"{name}: {'skipped: ' + section['skipped'] if section['skipped'] else str(len(section['figures'])) + ' figures'}")
        for note in section.get("notes", []):
            print(f"  note: {note}")
        if name not in ("memory_map", "emulation") and not has_kvm:
            if not section["skipped"] or "/dev/kvm" not in section["skipped"]:
                fail(f"{name}: without KVM it must be skipped, naming /dev/kvm")
            continue
        if section["skipped"]:
            fail(f"{name}: skipped: {section['skipped']}")
        if not section["figures"]:
            fail(f"{name}: no figures")
        for i, figure in enumerate(section["figures"]):
            check_figure(f"{name} figure {i} ({figure.get('name')})", figure)
    check_qemu_emulation(report["sections"][SECTIONS.index("emulation")], has_kvm)
    memory_map = report["sections"][SECTIONS.index("memory_map")]
    figures = {figure["name"]: figure for figure in memory_map["figures"]}
    for n in (10, 100, 1000, 10000):
        if f"{n} regions" not in figures:
            fail(f"memory_map: no figure for {n} regions")
    calls = figures.get("1 of 1000 regions moved: slot calls")
    if not calls or calls["value"]["max"] != 2:
        fail("memory_map: moving one region of 1000 must take exactly 2 slot calls (delete + add)")
    if has_kvm:
        cold = {figure["name"]: figure for figure in report["sections"][0]["figures"]}
        if cold.get("slotbox run min.rom", {}).get("baseline", {}) is None or "slotbox run min.rom" not in cold:
            fail("cold_start: no 'slotbox run min.rom' beside the raw floor")
        own_cost = cold.get("slotbox's own cost (run min.rom)", {})
        if (own_cost.get("baseline") or {}).get("name") != "raw PC floor":
            fail("cold_start: no 'slotbox run min.rom' beside the raw PC floor (slotbox-floor --pc)")
        if (cold.get("slotbox run min.rom, ASLR off", {}).get("baseline") or {}).get("name") != "raw floor, ASLR off":
            fail("cold_start: no 'slotbox run min.rom' with ASLR off beside the raw floor with ASLR off")
        qemu_pc = [name for name in cold if name.startswith("QEMU -M pc min.rom (") and name.endswith(")") and "ASLR off" not in name]
        for name in qemu_pc:
            if (cold.get(name + ", against the raw floor", {}).get("baseline") or {}).get("name") != "raw floor":
                fail(f"cold_start: no '{name}' beside the raw floor (how far any host could be from QEMU)")
        footprint = {figure["name"]: figure for figure in report["sections"][SECTIONS.index("footprint")]["figures"]}
        if (footprint.get("raw PC floor 64 GiB: start to exit", {}).get("baseline") or {}).get("name") != "1 GiB":
            fail("footprint: no start time of the raw PC floor with 64 GiB beside 1 GiB")
        check_kvm_emulation(report["sections"][SECTIONS.index("emulation")])
        exits = {figure["name"]: figure for figure in report["sections"][SECTIONS.index("exits")]["figures"]}
        for case in ("port I/O exit, CPL0", "MMIO exit, CPL0", "port I/O exit, CPL3", "MMIO exit, CPL3"):
            if (exits.get(case, {}).get("baseline") or {}).get("name") != "raw KVM_RUN loop":
                fail(f"exits: no '{case}' beside the raw KVM_RUN loop")
            if (exits.get(case + ": slotbox's own cost", {}).get("baseline") or {}).get("name") != "raw PC loop":
                fail(f"exits: no '{case}' beside the raw PC loop")


def main():
    slotbox, case = sys.argv[1], sys.argv[2]
    if case == "bad-section":
        result = run([slotbox, "bench", "--section", "nope"], timeout=30)
        print(result.stderr.strip())
        if result.returncode != 2 or "--section nope" not in result.stderr:
            fail(f"exit {result.returncode}: expected 2 and a message naming --section nope")
        return
    if case == "text":
        result = run([slotbox, "bench", "--quick", "--section", "memory_map"], timeout=300)
        print(result.stdout)
        if result.returncode != 0 or "== Memory map" not in result.stdout or "10000 regions" not in result.stdout:
            fail(f"exit {result.returncode}: the text report lacks the memory-map section")
        return
    command = [slotbox, "bench", "--quick", "--format", "json"]
    expect_kvm = case == "nested"
    if expect_kvm:
        # L1 sees the host's root, but not what lies under /tmp (a clone may be there):
        # the tree and the build are shared, and the command runs from the build.
        tree = os.path.dirname(os.path.abspath(NESTED))
        build = os.path.dirname(os.path.abspath(slotbox))
        command = [NESTED, "--backend", sys.argv[3], "--share", os.path.dirname(tree), "--share", build,
                   "--", *command, "--trials", "2"]
    result = run(command, timeout=1800)
    if result.returncode != 0:
        fail(f"exit {result.returncode}: {result.stderr.strip()}")
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError as error:
        fail(f"not JSON: {error}")
    check_report(report, expect_kvm)
    print("the report has the expected shape")


if __name__ == "__main__":
    main()
