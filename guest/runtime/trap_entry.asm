; Exception entry stubs: every vector gets the same frame (an error code, real or 0, and
; the vector number) and goes to trap_dispatch(TrapFrame*) in traps.cpp.
bits 64
section .text

extern trap_dispatch
global trap_stubs

; Vectors for which the CPU pushes an error code (SDM vol. 3A table 6-1).
%define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%assign vector 0
%rep 32
trap_stub_%+vector:
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

section .rodata
align 8
trap_stubs:
%assign vector 0
%rep 32
    dq trap_stub_%+vector
%assign vector vector + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
