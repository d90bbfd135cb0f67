/*
 * The WASI ABI's address guard.
 *
 * WAMR's libc-wasi wrappers check every guest pointer and length against linear memory, but a
 * failed check raises "out of bounds memory access" and ends the instance as a trap. WASI
 * preview 1 says such a call returns EFAULT and the program goes on; Xila's ABI must behave as
 * specified. Rewriting the 2,400-line wrapper would duplicate WAMR's conversions, so each
 * function that takes a pointer gets a guard instead: registered for the same import with
 * plain i32 parameters (WAMR then does no checks of its own), it checks every region the
 * wrapper would touch, answers EFAULT when one lies outside linear memory, and otherwise
 * calls WAMR's wrapper (kept as the native symbol's attachment) with native pointers.
 *
 * The same layer gives the socket calls the errors preview 1 names for an fd that is not a
 * socket (ENOTSOCK), and makes proc_raise return ENOSYS: there are no signals to raise.
 */

#include <string.h>

#include "wasm_export.h"
#include "wasm_runtime_common.h"
#include "libc_wasi_wrapper.h"
#include "wasmtime_ssp.h"
#include "posix.h"

/* Sizes of the records the wrappers write, as the preview-1 ABI lays them out. */
enum {
    SIZE_U16 = 2,
    SIZE_U32 = 4,
    SIZE_U64 = 8,
    SIZE_PRESTAT = 8,
    SIZE_IOVEC = 8,
    SIZE_FDSTAT = 24,
    SIZE_FILESTAT = 64,
    SIZE_SUBSCRIPTION = 48,
    SIZE_EVENT = 32,
};

/* The guest's linear memory as this call sees it (memory cannot grow during a host call). */
typedef struct {
    uint8 *base;
    uint64 size;
} guest_memory_t;

static guest_memory_t
guest_memory(wasm_exec_env_t exec_env)
{
    guest_memory_t memory = { NULL, 0 };
    wasm_module_inst_t instance = wasm_runtime_get_module_inst(exec_env);
    wasm_memory_inst_t default_memory = wasm_runtime_get_default_memory(instance);
    if (default_memory) {
        memory.base = wasm_memory_get_base_address(default_memory);
        memory.size = wasm_memory_get_cur_page_count(default_memory)
                      * wasm_memory_get_bytes_per_page(default_memory);
    }
    return memory;
}

/* The native address of [offset, offset + length), or NULL when any byte of it is outside. */
static void *
region(const guest_memory_t *memory, uint32 offset, uint64 length)
{
    if (!memory->base || (uint64)offset + length > memory->size)
        return NULL;
    return memory->base + offset;
}

/* An array of `count` iovecs, each {u32 buffer, u32 length}: the array and every buffer. */
static void *
iovec_array(const guest_memory_t *memory, uint32 offset, uint32 count)
{
    uint8 *array = region(memory, offset, (uint64)count * SIZE_IOVEC);
    uint32 i;
    if (!array)
        return NULL;
    for (i = 0; i < count; i++) {
        uint32 entry[2];
        /* The guest may leave the array unaligned; copy rather than cast. */
        memcpy(entry, array + (uint64)i * SIZE_IOVEC, sizeof(entry));
        if (!region(memory, entry[0], entry[1]))
            return NULL;
    }
    return array;
}

/* WAMR's own wrapper for this import, kept as the guard's attachment by xila_wasi_guard_install. */
#define ORIGINAL(type) ((type)wasm_runtime_get_function_attachment(exec_env))

static struct argv_environ_values *
argv_environ(wasm_exec_env_t exec_env)
{
    WASIContext *context =
        wasm_runtime_get_wasi_ctx(wasm_runtime_get_module_inst(exec_env));
    return context ? context->argv_environ : NULL;
}

/* ---- arguments and environment ---- */

/*
 * args_get and environ_get are answered here rather than by WAMR's wrapper, which demands room
 * for a terminating slot after the last pointer: preview 1 gives the guest `count` slots, and a
 * guest that sized its array from args_sizes_get at the very end of memory would trap.
 */
