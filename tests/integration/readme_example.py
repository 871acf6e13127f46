"""The README's own example image, so that what a newcomer copies from it builds and
passes: the C++ of "Writing an image" (its `cat > images/mine/mine.cpp` here-document) and
the CMakeLists.txt of "Building an image outside the tree", put together in a folder and
built and run as out_of_tree.py does with examples/out-of-tree.

usage: readme_example.py BUILD_DIR README WORK_DIR
"""
import shutil
import sys
from pathlib import Path

from out_of_tree import check_example
from support import fail

IMAGE = "mine"
CHECKS = 2  # the example's CHECK and CHECK_EQ


def lines_between(lines, start, is_end, what):
    """The lines after the first line equal to START, up to the first for which IS_END holds."""
    try:
        first = lines.index(start) + 1
    except ValueError:
        fail(f"README: no line {start!r} ({what})")
    for last in range(first, len(lines)):
        if is_end(lines[last]):
            return lines[first:last]
    fail(f"README: {what} does not end")


def image_source(readme_lines):
    return lines_between(readme_lines, f"cat > images/{IMAGE}/{IMAGE}.cpp <<'CPP'",
                         lambda line: line == "CPP", "the C++ of \"Writing an image\"")


def cmake_lists(readme_lines):
    section = lines_between(readme_lines, "### Building an image outside the tree",
                            lambda line: line.startswith(("## ", "### ")), "\"Building an image outside the tree\"")
    return lines_between(section, "```", lambda line: line == "```", "its CMakeLists.txt block")


def main():
    build, readme, work = (Path(argument) for argument in sys.argv[1:4])
    readme_lines = readme.read_text().splitlines()
    shutil.rmtree(work, ignore_errors=True)
    source = work / "source"
    source.mkdir(parents=True)
    (source / f"{IMAGE}.cpp").write_text("\n".join(image_source(readme_lines)) + "\n")
    (source / "CMakeLists.txt").write_text("\n".join(cmake_lists(readme_lines)) + "\n")
    check_example(build, source, work, IMAGE, CHECKS)


if __name__ == "__main__":
    main()
