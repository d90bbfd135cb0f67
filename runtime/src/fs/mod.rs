//! The in-firmware file system: a RAM file system with directories, regular files, symlinks and
//! hard links, built for WASI preview 1 through libc-wasi. `no_std` + `alloc`, single-threaded.
//!
//! - Inodes live in an arena indexed by inode number; a node is freed when it has no links and
//!   no open handle (so an unlinked open file stays readable, as on POSIX).
//! - Directory entries keep a sequence number that never changes, which is the readdir cookie:
//!   cookies 1 and 2 are `.` and `..`, entries start at 3, and removing an entry never shifts
//!   another's cookie.
//! - Path resolution never leaves the directory it starts from: absolute paths, absolute
//!   symlink targets and `..` above the start are `ENOTCAPABLE`; more than [`MAX_SYMLINKS`]
//!   expansions are `ELOOP`.
//! - Every error is a WASI errno ([`errno`]).

use alloc::collections::VecDeque;
use alloc::vec::Vec;

pub mod errno;
mod image;
#[cfg(test)]
mod tests;

pub use errno::Errno;

pub type Ino = usize;
pub type Result<T> = core::result::Result<T, Errno>;

/// Symlink expansions allowed in one resolution (Linux allows 40).
pub const MAX_SYMLINKS: u32 = 40;
/// Longest path accepted.
pub const PATH_MAX: usize = 4096;
/// Longest file name accepted.
pub const NAME_MAX: usize = 255;
/// The largest file size (bytes): a RAM file system on an MCU cannot hold more anyway.
pub const FILE_SIZE_MAX: u64 = i64::MAX as u64;

pub const ROOT: Ino = 0;

/// WASI file types.
pub mod filetype {
    pub const CHARACTER_DEVICE: u8 = 2;
    pub const DIRECTORY: u8 = 3;
    pub const REGULAR_FILE: u8 = 4;
    pub const SYMBOLIC_LINK: u8 = 7;
}

/// WASI `fdflags`.
pub mod fdflags {
    pub const APPEND: u16 = 1 << 0;
    pub const DSYNC: u16 = 1 << 1;
    pub const NONBLOCK: u16 = 1 << 2;
    pub const RSYNC: u16 = 1 << 3;
    pub const SYNC: u16 = 1 << 4;
    pub const ALL: u16 = 0x1f;
}

/// WASI `oflags`.
pub mod oflags {
    pub const CREAT: u16 = 1 << 0;
    pub const DIRECTORY: u16 = 1 << 1;
    pub const EXCL: u16 = 1 << 2;
    pub const TRUNC: u16 = 1 << 3;
}

/// WASI `fstflags`.
pub mod fstflags {
    pub const ATIM: u16 = 1 << 0;
    pub const ATIM_NOW: u16 = 1 << 1;
    pub const MTIM: u16 = 1 << 2;
    pub const MTIM_NOW: u16 = 1 << 3;
}

/// libc-wasi's access modes.
pub mod access {
    pub const READ_ONLY: u8 = 0;
    pub const WRITE_ONLY: u8 = 1;
    pub const READ_WRITE: u8 = 2;
}

pub mod whence {
    pub const SET: u8 = 0;
    pub const CUR: u8 = 1;
    pub const END: u8 = 2;
}

#[derive(Debug)]
pub(crate) enum Kind {
    File(Vec<u8>),
    Dir(Dir),
    Symlink(Vec<u8>),
}

#[derive(Debug)]
pub(crate) struct Dir {
    parent: Ino,
    entries: Vec<DirEntry>,
    next_seq: u64,
}

#[derive(Debug)]
struct DirEntry {
    name: Vec<u8>,
    ino: Ino,
    seq: u64,
}

#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    /// Directory entries naming this node (a directory has one, or 0 once removed).
    links: u64,
    open: u32,
    atim: u64,
    mtim: u64,
    ctim: u64,
}

/// `__wasi_filestat_t` without the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stat {
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

/// An open file or directory.
#[derive(Debug)]
struct Open {
    ino: Ino,
    offset: u64,
    flags: u16,
    access: u8,
    /// readdir: the cookie of the next entry to return.
    dir_pos: u64,
    /// readdir: the last name returned, NUL-terminated, for libc-wasi to copy.
    dir_name: Vec<u8>,
}

/// A directory entry as readdir returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirItem {
    pub next: u64,
    pub ino: u64,
    pub filetype: u8,
}

