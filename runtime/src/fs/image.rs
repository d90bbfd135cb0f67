//! Mounting an image into a fresh file system, and writing the file system back as one.

use super::{errno, Fs, Ino, Kind, Result, ROOT};
use alloc::vec::Vec;
use bench_protocol::{EntryKind, Image, ImageBuilder};

impl Fs {
    /// A file system holding the image's tree.
    pub fn mount(image: &Image<'_>, clock: fn() -> u64) -> Result<Fs> {
        let mut fs = Fs::new(clock);
        for entry in image.entries() {
            let kind = match entry.kind {
                EntryKind::Directory => Kind::Dir(super::Dir { parent: ROOT, entries: Vec::new(), next_seq: 3 }),
                EntryKind::File => {
                    let mut data = Vec::new();
                    data.try_reserve_exact(entry.data.len()).map_err(|_| errno::NOSPC)?;
                    data.extend_from_slice(entry.data);
                    Kind::File(data)
                }
                EntryKind::Symlink => Kind::Symlink(entry.data.to_vec()),
            };
            fs.create_at_root(entry.path, kind)?;
        }
        Ok(fs)
    }

    /// The whole tree as an image; hard links come out as separate files.
    pub fn export(&self) -> Vec<u8> {
        let mut builder = ImageBuilder::new();
        let mut pending: Vec<(Vec<u8>, Ino)> = alloc::vec![(Vec::new(), ROOT)];
        while let Some((prefix, dir)) = pending.pop() {
            let mut entries = self.entries_of(dir);
            // Names in a directory are unique, so the unstable sort gives the same order (and
            // links less code than the stable one).
            entries.sort_unstable();
            for (name, ino) in entries {
                let mut path = prefix.clone();
                if !path.is_empty() {
                    path.push(b'/');
                }
                path.extend_from_slice(&name);
                match &self.node(ino).kind {
                    Kind::Dir(_) => {
                        builder.push(EntryKind::Directory, &path, &[]);
                        pending.push((path, ino));
                    }
                    Kind::File(data) => builder.push(EntryKind::File, &path, data),
                    Kind::Symlink(target) => builder.push(EntryKind::Symlink, &path, target),
                }
            }
        }
        builder.finish()
    }
}
