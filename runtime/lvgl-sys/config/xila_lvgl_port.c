/* LVGL's heap (LV_USE_STDLIB_MALLOC = LV_STDLIB_CUSTOM) on the runtime's os_malloc & co. */
#include "lvgl.h"
#include "xila_lvgl_port.h"
#include <limits.h>
#include <stdint.h>

void lv_mem_init(void) {}

void lv_mem_deinit(void) {}

lv_mem_pool_t lv_mem_add_pool(void *mem, size_t bytes)
{
    /* One heap, the runtime's: pools are not added to it. */
    (void)mem;
    (void)bytes;
    return NULL;
}

void lv_mem_remove_pool(lv_mem_pool_t pool) { (void)pool; }

/* os_malloc takes an unsigned int: on the 64-bit host a larger request fails here instead of
 * being cut to its low 32 bits. */
#if SIZE_MAX > UINT_MAX
#define XILA_TOO_LARGE(size) ((size) > UINT_MAX)
#else
#define XILA_TOO_LARGE(size) 0
#endif

void *lv_malloc_core(size_t size)
{
    if (XILA_TOO_LARGE(size)) return NULL;
    return os_malloc((unsigned int)size);
}

void *lv_realloc_core(void *pointer, size_t new_size)
{
    if (XILA_TOO_LARGE(new_size)) return NULL;
    return os_realloc(pointer, (unsigned int)new_size);
}

void lv_free_core(void *pointer) { os_free(pointer); }

void lv_mem_monitor_core(lv_mem_monitor_t *monitor)
{
    /* The runtime counts the heap itself (its peak is in every result record). */
    lv_memzero(monitor, sizeof(*monitor));
}

lv_result_t lv_mem_test_core(void) { return LV_RESULT_OK; }
