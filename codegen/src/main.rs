//! The `stagely-codegen` command line.

use std::process::ExitCode;

fn main() -> ExitCode {
    eprintln!("stagely-codegen: commands arrive with the codegen work (generate, check, schema, verify)");
    ExitCode::from(2)
}
