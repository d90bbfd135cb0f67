//! stdout and stderr must come back apart, byte for byte, even when interleaved.
use std::io::Write;

fn main() {
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    out.write_all(b"out 1\n").unwrap();
    err.write_all(b"err 1\n").unwrap();
    out.write_all("out 2 \x00 tab\t é\n".as_bytes()).unwrap();
    err.write_all(b"err 2\n").unwrap();
}
