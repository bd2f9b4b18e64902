//! Configuration: defaults, every validation rule, production rules, one message listing every
//! problem, and secrets kept out of `Debug` and error messages.

use std::time::Duration;

use stagely_core::config::{Config, ConfigError, Environment, LogLevel, SchemaConfig};

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const DB_URL: &str = "postgres://stagely:db-password-42@127.0.0.1:5432/stagely";
const JWT: &str = "jwt-secret-that-is-long-enough-0123456789";

/// The two required variables, plus `extra` (which may override them).
fn config_with(extra: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let mut vars = vec![("DATABASE_URL", DB_URL), ("ENCRYPTION_KEY", KEY)];
    vars.extend_from_slice(extra);
    Config::from_vars(vars)
}

/// The single problem reported for `variable` when set to `value`.
fn problem(variable: &str, value: &str) -> String {
    let error = config_with(&[(variable, value)]).expect_err("the value must be rejected");
    assert_eq!(error.problems().len(), 1, "{error}");
    assert_eq!(error.problems()[0].variable, variable, "{error}");
    error.problems()[0].message.clone()
}

#[test]
fn applies_the_defaults() {
    let config = config_with(&[]).unwrap();
    assert_eq!(config.database_url.expose(), DB_URL);
    assert_eq!(config.database_statement_timeout, Duration::from_secs(30));
    assert_eq!(config.encryption_key.to_hex().as_str(), KEY);
    assert_eq!(config.redis_url.expose(), "redis://127.0.0.1:6379");
    assert_eq!(config.port, 8080);
    assert_eq!(config.environment, Environment::Development);
    assert_eq!(config.log_level, LogLevel::Info);
    assert!(config.jwt_secret.is_none());
    assert!(config.auto_migrate);
}

#[test]
fn reads_every_variable() {
    let config = config_with(&[
        ("DATABASE_URL", "postgresql://app@db.internal/stagely"),
        ("DATABASE_STATEMENT_TIMEOUT", "250ms"),
        ("ENCRYPTION_KEY", &KEY.to_uppercase()),
        ("REDIS_URL", "rediss://:pw@cache.internal:6380/1"),
        ("PORT", "65535"),
        ("ENVIRONMENT", "staging"),
        ("LOG_LEVEL", "WARN"),
        ("JWT_SECRET", JWT),
        ("AUTO_MIGRATE", "false"),
    ])
    .unwrap();
    assert_eq!(
        config.database_url.expose(),
        "postgresql://app@db.internal/stagely"
    );
    assert_eq!(config.database_statement_timeout, Duration::from_millis(250));
    assert_eq!(config.encryption_key.to_hex().as_str(), KEY);
    assert_eq!(config.redis_url.expose(), "rediss://:pw@cache.internal:6380/1");
    assert_eq!(config.port, 65535);
    assert_eq!(config.environment, Environment::Staging);
    assert_eq!(config.log_level, LogLevel::Warn);
    assert_eq!(config.jwt_secret.unwrap().expose(), JWT);
    assert!(!config.auto_migrate);
}

#[test]
fn accepts_every_documented_spelling() {
    for (value, level) in [
        ("debug", LogLevel::Debug),
        ("info", LogLevel::Info),
        ("warn", LogLevel::Warn),
        ("error", LogLevel::Error),
    ] {
        assert_eq!(config_with(&[("LOG_LEVEL", value)]).unwrap().log_level, level);
    }
    for (value, expected) in [
        ("true", true),
        ("1", true),
        ("yes", true),
        ("off", false),
        ("0", false),
    ] {
        assert_eq!(
            config_with(&[("AUTO_MIGRATE", value)]).unwrap().auto_migrate,
            expected,
            "{value}"
        );
    }
    assert_eq!(config_with(&[("PORT", "1")]).unwrap().port, 1);
    assert_eq!(
        config_with(&[("DATABASE_STATEMENT_TIMEOUT", "2min")])
            .unwrap()
            .database_statement_timeout,
        Duration::from_secs(120)
    );
}

#[test]
fn treats_empty_values_as_unset() {
    let config = config_with(&[("PORT", ""), ("LOG_LEVEL", "  "), ("JWT_SECRET", "")]).unwrap();
    assert_eq!(config.port, 8080);
    assert_eq!(config.log_level, LogLevel::Info);
    assert!(config.jwt_secret.is_none());
    // Outside development, where DATABASE_URL has no default.
    let error = config_with(&[("DATABASE_URL", ""), ("ENVIRONMENT", "staging")]).unwrap_err();
    assert!(error.problems()[0].message.starts_with("is not set"), "{error}");
}

#[test]
fn rejects_a_database_url_that_is_not_postgres() {
    assert!(problem("DATABASE_URL", "mysql://u:p@h/db").contains("postgres://"));
    assert!(problem("DATABASE_URL", "not a url").contains("not a valid URL"));
    assert!(problem("DATABASE_URL", "postgres://h/db?sslmode=sometimes").contains("PostgreSQL URL"));
}

