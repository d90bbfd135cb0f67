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
pub use job::{flags, Job, JobError, JOB_MAGIC, JOB_MAGIC_FS};
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
}