static wasi_errno_t
strings_get(wasm_exec_env_t exec_env, uint32 list, uint32 buffer, bool environment)
{
    guest_memory_t memory = guest_memory(exec_env);
    struct argv_environ_values *values = argv_environ(exec_env);
    uint64 count, size;
    uint8 *list_native, *buffer_native;
    char **pointers;
    wasi_errno_t error;
    uint64 i;

    if (!values)
        return __WASI_EINVAL;
    count = environment ? values->environ_count : values->argc;
    size = environment ? values->environ_buf_size : values->argv_buf_size;
    list_native = region(&memory, list, count * SIZE_U32);
    buffer_native = region(&memory, buffer, size);
    if (!list_native || !buffer_native)
        return __WASI_EFAULT;
    /* The native list has one more slot: libc-wasi ends it with NULL. */
    if ((count + 1) * sizeof(char *) >= UINT32_MAX
        || !(pointers = wasm_runtime_malloc((uint32)((count + 1) * sizeof(char *)))))
        return __WASI_ENOMEM;
    error = environment ? wasmtime_ssp_environ_get(values, pointers, (char *)buffer_native)
                    : wasmtime_ssp_args_get(values, pointers, (char *)buffer_native);
    for (i = 0; !error && i < count; i++) {
        uint32 offset = (uint32)((uint8 *)pointers[i] - memory.base);
        memcpy(list_native + i * SIZE_U32, &offset, SIZE_U32);
    }
    wasm_runtime_free(pointers);
    return error;
}

static wasi_errno_t
guard_args_get(wasm_exec_env_t exec_env, uint32 argv, uint32 argv_buf)
{
    return strings_get(exec_env, argv, argv_buf, false);
}

static wasi_errno_t
guard_environ_get(wasm_exec_env_t exec_env, uint32 environ, uint32 environ_buf)
{
    return strings_get(exec_env, environ, environ_buf, true);
}

typedef wasi_errno_t (*sizes_get_t)(wasm_exec_env_t, void *, void *);

/* args_sizes_get and environ_sizes_get: two u32 results. */
static wasi_errno_t
guard_sizes_get(wasm_exec_env_t exec_env, uint32 count, uint32 size)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *count_out = region(&memory, count, SIZE_U32);
    void *size_out = region(&memory, size, SIZE_U32);
    if (!count_out || !size_out)
        return __WASI_EFAULT;
    return ORIGINAL(sizes_get_t)(exec_env, count_out, size_out);
}

/* ---- clocks and random ---- */

typedef wasi_errno_t (*clock_res_get_t)(wasm_exec_env_t, wasi_clockid_t, void *);
typedef wasi_errno_t (*clock_time_get_t)(wasm_exec_env_t, wasi_clockid_t, wasi_timestamp_t,
                                         void *);
typedef wasi_errno_t (*buffer_t)(wasm_exec_env_t, void *, uint32);

static wasi_errno_t
guard_clock_res_get(wasm_exec_env_t exec_env, uint32 clock, uint32 resolution)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *out = region(&memory, resolution, SIZE_U64);
    if (!out)
        return __WASI_EFAULT;
    return ORIGINAL(clock_res_get_t)(exec_env, clock, out);
}

static wasi_errno_t
guard_clock_time_get(wasm_exec_env_t exec_env, uint32 clock, uint64 precision, uint32 time)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *out = region(&memory, time, SIZE_U64);
    if (!out)
        return __WASI_EFAULT;
    return ORIGINAL(clock_time_get_t)(exec_env, clock, precision, out);
}

static wasi_errno_t
guard_random_get(wasm_exec_env_t exec_env, uint32 buf, uint32 length)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *out = region(&memory, buf, length);
    if (!out)
        return __WASI_EFAULT;
    return ORIGINAL(buffer_t)(exec_env, out, length);
}

/* ---- file descriptors ---- */

