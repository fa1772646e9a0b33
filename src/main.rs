//! Server entry point: `hubpro` serves the app; `hubpro approvals import FILE.csv` and other
//! operator commands are in `server::cli`.

#[cfg(feature = "ssr")]
fn main() -> std::process::ExitCode {
    keep_big_allocations_out_of_the_heap();
    hubpro::server::cli::main()
}

/// Each password hash takes a 19 MiB block. glibc serves such blocks with mmap and gives them
/// back on free, but after the first free it raises its threshold and keeps later ones in
/// per-thread heaps, where they stay: fixing the threshold keeps the resident memory flat.
#[cfg(all(feature = "ssr", target_os = "linux", target_env = "gnu"))]
fn keep_big_allocations_out_of_the_heap() {
    // SAFETY: mallopt only changes allocator tuning; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 4);
    }
}

#[cfg(all(feature = "ssr", not(all(target_os = "linux", target_env = "gnu"))))]
fn keep_big_allocations_out_of_the_heap() {}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser bundle has no binary; cargo-leptos builds this one with `--features ssr`.
}