/// Where a path leads.
enum Found {
    /// The path names a directory without naming its entry (`.`, `..`, `a/..`).
    Dir(Ino),
    /// An entry of `parent` called `name`, which may not exist.
    Entry { parent: Ino, name: Vec<u8>, ino: Option<Ino> },
}

struct Walk {
    found: Found,
    /// The path ended with `/`: whatever it names must be a directory.
    trailing_slash: bool,
}

impl Walk {
    fn ino(&self) -> Option<Ino> {
        match &self.found {
            Found::Dir(ino) => Some(*ino),
            Found::Entry { ino, .. } => *ino,
        }
    }
}

/// The file system and its open handles.
pub struct Fs {
    nodes: Vec<Option<Node>>,
    free_nodes: Vec<Ino>,
    handles: Vec<Option<Open>>,
    clock: fn() -> u64,
}

fn is_dot(name: &[u8]) -> bool {
    name == b"." || name == b".."
}

/// Splits a path into its components and whether it ends with a slash.
fn components(path: &[u8]) -> Result<(VecDeque<Vec<u8>>, bool)> {
    if path.is_empty() {
        return Err(errno::NOENT);
    }
    if path.len() > PATH_MAX {
        return Err(errno::NAMETOOLONG);
    }
    if path.contains(&0) {
        return Err(errno::INVAL);
    }
    if path[0] == b'/' {
        return Err(errno::NOTCAPABLE);
    }
    let mut parts = VecDeque::new();
    for part in path.split(|&b| b == b'/').filter(|p| !p.is_empty()) {
        if part.len() > NAME_MAX {
            return Err(errno::NAMETOOLONG);
        }
        parts.push_back(part.to_vec());
    }
    Ok((parts, path.ends_with(b"/")))
}

impl Fs {
    /// An empty file system: a root directory only.
    pub fn new(clock: fn() -> u64) -> Fs {
        let now = clock();
        let root = Node {
            kind: Kind::Dir(Dir { parent: ROOT, entries: Vec::new(), next_seq: 3 }),
            links: 1,
            open: 0,
            atim: now,
            mtim: now,
            ctim: now,
        };
        Fs { nodes: alloc::vec![Some(root)], free_nodes: Vec::new(), handles: Vec::new(), clock }
    }

    fn now(&self) -> u64 {
        (self.clock)()
    }

    pub(crate) fn node(&self, ino: Ino) -> &Node {
        // Inode numbers come from directory entries and handles, which only hold live nodes.
        self.nodes[ino].as_ref().expect("live inode")
    }

    fn node_mut(&mut self, ino: Ino) -> &mut Node {
        self.nodes[ino].as_mut().expect("live inode")
    }

    fn dir(&self, ino: Ino) -> Result<&Dir> {
        match &self.node(ino).kind {
            Kind::Dir(dir) => Ok(dir),
            _ => Err(errno::NOTDIR),
        }
    }

    fn dir_mut(&mut self, ino: Ino) -> Result<&mut Dir> {
        match &mut self.node_mut(ino).kind {
            Kind::Dir(dir) => Ok(dir),
            _ => Err(errno::NOTDIR),
        }
    }

    fn is_dir(&self, ino: Ino) -> bool {
        matches!(self.node(ino).kind, Kind::Dir(_))
    }

    fn lookup(&self, dir: Ino, name: &[u8]) -> Result<Option<Ino>> {
        Ok(self.dir(dir)?.entries.iter().find(|e| e.name == name).map(|e| e.ino))
    }

    fn alloc_node(&mut self, kind: Kind) -> Ino {
        let now = self.now();
        let node = Node { kind, links: 0, open: 0, atim: now, mtim: now, ctim: now };
        if let Some(ino) = self.free_nodes.pop() {
            self.nodes[ino] = Some(node);
            ino
        } else {
            self.nodes.push(Some(node));
            self.nodes.len() - 1
        }
    }

    /// Frees a node nothing refers to any more.
    fn release(&mut self, ino: Ino) {
        let node = self.node(ino);
        if ino != ROOT && node.links == 0 && node.open == 0 {
            self.nodes[ino] = None;
            self.free_nodes.push(ino);
        }
    }

    fn add_entry(&mut self, parent: Ino, name: &[u8], ino: Ino) -> Result<()> {
        if self.node(parent).links == 0 {
            // The directory was removed while open: nothing can be created in it.
            return Err(errno::NOENT);
        }
        let now = self.now();
        let dir = self.dir_mut(parent)?;
        let seq = dir.next_seq;
        dir.next_seq += 1;
        dir.entries.push(DirEntry { name: name.to_vec(), ino, seq });
        let p = self.node_mut(parent);
        p.mtim = now;
        p.ctim = now;
        let node = self.node_mut(ino);
        node.links += 1;
        node.ctim = now;
        if let Kind::Dir(d) = &mut node.kind {
            d.parent = parent;
        }
        Ok(())
    }

