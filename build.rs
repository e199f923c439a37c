// The Fluent files under locales/ are embedded by `static_loader!`; a file added there must
// rebuild the crate too (include_str! only tracks the files that existed at the last build).
// embed_migrations! does not notice new migration folders on its own either.
fn main() {
    println!("cargo:rerun-if-changed=locales");
    println!("cargo:rerun-if-changed=migrations");
}
