/*
 * The few platform functions that stable Rust cannot write: C varargs (os_printf, os_vprintf,
 * os_ioctl), libc's errno (a thread-local whose access differs between glibc and picolibc),
 * and C constants whose values differ between the two libcs (clock ids, TIMER_ABSTIME).
 * Everything else of the platform layer is Rust, in crate xila-runtime.
 */
#include "platform_api_vmcore.h"
#include "platform_api_extension.h"

extern void xila_platform_print(const char *text, size_t length);
/* clock: 0 realtime, 1 monotonic, 2 process cputime, 3 thread cputime (the WASI numbering). */
extern bool xila_platform_sleep(uint32_t clock, bool absolute, uint64_t nanoseconds);

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

/* The bytes a read would return now: stdin's unread bytes, a file's past its offset; -1 else. */
extern long xila_readable_bytes(os_file_handle handle);

int
os_ioctl(os_file_handle handle, int request, ...)
{
    /* libc-wasi asks FIONREAD for poll_oneoff's nbytes; nothing else is supported. */
    if (request == FIONREAD) {
        va_list args;
        va_start(args, request);
        int *count = va_arg(args, int *);
        va_end(args);
        long readable = xila_readable_bytes(handle);
        if (readable >= 0 && count != NULL) {
            *count = readable > INT_MAX ? INT_MAX : (int)readable;
            return 0;
        }
    }
    errno = ENOTTY;
    return -1;
}

/* Rust platform functions that fail with a POSIX-style -1 set errno through this. */
void
xila_set_errno_not_supported(void)
{
    errno = ENOTSUP;
}

/* The same, for calls on a handle that is open but cannot be a socket. */
void
xila_set_errno_not_a_socket(void)
{
    errno = ENOTSOCK;
}

int
xila_clock_nanosleep(clockid_t clock_id, int flags, const struct timespec *request,
                     struct timespec *remain)
{
    uint32_t clock;
    if (clock_id == CLOCK_REALTIME)
        clock = 0;
    else if (clock_id == CLOCK_MONOTONIC)
        clock = 1;
    else if (clock_id == CLOCK_PROCESS_CPUTIME_ID)
        clock = 2;
    else if (clock_id == CLOCK_THREAD_CPUTIME_ID)
        clock = 3;
    else
        return EINVAL;
    if (request == NULL || request->tv_sec < 0 || request->tv_nsec < 0
        || request->tv_nsec >= 1000000000)
        return EINVAL;
    uint64_t ns = (uint64_t)request->tv_sec * 1000000000u + (uint64_t)request->tv_nsec;
    if (remain != NULL) {
        remain->tv_sec = 0;
        remain->tv_nsec = 0;
    }
    return xila_platform_sleep(clock, (flags & TIMER_ABSTIME) != 0, ns) ? 0 : EINVAL;
}

#if defined(__riscv) && !defined(__riscv_atomic)
/*
 * A core without the A extension (riscv32imc): GCC turns libc-wasi's C11 reference counting
 * (refcount.h) into these libcalls, which nothing provides on such a core. The firmware is
 * single-threaded and no interrupt handler touches a reference count, so a plain
 * read-modify-write is atomic enough. The asm labels avoid clashing with GCC's built-ins.
 */
unsigned int xila_atomic_fetch_add_4(volatile void *pointer, unsigned int value, int order)
    __asm__("__atomic_fetch_add_4");
unsigned int xila_atomic_fetch_sub_4(volatile void *pointer, unsigned int value, int order)
    __asm__("__atomic_fetch_sub_4");

unsigned int
xila_atomic_fetch_add_4(volatile void *pointer, unsigned int value, int order)
{
    (void)order;
    volatile unsigned int *counter = pointer;
    unsigned int old = *counter;
    *counter = old + value;
    return old;
}

unsigned int
xila_atomic_fetch_sub_4(volatile void *pointer, unsigned int value, int order)
{
    (void)order;
    volatile unsigned int *counter = pointer;
    unsigned int old = *counter;
    *counter = old - value;
    return old;
}
#endif