    fn remove_entry(&mut self, parent: Ino, name: &[u8]) -> Result<Ino> {
        let now = self.now();
        let dir = self.dir_mut(parent)?;
        let at = dir.entries.iter().position(|e| e.name == name).ok_or(errno::NOENT)?;
        let ino = dir.entries.remove(at).ino;
        let p = self.node_mut(parent);
        p.mtim = now;
        p.ctim = now;
        let node = self.node_mut(ino);
        node.links = node.links.saturating_sub(1);
        node.ctim = now;
        Ok(ino)
    }

    /// Resolves `path` from the directory `start`, never leaving it.
    fn walk(&self, start: Ino, path: &[u8], follow_final: bool) -> Result<Walk> {
        self.dir(start)?;
        let (mut parts, mut trailing_slash) = components(path)?;
        let mut stack: Vec<Ino> = alloc::vec![start];
        let mut expansions = 0u32;
        let mut found = Found::Dir(start);
        while let Some(part) = parts.pop_front() {
            let cur = *stack.last().unwrap_or(&start);
            let last = parts.is_empty();
            if part == b"." {
                found = Found::Dir(cur);
                continue;
            }
            if part == b".." {
                if stack.len() == 1 {
                    return Err(errno::NOTCAPABLE);
                }
                stack.pop();
                found = Found::Dir(*stack.last().unwrap_or(&start));
                continue;
            }
            let child = self.lookup(cur, &part)?;
            let Some(child) = child else {
                if last {
                    found = Found::Entry { parent: cur, name: part, ino: None };
                    break;
                }
                return Err(errno::NOENT);
            };
            if let Kind::Symlink(target) = &self.node(child).kind {
                if !last || follow_final || trailing_slash {
                    expansions += 1;
                    if expansions > MAX_SYMLINKS {
                        return Err(errno::LOOP);
                    }
                    let (target_parts, target_slash) = components(target).map_err(|e| {
                        if e == errno::NOENT { errno::NOENT } else { e }
                    })?;
                    if last {
                        trailing_slash = trailing_slash || target_slash;
                    }
                    for p in target_parts.into_iter().rev() {
                        parts.push_front(p);
                    }
                    if parts.is_empty() {
                        found = Found::Dir(cur);
                    }
                    continue;
                }
            }
            if last {
                found = Found::Entry { parent: cur, name: part, ino: Some(child) };
                break;
            }
            if !self.is_dir(child) {
                return Err(errno::NOTDIR);
            }
            stack.push(child);
            found = Found::Dir(child);
        }
        Ok(Walk { found, trailing_slash })
    }

    /// Resolves to an existing node.
    fn resolve(&self, start: Ino, path: &[u8], follow: bool) -> Result<Ino> {
        let walk = self.walk(start, path, follow)?;
        let ino = walk.ino().ok_or(errno::NOENT)?;
        if walk.trailing_slash && !self.is_dir(ino) {
            return Err(errno::NOTDIR);
        }
        Ok(ino)
    }

    /// Resolves the place a new entry goes: (parent, name), failing with EEXIST if taken.
    fn resolve_new(&self, start: Ino, path: &[u8]) -> Result<(Ino, Vec<u8>, bool)> {
        let walk = self.walk(start, path, false)?;
        match walk.found {
            Found::Dir(_) => Err(errno::EXIST),
            Found::Entry { ino: Some(_), .. } => Err(errno::EXIST),
            Found::Entry { parent, name, ino: None } => Ok((parent, name, walk.trailing_slash)),
        }
    }

    // ---- handles ----

    fn open_handle(&mut self, ino: Ino, flags: u16, access: u8) -> Result<usize> {
        let open = Open { ino, offset: 0, flags, access, dir_pos: 0, dir_name: Vec::new() };
        self.node_mut(ino).open += 1;
        if let Some(slot) = self.handles.iter().position(Option::is_none) {
            self.handles[slot] = Some(open);
            Ok(slot)
        } else {
            self.handles.push(Some(open));
            Ok(self.handles.len() - 1)
        }
    }

    fn handle(&self, h: usize) -> Result<&Open> {
        self.handles.get(h).and_then(Option::as_ref).ok_or(errno::BADF)
    }

