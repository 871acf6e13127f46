#!/bin/sh
# Runs inside the nested VM (scripts/nested): every image once, and the KVM slot traces of
# slotbox and QEMU, into OUTDIR for the host-side tests to judge. Plain sh, no Python: in
# L1 under TCG every process start is slow. It judges nothing itself and always exits 0
# once it has written its results; a missing result file is what fails a test.
#
# usage: campaign.sh SLOTBOX OUTDIR BIOS_ROM IMAGE...
set -u
slotbox=$1 outdir=$2 bios=$3
shift 3

rm -rf "$outdir"/images "$outdir"/slots "$outdir"/times.txt "$outdir"/terminal*.txt
mkdir -p "$outdir"/images "$outdir"/slots

{
  echo "kernel $(uname -r)"
  for parameter in /sys/module/kvm_amd/parameters/npt /sys/module/kvm/parameters/tdp_mmu; do
    [ -r "$parameter" ] && echo "$parameter $(cat "$parameter")"
  done
} >"$outdir"/backend.txt

# One image, one fresh slotbox process: text on stdout (what a user sees), JSON beside it.
# usage: run_image RESULT_NAME IMAGE [OPTIONS...]
run_image() {
  result="$outdir/images/$1"
  image=$2
  shift 2
  mkdir -p "$(dirname "$result")"
  started=$(date +%s%N)
  # L1 runs under TCG on a shared machine: a generous deadline, so that only a guest that
  # really hangs times out (negative images keep their own limits).
  "$slotbox" run "$image" "$@" --timeout 120 --stats --format json --output "$result.json" >"$result.txt" 2>"$result.err"
  echo $? >"$result.exit"
  echo "$image $* $(( ($(date +%s%N) - started) / 1000000 )) ms" >>"$outdir"/times.txt
}

for name in "$@"; do
  run_image "$name" "$name"
done
# The memory map as the guest sees it without RAM above 4 GiB, and with more of it.
for ram in 512M 3G 6G; do
  run_image "layout-$ram" layout --ram "$ram"
done
# Several vCPUs: the images made for them, at each count the tests compare with QEMU.
for name in smp smp-remap; do
  "$slotbox" list | grep -q "^$name\b" || continue
  for cpus in 1 2 4 8; do
    run_image "$name-smp$cpus" "$name" --smp "$cpus"
  done
done
# The guard pages of an application processor: images that probe or overflow the stacks
# of the last CPU, with 2 vCPUs.
for name in protection faults/stack-overflow; do
  "$slotbox" list | grep -q "^$name\b" || continue
  run_image "$name-smp2" "$name" --smp 2
done
# kvm-unit-tests kernels (../shared/peers/kvm-unit-tests, when KUT_DIR names it): a few
# that pass under QEMU on KVM, booted straight from their multiboot headers.
if [ -n "${KUT_DIR:-}" ] && [ -d "$KUT_DIR" ]; then
  run_image kut-tsc "$KUT_DIR/tsc.flat"
  run_image kut-idt_test "$KUT_DIR/idt_test.flat"
  run_image kut-smptest "$KUT_DIR/smptest.flat" --smp 2
  run_image kut-smptest3 "$KUT_DIR/smptest.flat" --smp 3
  run_image kut-ioapic "$KUT_DIR/ioapic.flat"
  # One section beside QEMU started as kvm-unit-tests starts it (kut --compare-qemu).
  "$slotbox" kut "$KUT_DIR" tsc --compare-qemu --jobs 1 >"$outdir/images/kut-compare.txt" 2>&1
  echo $? >"$outdir/images/kut-compare.exit"
fi
# Our multiboot test kernels (tests/kernels), each case of their cases.txt, when
# KERNELS_DIR names the build folder that holds them with the list and the initrd.
run_kernels() {
  grep -v '^#' "$KERNELS_DIR/cases.txt" | while read -r name kernel ram smp initrd checks failures append; do
    set -- --ram "$ram" --smp "$smp"
    [ "$initrd" = - ] || set -- "$@" --initrd "$KERNELS_DIR/$initrd"
    [ "$append" = - ] || set -- "$@" --append "$append"
    run_image "kernel-$(echo "$name" | tr / -)" "$KERNELS_DIR/$kernel.elf" "$@"
  done
}
if [ -n "${KERNELS_DIR:-}" ] && [ -r "$KERNELS_DIR/cases.txt" ]; then
  run_kernels
fi
# A crash the image does not declare: faults/page-fault's ROM with a header that expects a
# clean exit, its ELF beside it, so the text report carries the symbolized crash lines.
crash_rom="$(dirname "$bios")/faults/page-fault.rom"
if [ -f "$crash_rom" ]; then
  cp "$crash_rom" "$outdir/unexpected-crash.rom"
  cp "${crash_rom%.rom}.elf" "$outdir/unexpected-crash.elf"
  # ImageHeader.expected_end and expected_status (offset 12, 8 bytes): kGuestExit, 0
  printf '\000\000\000\000\000\000\000\000' | dd of="$outdir/unexpected-crash.rom" bs=1 seek=12 conv=notrunc 2>/dev/null
  run_image unexpected-crash "$outdir/unexpected-crash.rom"
fi
# slotbox on a terminal (script(1) gives it a pty), with and without NO_COLOR: colour and
# the progress line of a run over a second, for terminal.py. The pty's bytes are recorded.
if command -v script >/dev/null 2>&1; then
  spins="faults/spin faults/spin faults/spin faults/spin faults/spin"
  script -qfec "$slotbox run --jobs 1 $spins hello" /dev/null >"$outdir/terminal.txt" 2>&1 </dev/null
  NO_COLOR=1 script -qfec "$slotbox run --jobs 1 $spins hello" /dev/null >"$outdir/terminal-no-color.txt" 2>&1 </dev/null
fi
# Every image serially and with --jobs: the same report, and how long each took.
for jobs in 1 4; do
  started=$(date +%s%N)
  "$slotbox" --jobs "$jobs" --timeout 120 --format json --output "$outdir/jobs-$jobs.json" >/dev/null 2>&1
  echo "all images --jobs $jobs $(( ($(date +%s%N) - started) / 1000000 )) ms" >>"$outdir"/times.txt
done

# The memory slots each program registers, for slot_compare.py. QEMU is stopped before
# its first instruction (-S): its slots are all there by then, and running the BIOS in
# L2 under TCG would take minutes.
for ram in 512M 3G 4G 6G; do
  strace -f -e trace=ioctl -o "$outdir/slots/slotbox-$ram.strace" \
    "$slotbox" run "$bios" --ram "$ram" >/dev/null 2>&1
  echo quit | strace -f -e trace=ioctl -o "$outdir/slots/qemu-$ram.strace" \
    qemu-system-x86_64 -M pc -accel kvm -nodefaults -m "$ram" -bios "$bios" -display none \
    -S -monitor stdio >/dev/null 2>&1
done
exit 0
