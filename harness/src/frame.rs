//! Frames as test outputs: the display's framebuffer that the firmware writes to the job's
//! `frame` file (RGB565, see `bench_protocol::frame`), as PNG, compared with a golden PNG.
//!
//! A pixel differs when one of its channels (8-bit, after widening RGB565 the way the
//! dispatcher's `color_out` does) differs by more than the tolerance's `channel`; a frame
//! matches its golden when no more than the tolerance's `pixels` differ (exact by default).

use anyhow::{bail, Context};

/// A frame as 8-bit RGB, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub width: u32,
    pub height: u32,
    /// `width * height * 3` bytes.
    pub rgb: Vec<u8>,
}

/// How far a frame may be from its golden (spec key `frame_tolerance`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tolerance {
    /// Pixels that may differ.
    pub pixels: u64,
    /// How much a channel may differ before its pixel counts as differing.
    pub channel: u8,
}

/// How a frame differs from its golden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The sizes differ: (frame, golden); nothing else is compared.
    pub sizes: Option<((u32, u32), (u32, u32))>,
    /// Pixels that differ by more than the tolerance's channel.
    pub pixels: u64,
    /// Smallest box holding every differing pixel: x0, y0, x1, y1 (inclusive).
    pub bounding_box: Option<(u32, u32, u32, u32)>,
}

impl Difference {
    /// Whether the difference is within the tolerance.
    pub fn within(&self, tolerance: Tolerance) -> bool {
        self.sizes.is_none() && self.pixels <= tolerance.pixels
    }

    /// One line: how many pixels differ, and where.
    pub fn describe(&self) -> String {
        if let Some(((w, h), (gw, gh))) = self.sizes {
            return format!("the frame is {w}x{h} but the golden is {gw}x{gh}");
        }
        match self.bounding_box {
            None => "no pixel differs".into(),
            Some((x0, y0, x1, y1)) => format!(
                "{} pixel{} differ{}, within x {x0}..={x1}, y {y0}..={y1} ({}x{} box)",
                self.pixels,
                if self.pixels == 1 { "" } else { "s" },
                if self.pixels == 1 { "s" } else { "" },
                x1 - x0 + 1,
                y1 - y0 + 1
            ),
        }
    }
}

impl Frame {
    /// Decodes the firmware's `frame` file.
    pub fn from_frame_file(bytes: &[u8]) -> anyhow::Result<Frame> {
        let (width, height, _format, pixels) =
            bench_protocol::frame::parse(bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut rgb = Vec::with_capacity(pixels.len() / 2 * 3);
        for pixel in pixels.chunks_exact(2) {
            let full = u32::from(u16::from_le_bytes([pixel[0], pixel[1]]));
            let (r, g, b) = ((full >> 11) & 0x1F, (full >> 5) & 0x3F, full & 0x1F);
            rgb.extend_from_slice(&[((r << 3) | (r >> 2)) as u8, ((g << 2) | (g >> 4)) as u8, ((b << 3) | (b >> 2)) as u8]);
        }
        Ok(Frame { width, height, rgb })
    }

    /// Encodes as an 8-bit RGB PNG.
    pub fn to_png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
            encoder.set_color(png::ColorType::Rgb);
            encoder.set_depth(png::BitDepth::Eight);
            encoder.set_compression(png::Compression::Best);
            // Writing into a Vec of the right size cannot fail.
            if let Ok(mut writer) = encoder.write_header() {
                let _ = writer.write_image_data(&self.rgb);
            }
        }
        out
    }

    /// Decodes a PNG (8-bit RGB or RGBA; alpha is dropped).
    pub fn from_png(bytes: &[u8]) -> anyhow::Result<Frame> {
        let mut decoder = png::Decoder::new(bytes);
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info().context("not a PNG")?;
        let mut buffer = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buffer).context("reading the PNG's pixels")?;
        let channels = match info.color_type {
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            png::ColorType::Grayscale => 1,
            png::ColorType::GrayscaleAlpha => 2,
            other => bail!("unsupported PNG colour type {other:?}"),
        };
        let mut rgb = Vec::with_capacity(info.width as usize * info.height as usize * 3);
        for row in buffer[..info.buffer_size()].chunks_exact(info.line_size) {
            for pixel in row.chunks_exact(channels).take(info.width as usize) {
                match channels {
                    1 | 2 => rgb.extend_from_slice(&[pixel[0]; 3]),
                    _ => rgb.extend_from_slice(&pixel[..3]),
                }
            }
        }
        Ok(Frame { width: info.width, height: info.height, rgb })
    }

    pub fn read_png(path: &std::path::Path) -> anyhow::Result<Frame> {
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        Frame::from_png(&bytes).with_context(|| format!("golden {}", path.display()))
    }

    /// FNV-1a (64 bits, hex) of the size and every pixel.
    pub fn hash(&self) -> String {
        let mut hash = 0xcbf2_9ce4_8422_2325u64;
        for byte in self.width.to_le_bytes().iter().chain(&self.height.to_le_bytes()).chain(&self.rgb) {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
        format!("{hash:016x}")
    }

    /// How this frame differs from `golden`, pixel by pixel.
    pub fn compare(&self, golden: &Frame, tolerance: Tolerance) -> Difference {
        if (self.width, self.height) != (golden.width, golden.height) {
            return Difference {
                sizes: Some(((self.width, self.height), (golden.width, golden.height))),
                pixels: 0,
                bounding_box: None,
            };
        }
        let mut pixels = 0;
        let mut bounding_box: Option<(u32, u32, u32, u32)> = None;
        for (index, (a, b)) in self.rgb.chunks_exact(3).zip(golden.rgb.chunks_exact(3)).enumerate() {
            if a.iter().zip(b).all(|(a, b)| a.abs_diff(*b) <= tolerance.channel) {
                continue;
            }
            pixels += 1;
            let (x, y) = ((index as u32) % self.width, (index as u32) / self.width);
            bounding_box = Some(match bounding_box {
                None => (x, y, x, y),
                Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
            });
        }
        Difference { sizes: None, pixels, bounding_box }
    }

    /// The difference image: the golden dimmed to grey, differing pixels in magenta, the
    /// bounding box outlined in yellow. `None` when the sizes differ.
    pub fn difference_image(&self, golden: &Frame, tolerance: Tolerance) -> Option<Frame> {
        let difference = self.compare(golden, tolerance);
        if difference.sizes.is_some() {
            return None;
        }
        let mut rgb = Vec::with_capacity(self.rgb.len());
        for (a, b) in self.rgb.chunks_exact(3).zip(golden.rgb.chunks_exact(3)) {
            if a.iter().zip(b).all(|(a, b)| a.abs_diff(*b) <= tolerance.channel) {
                let grey = ((u32::from(b[0]) * 3 + u32::from(b[1]) * 6 + u32::from(b[2])) / 10) as u8;
                let dim = 128 + grey / 2;
                rgb.extend_from_slice(&[dim, dim, dim]);
            } else {
                rgb.extend_from_slice(&[255, 0, 255]);
            }
        }
        let mut image = Frame { width: self.width, height: self.height, rgb };
        if let Some((x0, y0, x1, y1)) = difference.bounding_box {
            // The outline sits just outside the box, where it does not hide a differing pixel.
            let (x0, y0) = (x0.saturating_sub(1), y0.saturating_sub(1));
            let (x1, y1) = ((x1 + 1).min(self.width - 1), (y1 + 1).min(self.height - 1));
            let mut paint = |x: u32, y: u32| {
                let at = ((y * image.width + x) * 3) as usize;
                if image.rgb[at..at + 3] != [255, 0, 255] {
                    image.rgb[at..at + 3].copy_from_slice(&[255, 200, 0]);
                }
            };
            for x in x0..=x1 {
                paint(x, y0);
                paint(x, y1);
            }
            for y in y0..=y1 {
                paint(x0, y);
                paint(x1, y);
            }
        }
        Some(image)
    }
}

