// Checking allocates many small, short-lived values (tree nodes, rule values, messages);
// mimalloc serves them faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_allow_thp` (mimalloc.h, version 3): whether its memory may be backed by
/// transparent huge pages. Allowed, mimalloc advises huge pages for each arena it reserves, and the
/// first touch of each 2 MiB of it is a fault the kernel answers by zeroing a huge page: most of
/// a one-file check's start-up. Disallowed, the arena is still mapped whole where the system
/// overcommits, so it needs no `mprotect` per 64 KiB it commits (a hundred calls a one-file check,
/// each taking the address-space lock the other threads' page faults wait on).
#[cfg(target_os = "linux")]
const ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// Sets the allocator's options before the first allocation, which happens before `main` (the
/// runtime's handle of the main thread): as a constructor, run when the program is loaded.
#[cfg(target_os = "linux")]
extern "C" fn allocator_options() {
    // SAFETY: `mi_option_set` writes one entry of mimalloc's option table, before any thread but
    // the loader's exists and before anything has been allocated.
    unsafe { libmimalloc_sys::mi_option_set(ALLOW_THP, 0) };
}

#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static ALLOCATOR_OPTIONS: extern "C" fn() = allocator_options;

/// mimalloc's `mi_option_purge_delay` (mimalloc.h, version 3): how long freed memory waits
/// before it is returned to the system; below zero, it is not returned.
#[cfg(target_os = "linux")]
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    let code = entralint::cli::main();
    // The process ends next and the system takes its memory back whole: returning it piece by
    // piece at exit, as mimalloc otherwise does, was a few percent of a one-file check.
    #[cfg(target_os = "linux")]
    // SAFETY: `mi_option_set` writes one entry of mimalloc's option table; the threads still
    // running only read it.
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, -1)
    };
    code
}
