"""slotbox on a terminal (a pty, as a person runs it) and into a pipe: on the terminal the
outcome words are coloured (not with NO_COLOR) and a run over a second shows a progress
line, erased before the next output; into a pipe neither, so reports and logs stay plain.
The run: faults/spin five times (250 ms each, its header's limit) and hello, one at a time.

With --results DIR, the terminal's bytes are the ones a nested backend run recorded
(tests/nested/campaign.sh, with script(1): DIR/terminal.txt, DIR/terminal-no-color.txt,
and DIR/images/hello.txt from a pipe).

usage: terminal.py SLOTBOX
       terminal.py --results DIR
"""
import os
import pty
import re
import sys

from support import fail, run, skip_without_kvm

RUN = ["run", "--jobs", "1"] + ["faults/spin"] * 5 + ["hello"]
ESCAPE = "\033["
ERASE = "\r\033[K"
PROGRESS = re.compile(r"\r\033\[K\[\d+/6\][^\r\n]*\d+\.\d s")
COLOURED_OK = "\033[32mok\033[0m 1 - "
COLOURED_PASSED = "\033[32mpassed\033[0m"


def on_terminal(slotbox, no_color):
    """What slotbox wrote to a pty, as the terminal received it."""
    environment = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "TERM")}
    environment["TERM"] = "xterm"
    if no_color:
        environment["NO_COLOR"] = "1"
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(slotbox, [slotbox] + RUN, environment)
    output = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        fail(f"slotbox on a pty exited {os.waitstatus_to_exitcode(status)}:\n{output.decode(errors='replace')}")
    return output.decode(errors="replace")


def visible_lines(output):
    """The lines as the terminal shows them: "\r\033[K" erases what came before it on its line."""
    lines = []
    for line in output.replace("\r\n", "\n").split("\n"):
        lines.append(line[line.rfind(ERASE) + len(ERASE):] if ERASE in line else line)
    return [line for line in lines if line]


def judge_terminal(output, no_color):
    progress = PROGRESS.findall(output)
    print(f"{len(progress)} progress redraws, e.g. {progress[-1:]!r}")
    if not progress:
        fail("a run over a second showed no progress line on the terminal")
    shown = visible_lines(output)
    print(f"last line: {shown[-1]!r}")
    left = [line for line in shown if PROGRESS.search("\r\033[K" + line)]
    if left:
        fail(f"progress lines left on the screen: {left}")
    if not shown[-1].startswith("slotbox: ") or "passed" not in shown[-1]:
        fail("the last line is not the summary")
    coloured = COLOURED_OK in output and COLOURED_PASSED in output
    if no_color and ESCAPE + "3" in output:
        fail("NO_COLOR is set, yet the output has colour")
    if not no_color and not coloured:
        fail("no colour on ok and passed on a terminal")


def judge_pipe(output):
    if ESCAPE in output or "\r" in output:
        fail("escape sequences or carriage returns in output to a pipe:\n" + output)
    print("a pipe gets plain text")


def main():
    if sys.argv[1] == "--results":
        directory = sys.argv[2]
        for name, no_color in (("terminal.txt", False), ("terminal-no-color.txt", True)):
            with open(os.path.join(directory, name), errors="replace", newline="") as recorded:
                judge_terminal(recorded.read(), no_color)
        with open(os.path.join(directory, "images", "hello.txt"), errors="replace", newline="") as piped:
            judge_pipe(piped.read())
        return
    slotbox = sys.argv[1]
    skip_without_kvm()
    judge_terminal(on_terminal(slotbox, no_color=False), no_color=False)
    judge_terminal(on_terminal(slotbox, no_color=True), no_color=True)
    judge_pipe(run([slotbox] + RUN, timeout=60).stdout)


if __name__ == "__main__":
    main()
