"""gdb drives slotbox's remote stub in batch mode; the image then runs to its end and passes.

--interrupt (works on every backend, including nested kvm_amd under TCG): the guest waits
at the reset vector (--gdb-wait), gdb reads rip and cs there, steps an instruction,
having waited there longer than the run's --timeout (the deadline must not count a stop),
continues, and is interrupted (Ctrl-C) while `touch` runs at CPL3; it reads CR0 and a
variable through the guest's page tables, a backtrace, steps, and continues to the end.

--breakpoints: a hardware breakpoint at image_main set at the reset vector, `next`, a
variable, a software breakpoint, continue.

--hardware-breakpoints: the same with a second hardware breakpoint in place of the software
one, for the nested backends: QEMU's TCG (L0) checks an `int3` of a nested guest against
the SVM software-interrupt intercept, not against the #BP exception intercept that KVM sets
for gdb, so the guest's own #BP handler takes it. Debug-register hits and single steps do
reach L1's KVM (from QEMU 10 on; scripts/nested uses it).

usage: gdb_session.py --interrupt|--breakpoints|--hardware-breakpoints SLOTBOX ELF_DIR
       (needs /dev/kvm; 77 without)
"""
import fcntl
import os
import pty
import re
import select
import subprocess
import termios
import sys
import time

from support import fail, skip_without_kvm

TIMEOUT = 30  # the run's --timeout: the stop at the reset vector lasts longer


def start_slotbox(slotbox, arguments):
    process = subprocess.Popen([slotbox, "run", *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    line = process.stderr.readline()
    match = re.search(r"gdb stub on 127\.0\.0\.1:(\d+), stopped at the reset vector", line)
    if not match:
        process.kill()
        fail(f"no stub line from slotbox: {line!r}")
    return process, int(match.group(1))


def run_gdb(elf, port, commands, interrupt_after=None):
    """gdb on a terminal of its own (a pty), so that Ctrl-C reaches it as it reaches a
    user's gdb: gdb forwards it to the stub only when its input is a terminal."""
    arguments = ["gdb", "-nx", "-batch", "-ex", "set pagination off", "-ex", "set confirm off",
                 "-ex", "set style enabled off", "-ex", f"target remote 127.0.0.1:{port}"]
    for command in commands:
        arguments += ["-ex", command]
    master, slave = pty.openpty()

    def controlling_terminal():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    gdb = subprocess.Popen(arguments + [elf], stdin=slave, stdout=slave, stderr=slave,
                           preexec_fn=controlling_terminal)
    os.close(slave)
    output = b""
    interrupted = False
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1)
        if not ready:
            if gdb.poll() is not None:
                break
            continue
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: gdb has exited and closed the terminal
            break
        if not chunk:
            break
        output += chunk
        # gdb -batch does not say "Continuing.": the value printed just before the
        # continue (interrupt_after) is the cue.
        if interrupt_after and not interrupted and interrupt_after[0].encode() in output:
            interrupted = True
            time.sleep(interrupt_after[1])
            os.write(master, b"\x03")  # the terminal turns it into SIGINT for gdb
    else:
        gdb.kill()
        fail("gdb did not finish:\n" + output.decode(errors="replace"))
    gdb.wait()
    os.close(master)
    return output.decode(errors="replace").replace("\r\n", "\n")


def expect(transcript, expectations):
    print(transcript)
    for pattern, what in expectations:
        if not re.search(pattern, transcript):
            fail(f"gdb did not show {what} (/{pattern}/)")


def finish(process, image):
    try:
        stdout, stderr = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        fail("slotbox did not finish")
    if process.returncode != 0 or f"-- {image}: passed" not in stdout:
        fail(f"slotbox exited {process.returncode}:\n{stdout}{stderr}")


def interrupt(slotbox, elf_dir):
    # A 256 MiB window: touch must still be running when Ctrl-C comes (64 MiB has ended
    # first on a quick backend).
    process, port = start_slotbox(slotbox, ["touch", "--arg", "touch:--window=256M", "--gdb", "0", "--gdb-wait",
                                            "--timeout", str(TIMEOUT)])
    commands = ["info threads", "p/x $pc", "p/x $cs",
                f"shell sleep {TIMEOUT + 2}",  # stopped longer than --timeout: must not count
                "stepi", "p/x $pc",
                "continue",  # interrupted by Ctrl-C
                "p/x $cr0", "print slotbox::guest::kImageName", "bt", "stepi", "p/x $cs", "continue"]
    transcript = run_gdb(f"{elf_dir}/touch.elf", port, commands, interrupt_after=("$3 = ", 0.5))
    expect(transcript, [
        (r"\* 1 +Thread 1 ", "vCPU 0 as thread 1"),
        (r"\$1 = 0xfff0\b", "the reset vector's rip"),
        (r"\$2 = 0xf000\b", "the reset vector's cs"),
        (r"\$3 = 0x(?!fff0\b)[0-9a-f]+", "a step from the reset vector"),
        (r"received signal SIGINT", "the stop Ctrl-C asked for"),
        (r"\$4 = 0x[89a-f]00[01]00(11|13)\b", "CR0 with PG and PE (long mode), WP as the runtime sets it"),
        (r"\$5 = 0x[0-9a-f]+ \"touch\"", "kImageName read through the guest's page tables"),
        # wherever Ctrl-C landed (touch's loop at CPL3, or the kernel's serial write)
        (r"#0 +.* at \S+\.(cpp|h):\d+\n#1 ", "a backtrace with source lines"),
        (r"\$6 = 0x(8|23|33)\b", "a segment register after the step"),
        (r"\[Inferior 1 \(Remote target\) exited normally\]", "the guest's exit status 0 as gdb's exit"),
    ])
    finish(process, "touch")
    print(f"gdb: reset vector, stopped {TIMEOUT + 2} s (--timeout {TIMEOUT}), stepi, Ctrl-C in touch, CR0, "
          "a variable, a backtrace, stepi, exit 0")


def breakpoints(slotbox, elf_dir, second_break="break"):
    process, port = start_slotbox(slotbox, ["hello", "--gdb", "0", "--gdb-wait", "--timeout", str(TIMEOUT)])
    commands = ["hbreak image_main", "continue", "next", "print slotbox::guest::kImageName", "p/x $cr3",
                "delete", f"{second_break} slotbox::guest::check_tally", "continue", "delete", "continue"]
    transcript = run_gdb(f"{elf_dir}/hello.elf", port, commands)
    expect(transcript, [
        (r"Breakpoint 1, image_main \(\) at \S*hello\.cpp:\d+", "the hardware breakpoint at image_main"),
        (r"Breakpoint 1, image_main \(\) at \S*hello\.cpp:\d+\n.*\n\d+\t", "`next` to another line"),
        (r"\$1 = 0x[0-9a-f]+ \"hello\"", "kImageName read through the guest's page tables"),
        (r"Breakpoint 2, 0x[0-9a-f]+ in slotbox::guest::check_tally|Breakpoint 2, slotbox::guest::check_tally",
         f"the second breakpoint ({second_break})"),
        (r"\[Inferior 1 \(Remote target\) exited normally\]", "the guest's exit status 0 as gdb's exit"),
    ])
    finish(process, "hello")


def main():
    mode, slotbox, elf_dir = sys.argv[1:4]
    skip_without_kvm()
    modes = {
        "--interrupt": interrupt,
        "--breakpoints": breakpoints,
        "--hardware-breakpoints": lambda slotbox, elf_dir: breakpoints(slotbox, elf_dir, second_break="hbreak"),
    }
    modes[mode](slotbox, elf_dir)


if __name__ == "__main__":
    main()
