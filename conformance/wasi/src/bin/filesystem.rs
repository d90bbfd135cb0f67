//! Files and directories on the preopened root: every fd_* and path_* call, success first,
//! then the error paths the specification names.
#[path = "../wasi.rs"]
mod wasi;
use wasi::*;

fn files() {
    // fd_prestat_get / fd_prestat_dir_name: the root preopen is "/".
    let mut pre = [0u8; 8];
    check("fd_prestat_get(3)", unsafe { fd_prestat_get(ROOT, pre.as_mut_ptr()) }, SUCCESS);
    check_eq("prestat tag", pre[0], 0);
    let len = u32_at(&pre, 4) as usize;
    let mut name = vec![0u8; len];
    check("fd_prestat_dir_name", unsafe { fd_prestat_dir_name(ROOT, name.as_mut_ptr(), len) }, SUCCESS);
    check_eq("preopen name", name.as_slice(), b"/".as_slice());
    check("fd_prestat_get(1)", unsafe { fd_prestat_get(1, pre.as_mut_ptr()) }, EBADF);
    check("fd_prestat_get(99)", unsafe { fd_prestat_get(99, pre.as_mut_ptr()) }, EBADF);
    check("fd_prestat_dir_name short", unsafe { fd_prestat_dir_name(ROOT, name.as_mut_ptr(), 0) }, EINVAL);

    // path_open + fd_write + fd_read + fd_seek + fd_tell.
    let fd = open(ROOT, "f.cleanup", O_CREAT | O_EXCL, RIGHTS_ALL, 0).unwrap();
    check_eq("fd_write", write(fd, b"hello world"), Ok(11));
    let mut pos = 0u64;
    check("fd_tell", unsafe { fd_tell(fd, &mut pos) }, SUCCESS);
    check_eq("tell after write", pos, 11);
    check("fd_seek set", unsafe { fd_seek(fd, 6, 0, &mut pos) }, SUCCESS);
    check_eq("fd_read", read(fd, 100), Ok(b"world".to_vec()));
    check("fd_seek end", unsafe { fd_seek(fd, -5, 2, &mut pos) }, SUCCESS);
    check_eq("seek end", pos, 6);
    check("fd_seek cur", unsafe { fd_seek(fd, -1, 1, &mut pos) }, SUCCESS);
    check_eq("seek cur", pos, 5);
    check("fd_seek negative", unsafe { fd_seek(fd, -100, 1, &mut pos) }, EINVAL);
    check("fd_seek bad whence", unsafe { fd_seek(fd, 0, 7, &mut pos) }, EINVAL);
    check("fd_seek stdout", unsafe { fd_seek(1, 0, 0, &mut pos) }, ESPIPE);
    check_eq("path_open O_EXCL existing", errno_of(open(ROOT, "f.cleanup", O_CREAT | O_EXCL, RIGHTS_ALL, 0)), EEXIST);
    check_eq("path_open missing", errno_of(open(ROOT, "missing", 0, RIGHTS_ALL, 0)), ENOENT);
    check_eq("path_open file as dir", errno_of(open(ROOT, "f.cleanup", O_DIRECTORY, 0, 0)), ENOTDIR);
    check_eq("path_open dir for write", errno_of(open(ROOT, ".", 0, RIGHT_FD_WRITE, 0)), EISDIR);

    // fd_pread / fd_pwrite leave the offset alone.
    let mut buf = [0u8; 5];
    let iov = [buf.as_mut_ptr() as u32, 5];
    let mut n = 0;
    check("fd_pread", unsafe { fd_pread(fd, iov.as_ptr(), 1, 0, &mut n) }, SUCCESS);
    check_eq("pread data", (&buf[..n as usize], n), (&b"hello"[..], 5));
    let data = b"HELLO";
    let iov = [data.as_ptr() as u32, 5];
    check("fd_pwrite", unsafe { fd_pwrite(fd, iov.as_ptr(), 1, 0, &mut n) }, SUCCESS);
    check("fd_tell", unsafe { fd_tell(fd, &mut pos) }, SUCCESS);
    check_eq("offset after pread/pwrite", pos, 5);
    check("fd_pread stdin", unsafe { fd_pread(0, iov.as_ptr(), 1, 0, &mut n) }, ESPIPE);

    // fd_filestat_get / set_size / set_times, fd_allocate, fd_advise, fd_sync, fd_datasync.
    let st = fstat(fd).unwrap();
    check_eq("filestat type/size/nlink", (st[16], u64_at(&st, 32), u64_at(&st, 24)), (FILETYPE_REGULAR_FILE, 11, 1));
    check_eq("mtime from the realtime clock", u64_at(&st, 48) >= 1_700_000_000_000_000_000, true);
    check("fd_filestat_set_size", unsafe { fd_filestat_set_size(fd, 3) }, SUCCESS);
    check_eq("size after truncate", u64_at(&fstat(fd).unwrap(), 32), 3);
    check("fd_allocate", unsafe { fd_allocate(fd, 0, 100) }, SUCCESS);
    check_eq("size after allocate", u64_at(&fstat(fd).unwrap(), 32), 100);
    check("fd_filestat_set_times", unsafe { fd_filestat_set_times(fd, 11, 22, 1 | 4) }, SUCCESS);
    let st = fstat(fd).unwrap();
    check_eq("times", (u64_at(&st, 40), u64_at(&st, 48)), (11, 22));
    check("fd_filestat_set_times ATIM|ATIM_NOW", unsafe { fd_filestat_set_times(fd, 0, 0, 1 | 2) }, EINVAL);
    check("fd_advise", unsafe { fd_advise(fd, 0, 10, 1) }, SUCCESS);
    check("fd_advise bad advice", unsafe { fd_advise(fd, 0, 10, 9) }, EINVAL);
    check("fd_advise dir", unsafe { fd_advise(ROOT, 0, 10, 0) }, EBADF);
    check("fd_sync", unsafe { fd_sync(fd) }, SUCCESS);
    check("fd_datasync", unsafe { fd_datasync(fd) }, SUCCESS);
    check("fd_sync closed", unsafe { fd_sync(77) }, EBADF);
    check("fd_datasync closed", unsafe { fd_datasync(77) }, EBADF);

    // fd_fdstat_get / set_flags (APPEND) / set_rights.
    let fs = fdstat(fd).unwrap();
    check_eq("fdstat type/flags", (fs[0], u16_at(&fs, 2)), (FILETYPE_REGULAR_FILE, 0));
    check("fd_fdstat_set_flags", unsafe { fd_fdstat_set_flags(fd, FDFLAG_APPEND | FDFLAG_NONBLOCK) }, SUCCESS);
    check_eq("fdstat flags", u16_at(&fdstat(fd).unwrap(), 2), FDFLAG_APPEND | FDFLAG_NONBLOCK);
    check("fd_seek 0", unsafe { fd_seek(fd, 0, 0, &mut pos) }, SUCCESS);
    check_eq("append write", write(fd, b"!"), Ok(1));
    check_eq("append lands at the end", u64_at(&fstat(fd).unwrap(), 32), 101);
    check("fd_fdstat_set_rights drop write", unsafe { fd_fdstat_set_rights(fd, RIGHT_FD_READ | RIGHT_FD_SEEK, 0) }, SUCCESS);
    check_eq("write without the right", write(fd, b"x"), Err(ENOTCAPABLE));
    check("fd_fdstat_set_rights widen", unsafe { fd_fdstat_set_rights(fd, RIGHTS_ALL, 0) }, ENOTCAPABLE);
    check("fd_fdstat_get closed", fdstat(42).err().unwrap_or(0), EBADF);

    // fd_renumber, fd_close.
    let other = open(ROOT, "g.cleanup", O_CREAT, RIGHTS_ALL, 0).unwrap();
    check("fd_renumber", unsafe { fd_renumber(other, fd) }, SUCCESS);
    check_eq("renumbered fd is g", u64_at(&fstat(fd).unwrap(), 32), 0);
    check_eq("old fd closed", errno_of(fstat(other)), EBADF);
    check("fd_renumber bad", unsafe { fd_renumber(55, fd) }, EBADF);
    check("fd_renumber to bad", unsafe { fd_renumber(fd, 55) }, EBADF);
    check("fd_close", unsafe { fd_close(fd) }, SUCCESS);
    check("fd_close twice", unsafe { fd_close(fd) }, EBADF);
    check_eq("fd_read closed", errno_of(read(fd, 1)), EBADF);
    check_eq("fd_write closed", errno_of(write(fd, b"x")), EBADF);

    // O_TRUNC, read-only opens.
    let ro = open(ROOT, "f.cleanup", 0, RIGHT_FD_READ, 0).unwrap();
    check_eq("write on read-only", write(ro, b"x"), Err(ENOTCAPABLE));
    check("fd_close ro", unsafe { fd_close(ro) }, SUCCESS);
    let t = open(ROOT, "f.cleanup", O_TRUNC, RIGHTS_ALL, 0).unwrap();
    check_eq("O_TRUNC empties", u64_at(&fstat(t).unwrap(), 32), 0);
    check("fd_close t", unsafe { fd_close(t) }, SUCCESS);
    // The directory's rights govern O_TRUNC, not the new descriptor's: no rights at all still
    // truncate.
    create(ROOT, "f.cleanup", b"again");
    let t = open(ROOT, "f.cleanup", O_TRUNC, 0, 0).unwrap();
    check("fd_close t, no rights", unsafe { fd_close(t) }, SUCCESS);
    let ro = open(ROOT, "f.cleanup", 0, RIGHTS_ALL, 0).unwrap();
    check_eq("O_TRUNC without rights empties", u64_at(&fstat(ro).unwrap(), 32), 0);
    check("fd_close ro again", unsafe { fd_close(ro) }, SUCCESS);
}

