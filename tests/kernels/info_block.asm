; The multiboot information block (Multiboot Specification 0.6.96 §3.3) as QEMU's -kernel
; leaves it: memory sizes, the memory map, the command line and the modules.
; Command line: ram_mib=N (the -m the test gave) modules=0|1 (whether it gave an -initrd,
; which must be initrd.txt from this folder: the kernel holds a copy to compare with).
%include "multiboot.inc"
%include "report.inc"
%include "cmdline.inc"

%define KERNEL_FILE "info_block.elf"
%define INITRD_FILE "initrd.txt"
; Below the 640 KiB hole SeaBIOS keeps its extended BIOS data area in the last KiB, so
; QEMU reports 639 KiB of lower memory.
EXPECTED_MEM_LOWER equ 639
; Above 1 MiB SeaBIOS keeps tables at the top of low RAM (QEMU: 128 KiB there, marked
; reserved); a loader may hold back up to 1 MiB, not more.
FIRMWARE_TOP_KIB equ 1024
MMAP_ENTRY_SIZE equ 20              ; after the size field: base, length, type

main:
    mov esi, ram_mib_key
    call required_argument
    shl eax, 10
    mov [ram_kib], eax
    mov esi, modules_key
    call required_argument
    mov [modules_expected], eax
    mov ebx, [entry_ebx]
    call check_memory_sizes
    call check_memory_map
    call check_cmdline
    call check_modules
    ret

check_memory_sizes:
    test dword [ebx + MBI_FLAGS], MBI_FLAG_MEMORY
    REPORT nz, "info: flags has mem_lower and mem_upper (bit 0)"
    EXPECT_EQ [ebx + MBI_MEM_LOWER], EXPECTED_MEM_LOWER, "info: mem_lower is 639 KiB"
    ; RAM above 1 MiB: ram_kib - 1024, less what firmware holds back at the top.
    mov eax, [ram_kib]
    sub eax, 1024
    sub eax, [ebx + MBI_MEM_UPPER]
    cmp eax, FIRMWARE_TOP_KIB
    REPORT b, "info: mem_upper is the RAM above 1 MiB less at most 1 MiB"
    ret

check_memory_map:
    test dword [ebx + MBI_FLAGS], MBI_FLAG_MMAP
    REPORT nz, "info: flags has the memory map (bit 6)"
    call mmap_entries_well_formed
    REPORT z, "mmap: every entry has a size of 20"
    xor eax, eax
    mov ecx, [ebx + MBI_MEM_LOWER]
    call find_available_range
    REPORT z, "mmap: an available range at 0 spans mem_lower"
    mov eax, 0x100000
    mov ecx, [ebx + MBI_MEM_UPPER]
    call find_available_range
    REPORT z, "mmap: an available range at 1 MiB spans mem_upper"
    ret

; ZF set when the map is non-empty and every entry's size field is 20.
mmap_entries_well_formed:
    mov edi, [ebx + MBI_MMAP_ADDR]
    mov ecx, [ebx + MBI_MMAP_LENGTH]
    test ecx, ecx
    jz .bad
    add ecx, edi
.entry:
    cmp edi, ecx
    jae .good
    cmp dword [edi + MMAP_SIZE], MMAP_ENTRY_SIZE
    jne .bad
    add edi, MMAP_ENTRY_SIZE + 4
    jmp .entry
.good:
    cmp eax, eax
    ret
.bad:
    or eax, 1                       ; ZF clear
    ret

; eax: a base below 4 GiB, ecx: a length in KiB. ZF set when the map has an available
; entry with exactly that base and length.
find_available_range:
    mov edi, [ebx + MBI_MMAP_ADDR]
    mov edx, [ebx + MBI_MMAP_LENGTH]
    add edx, edi
    shl ecx, 10
.entry:
    cmp edi, edx
    jae .missing
    cmp dword [edi + MMAP_TYPE], MMAP_AVAILABLE
    jne .next
    cmp dword [edi + MMAP_BASE], eax
    jne .next
    cmp dword [edi + MMAP_BASE + 4], 0
    jne .next
    cmp dword [edi + MMAP_LENGTH], ecx
    jne .next
    cmp dword [edi + MMAP_LENGTH + 4], 0
    je .done
.next:
    add edi, [edi + MMAP_SIZE]
    add edi, 4
    jmp .entry
.missing:
    or eax, 1                       ; ZF clear (eax is a base, but only the flags matter)
.done:
    ret

check_cmdline:
    test dword [ebx + MBI_FLAGS], MBI_FLAG_CMDLINE
    REPORT nz, "info: flags has the command line (bit 2)"
    mov edi, [ebx + MBI_CMDLINE]
    mov esi, kernel_file
    call word_names_file
    REPORT z, "cmdline: the first word is the kernel's file name"
    call arguments_well_formed
    test al, al
    REPORT z, "cmdline: the rest is the appended key=value words"
    ret

check_modules:
    cmp dword [modules_expected], 0
    jne .one
    EXPECT_EQ [ebx + MBI_MODS_COUNT], 0, "info: no modules without an initrd"
    ret
.one:
    test dword [ebx + MBI_FLAGS], MBI_FLAG_MODULES
    REPORT nz, "info: flags has the modules (bit 3)"
    EXPECT_EQ [ebx + MBI_MODS_COUNT], 1, "info: one module, the initrd"
    mov edi, [ebx + MBI_MODS_ADDR]
    test dword [edi + MOD_START], 0xFFF
    REPORT z, "module 0: starts on a page, as the header's flag bit 0 asks"
    call module_holds_initrd
    REPORT z, "module 0: holds the initrd's bytes"
    mov edi, [ebx + MBI_MODS_ADDR]
    mov edi, [edi + MOD_STRING]
    mov esi, initrd_file
    call word_names_file
    REPORT z, "module 0: its string names the initrd file"
    ret

; ZF set when module 0 (edi: its entry) is exactly initrd.txt's bytes.
module_holds_initrd:
    mov esi, [edi + MOD_START]
    mov ecx, [edi + MOD_END]
    sub ecx, esi
    cmp ecx, initrd_copy_end - initrd_copy
    jne .done
    mov edi, initrd_copy
    repe cmpsb                      ; ZF stays set when all matched
.done:
    ret

; edi: a word (ends at a space or zero); esi: a file name. ZF set when the word is that
; name or a path ending in /name.
word_names_file:
    push edi
    mov edx, edi                    ; the word's start
.find_end:
    cmp byte [edi], ' '
    je .found_end
    cmp byte [edi], 0
    je .found_end
    inc edi
    jmp .find_end
.found_end:
    mov ecx, esi                    ; the name's length
.name_length:
    cmp byte [ecx], 0
    je .measured
    inc ecx
    jmp .name_length
.measured:
    sub ecx, esi
    mov eax, edi
    sub eax, edx                    ; the word's length
    cmp eax, ecx
    jb .no
    sub edi, ecx                    ; where the name would start
    cmp edi, edx
    je .suffix
    cmp byte [edi - 1], '/'
    jne .no
.suffix:
    repe cmpsb
    jmp .done
.no:
    or eax, 1
.done:
    pop edi
    ret

ram_mib_key: db "ram_mib=", 0
modules_key: db "modules=", 0
kernel_file: db KERNEL_FILE, 0
initrd_file: db INITRD_FILE, 0
initrd_copy: incbin INITRD_FILE
initrd_copy_end:
ram_kib:          dd 0
modules_expected: dd 0

KERNEL_END
