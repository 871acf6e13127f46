; The machine state a multiboot loader must leave (Multiboot Specification 0.6.96 §3.2):
; EAX = 0x2BADB002, protected mode without paging, interrupts off, 32-bit flat segments,
; the A20 gate open. The stub in multiboot.inc saved EAX, CR0 and EFLAGS before anything
; else ran; the segment checks need no saving, nothing here reloads a segment register.
%include "multiboot.inc"
%include "report.inc"

CR0_PE equ 1 << 0
CR0_PG equ 1 << 31
EFLAGS_IF equ 1 << 9
PROBE_VALUE equ 0x5AA5C33C
TOP_DWORD equ 0xFFFFFFFC            ; the last dword below 4 GiB

main:
    EXPECT_EQ [entry_eax], MULTIBOOT_BOOT_MAGIC, "entry: EAX holds 0x2BADB002"
    test dword [entry_cr0], CR0_PE
    REPORT nz, "entry: CR0.PE is set"
    test dword [entry_cr0], CR0_PG
    REPORT z, "entry: CR0.PG is clear"
    test dword [entry_eflags], EFLAGS_IF
    REPORT z, "entry: EFLAGS.IF is clear"
    ; The stub's first push went from stack_top (64 KiB-aligned) down by 4 only if SS is a
    ; 32-bit (B=1) segment; a 16-bit one would have left ESP at stack_top + 0xFFFC - 0x10000.
    EXPECT_EQ [entry_esp_after_push], stack_top - 4, "entry: SS is a 32-bit stack segment"
    call check_flat_segments
    REPORT z, "entry: DS, ES, FS, GS and SS are flat like CS"
    call check_a20
    REPORT z, "entry: the A20 gate is open"
    ret

; ZF set when a value written through DS reads back the same through every other segment,
; so all of them share CS's base (0: we run at our linked addresses); and a read of the
; last dword below 4 GiB through each does not fault, so their limits are 4 GiB (without
; an IDT a #GP here would end the run with no summary, which fails the test too).
check_flat_segments:
    mov dword [segment_probe], PROBE_VALUE
    mov eax, PROBE_VALUE
    cmp eax, [es:segment_probe]
    jne .done
    cmp eax, [fs:segment_probe]
    jne .done
    cmp eax, [gs:segment_probe]
    jne .done
    cmp eax, [ss:segment_probe]
    jne .done
    cmp eax, [cs:segment_probe]
    jne .done
    mov eax, [ds:TOP_DWORD]
    mov eax, [es:TOP_DWORD]
    mov eax, [fs:TOP_DWORD]
    mov eax, [gs:TOP_DWORD]
    mov eax, [ss:TOP_DWORD]
    cmp eax, eax                    ; ZF: all agreed
.done:
    ret

; ZF set when the dword at a20_probe and the one 1 MiB below it (where address bit 20
; cleared would alias it) hold different values after writing different values. The low
; one is put back: it lies in conventional memory the loader may have used.
check_a20:
    mov ebx, a20_probe - 0x100000
    mov ecx, [ebx]
    mov dword [ebx], PROBE_VALUE
    mov dword [a20_probe], ~PROBE_VALUE
    mov eax, [ebx]
    mov [ebx], ecx
    cmp eax, PROBE_VALUE
    ret

segment_probe: dd 0
a20_probe:     dd 0

KERNEL_END
