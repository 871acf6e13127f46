; Exception entry stubs: a kernel call goes straight to perform_kernel_call; everything
; else gets the same frame (an error code, real or 0, and the vector number) and goes to
; trap_dispatch(TrapFrame*) in traps.cpp. Then the IDT that points at them, assembled
; here rather than written at boot (on PVM ~18 emulated instructions a gate).
%include "layout.inc"

bits 64
; First in the payload (linker/rom.ld), so a stub's address is PAYLOAD_BASE plus its
; offset here, a number the assembler can split into a gate's fields.
section .text.traps progbits alloc exec

extern trap_dispatch, perform_kernel_call
global trap_stubs_start, interrupt_table, interrupt_table_end

KERNEL_CODE     equ 0x08            ; kKernelCode in kernel.h: the runtime GDT's
INTERRUPT_GATE  equ 0x8E            ; present, DPL0, 64-bit interrupt gate (SDM vol. 3A 6.14.1)
DOUBLE_FAULT    equ 8               ; #DF takes IST1 (kernel.cpp says why)

INVALID_OPCODE  equ 6               ; #UD: a kernel call when a `ud2` at CPL3 raised it
UD2_OPCODE      equ 0x0B0F          ; its two bytes, as a little-endian word

; A kernel call (kernel_call.h) takes a short way in and out of the #UD stub: on PVM each
; CPL0 instruction is emulated, and the full frame (15 registers pushed and popped, then
; trap_dispatch telling calls from faults) cost ~70 of them a call. Here 14, and the
; operation's own: the registers the C ABI lets perform_kernel_call clobber are given up
; (kernel_call.h lists them as clobbered), and rcx, the one needed for the test, is put
; back. Anything else, a #UD at CPL0 or one that is not a `ud2`, falls through to the
; full frame with every register as it was, for trap_dispatch to report.
%macro KERNEL_CALL_OR_TRAP 0
    test byte [rsp + 8], 3          ; the CS pushed by the CPU: from CPL3?
    jz .full_frame
    push rcx                        ; also aligns the stack for the call: 6 quadwords
    mov rcx, [rsp + 8]              ; the RIP pushed by the CPU
    cmp word [rcx], UD2_OPCODE
    jne .not_a_call
    mov rdx, rsi                    ; perform_kernel_call(op, argument, argument2)
    mov rsi, rdi
    mov rdi, rax
    call perform_kernel_call
    pop rcx
    add qword [rsp], 2              ; resume after the ud2
    iretq
.not_a_call:
    pop rcx
.full_frame:
%endmacro

; Vectors for which the CPU pushes an error code (SDM vol. 3A table 6-1).
%define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

trap_stubs_start:
%assign vector 0
%rep 32
trap_stub_%+vector:
%if vector == INVALID_OPCODE
    KERNEL_CALL_OR_TRAP
%endif
%if !HAS_ERROR_CODE(vector)
    push 0
%endif
    push vector
    jmp trap_common
%assign vector vector + 1
%endrep

trap_common:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rdi, rsp                    ; 22 quadwords below a 16-byte aligned frame: aligned
    call trap_dispatch
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16                     ; vector and error code
    iretq

; Read-only like all the payload's constants: neither CPL3 nor the kernel can change it.
section .rodata
align 16
interrupt_table:
%define HANDLER(v) (PAYLOAD_BASE + (trap_stub_%+v - trap_stubs_start))
%assign vector 0
%rep 32
    dw HANDLER(vector) & 0xFFFF, KERNEL_CODE
    db (vector == DOUBLE_FAULT), INTERRUPT_GATE
    dw HANDLER(vector) >> 16
    dd 0, 0                         ; offset bits 63:32, reserved
%assign vector vector + 1
%endrep
interrupt_table_end:

section .note.GNU-stack noalloc noexec nowrite progbits