#[test]
fn rejects_an_encryption_key_that_is_not_64_hex_characters() {
    assert!(problem("ENCRYPTION_KEY", &KEY[..63]).contains("got 63 characters"));
    assert!(problem("ENCRYPTION_KEY", &format!("{KEY}0")).contains("got 65 characters"));
    let not_hex = format!("{}g", &KEY[..63]);
    assert!(problem("ENCRYPTION_KEY", &not_hex).contains("character 64"));
}

#[test]
fn rejects_a_redis_url_that_is_not_redis() {
    assert!(problem("REDIS_URL", "http://127.0.0.1:6379").contains("redis://"));
    assert!(problem("REDIS_URL", "127.0.0.1:6379").contains("redis://"));
    assert!(problem("REDIS_URL", "::").contains("not a valid URL"));
}

#[test]
fn rejects_ports_outside_1_to_65535() {
    for value in ["0", "65536", "-1", "http", "80.5"] {
        assert!(problem("PORT", value).contains("1 to 65535"), "{value}");
    }
}

#[test]
fn rejects_unknown_environments_and_log_levels() {
    assert!(problem("ENVIRONMENT", "prod").contains("development, staging or production"));
    assert!(problem("LOG_LEVEL", "verbose").contains("debug, info, warn or error"));
}

#[test]
fn rejects_a_short_jwt_secret() {
    let message = problem("JWT_SECRET", "too-short");
    assert!(message.contains("at least 32 bytes"), "{message}");
    assert!(!message.contains("too-short"), "{message}");
    assert!(config_with(&[("JWT_SECRET", &"x".repeat(32))]).is_ok());
}

#[test]
fn rejects_bad_booleans_and_statement_timeouts() {
    assert!(problem("AUTO_MIGRATE", "maybe").contains("true or false"));
    for value in ["30", "0s", "fast", "25d"] {
        assert!(
            problem("DATABASE_STATEMENT_TIMEOUT", value).contains("500ms, 30s"),
            "{value}"
        );
    }
}

#[test]
fn lists_every_missing_variable_in_one_message() {
    let error = Config::from_vars([("ENVIRONMENT", "staging")]).unwrap_err();
    let variables: Vec<_> = error.problems().iter().map(|p| p.variable).collect();
    assert_eq!(variables, ["DATABASE_URL", "ENCRYPTION_KEY"]);
    let message = error.to_string();
    assert!(
        message.starts_with("invalid configuration (2 problems):"),
        "{message}"
    );
    assert!(message.contains("DATABASE_URL: is not set"), "{message}");
    assert!(message.contains("ENCRYPTION_KEY: is not set"), "{message}");
    // The message says what to set.
    assert!(
        message.contains("export DATABASE_URL=postgres://stagely:stagely@127.0.0.1:5432/stagely"),
        "{message}"
    );
    assert!(message.contains("gen-key"), "{message}");
}

#[test]
fn lists_every_invalid_variable_in_one_message() {
    let error = Config::from_vars([
        ("DATABASE_URL", "mysql://h/db"),
        ("DATABASE_STATEMENT_TIMEOUT", "forever"),
        ("ENCRYPTION_KEY", "abc"),
        ("ENCRYPTION_KEY_PREVIOUS", "def"),
        ("REDIS_URL", "http://h"),
        ("PORT", "0"),
        ("ENVIRONMENT", "qa"),
        ("LOG_LEVEL", "trace"),
        ("JWT_SECRET", "short"),
        ("AUTO_MIGRATE", "sometimes"),
        ("SHUTDOWN_GRACE", "a while"),
    ])
    .unwrap_err();
    let variables: Vec<_> = error.problems().iter().map(|p| p.variable).collect();
    assert_eq!(variables, stagely_core::config::VARIABLES);
    assert_eq!(
        variables,
        [
            "DATABASE_URL",
            "DATABASE_STATEMENT_TIMEOUT",
            "ENCRYPTION_KEY",
            "ENCRYPTION_KEY_PREVIOUS",
            "REDIS_URL",
            "PORT",
            "ENVIRONMENT",
            "LOG_LEVEL",
            "JWT_SECRET",
            "AUTO_MIGRATE",
            "SHUTDOWN_GRACE"
        ]
    );
    assert!(
        error
            .to_string()
            .starts_with("invalid configuration (11 problems):")
    );
}

#[test]
fn production_requires_redis_url_and_jwt_secret() {
    let error = config_with(&[("ENVIRONMENT", "production")]).unwrap_err();
    let variables: Vec<_> = error.problems().iter().map(|p| p.variable).collect();
    assert_eq!(variables, ["REDIS_URL", "JWT_SECRET"]);
    assert!(error.to_string().contains("required when ENVIRONMENT=production"));
}

