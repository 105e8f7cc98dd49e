fn main() -> std::process::ExitCode {
    entralint::cli::main()
}
