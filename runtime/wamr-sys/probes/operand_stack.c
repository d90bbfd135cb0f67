/*
 * How much of an instance's WebAssembly operand stack a run used.
 *
 * WAMR allocates each execution environment's operand stack (frames, locals, operands) in one
 * piece of the size given at instantiation, and zeroes it; without WAMR's memory profiling it
 * keeps no high-water mark. Frames always hold non-zero words (return addresses, frame links),
 * so the highest non-zero word is the mark: a lower bound that misses at most a frame's
 * trailing zero operands. It tells a user what `--wasm-stack` a module needs.
 */

#include "wasm_export.h"
#include "wasm_exec_env.h"

/* Bytes of the operand stack used so far by the instance's singleton execution environment
   (the one wasm_application_execute_main runs in); 0 when it has none yet. */
uint32
xila_operand_stack_used(wasm_module_inst_t instance)
{
    WASMExecEnv *env = (WASMExecEnv *)wasm_runtime_get_exec_env_singleton(instance);
    const uint32 *word;
    if (!env)
        return 0;
    word = (const uint32 *)env->wasm_stack.top_boundary;
    while ((const uint8 *)word > env->wasm_stack.bottom && word[-1] == 0)
        word--;
    return (uint32)((const uint8 *)word - env->wasm_stack.bottom);
}