typedef wasi_errno_t (*fd_out_t)(wasm_exec_env_t, wasi_fd_t, void *);
typedef wasi_errno_t (*fd_buffer_t)(wasm_exec_env_t, wasi_fd_t, void *, uint32);
typedef wasi_errno_t (*fd_io_t)(wasm_exec_env_t, wasi_fd_t, void *, uint32, void *);
typedef wasi_errno_t (*fd_pio_t)(wasm_exec_env_t, wasi_fd_t, void *, uint32, wasi_filesize_t,
                                 void *);
typedef wasi_errno_t (*fd_seek_t)(wasm_exec_env_t, wasi_fd_t, wasi_filedelta_t, wasi_whence_t,
                                  void *);
typedef wasi_errno_t (*fd_readdir_t)(wasm_exec_env_t, wasi_fd_t, void *, uint32,
                                     wasi_dircookie_t, void *);

/* A call of the shape (fd, out*) whose result record is `size` bytes. */
static wasi_errno_t
fd_with_output(wasm_exec_env_t exec_env, uint32 fd, uint32 output, uint64 size)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *out = region(&memory, output, size);
    if (!out)
        return __WASI_EFAULT;
    return ORIGINAL(fd_out_t)(exec_env, fd, out);
}

static wasi_errno_t
guard_fd_prestat_get(wasm_exec_env_t exec_env, uint32 fd, uint32 prestat)
{
    return fd_with_output(exec_env, fd, prestat, SIZE_PRESTAT);
}

static wasi_errno_t
guard_fd_tell(wasm_exec_env_t exec_env, uint32 fd, uint32 offset)
{
    return fd_with_output(exec_env, fd, offset, SIZE_U64);
}

static wasi_errno_t
guard_fd_fdstat_get(wasm_exec_env_t exec_env, uint32 fd, uint32 fdstat)
{
    return fd_with_output(exec_env, fd, fdstat, SIZE_FDSTAT);
}

static wasi_errno_t
guard_fd_filestat_get(wasm_exec_env_t exec_env, uint32 fd, uint32 filestat)
{
    return fd_with_output(exec_env, fd, filestat, SIZE_FILESTAT);
}

static wasi_errno_t
guard_fd_prestat_dir_name(wasm_exec_env_t exec_env, uint32 fd, uint32 path, uint32 length)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *out = region(&memory, path, length);
    if (!out)
        return __WASI_EFAULT;
    return ORIGINAL(fd_buffer_t)(exec_env, fd, out, length);
}

/* fd_read and fd_write. */
static wasi_errno_t
guard_fd_io(wasm_exec_env_t exec_env, uint32 fd, uint32 iovs, uint32 count, uint32 done)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *vectors = iovec_array(&memory, iovs, count);
    void *done_out = region(&memory, done, SIZE_U32);
    if (!vectors || !done_out)
        return __WASI_EFAULT;
    return ORIGINAL(fd_io_t)(exec_env, fd, vectors, count, done_out);
}

/* fd_pread and fd_pwrite. */
static wasi_errno_t
guard_fd_pio(wasm_exec_env_t exec_env, uint32 fd, uint32 iovs, uint32 count, uint64 offset,
             uint32 done)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *vectors = iovec_array(&memory, iovs, count);
    void *done_out = region(&memory, done, SIZE_U32);
    if (!vectors || !done_out)
        return __WASI_EFAULT;
    return ORIGINAL(fd_pio_t)(exec_env, fd, vectors, count, offset, done_out);
}

static wasi_errno_t
guard_fd_seek(wasm_exec_env_t exec_env, uint32 fd, int64 offset, uint32 whence,
              uint32 new_offset)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *out = region(&memory, new_offset, SIZE_U64);
    if (!out)
        return __WASI_EFAULT;
    /* A whence that does not fit the u8 the ABI gives it is invalid, not truncated. */
    if (whence > 0xff)
        return __WASI_EINVAL;
    return ORIGINAL(fd_seek_t)(exec_env, fd, offset, (wasi_whence_t)whence, out);
}

