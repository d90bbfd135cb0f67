use super::*;
use std::vec;

static mut NOW: u64 = 1000;
fn clock() -> u64 {
    // SAFETY: tests in this module only read it.
    unsafe { NOW }
}

fn fs_with_root() -> (Fs, usize) {
    let mut fs = Fs::new(clock);
    let root = fs.open_dir_from_root(b"").unwrap();
    (fs, root)
}

const RW: u8 = access::READ_WRITE;

fn create(fs: &mut Fs, root: usize, path: &[u8], data: &[u8]) {
    let h = fs.openat(root, path, oflags::CREAT, 0, false, RW).unwrap();
    assert_eq!(fs.write(h, &[data]).unwrap(), data.len());
    fs.close(h).unwrap();
}

fn read_all(fs: &mut Fs, root: usize, path: &[u8]) -> Vec<u8> {
    let h = fs.openat(root, path, 0, 0, true, access::READ_ONLY).unwrap();
    let mut buf = vec![0u8; 1000];
    let n = fs.read(h, &mut [&mut buf[..]]).unwrap();
    fs.close(h).unwrap();
    buf.truncate(n);
    buf
}

#[test]
fn files_are_created_written_read_and_stat() {
    let (mut fs, root) = fs_with_root();
    create(&mut fs, root, b"a.txt", b"hello");
    assert_eq!(read_all(&mut fs, root, b"a.txt"), b"hello");
    let st = fs.statat(root, b"a.txt", false).unwrap();
    assert_eq!((st.filetype, st.size, st.nlink, st.mtim), (filetype::REGULAR_FILE, 5, 1, 1000));
    assert_eq!(fs.openat(root, b"a.txt", oflags::CREAT | oflags::EXCL, 0, false, RW), Err(errno::EXIST));
    assert_eq!(fs.openat(root, b"nope", 0, 0, false, RW), Err(errno::NOENT));
    assert_eq!(fs.openat(root, b"a.txt", oflags::DIRECTORY, 0, false, 0), Err(errno::NOTDIR));
    assert_eq!(fs.openat(root, b"a.txt/", 0, 0, false, 0), Err(errno::NOTDIR));
}

#[test]
fn seek_pread_pwrite_append_truncate_allocate() {
    let (mut fs, root) = fs_with_root();
    let h = fs.openat(root, b"f", oflags::CREAT, 0, false, RW).unwrap();
    fs.write(h, &[b"0123", b"456789"]).unwrap();
    assert_eq!(fs.seek(h, -3, whence::END).unwrap(), 7);
    let mut buf = [0u8; 8];
    assert_eq!(fs.read(h, &mut [&mut buf[..]]).unwrap(), 3);
    assert_eq!(&buf[..3], b"789");
    assert_eq!(fs.seek(h, -100, whence::CUR), Err(errno::INVAL));
    assert_eq!(fs.seek(h, 0, 9), Err(errno::INVAL));
    assert_eq!(fs.pread(h, &mut [&mut buf[..2]], 1).unwrap(), 2);
    assert_eq!(&buf[..2], b"12");
    fs.pwrite(h, &[b"xy"], 12).unwrap();
    assert_eq!(fs.fstat(h).unwrap().size, 14);
    fs.set_fdflags(h, fdflags::APPEND).unwrap();
    fs.seek(h, 0, whence::SET).unwrap();
    fs.write(h, &[b"!"]).unwrap();
    assert_eq!(fs.seek(h, 0, whence::CUR).unwrap(), 15);
    fs.truncate(h, 3).unwrap();
    assert_eq!(fs.fstat(h).unwrap().size, 3);
    fs.allocate(h, 10, 10).unwrap();
    assert_eq!(fs.fstat(h).unwrap().size, 20);
    fs.allocate(h, 0, 5).unwrap();
    assert_eq!(fs.fstat(h).unwrap().size, 20);
    let ro = fs.openat(root, b"f", 0, 0, false, access::READ_ONLY).unwrap();
    assert_eq!(fs.write(ro, &[b"x"]), Err(errno::BADF));
    assert_eq!(fs.truncate(ro, 0), Err(errno::INVAL));
}

