; fw_cfg as kvm-unit-tests reads it (lib/x86/fwcfg.c): the signature, the CPU count its
; SMP start-up waits for, the RAM size. Command line: ram_mib=N cpus=N (the test's -m, -smp).
%include "multiboot.inc"
%include "report.inc"
%include "cmdline.inc"
%include "fw_cfg.inc"

SIGNATURE equ 'QEMU'                ; NASM packs it little-endian: 'Q' is the first byte
FW_CFG_ID_TRADITIONAL equ 1 << 0
NO_SUCH_KEY equ 0x3FFF              ; beyond every item QEMU has

main:
    mov esi, ram_mib_key
    call required_argument
    mov [ram_mib], eax
    mov esi, cpus_key
    call required_argument
    mov [cpus], eax

    mov ax, FW_CFG_SIGNATURE
    call fw_cfg_select
    mov ecx, 4
    call fw_cfg_read
    EXPECT_EQ eax, SIGNATURE, "fw_cfg: key 0x00 reads the signature QEMU"
    mov ecx, 1
    call fw_cfg_read
    EXPECT_EQ eax, 0, "fw_cfg: past the item's end reads zero"
    mov ax, FW_CFG_SIGNATURE        ; a partly read item, selected again
    call fw_cfg_select
    mov ecx, 2
    call fw_cfg_read
    mov ax, FW_CFG_SIGNATURE
    call fw_cfg_select
    mov ecx, 4
    call fw_cfg_read
    EXPECT_EQ eax, SIGNATURE, "fw_cfg: selecting again starts at offset 0"

    mov ax, FW_CFG_ID
    call fw_cfg_select
    mov ecx, 4
    call fw_cfg_read
    test eax, FW_CFG_ID_TRADITIONAL
    REPORT nz, "fw_cfg: ID (key 0x01) has the traditional interface"

    mov ax, FW_CFG_NB_CPUS
    call fw_cfg_select
    mov ecx, 2
    call fw_cfg_read
    mov [nb_cpus], eax
    EXPECT_EQ eax, [cpus], "fw_cfg: NB_CPUS (key 0x05) is -smp's count"
    mov ax, FW_CFG_MAX_CPUS
    call fw_cfg_select
    mov ecx, 2
    call fw_cfg_read
    cmp eax, [nb_cpus]
    REPORT ae, "fw_cfg: MAX_CPUS (key 0x0f) is at least NB_CPUS"

    mov ax, FW_CFG_RAM_SIZE
    call fw_cfg_select
    mov ecx, 4
    call fw_cfg_read
    mov ebx, eax
    call fw_cfg_read
    ; ram_mib << 20 as a 64-bit value: high dword ram_mib >> 12, low dword ram_mib << 20.
    mov edx, [ram_mib]
    shr edx, 12
    cmp eax, edx
    jne .ram_size_judged
    mov edx, [ram_mib]
    shl edx, 20
    cmp ebx, edx
.ram_size_judged:
    REPORT e, "fw_cfg: RAM_SIZE (key 0x03) is -m's size"

    mov ax, NO_SUCH_KEY
    call fw_cfg_select
    mov ecx, 4
    call fw_cfg_read
    EXPECT_EQ eax, 0, "fw_cfg: a key without an item reads zero"
    ret

ram_mib_key: db "ram_mib=", 0
cpus_key:    db "cpus=", 0
ram_mib: dd 0
cpus:    dd 0
nb_cpus: dd 0

KERNEL_END