static wasi_errno_t
guard_fd_readdir(wasm_exec_env_t exec_env, uint32 fd, uint32 buf, uint32 length,
                 uint64 cookie, uint32 used)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *out = region(&memory, buf, length);
    void *used_out = region(&memory, used, SIZE_U32);
    if (!out || !used_out)
        return __WASI_EFAULT;
    return ORIGINAL(fd_readdir_t)(exec_env, fd, out, length, cookie, used_out);
}

/* ---- paths ---- */

typedef wasi_errno_t (*fd_path_t)(wasm_exec_env_t, wasi_fd_t, void *, uint32);
typedef wasi_errno_t (*path_pair_t)(wasm_exec_env_t, wasi_fd_t, void *, uint32, wasi_fd_t,
                                    void *, uint32);
typedef wasi_errno_t (*path_link_t)(wasm_exec_env_t, wasi_fd_t, wasi_lookupflags_t, void *,
                                    uint32, wasi_fd_t, void *, uint32);
typedef wasi_errno_t (*path_open_t)(wasm_exec_env_t, wasi_fd_t, wasi_lookupflags_t, void *,
                                    uint32, wasi_oflags_t, wasi_rights_t, wasi_rights_t,
                                    wasi_fdflags_t, void *);
typedef wasi_errno_t (*path_readlink_t)(wasm_exec_env_t, wasi_fd_t, void *, uint32, void *,
                                        uint32, void *);
typedef wasi_errno_t (*path_filestat_get_t)(wasm_exec_env_t, wasi_fd_t, wasi_lookupflags_t,
                                            void *, uint32, void *);
typedef wasi_errno_t (*path_filestat_set_times_t)(wasm_exec_env_t, wasi_fd_t,
                                                  wasi_lookupflags_t, void *, uint32,
                                                  wasi_timestamp_t, wasi_timestamp_t,
                                                  wasi_fstflags_t);
typedef wasi_errno_t (*path_symlink_t)(wasm_exec_env_t, void *, uint32, wasi_fd_t, void *,
                                       uint32);

/* path_create_directory, path_unlink_file and path_remove_directory. */
static wasi_errno_t
guard_fd_path(wasm_exec_env_t exec_env, uint32 fd, uint32 path, uint32 length)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *name = region(&memory, path, length);
    if (!name)
        return __WASI_EFAULT;
    return ORIGINAL(fd_path_t)(exec_env, fd, name, length);
}

static wasi_errno_t
guard_path_rename(wasm_exec_env_t exec_env, uint32 old_fd, uint32 old_path, uint32 old_length,
                  uint32 new_fd, uint32 new_path, uint32 new_length)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *old_name = region(&memory, old_path, old_length);
    void *new_name = region(&memory, new_path, new_length);
    if (!old_name || !new_name)
        return __WASI_EFAULT;
    return ORIGINAL(path_pair_t)(exec_env, old_fd, old_name, old_length, new_fd, new_name,
                                 new_length);
}

static wasi_errno_t
guard_path_link(wasm_exec_env_t exec_env, uint32 old_fd, uint32 flags, uint32 old_path,
                uint32 old_length, uint32 new_fd, uint32 new_path, uint32 new_length)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *old_name = region(&memory, old_path, old_length);
    void *new_name = region(&memory, new_path, new_length);
    if (!old_name || !new_name)
        return __WASI_EFAULT;
    return ORIGINAL(path_link_t)(exec_env, old_fd, flags, old_name, old_length, new_fd,
                                 new_name, new_length);
}

static wasi_errno_t
guard_path_symlink(wasm_exec_env_t exec_env, uint32 old_path, uint32 old_length, uint32 fd,
                   uint32 new_path, uint32 new_length)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *old_name = region(&memory, old_path, old_length);
    void *new_name = region(&memory, new_path, new_length);
    if (!old_name || !new_name)
        return __WASI_EFAULT;
    return ORIGINAL(path_symlink_t)(exec_env, old_name, old_length, fd, new_name, new_length);
}