#[test]
fn directories_readdir_cookies_rmdir() {
    let (mut fs, root) = fs_with_root();
    fs.mkdirat(root, b"d").unwrap();
    assert_eq!(fs.mkdirat(root, b"d"), Err(errno::EXIST));
    create(&mut fs, root, b"d/one", b"1");
    create(&mut fs, root, b"d/two", b"22");
    assert_eq!(fs.unlinkat(root, b"d", true), Err(errno::NOTEMPTY));
    assert_eq!(fs.unlinkat(root, b"d", false), Err(errno::ISDIR));
    let d = fs.openat(root, b"d", oflags::DIRECTORY, 0, false, 0).unwrap();
    fs.opendir(d).unwrap();
    let mut names = vec![];
    let mut cookies = vec![];
    while let Some(item) = fs.readdir(d).unwrap() {
        names.push(std::string::String::from_utf8(fs.dir_name(d).unwrap().to_vec()).unwrap());
        cookies.push(item.next);
    }
    assert_eq!(names, [".\0", "..\0", "one\0", "two\0"]);
    // Resuming at the cookie after "one" gives "two", even after "one" is removed.
    fs.unlinkat(root, b"d/one", false).unwrap();
    fs.seekdir(d, cookies[2]).unwrap();
    fs.readdir(d).unwrap().unwrap();
    assert_eq!(fs.dir_name(d).unwrap(), b"two\0");
    assert_eq!(fs.readdir(d).unwrap(), None);
    fs.unlinkat(root, b"d/two", false).unwrap();
    fs.unlinkat(root, b"d", true).unwrap();
    assert_eq!(fs.openat(d, b"new", oflags::CREAT, 0, false, RW), Err(errno::NOENT));
    fs.close(d).unwrap();
    assert_eq!(fs.close(d), Err(errno::BADF));
}

#[test]
fn symlinks_follow_nofollow_dangling_and_loops() {
    let (mut fs, root) = fs_with_root();
    create(&mut fs, root, b"target", b"T");
    fs.symlinkat(b"target", root, b"link").unwrap();
    fs.symlinkat(b"missing", root, b"dangling").unwrap();
    fs.symlinkat(b"loop2", root, b"loop1").unwrap();
    fs.symlinkat(b"loop1", root, b"loop2").unwrap();
    // An absolute target is refused when a guest makes one (an image may still hold one).
    assert_eq!(fs.symlinkat(b"/etc/passwd", root, b"abs"), Err(errno::PERM));
    fs.symlinkat(b"../outside", root, b"up").unwrap();
    assert_eq!(read_all(&mut fs, root, b"link"), b"T");
    assert_eq!(fs.openat(root, b"link", 0, 0, false, 0), Err(errno::LOOP));
    assert_eq!(fs.statat(root, b"link", false).unwrap().filetype, filetype::SYMBOLIC_LINK);
    assert_eq!(fs.statat(root, b"link", true).unwrap().filetype, filetype::REGULAR_FILE);
    assert_eq!(fs.statat(root, b"dangling", true), Err(errno::NOENT));
    assert_eq!(fs.statat(root, b"loop1", true), Err(errno::LOOP));
    assert_eq!(fs.statat(root, b"abs", false), Err(errno::NOENT));
    assert_eq!(fs.statat(root, b"up", true), Err(errno::NOTCAPABLE));
    assert_eq!(fs.statat(root, b"../x", true), Err(errno::NOTCAPABLE));
    assert_eq!(fs.statat(root, b"/x", true), Err(errno::NOTCAPABLE));
    assert_eq!(fs.symlinkat(b"x", root, b"dangling"), Err(errno::EXIST));
    let mut buf = [0u8; 3];
    assert_eq!(fs.readlinkat(root, b"link", &mut buf).unwrap(), 3);
    assert_eq!(&buf, b"tar");
    assert_eq!(fs.readlinkat(root, b"target", &mut buf), Err(errno::INVAL));
    // Creating through a dangling symlink (following) creates its target.
    let h = fs.openat(root, b"dangling", oflags::CREAT, 0, true, RW).unwrap();
    fs.close(h).unwrap();
    assert!(fs.statat(root, b"missing", false).is_ok());
}