/// The standard base64 alphabet, for inlining PNGs in report.html as data URIs.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame_file(width: u32, height: u32, pixel: impl Fn(u32, u32) -> u16) -> Vec<u8> {
        let mut bytes = bench_protocol::frame::header(width, height, bench_protocol::frame::FORMAT_RGB565).to_vec();
        for y in 0..height {
            for x in 0..width {
                bytes.extend_from_slice(&pixel(x, y).to_le_bytes());
            }
        }
        bytes
    }

    #[test]
    fn rgb565_widens_and_survives_png() {
        let frame = Frame::from_frame_file(&frame_file(3, 2, |x, _| [0xF800, 0x07E0, 0xFFFF][x as usize])).unwrap();
        assert_eq!(&frame.rgb[..9], &[255, 0, 0, 0, 255, 0, 255, 255, 255]);
        let back = Frame::from_png(&frame.to_png()).unwrap();
        assert_eq!(back, frame);
        assert_eq!(back.hash(), frame.hash());
        assert!(Frame::from_frame_file(b"XILAFRM1").is_err());
        let mut short = frame_file(3, 2, |_, _| 0);
        short.pop();
        assert!(Frame::from_frame_file(&short).is_err());
    }

    #[test]
    fn differences_are_counted_boxed_and_drawn() {
        let golden = Frame::from_frame_file(&frame_file(10, 8, |_, _| 0xFFFF)).unwrap();
        let frame = Frame::from_frame_file(&frame_file(10, 8, |x, y| if (x, y) == (2, 3) || (x, y) == (6, 5) { 0 } else { 0xFFFF })).unwrap();
        let difference = frame.compare(&golden, Tolerance::default());
        assert_eq!(difference.pixels, 2);
        assert_eq!(difference.bounding_box, Some((2, 3, 6, 5)));
        assert!(difference.describe().contains("2 pixels differ, within x 2..=6, y 3..=5"), "{}", difference.describe());
        assert!(!difference.within(Tolerance::default()));
        assert!(difference.within(Tolerance { pixels: 2, channel: 0 }));
        assert!(frame.compare(&golden, Tolerance { pixels: 0, channel: 255 }).within(Tolerance::default()));
        let image = frame.difference_image(&golden, Tolerance::default()).unwrap();
        assert_eq!(&image.rgb[(3 * 10 + 2) * 3..][..3], &[255, 0, 255]);
        assert_eq!(&image.rgb[(2 * 10 + 1) * 3..][..3], &[255, 200, 0]);
        let small = Frame::from_frame_file(&frame_file(4, 4, |_, _| 0)).unwrap();
        assert!(small.compare(&golden, Tolerance::default()).describe().contains("4x4 but the golden is 10x8"));
    }

    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
