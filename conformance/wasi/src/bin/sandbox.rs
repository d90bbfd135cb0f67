//! A guest cannot leave its preopen or reach what it never opened: `..` above the root,
//! absolute paths, symlinks pointing outside, closed and never-opened fds, invalid flags and
//! over-long paths each get their errno, and the run goes on.
#[path = "../wasi.rs"]
mod wasi;
use wasi::*;

fn main() {
    check("mkdir", mkdir(ROOT, "sb.cleanup"), SUCCESS);
    create(ROOT, "sb.cleanup/inside", b"in");
    let sub = open(ROOT, "sb.cleanup", O_DIRECTORY, RIGHTS_DIR, 0).unwrap();

    // `..` beyond the root, from the preopen and from a subdirectory fd.
    check_eq("open ..", errno_of(open(ROOT, "..", O_DIRECTORY, RIGHTS_DIR, 0)), ENOTCAPABLE);
    check_eq("open ../x", errno_of(open(ROOT, "../etc/passwd", 0, RIGHTS_ALL, 0)), ENOTCAPABLE);
    check_eq("open a/../../x", errno_of(open(ROOT, "sb.cleanup/../../x", 0, RIGHTS_ALL, 0)), ENOTCAPABLE);
    check_eq("sub fd ..", errno_of(open(sub, "../sb.cleanup/inside", 0, RIGHTS_ALL, 0)), ENOTCAPABLE);
    check_eq("a/.. stays inside", errno_of(filestat_at(ROOT, 0, "sb.cleanup/../sb.cleanup/inside")), SUCCESS);
    check("mkdir ..", mkdir(ROOT, "../x"), ENOTCAPABLE);

    // Absolute paths.
    check_eq("open /etc/passwd", errno_of(open(ROOT, "/etc/passwd", 0, RIGHTS_ALL, 0)), ENOTCAPABLE);
    check_eq("stat /", errno_of(filestat_at(ROOT, 0, "/")), ENOTCAPABLE);
    check("unlink /x", unlink(ROOT, "/x"), ENOTCAPABLE);

    // Symlinks pointing outside: relative and absolute, in the middle and at the end.
    check("symlink up", symlink("../..", ROOT, "sb.cleanup/up"), SUCCESS);
    // An absolute target names nothing in a sandbox: refused when the link is made (EPERM, as
    // uvwasi and WASI's path-resolution rules have it), and nothing is left behind.
    check("symlink abs", symlink("/etc", ROOT, "sb.cleanup/abs"), EPERM);
    check_eq("no abs link", errno_of(filestat_at(ROOT, 0, "sb.cleanup/abs")), ENOENT);
    check_eq("follow up", errno_of(open_follow(ROOT, "sb.cleanup/up", O_DIRECTORY, RIGHTS_DIR)), ENOTCAPABLE);
    check_eq("through up", errno_of(filestat_at(ROOT, 0, "sb.cleanup/up/x")), ENOTCAPABLE);
    check_eq("create through up", errno_of(open_follow(ROOT, "sb.cleanup/up/new", O_CREAT, RIGHTS_ALL)), ENOTCAPABLE);
    check_eq("readlink of an outside link is fine", readlink(ROOT, "sb.cleanup/up"), Ok(b"../..".to_vec()));

    // Fds that were never opened or were closed.
    for fd in [4u32, 99, 0xffff_ffff] {
        check_eq("read bad fd", errno_of(read(fd, 1)), EBADF);
        check_eq("open in bad fd", errno_of(open(fd, "x", 0, RIGHTS_ALL, 0)), EBADF);
        check("close bad fd", unsafe { fd_close(fd) }, EBADF);
    }
    check("close sub", unsafe { fd_close(sub) }, SUCCESS);
    check_eq("use closed", errno_of(open(sub, "inside", 0, RIGHTS_ALL, 0)), EBADF);
    check("path ops on a file fd", {
        let f = open(ROOT, "sb.cleanup/inside", 0, RIGHTS_ALL, 0).unwrap();
        let e = mkdir(f, "x");
        unsafe { fd_close(f) };
        e
    }, ENOTCAPABLE);
    check("path ops on stdout", mkdir(1, "x"), ENOTDIR);

    // Invalid flags and whences; over-long paths and names.
    let mut pos = 0;
    check("fd_seek whence 3", unsafe { fd_seek(ROOT, 0, 3, &mut pos) }, ENOTCAPABLE);
    check("fd_fdstat_set_flags unknown", unsafe { fd_fdstat_set_flags(1, 0x100) }, EINVAL);
    check("fd_filestat_set_times bad", unsafe { fd_filestat_set_times(ROOT, 0, 0, 0x10) }, EINVAL);
    let long_name = "n".repeat(300);
    check_eq("long name", errno_of(open(ROOT, &long_name, O_CREAT, RIGHTS_ALL, 0)), ENAMETOOLONG);
    // libc-wasi walks a path one component at a time, so a long path of missing directories
    // fails at its first component.
    let long_path = "a/".repeat(3000);
    check_eq("long path", errno_of(filestat_at(ROOT, 0, &long_path)), ENOENT);
    check_eq("empty path", errno_of(open(ROOT, "", 0, RIGHTS_ALL, 0)), ENOENT);

    check_eq("the preopen is still fine", filestat_at(ROOT, 0, "sb.cleanup/inside").map(|s| s[16]), Ok(FILETYPE_REGULAR_FILE));
    println!("sandbox ok");
}