fn directories() {
    check("path_create_directory", mkdir(ROOT, "d.cleanup"), SUCCESS);
    check("path_create_directory again", mkdir(ROOT, "d.cleanup"), EEXIST);
    check("path_create_directory missing parent", mkdir(ROOT, "nope/x"), ENOENT);
    create(ROOT, "d.cleanup/a", b"A");
    create(ROOT, "d.cleanup/b", b"BB");
    check("path_create_directory in file", mkdir(ROOT, "d.cleanup/a/x"), ENOTDIR);
    let st = filestat_at(ROOT, 0, "d.cleanup").unwrap();
    check_eq("dir filestat", st[16], FILETYPE_DIRECTORY);
    check_eq("path_filestat_get missing", errno_of(filestat_at(ROOT, 0, "d.cleanup/zz")), ENOENT);
    check("path_filestat_set_times", unsafe {
        path_filestat_set_times(ROOT, 0, "d.cleanup/a".as_ptr(), 11, 5, 6, 1 | 4)
    }, SUCCESS);
    let st = filestat_at(ROOT, 0, "d.cleanup/a").unwrap();
    check_eq("path times", (u64_at(&st, 40), u64_at(&st, 48), u64_at(&st, 32)), (5, 6, 1));
    check("path_filestat_set_times missing", unsafe {
        path_filestat_set_times(ROOT, 0, "d.cleanup/q".as_ptr(), 11, 5, 6, 1)
    }, ENOENT);

    // fd_readdir with cookies.
    let dir = open(ROOT, "d.cleanup", O_DIRECTORY, RIGHTS_DIR, 0).unwrap();
    let mut buf = [0u8; 512];
    let mut used = 0;
    check("fd_readdir", unsafe { fd_readdir(dir, buf.as_mut_ptr(), buf.len(), 0, &mut used) }, SUCCESS);
    let mut names = Vec::new();
    let mut cookies = Vec::new();
    let mut at = 0usize;
    while at + 24 <= used as usize {
        let namlen = u32_at(&buf, at + 16) as usize;
        names.push(String::from_utf8_lossy(&buf[at + 24..at + 24 + namlen]).into_owned());
        cookies.push(u64_at(&buf, at));
        at += 24 + namlen;
    }
    check_eq("readdir names", names.join(" "), ". .. a b".to_string());
    check("fd_readdir from cookie", unsafe { fd_readdir(dir, buf.as_mut_ptr(), buf.len(), cookies[2], &mut used) }, SUCCESS);
    check_eq("resumed at b", (used, &buf[24..25]), (25, &b"b"[..]));
    check("fd_readdir small buffer", unsafe { fd_readdir(dir, buf.as_mut_ptr(), 10, 0, &mut used) }, SUCCESS);
    check_eq("small buffer filled", used, 10);
    check("fd_readdir on a file", {
        let f = open(ROOT, "d.cleanup/a", 0, RIGHTS_ALL, 0).unwrap();
        let e = unsafe { fd_readdir(f, buf.as_mut_ptr(), buf.len(), 0, &mut used) };
        unsafe { fd_close(f) };
        e
    }, ENOTCAPABLE);
    check("fd_readdir closed", unsafe { fd_readdir(88, buf.as_mut_ptr(), buf.len(), 0, &mut used) }, EBADF);
    check("fd_close dir", unsafe { fd_close(dir) }, SUCCESS);

    // path_rename.
    check("path_rename", rename(ROOT, "d.cleanup/a", ROOT, "d.cleanup/c"), SUCCESS);
    check_eq("renamed away", errno_of(filestat_at(ROOT, 0, "d.cleanup/a")), ENOENT);
    check("path_rename over file", rename(ROOT, "d.cleanup/c", ROOT, "d.cleanup/b"), SUCCESS);
    check_eq("replaced", u64_at(&filestat_at(ROOT, 0, "d.cleanup/b").unwrap(), 32), 1);
    check("path_rename missing", rename(ROOT, "d.cleanup/zz", ROOT, "x"), ENOENT);
    check("mkdir e", mkdir(ROOT, "e.cleanup"), SUCCESS);
    check("path_rename file over dir", rename(ROOT, "d.cleanup/b", ROOT, "e.cleanup"), EISDIR);
    check("path_rename dir over file", rename(ROOT, "e.cleanup", ROOT, "d.cleanup/b"), ENOTDIR);
    check("path_rename dir into itself", rename(ROOT, "d.cleanup", ROOT, "d.cleanup/sub"), EINVAL);
    check("path_rename dir over non-empty dir", rename(ROOT, "e.cleanup", ROOT, "d.cleanup"), ENOTEMPTY);
    check("path_rename dir", rename(ROOT, "e.cleanup", ROOT, "d.cleanup/e"), SUCCESS);

    // path_remove_directory, path_unlink_file.
    check("path_remove_directory non-empty", rmdir(ROOT, "d.cleanup"), ENOTEMPTY);
    check("path_remove_directory file", rmdir(ROOT, "d.cleanup/b"), ENOTDIR);
    check("path_remove_directory missing", rmdir(ROOT, "d.cleanup/zz"), ENOENT);
    check("path_unlink_file dir", unlink(ROOT, "d.cleanup/e"), EISDIR);
    check("path_unlink_file missing", unlink(ROOT, "d.cleanup/zz"), ENOENT);
    check("path_unlink_file trailing slash", unlink(ROOT, "d.cleanup/b/"), ENOTDIR);
    check("path_remove_directory", rmdir(ROOT, "d.cleanup/e"), SUCCESS);
    check("path_unlink_file", unlink(ROOT, "d.cleanup/b"), SUCCESS);
    check("path_remove_directory emptied", rmdir(ROOT, "d.cleanup"), SUCCESS);
}

