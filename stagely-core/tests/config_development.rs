//! Development defaults: nothing exported is enough in development (the local PostgreSQL by
//! libpq's defaults, a key generated once into `.env`), while staging and production refuse to
//! start without DATABASE_URL and ENCRYPTION_KEY and never read or write `.env`.

use std::path::{Path, PathBuf};

use stagely_core::config::{Config, DEVELOPMENT_DATABASE, Origin, SchemaConfig};

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const OTHER_KEY: &str = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
const DB_URL: &str = "postgres://stagely:db-password-42@127.0.0.1:5432/stagely";
const JWT: &str = "jwt-secret-that-is-long-enough-0123456789";

/// A directory of its own under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "stagely-config-test-{}-{}",
            std::process::id(),
            uuid_like()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn dotenv(&self) -> PathBuf {
        self.0.join(".env")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{nanos}-{}", N.fetch_add(1, Ordering::Relaxed))
}

fn key_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("ENCRYPTION_KEY="))
        .map(str::to_string)
        .collect()
}

#[test]
fn development_defaults_the_database_to_the_local_server_by_libpq_defaults() {
    let config =
        Config::from_vars([("ENCRYPTION_KEY", KEY), ("PGHOST", "127.0.0.1"), ("PGUSER", "me")]).unwrap();
    assert_eq!(config.database_url_origin, Origin::LibpqDefaults);
    assert_eq!(
        config.database_url.expose(),
        format!("postgres://me@127.0.0.1:5432/{DEVELOPMENT_DATABASE}")
    );
    // PGDATABASE and PGPASSWORD count too; the password stays out of Debug.
    let config = Config::from_vars([
        ("ENCRYPTION_KEY", KEY),
        ("PGHOST", "db.local"),
        ("PGPORT", "6543"),
        ("PGDATABASE", "mine"),
        ("PGUSER", "app"),
        ("PGPASSWORD", "pg-password-9"),
    ])
    .unwrap();
    assert_eq!(
        config.database_url.expose(),
        "postgres://app:pg-password-9@db.local:6543/mine"
    );
    assert!(!format!("{config:?}").contains("pg-password-9"));
    // The schema commands use the same default.
    let schema = SchemaConfig::from_vars([("PGHOST", "db.local"), ("PGUSER", "app")]).unwrap();
    assert_eq!(schema.database_url_origin, Origin::LibpqDefaults);
    assert_eq!(
        schema.database_url.expose(),
        "postgres://app@db.local:5432/stagely"
    );
    // Without PGUSER, the operating-system user, as for libpq.
    let schema = SchemaConfig::from_vars([("PGHOST", "db.local")]).unwrap();
    let user = url::Url::parse(schema.database_url.expose())
        .unwrap()
        .username()
        .to_string();
    assert!(!user.is_empty() && user != "anonymous", "{user}");
}

#[test]
fn an_explicit_database_url_wins_over_the_defaults() {
    let config = Config::from_vars([
        ("DATABASE_URL", DB_URL),
        ("ENCRYPTION_KEY", KEY),
        ("PGHOST", "elsewhere"),
    ])
    .unwrap();
    assert_eq!(config.database_url.expose(), DB_URL);
    assert_eq!(config.database_url_origin, Origin::Environment);
    assert_eq!(config.encryption_key_origin, Origin::Environment);
}

#[test]
fn staging_and_production_still_require_database_url_and_encryption_key() {
    for environment in ["staging", "production"] {
        let dir = TempDir::new();
        let error = Config::from_vars_and_dotenv(
            [
                ("ENVIRONMENT", environment),
                ("PGHOST", "127.0.0.1"),
                ("REDIS_URL", "redis://cache:6379"),
                ("JWT_SECRET", JWT),
            ],
            &dir.dotenv(),
        )
        .unwrap_err();
        let variables: Vec<_> = error.problems().iter().map(|p| p.variable).collect();
        assert_eq!(
            variables,
            ["DATABASE_URL", "ENCRYPTION_KEY"],
            "{environment}: {error}"
        );
        assert!(!dir.dotenv().exists(), "{environment} must not write .env");
        let error = SchemaConfig::from_vars([("ENVIRONMENT", environment)]).unwrap_err();
        assert!(error.mentions("DATABASE_URL"), "{environment}: {error}");
    }
}

