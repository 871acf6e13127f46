; QEMU's pc-testdev (-device pc-testdev): the 32-bit scratch register at 0xE0, which takes
; accesses of any width at any byte offset and keeps the other bytes; the same register
; again at 0xE8, there one byte at a time; the flush port at 0xE4, whose 32-bit write of a
; page's address makes the host drop its mapping of the page (the contents must stay);
; and the interrupt lines at 0x2000 + n, whose
; byte writes raise (non-zero) or lower (zero) ISA IRQ n. A line's level is seen in the
; 8259's interrupt request register (OCW3 "read IRR"), with every input masked so that
; nothing is delivered: the IRR latches requests whatever the mask says.
%include "multiboot.inc"
%include "report.inc"

SCRATCH      equ 0xE0
SCRATCH_BYTE equ 0xE8
FLUSH_PAGE   equ 0xE4
PAGE_PATTERN equ 0xC0FFEE11
IRQ_LINES    equ 0x2000
PIC_MASTER_COMMAND equ 0x20
PIC_MASTER_DATA    equ 0x21
PIC_SLAVE_COMMAND  equ 0xA0
PIC_SLAVE_DATA     equ 0xA1
ELCR_MASTER equ 0x4D0               ; edge/level control (PIIX): bit n set = IRQ n level
ELCR_SLAVE  equ 0x4D1
OCW3_READ_IRR equ 0x0A
; Lines no device of -M pc -nodefaults drives: COM2 (3) and one the PCI slots would use (10).
MASTER_LINE equ 3
SLAVE_LINE  equ 10

main:
    call check_scratch
    call check_flush_page
    call check_irq_lines
    ret

; The stack's lowest page (64 KiB below the top, which the shallow stack never reaches).
check_flush_page:
    mov edi, stack_bottom
    mov ecx, 1024
    mov eax, PAGE_PATTERN
    rep stosd
    mov eax, stack_bottom
    out FLUSH_PAGE, eax
    mov edi, stack_bottom
    mov ecx, 1024
    mov eax, PAGE_PATTERN
    repe scasd                      ; ZF stays set when every dword matched
    REPORT e, "pc-testdev: a page flushed through 0xe4 keeps its contents"
    ret

check_scratch:
    mov eax, 0x12345678
    out SCRATCH, eax
    in eax, SCRATCH
    EXPECT_EQ eax, 0x12345678, "pc-testdev: 0xe0 keeps a 32-bit value"
    mov al, 0xAB
    out SCRATCH + 1, al
    in eax, SCRATCH
    EXPECT_EQ eax, 0x1234AB78, "pc-testdev: a byte written at 0xe1 replaces byte 1 only"
    in ax, SCRATCH + 2
    movzx eax, ax
    EXPECT_EQ eax, 0x1234, "pc-testdev: a 16-bit read at 0xe2 gives the upper half"
    in eax, SCRATCH_BYTE
    EXPECT_EQ eax, 0x1234AB78, "pc-testdev: 0xe8 reads the same register"
    mov al, 0xCD
    out SCRATCH_BYTE + 3, al
    in eax, SCRATCH
    EXPECT_EQ eax, 0xCD34AB78, "pc-testdev: a byte written at 0xeb is byte 3 at 0xe0"
    ret

check_irq_lines:
    mov al, 0xFF                    ; nothing delivered, whatever the lines do
    out PIC_MASTER_DATA, al
    out PIC_SLAVE_DATA, al
    mov al, OCW3_READ_IRR
    out PIC_MASTER_COMMAND, al
    out PIC_SLAVE_COMMAND, al

    ; Level-triggered: IRR follows the line.
    mov dx, ELCR_MASTER
    in al, dx
    or al, 1 << MASTER_LINE
    out dx, al
    mov dx, ELCR_SLAVE
    in al, dx
    or al, 1 << (SLAVE_LINE - 8)
    out dx, al
    mov dx, IRQ_LINES + MASTER_LINE
    mov al, 1
    out dx, al
    in al, PIC_MASTER_COMMAND
    test al, 1 << MASTER_LINE
    REPORT nz, "pc-testdev: raising line 3 sets the master 8259's IRR bit 3"
    xor al, al
    out dx, al
    in al, PIC_MASTER_COMMAND
    test al, 1 << MASTER_LINE
    REPORT z, "pc-testdev: lowering line 3 clears it (level-triggered)"
    mov dx, IRQ_LINES + SLAVE_LINE
    mov al, 1
    out dx, al
    in al, PIC_SLAVE_COMMAND
    test al, 1 << (SLAVE_LINE - 8)
    REPORT nz, "pc-testdev: raising line 10 sets the slave 8259's IRR bit 2"
    xor al, al
    out dx, al
    in al, PIC_SLAVE_COMMAND
    test al, 1 << (SLAVE_LINE - 8)
    REPORT z, "pc-testdev: lowering line 10 clears it (level-triggered)"

    ; Edge-triggered: the rising edge stays latched after the line falls (nothing
    ; acknowledges it: it is masked and interrupts are off).
    mov dx, ELCR_MASTER
    in al, dx
    and al, ~(1 << MASTER_LINE)
    out dx, al
    mov dx, IRQ_LINES + MASTER_LINE
    mov al, 1
    out dx, al
    xor al, al
    out dx, al
    in al, PIC_MASTER_COMMAND
    test al, 1 << MASTER_LINE
    REPORT nz, "pc-testdev: an edge on line 3 stays in IRR after the line falls"
    ret

KERNEL_END
