//! Arguments and environment must arrive byte for byte: quotes, newlines, non-ASCII.
fn main() {
    for (i, arg) in std::env::args().enumerate().skip(1) {
        println!("arg {i}: {arg:?}");
    }
    let mut vars: Vec<(String, String)> = std::env::vars().collect();
    vars.sort();
    for (name, value) in vars {
        println!("env {name}: {value:?}");
    }
}
