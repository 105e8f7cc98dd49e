// Checking allocates many small, short-lived values (tree nodes, rule values, messages);
// mimalloc serves them faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    entralint::cli::main()
}