    fn handle_mut(&mut self, h: usize) -> Result<&mut Open> {
        self.handles.get_mut(h).and_then(Option::as_mut).ok_or(errno::BADF)
    }

    /// Whether `h` is an open handle.
    pub fn is_open(&self, h: usize) -> bool {
        self.handle(h).is_ok()
    }

    /// Opens the directory at `path` from the root (a preopen). `path` may be empty for the root.
    pub fn open_dir_from_root(&mut self, path: &[u8]) -> Result<usize> {
        let trimmed: Vec<u8> = path.iter().copied().skip_while(|&b| b == b'/').collect();
        let ino = if trimmed.is_empty() { ROOT } else { self.resolve(ROOT, &trimmed, true)? };
        if !self.is_dir(ino) {
            return Err(errno::NOTDIR);
        }
        self.open_handle(ino, 0, access::READ_ONLY)
    }

    /// `openat`: `follow` is WASI's `LOOKUP_SYMLINK_FOLLOW`.
    pub fn openat(&mut self, dir: usize, path: &[u8], oflags: u16, fdflags: u16, follow: bool, access: u8) -> Result<usize> {
        let start = self.handle(dir)?.ino;
        let walk = self.walk(start, path, follow)?;
        let wants_dir = oflags & oflags::DIRECTORY != 0;
        let writes = access != access::READ_ONLY;
        let ino = match walk.found {
            Found::Dir(ino) | Found::Entry { ino: Some(ino), .. } => {
                if oflags & oflags::CREAT != 0 && oflags & oflags::EXCL != 0 {
                    return Err(errno::EXIST);
                }
                match &self.node(ino).kind {
                    // Reached only without following: O_NOFOLLOW on a symlink.
                    Kind::Symlink(_) => return Err(if wants_dir { errno::NOTDIR } else { errno::LOOP }),
                    Kind::Dir(_) => {
                        if writes || oflags & oflags::TRUNC != 0 {
                            return Err(errno::ISDIR);
                        }
                    }
                    Kind::File(_) => {
                        if wants_dir || walk.trailing_slash {
                            return Err(errno::NOTDIR);
                        }
                        // WASI lets the directory's `path_filestat_set_size` right govern
                        // O_TRUNC (libc-wasi checks it before this), not the rights asked for
                        // the new descriptor: a read-only open may truncate.
                        if oflags & oflags::TRUNC != 0 {
                            let now = self.now();
                            let node = self.node_mut(ino);
                            if let Kind::File(data) = &mut node.kind {
                                data.clear();
                                data.shrink_to_fit();
                            }
                            node.mtim = now;
                            node.ctim = now;
                        }
                    }
                }
                ino
            }
            Found::Entry { parent, name, ino: None } => {
                if oflags & oflags::CREAT == 0 {
                    return Err(errno::NOENT);
                }
                if wants_dir || walk.trailing_slash {
                    return Err(if walk.trailing_slash { errno::ISDIR } else { errno::INVAL });
                }
                let ino = self.alloc_node(Kind::File(Vec::new()));
                if let Err(e) = self.add_entry(parent, &name, ino) {
                    self.release(ino);
                    return Err(e);
                }
                ino
            }
        };
        self.open_handle(ino, fdflags & fdflags::ALL, access)
    }

    pub fn close(&mut self, h: usize) -> Result<()> {
        let open = self.handles.get_mut(h).and_then(Option::take).ok_or(errno::BADF)?;
        let node = self.node_mut(open.ino);
        node.open = node.open.saturating_sub(1);
        self.release(open.ino);
        Ok(())
    }

    pub fn stat_of(&self, ino: Ino) -> Stat {
        let node = self.node(ino);
        let (filetype, size, nlink) = match &node.kind {
            Kind::File(data) => (filetype::REGULAR_FILE, data.len() as u64, node.links),
            Kind::Symlink(target) => (filetype::SYMBOLIC_LINK, target.len() as u64, node.links),
            Kind::Dir(dir) => {
                let subdirs = dir.entries.iter().filter(|e| self.is_dir(e.ino)).count() as u64;
                let links = if node.links == 0 && ino != ROOT { 0 } else { 2 + subdirs };
                (filetype::DIRECTORY, 4096, links)
            }
        };
        // Inode 0 reads as "unknown" to some guests: number from 1.
        Stat { ino: ino as u64 + 1, filetype, nlink, size, atim: node.atim, mtim: node.mtim, ctim: node.ctim }
    }

    pub fn fstat(&self, h: usize) -> Result<Stat> {
        Ok(self.stat_of(self.handle(h)?.ino))
    }

