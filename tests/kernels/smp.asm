; Starting the application processors the way an OS does (Intel MP Specification B.4;
; SDM vol. 3A §10.4.4): INIT, then STARTUP twice, broadcast to all but the boot CPU through
; the local APIC's ICR. Each AP wakes in real mode at the trampoline (a page below 1 MiB,
; page number = the STARTUP vector), counts itself and sets the bit of its APIC id, then
; halts. The boot CPU waits a bounded time for fw_cfg's NB_CPUS - 1 of them.
; Command line: cpus=N (the test's -smp).
%include "multiboot.inc"
%include "report.inc"
%include "cmdline.inc"
%include "fw_cfg.inc"
%include "tsc.inc"

TRAMPOLINE equ 0x8000               ; free conventional memory, page-aligned
LAPIC equ 0xFEE00000                ; the xAPIC's default base; paging is off
LAPIC_ID       equ 0x20
LAPIC_SPURIOUS equ 0xF0
LAPIC_ICR_LOW  equ 0x300
LAPIC_ICR_HIGH equ 0x310
LAPIC_ENABLE   equ 1 << 8           ; in the spurious-vector register
ICR_SEND_PENDING equ 1 << 12
ICR_ASSERT       equ 1 << 14
ICR_ALL_BUT_SELF equ 3 << 18
ICR_INIT         equ 5 << 8
ICR_STARTUP      equ 6 << 8
; The delays the MP Specification asks for (10 ms after INIT, 200 us after each STARTUP),
; in TSC cycles at up to ~3.5 GHz; emulators need none, real CPUs do.
INIT_DELAY    equ 1 << 25
STARTUP_DELAY equ 1 << 20
; How long the APs may take: seconds, since the nested harness runs KVM inside TCG.
AP_WAIT_HIGH equ 1 << (35 - 32)
; After the last AP counted itself: time enough for one to run twice, were it to.
SETTLE_DELAY equ 1 << 27
MAX_CPUS equ 32                     ; APIC ids of the APs as bits of one dword

main:
    mov esi, cpus_key
    call required_argument
    mov [cpus], eax
    mov ax, FW_CFG_NB_CPUS
    call fw_cfg_select
    mov ecx, 2
    call fw_cfg_read
    mov [nb_cpus], eax
    EXPECT_EQ eax, [cpus], "smp: fw_cfg's NB_CPUS is -smp's count"
    mov eax, [LAPIC + LAPIC_ID]
    shr eax, 24
    EXPECT_EQ eax, 0, "smp: the boot CPU has APIC id 0"

    mov eax, [nb_cpus]
    cmp eax, 2
    jb .alone
    cmp eax, MAX_CPUS
    ja .too_many
    call start_aps
    call wait_for_aps
    mov eax, [nb_cpus]
    dec eax
    EXPECT_EQ [ap_count_copy], eax, "smp: NB_CPUS - 1 APs ran the trampoline, each once"
    mov ecx, [nb_cpus]              ; bits 1 .. NB_CPUS - 1: (1 << NB_CPUS) - 2
    mov eax, 1
    shl eax, cl
    sub eax, 2
    EXPECT_EQ [ap_ids_copy], eax, "smp: the APs have APIC ids 1 to NB_CPUS - 1"
    ret
.alone:
    SKIP "smp: NB_CPUS - 1 APs ran the trampoline, each once (one CPU)"
    SKIP "smp: the APs have APIC ids 1 to NB_CPUS - 1 (one CPU)"
    ret
.too_many:
    SKIP "smp: NB_CPUS - 1 APs ran the trampoline, each once (more than 32 CPUs)"
    SKIP "smp: the APs have APIC ids 1 to NB_CPUS - 1 (more than 32 CPUs)"
    ret

start_aps:
    mov esi, ap_trampoline
    mov edi, TRAMPOLINE
    mov ecx, ap_trampoline_end - ap_trampoline
    rep movsb                       ; its counters start at zero
    or dword [LAPIC + LAPIC_SPURIOUS], LAPIC_ENABLE
    mov eax, ICR_INIT | ICR_ASSERT | ICR_ALL_BUT_SELF
    call send_ipi
    mov edx, 0
    mov eax, INIT_DELAY
    call delay
    mov eax, ICR_STARTUP | ICR_ASSERT | ICR_ALL_BUT_SELF | (TRAMPOLINE >> 12)
    call send_ipi
    mov edx, 0
    mov eax, STARTUP_DELAY
    call delay
    mov eax, ICR_STARTUP | ICR_ASSERT | ICR_ALL_BUT_SELF | (TRAMPOLINE >> 12)
    call send_ipi
    mov edx, 0
    mov eax, STARTUP_DELAY
    jmp delay

; eax: the ICR's low half. Returns once the APIC has sent it (or the bounded wait ends;
; the AP count then tells).
send_ipi:
    mov dword [LAPIC + LAPIC_ICR_HIGH], 0   ; no destination: the shorthand says who
    mov [LAPIC + LAPIC_ICR_LOW], eax
    mov edx, 0
    mov eax, INIT_DELAY
    call set_deadline
.pending:
    test dword [LAPIC + LAPIC_ICR_LOW], ICR_SEND_PENDING
    jz .sent
    call deadline_passed
    test eax, eax
    jz .pending
.sent:
    ret

; Until NB_CPUS - 1 APs counted themselves or the wait is over; then a little longer, and
; keeps what the trampoline recorded.
wait_for_aps:
    mov edx, AP_WAIT_HIGH
    xor eax, eax
    call set_deadline
    mov ebx, [nb_cpus]
    dec ebx
.poll:
    cmp [TRAMPOLINE + (ap_count - ap_trampoline)], ebx
    jae .arrived
    call deadline_passed
    test eax, eax
    jz .poll
.arrived:
    mov edx, 0
    mov eax, SETTLE_DELAY
    call delay
    mov eax, [TRAMPOLINE + (ap_count - ap_trampoline)]
    mov [ap_count_copy], eax
    mov eax, [TRAMPOLINE + (ap_ids - ap_trampoline)]
    mov [ap_ids_copy], eax
    ret

; Copied to TRAMPOLINE; an AP runs it in real mode at CS = TRAMPOLINE >> 4, IP = 0. Data
; is addressed through DS = 0 at the copy's absolute addresses, which fit 16 bits.
bits 16
ap_trampoline:
    cli
    xor ax, ax
    mov ds, ax
    mov eax, 1
    cpuid                           ; EBX[31:24]: this CPU's initial APIC id
    shr ebx, 24
    lock bts dword [TRAMPOLINE + (ap_ids - ap_trampoline)], ebx
    lock inc dword [TRAMPOLINE + (ap_count - ap_trampoline)]
.halt:
    hlt
    jmp .halt
align 4
ap_count: dd 0
ap_ids:   dd 0
ap_trampoline_end:
bits 32

cpus_key: db "cpus=", 0
cpus:          dd 0
nb_cpus:       dd 0
ap_count_copy: dd 0
ap_ids_copy:   dd 0

KERNEL_END