#[test]
fn production_does_not_migrate_unless_asked() {
    let production = [
        ("ENVIRONMENT", "production"),
        ("REDIS_URL", "redis://cache:6379"),
        ("JWT_SECRET", JWT),
    ];
    let config = config_with(&production).unwrap();
    assert_eq!(config.environment, Environment::Production);
    assert!(!config.auto_migrate);

    let mut asked = production.to_vec();
    asked.push(("AUTO_MIGRATE", "true"));
    assert!(config_with(&asked).unwrap().auto_migrate);
}

#[test]
fn outside_production_redis_url_and_jwt_secret_are_optional() {
    for environment in ["development", "staging"] {
        let config = config_with(&[("ENVIRONMENT", environment)]).unwrap();
        assert!(config.jwt_secret.is_none());
        assert!(config.auto_migrate);
    }
}

#[test]
fn debug_output_redacts_every_secret() {
    let config = config_with(&[
        ("REDIS_URL", "redis://:redis-password-7@cache:6379"),
        ("JWT_SECRET", JWT),
    ])
    .unwrap();
    let debug = format!("{config:?}");
    for secret in [KEY, "db-password-42", "redis-password-7", JWT] {
        assert!(!debug.contains(secret), "{secret} leaked into {debug}");
    }
    // What an operator needs to see stays visible.
    assert!(
        debug.contains("postgres://stagely:***@127.0.0.1:5432/stagely"),
        "{debug}"
    );
    assert!(debug.contains("cache:6379"), "{debug}");
}

#[test]
fn error_messages_never_echo_secret_values() {
    let bad_key = format!("{}Z", &KEY[..63]);
    let error = Config::from_vars([
        (
            "DATABASE_URL",
            "postgres://u:db-password-42@h:5432/db?sslmode=sometimes",
        ),
        ("ENCRYPTION_KEY", bad_key.as_str()),
        ("REDIS_URL", "http://:redis-password-7@h"),
        ("JWT_SECRET", "short-jwt-secret"),
    ])
    .unwrap_err();
    let message = error.to_string();
    assert_eq!(error.problems().len(), 4, "{message}");
    for secret in [
        &KEY[..63],
        "db-password-42",
        "redis-password-7",
        "short-jwt-secret",
    ] {
        assert!(!message.contains(secret), "{secret} leaked into {message}");
        assert!(
            !format!("{error:?}").contains(secret),
            "{secret} leaked into Debug"
        );
    }
}

#[test]
fn the_schema_configuration_needs_only_the_database_url() {
    let config = SchemaConfig::from_vars([("DATABASE_URL", DB_URL)]).unwrap();
    assert_eq!(config.database_url.expose(), DB_URL);
    assert_eq!(config.environment, Environment::Development);
    assert_eq!(config.log_level, LogLevel::Info);

    let error = SchemaConfig::from_vars([("LOG_LEVEL", "loud"), ("ENVIRONMENT", "production")]).unwrap_err();
    let variables: Vec<_> = error.problems().iter().map(|p| p.variable).collect();
    assert_eq!(variables, ["DATABASE_URL", "LOG_LEVEL"]);
    let message = error.to_string();
    assert!(message.contains("export DATABASE_URL="), "{message}");
    // Only what is missing is suggested.
    assert!(!message.contains("ENCRYPTION_KEY"), "{message}");
}

#[test]
fn suggests_only_the_variables_that_are_wrong() {
    let message = config_with(&[("PORT", "x")]).unwrap_err().to_string();
    assert!(!message.contains("export"), "{message}");
    assert!(
        message.contains("Configuration section of README.md"),
        "{message}"
    );
}

#[test]
fn reads_the_previous_key_and_the_shutdown_grace() {
    let previous = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
    let config = config_with(&[("ENCRYPTION_KEY_PREVIOUS", previous), ("SHUTDOWN_GRACE", "250ms")]).unwrap();
    assert_eq!(
        config.encryption_key_previous.unwrap().to_hex().as_str(),
        previous
    );
    assert_eq!(config.shutdown_grace, Duration::from_millis(250));
    assert_eq!(
        config_with(&[("SHUTDOWN_GRACE", "0")]).unwrap().shutdown_grace,
        Duration::ZERO
    );
    // Previous-key errors are worded as for ENCRYPTION_KEY and never echo the value.
    let message = problem("ENCRYPTION_KEY_PREVIOUS", &KEY[..60]);
    assert!(message.contains("got 60 characters"), "{message}");
    assert!(problem("SHUTDOWN_GRACE", "2h").contains("at most 1h"));
}

#[test]
fn shutdown_grace_defaults_to_5s_in_staging_and_production_and_0_in_development() {
    assert_eq!(config_with(&[]).unwrap().shutdown_grace, Duration::ZERO);
    assert_eq!(
        config_with(&[("ENVIRONMENT", "staging")]).unwrap().shutdown_grace,
        Duration::from_secs(5)
    );
    let production = config_with(&[
        ("ENVIRONMENT", "production"),
        ("REDIS_URL", "redis://cache:6379"),
        ("JWT_SECRET", JWT),
    ])
    .unwrap();
    assert_eq!(production.shutdown_grace, Duration::from_secs(5));
}