    pub fn statat(&self, dir: usize, path: &[u8], follow: bool) -> Result<Stat> {
        let start = self.handle(dir)?.ino;
        Ok(self.stat_of(self.resolve(start, path, follow)?))
    }

    pub fn fdflags(&self, h: usize) -> Result<u16> {
        Ok(self.handle(h)?.flags)
    }

    pub fn set_fdflags(&mut self, h: usize, flags: u16) -> Result<()> {
        if flags & !fdflags::ALL != 0 {
            return Err(errno::INVAL);
        }
        self.handle_mut(h)?.flags = flags;
        Ok(())
    }

    pub fn access_mode(&self, h: usize) -> Result<u8> {
        Ok(self.handle(h)?.access)
    }

    fn file_of(&self, h: usize) -> Result<(Ino, &Open)> {
        let open = self.handle(h)?;
        match self.node(open.ino).kind {
            Kind::File(_) => Ok((open.ino, open)),
            Kind::Dir(_) => Err(errno::ISDIR),
            Kind::Symlink(_) => Err(errno::BADF),
        }
    }

    /// Bytes a read would return now: from the offset to the end of the file (poll's `nbytes`).
    pub fn readable(&self, h: usize) -> Result<u64> {
        let (ino, open) = self.file_of(h)?;
        Ok(self.stat_of(ino).size.saturating_sub(open.offset))
    }

    /// Reads at `offset` into the buffers; returns the bytes read.
    fn read_at(&mut self, ino: Ino, offset: u64, bufs: &mut [&mut [u8]]) -> usize {
        let now = self.now();
        let node = self.node_mut(ino);
        node.atim = now;
        let Kind::File(data) = &node.kind else { return 0 };
        let mut pos = usize::try_from(offset).unwrap_or(usize::MAX).min(data.len());
        let mut total = 0;
        for buf in bufs.iter_mut() {
            let n = buf.len().min(data.len() - pos);
            buf[..n].copy_from_slice(&data[pos..pos + n]);
            pos += n;
            total += n;
            if n < buf.len() {
                break;
            }
        }
        total
    }

    fn write_at(&mut self, ino: Ino, offset: u64, bufs: &[&[u8]]) -> Result<usize> {
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        let end = offset.checked_add(total as u64).filter(|&e| e <= FILE_SIZE_MAX).ok_or(errno::FBIG)?;
        let end = usize::try_from(end).map_err(|_| errno::FBIG)?;
        let now = self.now();
        let node = self.node_mut(ino);
        let Kind::File(data) = &mut node.kind else { return Err(errno::BADF) };
        if end > data.len() {
            data.try_reserve(end - data.len()).map_err(|_| errno::NOSPC)?;
            data.resize(end, 0);
        }
        let mut pos = offset as usize;
        for buf in bufs {
            data[pos..pos + buf.len()].copy_from_slice(buf);
            pos += buf.len();
        }
        if total > 0 {
            node.mtim = now;
            node.ctim = now;
        }
        Ok(total)
    }

    pub fn read(&mut self, h: usize, bufs: &mut [&mut [u8]]) -> Result<usize> {
        let (ino, open) = self.file_of(h)?;
        if open.access == access::WRITE_ONLY {
            return Err(errno::BADF);
        }
        let offset = open.offset;
        let n = self.read_at(ino, offset, bufs);
        self.handle_mut(h)?.offset = offset + n as u64;
        Ok(n)
    }

    pub fn pread(&mut self, h: usize, bufs: &mut [&mut [u8]], offset: u64) -> Result<usize> {
        let (ino, open) = self.file_of(h)?;
        if open.access == access::WRITE_ONLY {
            return Err(errno::BADF);
        }
        Ok(self.read_at(ino, offset, bufs))
    }

    pub fn write(&mut self, h: usize, bufs: &[&[u8]]) -> Result<usize> {
        let (ino, open) = self.file_of(h)?;
        if open.access == access::READ_ONLY {
            return Err(errno::BADF);
        }
        let offset = if open.flags & fdflags::APPEND != 0 { self.size_of(ino) } else { open.offset };
        let n = self.write_at(ino, offset, bufs)?;
        self.handle_mut(h)?.offset = offset + n as u64;
        Ok(n)
    }

    pub fn pwrite(&mut self, h: usize, bufs: &[&[u8]], offset: u64) -> Result<usize> {
        let (ino, open) = self.file_of(h)?;
        if open.access == access::READ_ONLY {
            return Err(errno::BADF);
        }
        self.write_at(ino, offset, bufs)
    }

