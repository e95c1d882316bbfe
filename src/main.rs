fn main() {
    let bases = distrolint::base::builtin();
    println!("{} bases", bases.len());
}