static wasi_errno_t
guard_path_open(wasm_exec_env_t exec_env, uint32 dirfd, uint32 dirflags, uint32 path,
                uint32 length, uint32 oflags, uint64 rights_base, uint64 rights_inheriting,
                uint32 fdflags, uint32 opened)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *name = region(&memory, path, length);
    void *opened_out = region(&memory, opened, SIZE_U32);
    if (!name || !opened_out)
        return __WASI_EFAULT;
    /* Both are u16 in the ABI: a value with higher bits set is invalid, not truncated. */
    if (oflags > 0xffff || fdflags > 0xffff)
        return __WASI_EINVAL;
    return ORIGINAL(path_open_t)(exec_env, dirfd, dirflags, name, length,
                                 (wasi_oflags_t)oflags, rights_base, rights_inheriting,
                                 (wasi_fdflags_t)fdflags, opened_out);
}

static wasi_errno_t
guard_path_readlink(wasm_exec_env_t exec_env, uint32 fd, uint32 path, uint32 length,
                    uint32 buf, uint32 buf_length, uint32 used)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *name = region(&memory, path, length);
    void *out = region(&memory, buf, buf_length);
    void *used_out = region(&memory, used, SIZE_U32);
    if (!name || !out || !used_out)
        return __WASI_EFAULT;
    return ORIGINAL(path_readlink_t)(exec_env, fd, name, length, out, buf_length, used_out);
}

static wasi_errno_t
guard_path_filestat_get(wasm_exec_env_t exec_env, uint32 fd, uint32 flags, uint32 path,
                        uint32 length, uint32 filestat)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *name = region(&memory, path, length);
    void *out = region(&memory, filestat, SIZE_FILESTAT);
    if (!name || !out)
        return __WASI_EFAULT;
    return ORIGINAL(path_filestat_get_t)(exec_env, fd, flags, name, length, out);
}

static wasi_errno_t
guard_path_filestat_set_times(wasm_exec_env_t exec_env, uint32 fd, uint32 flags, uint32 path,
                              uint32 length, uint64 access, uint64 modify, uint32 fstflags)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *name = region(&memory, path, length);
    if (!name)
        return __WASI_EFAULT;
    if (fstflags > 0xffff)
        return __WASI_EINVAL;
    return ORIGINAL(path_filestat_set_times_t)(exec_env, fd, flags, name, length, access,
                                               modify, (wasi_fstflags_t)fstflags);
}

/* ---- poll ---- */

typedef wasi_errno_t (*poll_oneoff_t)(wasm_exec_env_t, void *, void *, uint32, void *);

static wasi_errno_t
guard_poll_oneoff(wasm_exec_env_t exec_env, uint32 in, uint32 out, uint32 count,
                  uint32 events)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *subscriptions = region(&memory, in, (uint64)count * SIZE_SUBSCRIPTION);
    void *results = region(&memory, out, (uint64)count * SIZE_EVENT);
    void *events_out = region(&memory, events, SIZE_U32);
    if (!subscriptions || !results || !events_out)
        return __WASI_EFAULT;
    return ORIGINAL(poll_oneoff_t)(exec_env, subscriptions, results, count, events_out);
}

/* ---- process ---- */

static wasi_errno_t
guard_proc_raise(wasm_exec_env_t exec_env, uint32 signal)
{
    (void)exec_env;
    (void)signal;
    /* The VM has no signals: nothing could receive one. */
    return __WASI_ENOSYS;
}

/* ---- sockets: the VM has none, so every fd is either unknown (EBADF) or not a socket ---- */

typedef wasi_errno_t (*sock_accept_t)(wasm_exec_env_t, wasi_fd_t, wasi_fdflags_t, void *);
typedef wasi_errno_t (*sock_recv_t)(wasm_exec_env_t, wasi_fd_t, void *, uint32,
                                    wasi_riflags_t, void *, void *);