    fn size_of(&self, ino: Ino) -> u64 {
        match &self.node(ino).kind {
            Kind::File(data) => data.len() as u64,
            Kind::Symlink(target) => target.len() as u64,
            Kind::Dir(_) => 0,
        }
    }

    pub fn seek(&mut self, h: usize, offset: i64, whence: u8) -> Result<u64> {
        let open = self.handle(h)?;
        let base = match whence {
            whence::SET => 0i128,
            whence::CUR => i128::from(open.offset),
            whence::END => i128::from(self.size_of(open.ino)),
            _ => return Err(errno::INVAL),
        };
        let new = base + i128::from(offset);
        if new < 0 {
            return Err(errno::INVAL);
        }
        let new = u64::try_from(new).ok().filter(|&n| n <= FILE_SIZE_MAX).ok_or(errno::OVERFLOW)?;
        self.handle_mut(h)?.offset = new;
        Ok(new)
    }

    fn resize(&mut self, ino: Ino, size: u64) -> Result<()> {
        let size = usize::try_from(size).map_err(|_| errno::FBIG)?;
        let now = self.now();
        let node = self.node_mut(ino);
        let Kind::File(data) = &mut node.kind else { return Err(errno::INVAL) };
        if size > data.len() {
            data.try_reserve(size - data.len()).map_err(|_| errno::NOSPC)?;
        }
        data.resize(size, 0);
        node.mtim = now;
        node.ctim = now;
        Ok(())
    }

    pub fn truncate(&mut self, h: usize, size: u64) -> Result<()> {
        let (ino, open) = self.file_of(h).map_err(|e| if e == errno::ISDIR { errno::INVAL } else { e })?;
        if open.access == access::READ_ONLY {
            return Err(errno::INVAL);
        }
        if size > FILE_SIZE_MAX {
            return Err(errno::FBIG);
        }
        self.resize(ino, size)
    }

    pub fn allocate(&mut self, h: usize, offset: u64, len: u64) -> Result<()> {
        let (ino, open) = self.file_of(h).map_err(|e| if e == errno::ISDIR { errno::NODEV } else { e })?;
        if open.access == access::READ_ONLY {
            return Err(errno::BADF);
        }
        let end = offset.checked_add(len).filter(|&e| e <= FILE_SIZE_MAX).ok_or(errno::FBIG)?;
        if end > self.size_of(ino) {
            self.resize(ino, end)?;
        }
        Ok(())
    }

    fn set_times(&mut self, ino: Ino, atim: u64, mtim: u64, flags: u16) -> Result<()> {
        let both_a = fstflags::ATIM | fstflags::ATIM_NOW;
        let both_m = fstflags::MTIM | fstflags::MTIM_NOW;
        if flags & both_a == both_a || flags & both_m == both_m || flags & !0xf != 0 {
            return Err(errno::INVAL);
        }
        let now = self.now();
        let node = self.node_mut(ino);
        if flags & fstflags::ATIM != 0 {
            node.atim = atim;
        } else if flags & fstflags::ATIM_NOW != 0 {
            node.atim = now;
        }
        if flags & fstflags::MTIM != 0 {
            node.mtim = mtim;
        } else if flags & fstflags::MTIM_NOW != 0 {
            node.mtim = now;
        }
        node.ctim = now;
        Ok(())
    }

    pub fn futimens(&mut self, h: usize, atim: u64, mtim: u64, flags: u16) -> Result<()> {
        let ino = self.handle(h)?.ino;
        self.set_times(ino, atim, mtim, flags)
    }

    pub fn utimensat(&mut self, dir: usize, path: &[u8], atim: u64, mtim: u64, flags: u16, follow: bool) -> Result<()> {
        let start = self.handle(dir)?.ino;
        let ino = self.resolve(start, path, follow)?;
        self.set_times(ino, atim, mtim, flags)
    }

    pub fn mkdirat(&mut self, dir: usize, path: &[u8]) -> Result<()> {
        let start = self.handle(dir)?.ino;
        let (parent, name, _) = self.resolve_new(start, path)?;
        let ino = self.alloc_node(Kind::Dir(Dir { parent, entries: Vec::new(), next_seq: 3 }));
        self.add_entry(parent, &name, ino).inspect_err(|_| self.release(ino))
    }

