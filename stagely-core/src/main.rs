//! The `stagely-core` binary.

use std::process::ExitCode;

fn main() -> ExitCode {
    eprintln!("stagely-core: the service (serve, migrate, gen-key) arrives with the stagely-core work");
    ExitCode::from(2)
}
