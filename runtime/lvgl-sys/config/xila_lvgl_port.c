/* LVGL's heap (LV_USE_STDLIB_MALLOC = LV_STDLIB_CUSTOM) on the runtime's os_malloc & co. */
#include "lvgl.h"
#include "xila_lvgl_port.h"

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

void *lv_malloc_core(size_t size)
{
    /* os_malloc takes an unsigned int: a request that does not fit fails here, not wrapped. */
    if (size > 0xFFFFFFFFu) return NULL;
    return os_malloc((unsigned int)size);
}

void *lv_realloc_core(void *pointer, size_t new_size)
{
    if (new_size > 0xFFFFFFFFu) return NULL;
    return os_realloc(pointer, (unsigned int)new_size);
}

void lv_free_core(void *pointer) { os_free(pointer); }

void lv_mem_monitor_core(lv_mem_monitor_t *monitor)
{
    /* The runtime counts the heap itself (its peak is in every result record). */
    lv_memzero(monitor, sizeof(*monitor));
}

lv_result_t lv_mem_test_core(void) { return LV_RESULT_OK; }