typedef wasi_errno_t (*sock_send_t)(wasm_exec_env_t, wasi_fd_t, void *, uint32,
                                    wasi_siflags_t, void *);
typedef wasi_errno_t (*sock_shutdown_t)(wasm_exec_env_t, wasi_fd_t, wasi_sdflags_t);

/* 0 when `fd` is an open socket, else the errno the socket call must return. Checked before
   rights, so that a file answers ENOTSOCK rather than ENOTCAPABLE. */
static wasi_errno_t
require_socket(wasm_exec_env_t exec_env, uint32 fd)
{
    WASIContext *context =
        wasm_runtime_get_wasi_ctx(wasm_runtime_get_module_inst(exec_env));
    __wasi_fdstat_t status;
    wasi_errno_t error;
    if (!context)
        return __WASI_EINVAL;
    error = wasmtime_ssp_fd_fdstat_get(exec_env, context->curfds, fd, &status);
    if (error)
        return error;
    if (status.fs_filetype != __WASI_FILETYPE_SOCKET_STREAM
        && status.fs_filetype != __WASI_FILETYPE_SOCKET_DGRAM)
        return __WASI_ENOTSOCK;
    return 0;
}

static wasi_errno_t
guard_sock_accept(wasm_exec_env_t exec_env, uint32 fd, uint32 flags, uint32 accepted)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *out = region(&memory, accepted, SIZE_U32);
    wasi_errno_t error;
    if (!out)
        return __WASI_EFAULT;
    if ((error = require_socket(exec_env, fd)))
        return error;
    return ORIGINAL(sock_accept_t)(exec_env, fd, (wasi_fdflags_t)flags, out);
}

static wasi_errno_t
guard_sock_recv(wasm_exec_env_t exec_env, uint32 fd, uint32 iovs, uint32 count, uint32 flags,
                uint32 received, uint32 out_flags)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *vectors = iovec_array(&memory, iovs, count);
    void *received_out = region(&memory, received, SIZE_U32);
    void *flags_out = region(&memory, out_flags, SIZE_U16);
    wasi_errno_t error;
    if (!vectors || !received_out || !flags_out)
        return __WASI_EFAULT;
    if ((error = require_socket(exec_env, fd)))
        return error;
    return ORIGINAL(sock_recv_t)(exec_env, fd, vectors, count, (wasi_riflags_t)flags,
                                 received_out, flags_out);
}

static wasi_errno_t
guard_sock_send(wasm_exec_env_t exec_env, uint32 fd, uint32 iovs, uint32 count, uint32 flags,
                uint32 sent)
{
    guest_memory_t memory = guest_memory(exec_env);
    void *vectors = iovec_array(&memory, iovs, count);
    void *sent_out = region(&memory, sent, SIZE_U32);
    wasi_errno_t error;
    if (!vectors || !sent_out)
        return __WASI_EFAULT;
    if ((error = require_socket(exec_env, fd)))
        return error;
    return ORIGINAL(sock_send_t)(exec_env, fd, vectors, count, (wasi_siflags_t)flags,
                                 sent_out);
}

static wasi_errno_t
guard_sock_shutdown(wasm_exec_env_t exec_env, uint32 fd, uint32 how)
{
    wasi_errno_t error;
    if ((error = require_socket(exec_env, fd)))
        return error;
    return ORIGINAL(sock_shutdown_t)(exec_env, fd, (wasi_sdflags_t)how);
}

/* ---- registration ---- */

#define GUARD(name, function, signature) { name, (void *)function, signature, NULL }