    pub fn symlinkat(&mut self, target: &[u8], dir: usize, path: &[u8]) -> Result<()> {
        let start = self.handle(dir)?.ino;
        if target.is_empty() {
            return Err(errno::NOENT);
        }
        // An absolute target names nothing inside a sandbox: WASI runtimes refuse to create it
        // (EPERM, as uvwasi and WASI's path-resolution rules say). Images may still hold one,
        // and resolving it stays ENOTCAPABLE.
        if target.first() == Some(&b'/') {
            return Err(errno::PERM);
        }
        if target.len() > PATH_MAX {
            return Err(errno::NAMETOOLONG);
        }
        let (parent, name, trailing_slash) = self.resolve_new(start, path)?;
        if trailing_slash {
            return Err(errno::NOENT);
        }
        let ino = self.alloc_node(Kind::Symlink(target.to_vec()));
        self.add_entry(parent, &name, ino).inspect_err(|_| self.release(ino))
    }

    /// Reads a symlink's target into `buf`; returns the bytes copied (truncated to `buf`).
    pub fn readlinkat(&self, dir: usize, path: &[u8], buf: &mut [u8]) -> Result<usize> {
        let start = self.handle(dir)?.ino;
        let walk = self.walk(start, path, false)?;
        let ino = walk.ino().ok_or(errno::NOENT)?;
        let Kind::Symlink(target) = &self.node(ino).kind else { return Err(errno::INVAL) };
        if walk.trailing_slash {
            return Err(errno::NOTDIR);
        }
        let n = target.len().min(buf.len());
        buf[..n].copy_from_slice(&target[..n]);
        Ok(n)
    }

    pub fn linkat(&mut self, from_dir: usize, from: &[u8], to_dir: usize, to: &[u8], follow: bool) -> Result<()> {
        let from_start = self.handle(from_dir)?.ino;
        let to_start = self.handle(to_dir)?.ino;
        let source = self.resolve(from_start, from, follow)?;
        if self.is_dir(source) {
            return Err(errno::PERM);
        }
        let (parent, name, trailing_slash) = self.resolve_new(to_start, to)?;
        if trailing_slash {
            return Err(errno::NOENT);
        }
        self.add_entry(parent, &name, source)
    }

    pub fn unlinkat(&mut self, dir: usize, path: &[u8], is_dir: bool) -> Result<()> {
        let start = self.handle(dir)?.ino;
        let walk = self.walk(start, path, false)?;
        let (parent, name, ino) = match walk.found {
            Found::Dir(_) => return Err(if is_dir { errno::INVAL } else { errno::ISDIR }),
            Found::Entry { ino: None, .. } => return Err(errno::NOENT),
            Found::Entry { parent, name, ino: Some(ino) } => (parent, name, ino),
        };
        if is_dir {
            let dir = self.dir(ino)?;
            if !dir.entries.is_empty() {
                return Err(errno::NOTEMPTY);
            }
        } else {
            if self.is_dir(ino) {
                return Err(errno::ISDIR);
            }
            if walk.trailing_slash {
                return Err(errno::NOTDIR);
            }
        }
        self.remove_entry(parent, &name)?;
        self.release(ino);
        Ok(())
    }

    /// Whether `ancestor` is `ino` or one of its parents.
    fn is_ancestor(&self, ancestor: Ino, mut ino: Ino) -> bool {
        loop {
            if ino == ancestor {
                return true;
            }
            let Ok(dir) = self.dir(ino) else { return false };
            if dir.parent == ino || self.node(ino).links == 0 {
                return false;
            }
            ino = dir.parent;
        }
    }

    pub fn renameat(&mut self, old_dir: usize, old: &[u8], new_dir: usize, new: &[u8]) -> Result<()> {
        let old_start = self.handle(old_dir)?.ino;
        let new_start = self.handle(new_dir)?.ino;
        let from = self.walk(old_start, old, false)?;
        let (from_parent, from_name, source) = match from.found {
            Found::Dir(_) => return Err(errno::BUSY),
            Found::Entry { ino: None, .. } => return Err(errno::NOENT),
            Found::Entry { parent, name, ino: Some(ino) } => (parent, name, ino),
        };
        let source_is_dir = self.is_dir(source);
        if from.trailing_slash && !source_is_dir {
            return Err(errno::NOTDIR);
        }
        let to = self.walk(new_start, new, false)?;
        let (to_parent, to_name, existing) = match to.found {
            Found::Dir(_) => return Err(errno::BUSY),
            Found::Entry { parent, name, ino } => (parent, name, ino),
        };
        if to.trailing_slash && !source_is_dir {
            return Err(errno::NOTDIR);
        }
        if source_is_dir && self.is_ancestor(source, to_parent) {
            return Err(errno::INVAL);
        }
        if let Some(existing) = existing {
            if existing == source {
                return Ok(());
            }
            match (source_is_dir, self.is_dir(existing)) {
                (true, false) => return Err(errno::NOTDIR),
                (false, true) => return Err(errno::ISDIR),
                (true, true) if !self.dir(existing)?.entries.is_empty() => return Err(errno::NOTEMPTY),
                _ => {}
            }
            self.remove_entry(to_parent, &to_name)?;
            self.release(existing);
        }
        // Keep the node alive between removal and insertion.
        self.node_mut(source).open += 1;
        self.remove_entry(from_parent, &from_name)?;
        let added = self.add_entry(to_parent, &to_name, source);
        self.node_mut(source).open -= 1;
        added
    }

