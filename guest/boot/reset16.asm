; Reset vector and the real-mode entries: the boot CPU's, and the application processors'
; trampoline. At reset CS.base = 0xFFFF0000 and IP = 0xFFF0, so everything here sits in
; the ROM's last 64 KiB (.boot16 is linked at 0xFFFFF000).
%include "layout.inc"

extern protected_mode_entry, ap_protected_mode_entry

bits 16
section .boot16 progbits alloc exec align=16
boot16:
    cld
    ; The GDTR is addressed CS-relative: its offset in the segment is 0xF000 + its
    ; distance from the start of .boot16.
    o32 lgdt [cs:0xF000 + (boot_gdt_pointer - boot16)]
    mov eax, cr0
    or al, 1                        ; CR0.PE (SDM vol. 3A 9.9.1)
    mov cr0, eax
    jmp dword BOOT_CODE32:protected_mode_entry

; The boot GDT lives in the ROM, so the accessed bit of every descriptor is preset
; (types 0x9B/0x93): a CPU write of the bit into a read-only slot would become an MMIO
; exit that KVM retries forever (docs/design.md §7).
align 8
boot_gdt:
    dq 0
    dq 0x00CF9B000000FFFF           ; 0x08: 32-bit code, 4 GiB flat
    dq 0x00CF93000000FFFF           ; 0x10: data, 4 GiB flat
    dq 0x00AF9B000000FFFF           ; 0x18: 64-bit code
boot_gdt_end:
boot_gdt_pointer:
    dw boot_gdt_end - boot_gdt - 1
    dd boot_gdt

; An application processor starts here after its SIPI, in real mode at CS = vector * 256,
; IP = 0, from the copy start_cpus() made at AP_TRAMPOLINE (cpu_start.cpp copies the bytes
; from ap_trampoline to ap_trampoline_end). Offsets are from the copy's start. It loads the
; boot GDT above, in the ROM, and goes on like the boot CPU: protected, then long mode.
global ap_trampoline, ap_trampoline_end, ap_trampoline_page, ap_parameters
ap_trampoline_page equ AP_TRAMPOLINE
ap_parameters      equ AP_PARAMETERS
ap_trampoline:
    cli
    cld
    o32 lgdt [cs:ap_gdt_pointer - ap_trampoline]
    mov eax, cr0
    or al, 1                        ; CR0.PE
    mov cr0, eax
    jmp dword BOOT_CODE32:ap_protected_mode_entry
ap_gdt_pointer:
    dw boot_gdt_end - boot_gdt - 1
    dd boot_gdt
ap_trampoline_end:

section .reset progbits alloc exec
global reset_vector
reset_vector:
    cli
    jmp near boot16
section .note.GNU-stack noalloc noexec nowrite progbits
