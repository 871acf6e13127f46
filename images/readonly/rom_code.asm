; A function that stays in the ROM (linked into .rom_text, run in place), so the readonly
; image can check that code fetched from a read-only slot runs.
bits 64
section .rom_text progbits alloc exec
global rom_answer
rom_answer:
    mov eax, 0x2A
    ret
section .note.GNU-stack noalloc noexec nowrite progbits