/* WAMR sorts this array in place and keeps pointing at it. */
static NativeSymbol guards[] = {
    GUARD("args_get", guard_args_get, "(ii)i"),
    GUARD("args_sizes_get", guard_sizes_get, "(ii)i"),
    GUARD("environ_get", guard_environ_get, "(ii)i"),
    GUARD("environ_sizes_get", guard_sizes_get, "(ii)i"),
    GUARD("clock_res_get", guard_clock_res_get, "(ii)i"),
    GUARD("clock_time_get", guard_clock_time_get, "(iIi)i"),
    GUARD("random_get", guard_random_get, "(ii)i"),
    GUARD("fd_prestat_get", guard_fd_prestat_get, "(ii)i"),
    GUARD("fd_prestat_dir_name", guard_fd_prestat_dir_name, "(iii)i"),
    GUARD("fd_tell", guard_fd_tell, "(ii)i"),
    GUARD("fd_fdstat_get", guard_fd_fdstat_get, "(ii)i"),
    GUARD("fd_filestat_get", guard_fd_filestat_get, "(ii)i"),
    GUARD("fd_read", guard_fd_io, "(iiii)i"),
    GUARD("fd_write", guard_fd_io, "(iiii)i"),
    GUARD("fd_pread", guard_fd_pio, "(iiiIi)i"),
    GUARD("fd_pwrite", guard_fd_pio, "(iiiIi)i"),
    GUARD("fd_seek", guard_fd_seek, "(iIii)i"),
    GUARD("fd_readdir", guard_fd_readdir, "(iiiIi)i"),
    GUARD("path_create_directory", guard_fd_path, "(iii)i"),
    GUARD("path_unlink_file", guard_fd_path, "(iii)i"),
    GUARD("path_remove_directory", guard_fd_path, "(iii)i"),
    GUARD("path_rename", guard_path_rename, "(iiiiii)i"),
    GUARD("path_link", guard_path_link, "(iiiiiii)i"),
    GUARD("path_symlink", guard_path_symlink, "(iiiii)i"),
    GUARD("path_open", guard_path_open, "(iiiiiIIii)i"),
    GUARD("path_readlink", guard_path_readlink, "(iiiiii)i"),
    GUARD("path_filestat_get", guard_path_filestat_get, "(iiiii)i"),
    GUARD("path_filestat_set_times", guard_path_filestat_set_times, "(iiiiIIi)i"),
    GUARD("poll_oneoff", guard_poll_oneoff, "(iiii)i"),
    GUARD("proc_raise", guard_proc_raise, "(i)i"),
    GUARD("sock_accept", guard_sock_accept, "(iii)i"),
    GUARD("sock_recv", guard_sock_recv, "(iiiiii)i"),
    GUARD("sock_send", guard_sock_send, "(iiiii)i"),
    GUARD("sock_shutdown", guard_sock_shutdown, "(ii)i"),
};

uint32
get_libc_wasi_export_apis(NativeSymbol **p_libc_wasi_apis);

static bool
answers_alone(void *guard)
{
    return guard == (void *)guard_proc_raise || guard == (void *)guard_args_get
           || guard == (void *)guard_environ_get;
}

/*
 * Registers the guards in front of WAMR's libc-wasi natives (WAMR resolves an import against
 * the most recently registered list first). Call after wasm_runtime_full_init, before loading
 * a module. Returns false when WAMR's table lacks a function the guard expects, which would
 * mean a WAMR version this layer was not written for.
 */
bool
xila_wasi_guard_install(void)
{
    NativeSymbol *wamr_symbols = NULL;
    uint32 wamr_count = get_libc_wasi_export_apis(&wamr_symbols);
    uint32 i, j;

    for (i = 0; i < sizeof(guards) / sizeof(guards[0]); i++) {
        guards[i].attachment = NULL;
        for (j = 0; j < wamr_count; j++) {
            if (strcmp(guards[i].symbol, wamr_symbols[j].symbol) == 0) {
                guards[i].attachment = wamr_symbols[j].func_ptr;
                break;
            }
        }
        /* Some guards answer by themselves; the rest need WAMR's wrapper behind them. */
        if (!guards[i].attachment && !answers_alone(guards[i].func_ptr))
            return false;
    }
    return wasm_runtime_register_natives("wasi_snapshot_preview1", guards,
                                         sizeof(guards) / sizeof(guards[0]));
}
