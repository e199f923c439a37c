// The Fluent files under locales/ are embedded by `static_loader!`; a file added there must
// rebuild the crate too (include_str! only tracks the files that existed at the last build).
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
