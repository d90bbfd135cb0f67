fn main() {
    println!("exiting with 33");
    std::process::exit(33);
}