#[test]
fn hard_links_count_and_outlive_unlink() {
    let (mut fs, root) = fs_with_root();
    create(&mut fs, root, b"a", b"data");
    fs.linkat(root, b"a", root, b"b", false).unwrap();
    assert_eq!(fs.statat(root, b"a", false).unwrap().nlink, 2);
    assert_eq!(fs.statat(root, b"a", false).unwrap().ino, fs.statat(root, b"b", false).unwrap().ino);
    let h = fs.openat(root, b"a", 0, 0, false, RW).unwrap();
    fs.unlinkat(root, b"a", false).unwrap();
    fs.unlinkat(root, b"b", false).unwrap();
    assert_eq!(fs.fstat(h).unwrap().nlink, 0);
    let mut buf = [0u8; 4];
    assert_eq!(fs.read(h, &mut [&mut buf[..]]).unwrap(), 4);
    fs.close(h).unwrap();
    fs.mkdirat(root, b"dir").unwrap();
    assert_eq!(fs.linkat(root, b"dir", root, b"dir2", false), Err(errno::PERM));
}

#[test]
fn rename_rules() {
    let (mut fs, root) = fs_with_root();
    create(&mut fs, root, b"f", b"1");
    create(&mut fs, root, b"g", b"2");
    fs.mkdirat(root, b"d").unwrap();
    fs.mkdirat(root, b"e").unwrap();
    create(&mut fs, root, b"e/x", b"");
    fs.renameat(root, b"f", root, b"g").unwrap();
    assert_eq!(read_all(&mut fs, root, b"g"), b"1");
    assert_eq!(fs.statat(root, b"f", false), Err(errno::NOENT));
    assert_eq!(fs.renameat(root, b"g", root, b"d"), Err(errno::ISDIR));
    assert_eq!(fs.renameat(root, b"d", root, b"g"), Err(errno::NOTDIR));
    assert_eq!(fs.renameat(root, b"d", root, b"e"), Err(errno::NOTEMPTY));
    assert_eq!(fs.renameat(root, b"d", root, b"d/sub"), Err(errno::INVAL));
    fs.renameat(root, b"e", root, b"d").unwrap();
    assert_eq!(fs.statat(root, b"d/x", false).unwrap().size, 0);
    fs.renameat(root, b"g", root, b"d/g").unwrap();
    assert_eq!(read_all(&mut fs, root, b"d/g"), b"1");
}

#[test]
fn times_are_set_and_checked() {
    let (mut fs, root) = fs_with_root();
    create(&mut fs, root, b"f", b"");
    fs.utimensat(root, b"f", 5, 6, fstflags::ATIM | fstflags::MTIM, false).unwrap();
    let st = fs.statat(root, b"f", false).unwrap();
    assert_eq!((st.atim, st.mtim), (5, 6));
    assert_eq!(fs.utimensat(root, b"f", 0, 0, fstflags::ATIM | fstflags::ATIM_NOW, false), Err(errno::INVAL));
}

#[test]
fn images_mount_and_export() {
    let mut b = bench_protocol::ImageBuilder::new();
    b.push(bench_protocol::EntryKind::Directory, b"sub", b"");
    b.push(bench_protocol::EntryKind::File, b"sub/file", b"contents");
    b.push(bench_protocol::EntryKind::Symlink, b"link", b"sub/file");
    b.push(bench_protocol::EntryKind::Symlink, b"abs", b"/etc/passwd");
    let bytes = b.finish();
    let image = bench_protocol::Image::decode(&bytes).unwrap();
    let mut fs = Fs::mount(&image, clock).unwrap();
    let root = fs.open_dir_from_root(b"/").unwrap();
    assert_eq!(read_all(&mut fs, root, b"link"), b"contents");
    let sub = fs.open_dir_from_root(b"sub").unwrap();
    assert_eq!(fs.statat(sub, b"../link", false), Err(errno::NOTCAPABLE));
    // An absolute symlink from an image stays in place but leads nowhere outside.
    assert_eq!(fs.statat(root, b"abs", false).unwrap().filetype, filetype::SYMBOLIC_LINK);
    assert_eq!(fs.statat(root, b"abs", true), Err(errno::NOTCAPABLE));
    create(&mut fs, root, b"new", b"n");
    let out = fs.export();
    let image = bench_protocol::Image::decode(&out).unwrap();
    let paths: Vec<_> = image.entries().map(|e| e.path.to_vec()).collect();
    assert_eq!(paths, [b"abs".to_vec(), b"link".to_vec(), b"new".to_vec(), b"sub".to_vec(), b"sub/file".to_vec()]);
}
