/*
 * WAMR platform header for the Xila bench runtime.
 *
 * One header serves the bare-metal targets (picolibc) and the host (glibc): it includes only
 * headers both libcs ship, and defines the POSIX-ish types and constants that libc-wasi needs
 * itself. The os_* functions are implemented in Rust (crate xila-runtime, module `platform`).
 */
#ifndef _PLATFORM_INTERNAL_H
#define _PLATFORM_INTERNAL_H

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <assert.h>
#include <time.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <stdarg.h>
#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef BH_PLATFORM_XILA
#define BH_PLATFORM_XILA
#endif

#define BH_APPLET_PRESERVED_STACK_SIZE (2 * 1024)
#define BH_THREAD_DEFAULT_PRIORITY 0

/* Single-threaded: locks are no-ops in Rust, so plain words are enough. */
typedef uintptr_t korp_tid;
typedef uintptr_t korp_thread;
typedef uintptr_t korp_mutex;
typedef uintptr_t korp_rwlock;
typedef uintptr_t korp_sem;
#define OS_THREAD_MUTEX_INITIALIZER 0

/*
 * libc-wasi's locking.h type-checks (but with our ssp_config never calls) pthread condition
 * code, so korp_cond must be a pthread_cond_t. picolibc has no pthreads: give it stand-ins
 * that fail if they are ever reached.
 */
#ifdef __GLIBC__
#include <pthread.h>
typedef pthread_cond_t korp_cond;
#else
typedef struct { uintptr_t unused; } xila_pthread_cond_t;
typedef xila_pthread_cond_t pthread_cond_t;
typedef int pthread_condattr_t;
typedef int pthread_mutex_t;
static inline int pthread_condattr_init(pthread_condattr_t *a) { (void)a; return ENOSYS; }
static inline int pthread_condattr_destroy(pthread_condattr_t *a) { (void)a; return ENOSYS; }
static inline int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t c)
{ (void)a; (void)c; return ENOSYS; }
static inline int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a)
{ (void)c; (void)a; return ENOSYS; }
typedef pthread_cond_t korp_cond;
#endif

#define os_thread_local_attribute
#define bh_socket_t int
/* Linear memory is allocated in 64 KiB wasm pages anyway; WAMR only rounds sizes with this. */
#define os_getpagesize() 4096

typedef int os_file_handle;
typedef int os_dir_stream;
typedef int os_raw_file_handle;
typedef struct timespec os_timespec;

/* picolibc has no <poll.h>; the layout only has to agree with our own os_poll in Rust. */
typedef struct xila_pollfd {
    int fd;
    short events;
    short revents;
} os_poll_file_handle;
typedef unsigned int os_nfds_t;
#ifndef POLLIN
#define POLLIN 0x001
#define POLLPRI 0x002
#define POLLOUT 0x004
#define POLLERR 0x008
#define POLLHUP 0x010
#define POLLNVAL 0x020
#endif
/* Only passed to our own os_ioctl, which answers "not supported". */
#ifndef FIONREAD
#define FIONREAD 0x541B
#endif

/*
 * libc-wasi sleeps with clock_nanosleep and yields with sched_yield. Route both to the Rust
 * platform layer on every target, so that the guest sees the board's clock everywhere (and
 * picolibc, which lacks both, links). A rename, not a redefinition of glibc's symbols.
 */
#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC ((clockid_t)4)
#endif
#ifndef CLOCK_PROCESS_CPUTIME_ID
#define CLOCK_PROCESS_CPUTIME_ID ((clockid_t)2)
#endif
#ifndef CLOCK_THREAD_CPUTIME_ID
#define CLOCK_THREAD_CPUTIME_ID ((clockid_t)3)
#endif
#ifndef TIMER_ABSTIME
#define TIMER_ABSTIME 4
#endif
int xila_clock_nanosleep(clockid_t clock_id, int flags, const struct timespec *request,
                         struct timespec *remain);
int xila_sched_yield(void);
#define clock_nanosleep xila_clock_nanosleep
#define sched_yield xila_sched_yield

#ifndef __GLIBC__
/* picolibc has no <arpa/inet.h>. Every target we build for is little-endian. */
static inline uint32_t htonl(uint32_t v) { return __builtin_bswap32(v); }
static inline uint16_t htons(uint16_t v) { return __builtin_bswap16(v); }
#else
#include <arpa/inet.h>
#endif

#ifdef __cplusplus
}
#endif

#endif /* end of _PLATFORM_INTERNAL_H */
