//! The `stagely-core` binary: exit codes and output of the commands that need no database.

use std::process::{Command, Output};

fn stagely_core(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stagely-core"))
        .args(args)
        // Only what the test sets: the developer's own DATABASE_URL must not leak in.
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs")
}

#[test]
fn gen_key_prints_a_new_64_hex_character_key() {
    let first = stagely_core(&["gen-key"], &[]);
    let second = stagely_core(&["gen-key"], &[]);
    assert!(first.status.success());
    let key = String::from_utf8(first.stdout).unwrap();
    let key = key.strip_suffix('\n').expect("one line");
    assert_eq!(key.len(), 64);
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()), "{key}");
    assert_ne!(key.as_bytes(), second.stdout.trim_ascii_end());
    // The key it prints is one the configuration accepts.
    stagely_core::config::Config::from_vars([("DATABASE_URL", "postgres://h/db"), ("ENCRYPTION_KEY", key)])
        .unwrap();
}

#[test]
fn serve_without_configuration_lists_every_problem_and_exits_2() {
    for args in [&[][..], &["serve"][..]] {
        let output = stagely_core(args, &[("PORT", "0")]);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains("invalid configuration (3 problems)"), "{stderr}");
        for variable in ["DATABASE_URL", "ENCRYPTION_KEY", "PORT"] {
            assert!(stderr.contains(&format!("  - {variable}: ")), "{stderr}");
        }
        assert!(stderr.contains("export DATABASE_URL=postgres://"), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn an_invalid_secret_is_not_echoed() {
    let output = stagely_core(
        &["serve"],
        &[
            ("DATABASE_URL", "postgres://app:pg-password-5@127.0.0.1:1/db"),
            ("ENCRYPTION_KEY", "0123456789abcdef-not-a-key"),
            ("JWT_SECRET", "short-jwt"),
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    for secret in ["pg-password-5", "0123456789abcdef-not-a-key", "short-jwt"] {
        assert!(!stderr.contains(secret), "{secret} leaked: {stderr}");
    }
}

#[test]
fn help_lists_the_commands() {
    let output = stagely_core(&["--help"], &[]);
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for command in ["serve", "migrate", "gen-key"] {
        assert!(help.contains(command), "{help}");
    }
    let output = stagely_core(&["migrate", "--help"], &[]);
    let help = String::from_utf8(output.stdout).unwrap();
    for action in ["up", "down", "status", "redo"] {
        assert!(help.contains(action), "{help}");
    }
}

#[test]
fn migrate_down_rejects_zero_steps() {
    let output = stagely_core(&["migrate", "down", "--steps", "0"], &[]);
    assert_eq!(output.status.code(), Some(2));
}
