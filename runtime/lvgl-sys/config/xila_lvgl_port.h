/* What LVGL calls in the runtime (Rust): its heap (the same os_malloc & co. that WAMR's
 * platform layer uses, runtime/src/platform/memory.rs), its tick and its assertion handler
 * (runtime/src/bindings/mod.rs). */
#ifndef XILA_LVGL_PORT_H
#define XILA_LVGL_PORT_H

#include <stddef.h>
#include <stdint.h>

void *os_malloc(unsigned int size);
void *os_realloc(void *pointer, unsigned int size);
void os_free(void *pointer);
uint32_t xila_lvgl_tick_ms(void);
void xila_lvgl_assert_failed(void);

#endif
