//! The file-system image: the tree a job's guest sees, packed by the harness from a test's
//! `root`/`dirs` directory, mounted by the firmware at boot, and written back (file
//! [`crate::files::FS`]) after the run so that the harness can check what the guest wrote.
//!
//! Layout (integers little-endian):
//! ```text
//! magic    8 bytes "XILAFS01"
//! count    u32
//! entries  per entry: kind u8 (0 directory, 1 regular file, 2 symlink),
//!          path (u32 length + bytes, '/'-separated, relative to the image root, no leading '/'),
//!          data (u32 length + bytes: file contents or link target; empty for a directory)
//! ```
//! A parent directory comes before its children. Hard links are written as separate files.

/// The first eight bytes of every image.
pub const IMAGE_MAGIC: &[u8; 8] = b"XILAFS01";

/// What an image entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Directory,
    File,
    Symlink,
}

impl EntryKind {
    fn code(self) -> u8 {
        match self {
            EntryKind::Directory => 0,
            EntryKind::File => 1,
            EntryKind::Symlink => 2,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => EntryKind::Directory,
            1 => EntryKind::File,
            2 => EntryKind::Symlink,
            _ => return None,
        })
    }
}

/// One entry, borrowing from the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    pub kind: EntryKind,
    pub path: &'a [u8],
    pub data: &'a [u8],
}

/// Why bytes are not an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageError {
    BadMagic,
    Truncated,
    BadKind(u8),
    TrailingBytes,
}

impl core::fmt::Display for ImageError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ImageError::BadMagic => write!(f, "file-system image does not start with \"XILAFS01\""),
            ImageError::Truncated => write!(f, "file-system image ends inside an entry"),
            ImageError::BadKind(kind) => write!(f, "file-system image has an entry of unknown kind {kind}"),
            ImageError::TrailingBytes => write!(f, "file-system image has bytes after its last entry"),
        }
    }
}

/// A validated image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Image<'a> {
    count: u32,
    entries: &'a [u8],
}

fn take<'a>(rest: &mut &'a [u8], n: usize) -> Result<&'a [u8], ImageError> {
    if rest.len() < n {
        return Err(ImageError::Truncated);
    }
    let (head, tail) = rest.split_at(n);
    *rest = tail;
    Ok(head)
}

fn u32_of(rest: &mut &[u8]) -> Result<u32, ImageError> {
    let mut raw = [0u8; 4];
    raw.copy_from_slice(take(rest, 4)?);
    Ok(u32::from_le_bytes(raw))
}

fn entry<'a>(rest: &mut &'a [u8]) -> Result<Entry<'a>, ImageError> {
    let code = take(rest, 1)?[0];
    let kind = EntryKind::from_code(code).ok_or(ImageError::BadKind(code))?;
    let len = u32_of(rest)? as usize;
    let path = take(rest, len)?;
    let len = u32_of(rest)? as usize;
    let data = take(rest, len)?;
    Ok(Entry { kind, path, data })
}

impl<'a> Image<'a> {
    /// An image with no entries (an empty root).
    pub const EMPTY: Image<'static> = Image { count: 0, entries: &[] };

    pub fn decode(bytes: &'a [u8]) -> Result<Self, ImageError> {
        let mut rest = bytes;
        if take(&mut rest, 8).map_err(|_| ImageError::BadMagic)? != IMAGE_MAGIC {
            return Err(ImageError::BadMagic);
        }
        let count = u32_of(&mut rest)?;
        let start = rest;
        for _ in 0..count {
            entry(&mut rest)?;
        }
        if !rest.is_empty() {
            return Err(ImageError::TrailingBytes);
        }
        Ok(Image { count, entries: start })
    }

    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn entries(&self) -> impl Iterator<Item = Entry<'a>> + 'a {
        let mut rest = self.entries;
        // Validated by decode, so the reads cannot fail.
        (0..self.count).filter_map(move |_| entry(&mut rest).ok())
    }
}

/// Builds an image.
#[cfg(feature = "alloc")]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImageBuilder {
    count: u32,
    bytes: alloc::vec::Vec<u8>,
}

#[cfg(feature = "alloc")]
impl ImageBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, kind: EntryKind, path: &[u8], data: &[u8]) {
        self.count += 1;
        self.bytes.push(kind.code());
        self.bytes.extend_from_slice(&(path.len() as u32).to_le_bytes());
        self.bytes.extend_from_slice(path);
        self.bytes.extend_from_slice(&(data.len() as u32).to_le_bytes());
        self.bytes.extend_from_slice(data);
    }

    pub fn finish(&self) -> alloc::vec::Vec<u8> {
        let mut out = alloc::vec::Vec::with_capacity(12 + self.bytes.len());
        out.extend_from_slice(IMAGE_MAGIC);
        out.extend_from_slice(&self.count.to_le_bytes());
        out.extend_from_slice(&self.bytes);
        out
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn an_image_survives_encoding_and_every_truncation_is_an_error() {
        let mut builder = ImageBuilder::new();
        builder.push(EntryKind::Directory, b"d", b"");
        builder.push(EntryKind::File, b"d/f", b"new\nline \"q\"\0");
        builder.push(EntryKind::Symlink, b"d/l", b"../x");
        let bytes = builder.finish();
        let image = Image::decode(&bytes).unwrap();
        let entries: Vec<_> = image.entries().collect();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[1], Entry { kind: EntryKind::File, path: b"d/f", data: b"new\nline \"q\"\0" });
        assert_eq!(entries[2].kind, EntryKind::Symlink);
        for len in 0..bytes.len() {
            assert!(Image::decode(&bytes[..len]).is_err(), "cut at {len}");
        }
        let mut longer = bytes.clone();
        longer.push(1);
        assert_eq!(Image::decode(&longer), Err(ImageError::TrailingBytes));
    }
}
