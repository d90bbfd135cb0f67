/* What LVGL calls in the runtime (Rust): the heap (the same os_malloc & co. that WAMR's
 * platform layer uses, runtime/src/platform/memory.rs) and the assertion handler
 * (runtime/src/bindings/mod.rs). LVGL's tick is set at start-up with lv_tick_set_cb. */
#ifndef XILA_LVGL_PORT_H
#define XILA_LVGL_PORT_H

#include <stddef.h>
#include <stdint.h>

void *os_malloc(unsigned int size);
void *os_realloc(void *pointer, unsigned int size);
void os_free(void *pointer);
void xila_lvgl_assert_failed(void);

#endif