    // ---- directory streams ----

    /// Checks that `h` is a directory and rewinds its stream.
    pub fn opendir(&mut self, h: usize) -> Result<()> {
        let ino = self.handle(h)?.ino;
        self.dir(ino)?;
        self.handle_mut(h)?.dir_pos = 0;
        Ok(())
    }

    pub fn seekdir(&mut self, h: usize, cookie: u64) -> Result<()> {
        self.handle_mut(h)?.dir_pos = cookie;
        Ok(())
    }

    /// The next entry at or after the stream's position, or `None` at the end. The name is
    /// NUL-terminated in [`Fs::dir_name`].
    pub fn readdir(&mut self, h: usize) -> Result<Option<DirItem>> {
        let open = self.handle(h)?;
        let ino = open.ino;
        let pos = open.dir_pos;
        let dir = self.dir(ino)?;
        let (name, item): (Vec<u8>, DirItem) = if pos <= 1 {
            (b".".to_vec(), DirItem { next: 2, ino: ino as u64 + 1, filetype: filetype::DIRECTORY })
        } else if pos == 2 {
            (b"..".to_vec(), DirItem { next: 3, ino: dir.parent as u64 + 1, filetype: filetype::DIRECTORY })
        } else {
            let Some(entry) = dir.entries.iter().filter(|e| e.seq >= pos).min_by_key(|e| e.seq) else {
                return Ok(None);
            };
            let stat = self.stat_of(entry.ino);
            (entry.name.clone(), DirItem { next: entry.seq + 1, ino: stat.ino, filetype: stat.filetype })
        };
        let open = self.handle_mut(h)?;
        open.dir_pos = item.next;
        open.dir_name = name;
        open.dir_name.push(0);
        Ok(Some(item))
    }

    /// The name of the last entry [`Fs::readdir`] returned, NUL-terminated.
    pub fn dir_name(&self, h: usize) -> Result<&[u8]> {
        Ok(&self.handle(h)?.dir_name)
    }

    /// Whether `h` names a directory.
    pub fn is_directory_handle(&self, h: usize) -> Result<bool> {
        Ok(self.is_dir(self.handle(h)?.ino))
    }

    /// Test helper and image export: the entries of a directory, by name.
    pub(crate) fn entries_of(&self, ino: Ino) -> Vec<(Vec<u8>, Ino)> {
        match &self.node(ino).kind {
            Kind::Dir(dir) => dir.entries.iter().map(|e| (e.name.clone(), e.ino)).collect(),
            _ => Vec::new(),
        }
    }

    /// Creates a node at `path` (from the root) for mounting; missing parents are created.
    pub(crate) fn create_at_root(&mut self, path: &[u8], kind: Kind) -> Result<()> {
        let mut parent = ROOT;
        let parts: Vec<&[u8]> = path.split(|&b| b == b'/').filter(|p| !p.is_empty() && !is_dot(p)).collect();
        let Some((last, dirs)) = parts.split_last() else {
            return if matches!(kind, Kind::Dir(_)) { Ok(()) } else { Err(errno::INVAL) };
        };
        for part in dirs {
            parent = match self.lookup(parent, part)? {
                Some(ino) if self.is_dir(ino) => ino,
                Some(_) => return Err(errno::NOTDIR),
                None => {
                    let ino = self.alloc_node(Kind::Dir(Dir { parent, entries: Vec::new(), next_seq: 3 }));
                    self.add_entry(parent, part, ino)?;
                    ino
                }
            };
        }
        match self.lookup(parent, last)? {
            Some(ino) if self.is_dir(ino) && matches!(kind, Kind::Dir(_)) => Ok(()),
            Some(_) => Err(errno::EXIST),
            None => {
                let ino = self.alloc_node(kind);
                self.add_entry(parent, last, ino)
            }
        }
    }
}
