//! stdin is fed from the spec; reading past its end gives end-of-file, not a hang.
use std::io::Read;

fn main() {
    let mut input = Vec::new();
    std::io::stdin().read_to_end(&mut input).unwrap();
    println!("read {} bytes", input.len());
    for line in String::from_utf8_lossy(&input).lines() {
        println!("line: {}", line.chars().rev().collect::<String>());
    }
}
