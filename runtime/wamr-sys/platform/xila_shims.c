/*
 * os_printf/os_vprintf take C varargs, which stable Rust cannot define. Format here and hand
 * the text to Rust (xila_platform_print, in crate xila-runtime).
 */
#include "platform_api_vmcore.h"

extern void xila_platform_print(const char *text, size_t length);

int
os_vprintf(const char *format, va_list ap)
{
    char buffer[256];
    int length = vsnprintf(buffer, sizeof(buffer), format, ap);
    if (length < 0)
        return length;
    /* Long messages are cut: WAMR's log lines are short, and a heap allocation here could
       recurse into an exhausted allocator. */
    size_t shown = (size_t)length < sizeof(buffer) ? (size_t)length : sizeof(buffer) - 1;
    xila_platform_print(buffer, shown);
    return length;
}

int
os_printf(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int length = os_vprintf(format, ap);
    va_end(ap);
    return length;
}
