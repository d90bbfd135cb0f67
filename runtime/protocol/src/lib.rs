//! The contract between the harness and the runtime firmware.
//!
//! Both sides depend on this crate, so the job format, the result record and the exit statuses
//! have one home and cannot drift apart.
//!
//! # How a run works
//! The harness makes a *job directory* and writes the job into `job.bin` inside it ([`Job`],
//! encoded by [`Job::encode`]). It starts the firmware with the job directory as its only
//! command-line argument (semihosting `SYS_GET_CMDLINE` on the MCU targets, `argv[1]` on the
//! host). The firmware writes, in the same directory:
//! - [`files::STDOUT`]: the guest's stdout, byte for byte;
//! - [`files::STDERR`]: the guest's stderr, byte for byte;
//! - [`files::DIAGNOSTICS`]: the firmware's own messages (load errors, traps, faults, panics);
//! - [`files::RESULT`]: the [`ResultRecord`], written last, as `key value` lines.
//!
//! The process exit status is the guest's exit code when the guest exits, or one of the
//! reserved [`Status`] codes otherwise. The result record is the authority: a guest that
//! exits with, say, 240 is told apart from a trap by the record, not by the status.
#![no_std]

#[cfg(feature = "alloc")]
extern crate alloc;

mod image;
mod job;
mod result;

pub use image::{Entry, EntryKind, Image, ImageError, IMAGE_MAGIC};
#[cfg(feature = "alloc")]
pub use image::ImageBuilder;
pub use job::{flags, InputEvent, InputKind, Job, JobError, JOB_MAGIC, JOB_MAGIC_EVENTS, JOB_MAGIC_FS};
#[cfg(feature = "alloc")]
pub use job::JobSpec;
pub use result::{RecordError, ResultRecord, Status};

/// Names of the files in a job directory.
pub mod files {
    /// The encoded [`crate::Job`], written by the harness.
    pub const JOB: &str = "job.bin";
    /// The guest's stdout.
    pub const STDOUT: &str = "stdout";
    /// The guest's stderr.
    pub const STDERR: &str = "stderr";
    /// The firmware's diagnostics channel.
    pub const DIAGNOSTICS: &str = "diagnostics";
    /// The [`crate::ResultRecord`], written by the firmware when the run ends.
    pub const RESULT: &str = "result";
    /// The file-system image as the run left it ([`crate::Image`]), written by the firmware
    /// before the result record when the job had a file system.
    pub const FS: &str = "fs";
    /// The display's framebuffer at the end of a run that used the graphics bindings, written
    /// before the result record: a [`crate::frame`] header, then the pixels.
    pub const FRAME: &str = "frame";
}

/// The `frame` file: a 20-byte header, then `width * height` pixels, row-major.
///
/// ```text
/// magic   8 bytes  "XILAFRM1"
/// width   u32
/// height  u32
/// format  u32      1: RGB565, little-endian u16 per pixel (LVGL's LV_COLOR_DEPTH 16)
/// ```
pub mod frame {
    /// The first eight bytes of a frame file.
    pub const MAGIC: &[u8; 8] = b"XILAFRM1";
    /// RGB565, one little-endian u16 per pixel.
    pub const FORMAT_RGB565: u32 = 1;
    /// Bytes before the pixels.
    pub const HEADER_LEN: usize = 20;

    /// The header of a `width` x `height` frame in `format`.
    pub fn header(width: u32, height: u32, format: u32) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[..8].copy_from_slice(MAGIC);
        out[8..12].copy_from_slice(&width.to_le_bytes());
        out[12..16].copy_from_slice(&height.to_le_bytes());
        out[16..20].copy_from_slice(&format.to_le_bytes());
        out
    }

    /// Splits a frame file into (width, height, format, pixel bytes), checking the length.
    pub fn parse(bytes: &[u8]) -> Result<(u32, u32, u32, &[u8]), &'static str> {
        if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
            return Err("the frame file does not start with XILAFRM1");
        }
        let word = |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        let (width, height, format) = (word(8), word(12), word(16));
        if format != FORMAT_RGB565 {
            return Err("the frame file has an unknown pixel format");
        }
        let pixels = &bytes[HEADER_LEN..];
        if pixels.len() as u64 != u64::from(width) * u64::from(height) * 2 {
            return Err("the frame file's length does not match its width and height");
        }
        Ok((width, height, format, pixels))
    }
}
