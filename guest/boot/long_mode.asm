; Protected mode -> long mode, then copy the payload to RAM and call the C++ kernel; and
; the same switch for an application processor, onto the boot CPU's page tables.
; Runs in place from the ROM. On PVM every instruction here is emulated (about 1 us
; each), so the page-table loops are kept short: 1 GiB pages where the CPU has them.
%include "layout.inc"

extern __payload_load, __payload_start, __payload_end, __bss_start, __bss_end
extern kernel_main, ap_kernel_main

CMOS_INDEX      equ 0x70
CMOS_DATA       equ 0x71
CMOS_ABOVE_4G   equ 0x5B            ; 3 bytes, 64 KiB units (QEMU's pc_cmos_init)
UNITS_PER_GIB   equ 16384           ; 64 KiB units in 1 GiB

; Paging structures (SDM vol. 3A 4.5)
PTE_PRESENT     equ 1 << 0
PTE_WRITABLE    equ 1 << 1
PTE_USER        equ 1 << 2          ; checks run at CPL3 on these same mappings
PTE_LARGE       equ 1 << 7          ; 2 MiB in a PD entry, 1 GiB in a PDPT entry
TABLE_FLAGS     equ PTE_PRESENT | PTE_WRITABLE | PTE_USER
LEAF_FLAGS      equ TABLE_FLAGS | PTE_LARGE

CR0_PE          equ 1 << 0
CR0_PG          equ 1 << 31
CR4_PAE         equ 1 << 5
MSR_EFER        equ 0xC0000080
EFER_LME        equ 1 << 8
LOCAL_APIC_ID   equ 0xFEE00020      ; the xAPIC's ID register: bits 31:24 (SDM vol. 3A 10.4.6)
CPUID_EXT_FEATURES equ 0x80000001
CPUID_PDPE1GB   equ 1 << 26         ; EDX of 0x80000001: 1 GiB pages

; PAE on, CR3 from %1, EFER.LME, then PE and PG together, straight into long mode, and on
; to %2 in the 64-bit code segment: on PVM, 32-bit PAE paging on its own raised #GP at
; CR0.PG (docs/design.md §7). Clobbers eax, ecx, edx.
%macro ENTER_LONG_MODE 2
    mov eax, cr4
    or eax, CR4_PAE
    mov cr4, eax
    mov eax, %1
    mov cr3, eax
    mov ecx, MSR_EFER
    rdmsr
    or eax, EFER_LME
    wrmsr
    mov eax, cr0
    or eax, CR0_PG | CR0_PE
    mov cr0, eax
    jmp BOOT_CODE64:%2
%endmacro

bits 32
section .boot32 progbits alloc exec align=16
global protected_mode_entry
protected_mode_entry:
    mov ax, BOOT_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    mov esp, BOOT_STACK_TOP         ; at reset ESP is 0: the first push would hit the ROM

    call gib_to_map                 ; ebx = GiB of guest-physical space to identity-map
    call build_page_tables
    ENTER_LONG_MODE PML4_BASE, long_mode_entry

; An application processor, from the trampoline (reset16.asm): no stack yet, and the page
; tables are the boot CPU's, whatever CR3 start_cpus() found there.
global ap_protected_mode_entry
ap_protected_mode_entry:
    mov ax, BOOT_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    ENTER_LONG_MODE [AP_PARAMETERS + AP_PARAM_CR3], ap_long_mode_entry

; ebx = 4 + (RAM above 4 GiB from the CMOS, rounded up to whole GiB)
gib_to_map:
    xor ebx, ebx
    mov ecx, 3
.next_byte:                         ; bytes 0x5D, 0x5C, 0x5B, most significant first
    lea eax, [ecx + CMOS_ABOVE_4G - 1]
    out CMOS_INDEX, al
    in al, CMOS_DATA
    shl ebx, 8
    mov bl, al
    loop .next_byte
    add ebx, UNITS_PER_GIB - 1
    shr ebx, 14
    add ebx, LOW_GIB_MAPPED
    ret

; PML4[0] -> PDPT; PDPT[i] maps GiB i, as one 1 GiB page or through a 2 MiB page directory.
build_page_tables:
    mov edi, PML4_BASE              ; zero the PML4 and the PDPT
    mov ecx, 2 * 1024
    xor eax, eax
    rep stosd
    mov dword [PML4_BASE], PDPT_BASE | TABLE_FLAGS

    push ebx                        ; cpuid overwrites ebx
    mov eax, CPUID_EXT_FEATURES
    cpuid
    pop ebx
    test edx, CPUID_PDPE1GB
    jz .two_mib_pages

    mov esi, gib_leaves             ; 1 GiB leaves: PDPT[i] = i GiB, copied from the ROM
    mov edi, PDPT_BASE
    lea ecx, [ebx * 2]              ; two doublewords an entry (ebx <= 512: --ram <= 64G)
    rep movsd
    ret

.two_mib_pages:
    xor ecx, ecx                    ; PDPT[i] = page directory i
.directory:
    mov eax, ecx
    shl eax, 12
    add eax, PD_BASE | TABLE_FLAGS
    mov [PDPT_BASE + ecx * 8], eax
    inc ecx
    cmp ecx, ebx
    jb .directory
    ; The directories below 4 GiB are always the same: copy them from the ROM in one
    ; string instruction instead of ~6 emulated instructions per entry.
    mov esi, low_directories
    mov edi, PD_BASE
    mov ecx, LOW_GIB_MAPPED * 512 * 2
    rep movsd
    mov ecx, ebx                    ; the rest, above 4 GiB: 512 entries per GiB
    sub ecx, LOW_GIB_MAPPED
    shl ecx, 9
    jecxz .done
    mov eax, LEAF_FLAGS             ; edi already points past the low directories
    mov edx, 1                      ; 4 GiB: bit 32 of the address
.two_mib_leaf:
    mov [edi], eax
    mov [edi + 4], edx
    add edi, 8
    add eax, 1 << 21
    adc edx, 0
    loop .two_mib_leaf
.done:
    ret

; 1 GiB leaves identity-mapping all the PDPT can, so that build_page_tables copies as
; many as it needs in one string instruction instead of ~10 emulated ones an entry.
align 8
gib_leaves:
%assign gib 0
%rep 512
    dq (gib << 30) | LEAF_FLAGS
%assign gib gib + 1
%endrep

; 2 MiB leaves identity-mapping the first 4 GiB, as build_page_tables would write them.
; page_protection.cpp maps GiB 0 through a copy of the first 512, whichever the CPU has.
align 8
low_directories:
%assign page 0
%rep LOW_GIB_MAPPED * 512
    dq (page << 21) | LEAF_FLAGS
%assign page page + 1
%endrep

; 4 KiB leaves identity-mapping the runtime's RAM (the first 16 MiB, linker/rom.ld) with
; the flags of the boot stub's large pages: page_protection.cpp splits a 2 MiB page of it
; by copying 512 of these in one string instruction, not ~7 emulated ones per entry.
align 8
runtime_small_pages:
%assign page 0
%rep RUNTIME_RAM_END >> 12
    dq (page << 12) | TABLE_FLAGS
%assign page page + 1
%endrep

; Where page_protection.cpp finds the two in the ROM: in the payload's constants, because
; the kernel's code model reaches only the lowest 2 GiB.
section .rodata
align 8
global rom_low_directories, rom_runtime_small_pages
rom_low_directories:     dq low_directories
rom_runtime_small_pages: dq runtime_small_pages

section .boot32
bits 64
long_mode_entry:
    mov ax, BOOT_DATA
    mov ds, ax
    mov es, ax
    mov ss, ax
    ; The payload is linked to run from RAM: copy it out of the ROM, zero its .bss.
    mov rsi, __payload_load
    mov rdi, __payload_start
    mov rcx, __payload_end
    sub rcx, rdi
    shr rcx, 3
    rep movsq
    mov rdi, __bss_start
    mov rcx, __bss_end
    sub rcx, rdi
    shr rcx, 3
    xor eax, eax
    rep stosq
    mov rsp, kernel_stack_top
    mov rax, kernel_main
    call rax
.halt:
    hlt
    jmp .halt

; The AP's index is its local APIC's id, the one start_cpus() sent its IPIs to. It takes
; the kernel stack start_cpus() left for that index, exactly once (xchg with memory is
; locked): an AP nobody asked for, or one that comes after start_cpus() withdrew its stack,
; finds 0 there and halts for good.
ap_long_mode_entry:
    mov eax, LOCAL_APIC_ID          ; zero-extended: a disp32 would be sign-extended
    mov ebx, [rax]
    shr ebx, 24
    cmp ebx, AP_MAX_CPUS
    jae .not_wanted
    xor eax, eax
    xchg rax, [AP_PARAMETERS + AP_PARAM_STACKS + rbx * 8]
    test rax, rax
    jz .not_wanted
    mov rsp, rax
    mov edi, ebx
    mov rax, ap_kernel_main
    call rax
.not_wanted:
    cli
    hlt
    jmp .not_wanted

; The kernel stack: the boot stub's, then every trap's from CPL3 (TSS.RSP0). The page
; under it stays unmapped once the kernel runs (page_protection.cpp), so an overflow
; faults there instead of running over what lies below.
KERNEL_STACK_SIZE equ 16 * 1024
section .kernel_only nobits alloc write align=4096  ; not zeroed: see linker/rom.ld
global kernel_stack_guard, kernel_stack_top
kernel_stack_guard:
    resb 4096
    resb KERNEL_STACK_SIZE
kernel_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