#[test]
fn staging_and_production_never_use_a_key_from_dotenv() {
    for environment in ["staging", "production"] {
        let dir = TempDir::new();
        std::fs::write(
            dir.dotenv(),
            format!("ENCRYPTION_KEY={KEY}\nDATABASE_URL={DB_URL}\n"),
        )
        .unwrap();
        let error = Config::from_vars_and_dotenv(
            [
                ("ENVIRONMENT", environment),
                ("REDIS_URL", "redis://cache:6379"),
                ("JWT_SECRET", JWT),
            ],
            &dir.dotenv(),
        )
        .unwrap_err();
        assert!(error.mentions("ENCRYPTION_KEY"), "{environment}: {error}");
        assert!(error.mentions("DATABASE_URL"), "{environment}: {error}");
    }
}

#[test]
fn development_generates_a_missing_key_once_and_reuses_it() {
    let dir = TempDir::new();
    let vars = [("DATABASE_URL", DB_URL)];
    let first = Config::from_vars_and_dotenv(vars, &dir.dotenv()).unwrap();
    assert_eq!(first.encryption_key_origin, Origin::Generated(dir.dotenv()));
    let saved = key_lines(&dir.dotenv());
    assert_eq!(
        saved,
        [format!(
            "ENCRYPTION_KEY={}",
            first.encryption_key.to_hex().as_str()
        )]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.dotenv()).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only its owner may read .env: {mode:o}");
    }

    let second = Config::from_vars_and_dotenv(vars, &dir.dotenv()).unwrap();
    assert_eq!(second.encryption_key_origin, Origin::DotEnv(dir.dotenv()));
    assert_eq!(
        second.encryption_key.to_hex().as_str(),
        first.encryption_key.to_hex().as_str()
    );
    assert_eq!(key_lines(&dir.dotenv()), saved, "no second key is written");
}

#[test]
fn real_environment_variables_win_over_dotenv() {
    let dir = TempDir::new();
    std::fs::write(
        dir.dotenv(),
        format!("# mine\nENCRYPTION_KEY={OTHER_KEY}\nPORT=9999\nLOG_LEVEL=debug\nENVIRONMENT=production"),
    )
    .unwrap();
    let config = Config::from_vars_and_dotenv(
        [
            ("DATABASE_URL", DB_URL),
            ("ENCRYPTION_KEY", KEY),
            ("PORT", "8081"),
        ],
        &dir.dotenv(),
    )
    .unwrap();
    assert_eq!(config.encryption_key.to_hex().as_str(), KEY);
    assert_eq!(config.encryption_key_origin, Origin::Environment);
    assert_eq!(config.port, 8081);
    // What the environment leaves unset comes from .env, except ENVIRONMENT itself.
    assert_eq!(config.log_level, stagely_core::config::LogLevel::Debug);
    assert_eq!(config.environment, stagely_core::config::Environment::Development);
    // Nothing was appended: the environment had a key.
    assert_eq!(key_lines(&dir.dotenv()), [format!("ENCRYPTION_KEY={OTHER_KEY}")]);
}

#[test]
fn an_invalid_key_in_dotenv_names_the_file_and_never_the_value() {
    let dir = TempDir::new();
    let bad = "0123456789abcdef0123456789abcdef-not-hex";
    std::fs::write(dir.dotenv(), format!("ENCRYPTION_KEY={bad}\n")).unwrap();
    let error = Config::from_vars_and_dotenv([("DATABASE_URL", DB_URL)], &dir.dotenv()).unwrap_err();
    let message = error.to_string();
    assert!(error.mentions("ENCRYPTION_KEY"), "{message}");
    assert!(message.contains(".env"), "{message}");
    assert!(!message.contains(bad), "{message}");
}

#[test]
fn an_unreadable_dotenv_is_a_problem_that_quotes_no_line() {
    let dir = TempDir::new();
    std::fs::write(
        dir.dotenv(),
        "PORT=8081\nnot a variable unterminated-secret-value\n",
    )
    .unwrap();
    let error =
        Config::from_vars_and_dotenv([("DATABASE_URL", DB_URL), ("ENCRYPTION_KEY", KEY)], &dir.dotenv())
            .unwrap_err();
    let message = error.to_string();
    assert!(error.mentions(".env"), "{message}");
    assert!(!message.contains("unterminated-secret-value"), "{message}");
}
