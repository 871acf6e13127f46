"""scripts/setup installs every Debian package the build uses: each tool, library and CMake
package that configuring build/ found (the file paths in its CMakeCache.txt) belongs to a
package that scripts/setup lists, to one of their dependencies, or to one every Debian
has (Essential or Priority required). A machine where the file came with something else
builds fine and hides the gap; a fresh Debian 12 does not (pkg-config was such a file).

usage: setup_packages.py SETUP_SCRIPT CMAKE_CACHE
"""
import os
import re
import subprocess
import sys
from pathlib import Path

from support import fail

CACHE_ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9_]+):(?P<type>FILEPATH|PATH)=(?P<value>/.+)$")


def listed_packages(setup_script):
    """The names in the script's `packages=(...)` array."""
    match = re.search(r"^packages=\(([^)]*)\)", setup_script.read_text(), re.MULTILINE)
    if not match:
        fail(f"{setup_script}: no packages=(...) list")
    return match.group(1).split()


def closure(packages):
    """The packages and everything they depend on (Depends and Pre-Depends, recursively)."""
    output = subprocess.run(
        ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
         "--no-breaks", "--no-replaces", "--no-enhances", *packages],
        capture_output=True, text=True, check=True).stdout
    return {line.strip() for line in output.splitlines() if line and not line.startswith(" ")}


def found_paths(cache):
    """Files and CMake package folders configuring found on this machine: FILEPATH entries,
    and PATH entries that name a folder (*_DIR, *_INCLUDE_DIR)."""
    for line in cache.read_text().splitlines():
        entry = CACHE_ENTRY.match(line)
        if not entry or not os.path.exists(entry["value"]):
            continue
        if entry["type"] == "FILEPATH" or entry["name"].endswith("_DIR"):
            yield entry["name"], entry["value"]


def owners(paths):
    """For each path, the packages that own it or, through symbolic links and
    alternatives, its target (one dpkg-query for all: it reads its database once)."""
    candidates = {path: {path, os.path.realpath(path)} for path in paths}
    every = sorted(set().union(*candidates.values()))
    output = subprocess.run(["dpkg-query", "-S", *every], capture_output=True, text=True).stdout
    owned_by = {}
    for line in output.splitlines():
        names, _, owned = line.rpartition(": ")
        if not names.startswith("diversion by"):
            owned_by.setdefault(owned, set()).update(name.strip().split(":")[0] for name in names.split(","))
    return {path: set().union(*(owned_by.get(candidate, set()) for candidate in candidates[path]))
            for path in paths}


def on_every_debian(package):
    fields = subprocess.run(["dpkg-query", "-W", "-f", "${Essential} ${Priority}", package],
                            capture_output=True, text=True).stdout.split()
    return "yes" in fields or "required" in fields


def main():
    setup_script, cache = Path(sys.argv[1]), Path(sys.argv[2])
    installed = closure(listed_packages(setup_script))
    found = dict(found_paths(cache))
    owners_of = owners(found.values())
    missing = []
    for name, path in sorted(found.items()):
        packages = owners_of[path]
        covered = sorted(package for package in packages if package in installed) or \
            sorted(package for package in packages if on_every_debian(package))
        if covered:
            print(f"{name}={path}: {covered[0]}")
        elif packages:
            missing.append(f"{name}={path}: from {', '.join(sorted(packages))}, which {setup_script.name} does not install")
        else:
            missing.append(f"{name}={path}: from no Debian package")
    if missing:
        fail("a fresh Debian 12 would not have what the build found here:\n  " + "\n  ".join(missing))


if __name__ == "__main__":
    main()