fn links() {
    create(ROOT, "t.cleanup", b"target");
    // path_link: a second name, nlink 2.
    check("path_link", link(ROOT, 0, "t.cleanup", ROOT, "h.cleanup"), SUCCESS);
    check_eq("nlink", u64_at(&filestat_at(ROOT, 0, "t.cleanup").unwrap(), 24), 2);
    check_eq("same inode", u64_at(&filestat_at(ROOT, 0, "t.cleanup").unwrap(), 8), u64_at(&filestat_at(ROOT, 0, "h.cleanup").unwrap(), 8));
    check("path_link existing", link(ROOT, 0, "t.cleanup", ROOT, "h.cleanup"), EEXIST);
    check("path_link missing", link(ROOT, 0, "zz", ROOT, "y.cleanup"), ENOENT);
    check("mkdir", mkdir(ROOT, "dl.cleanup"), SUCCESS);
    check("path_link dir", link(ROOT, 0, "dl.cleanup", ROOT, "dl2.cleanup"), EPERM);
    check("unlink h", unlink(ROOT, "h.cleanup"), SUCCESS);
    check_eq("nlink after unlink", u64_at(&filestat_at(ROOT, 0, "t.cleanup").unwrap(), 24), 1);

    // path_symlink, path_readlink, following and O_NOFOLLOW.
    check("path_symlink", symlink("t.cleanup", ROOT, "s.cleanup"), SUCCESS);
    check("path_symlink existing", symlink("x", ROOT, "s.cleanup"), EEXIST);
    check_eq("path_readlink", readlink(ROOT, "s.cleanup"), Ok(b"t.cleanup".to_vec()));
    check_eq("path_readlink not a link", errno_of(readlink(ROOT, "t.cleanup")), EINVAL);
    check_eq("path_readlink missing", errno_of(readlink(ROOT, "zz")), ENOENT);
    let mut small = [0u8; 3];
    let mut used = 0;
    check("path_readlink short buffer", unsafe {
        path_readlink(ROOT, "s.cleanup".as_ptr(), 9, small.as_mut_ptr(), 3, &mut used)
    }, SUCCESS);
    check_eq("truncated", (used, &small[..]), (3, &b"t.c"[..]));
    check_eq("lstat", filestat_at(ROOT, 0, "s.cleanup").unwrap()[16], FILETYPE_SYMBOLIC_LINK);
    check_eq("stat follows", filestat_at(ROOT, LOOKUP_FOLLOW, "s.cleanup").unwrap()[16], FILETYPE_REGULAR_FILE);
    let fd = open_follow(ROOT, "s.cleanup", 0, RIGHTS_ALL).unwrap();
    check_eq("read through symlink", read(fd, 100), Ok(b"target".to_vec()));
    unsafe { fd_close(fd) };
    check_eq("O_NOFOLLOW on a symlink", errno_of(open(ROOT, "s.cleanup", 0, RIGHTS_ALL, 0)), ELOOP);
    // Dangling symlinks and loops.
    check("dangling", symlink("nowhere.cleanup", ROOT, "dang.cleanup"), SUCCESS);
    check_eq("stat dangling (nofollow)", filestat_at(ROOT, 0, "dang.cleanup").unwrap()[16], FILETYPE_SYMBOLIC_LINK);
    check_eq("stat dangling (follow)", errno_of(filestat_at(ROOT, LOOKUP_FOLLOW, "dang.cleanup")), ENOENT);
    check("loop a", symlink("loopb.cleanup", ROOT, "loopa.cleanup"), SUCCESS);
    check("loop b", symlink("loopa.cleanup", ROOT, "loopb.cleanup"), SUCCESS);
    check_eq("loop", errno_of(open_follow(ROOT, "loopa.cleanup", 0, RIGHTS_ALL)), ELOOP);
    check_eq("loop in the middle", errno_of(filestat_at(ROOT, 0, "loopa.cleanup/x")), ELOOP);
    // path_link through a symlink with follow links the target.
    check("path_link follow", link(ROOT, LOOKUP_FOLLOW, "s.cleanup", ROOT, "h2.cleanup"), SUCCESS);
    check_eq("linked the target", filestat_at(ROOT, 0, "h2.cleanup").unwrap()[16], FILETYPE_REGULAR_FILE);
    check("unlink symlink", unlink(ROOT, "s.cleanup"), SUCCESS);
    check_eq("target stays", filestat_at(ROOT, 0, "t.cleanup").unwrap()[16], FILETYPE_REGULAR_FILE);
}

fn main() {
    // The root directory the spec names arrives packed in the image, contents and all.
    let packed = open(ROOT, "packed.txt", 0, RIGHT_FD_READ, 0).unwrap();
    check_eq("packed file", read(packed, 100), Ok(b"packed by the harness\n".to_vec()));
    check("fd_close packed", unsafe { fd_close(packed) }, SUCCESS);
    files();
    directories();
    links();
    // A file left for the harness to read back from the image.
    create(ROOT, "written.txt", b"written by the guest\n");
    println!("filesystem ok");
}
