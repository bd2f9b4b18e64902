//! Values that must never reach a log line, an error message or `{:?}` output.
//!
//! [`Secret`] holds a sensitive string (the JWT signing secret, the encryption key's hex form)
//! and wipes it from memory when dropped. [`SecretUrl`] holds a connection URL whose password is
//! secret while the rest (host, port, database) is exactly what an operator needs to see when a
//! connection fails, so it displays the URL with the password replaced by `***`.

use std::fmt;

use zeroize::Zeroizing;

/// A sensitive string: `Debug` and `Display` print `[redacted]`, and the memory is zeroed on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The secret itself, for the one place that needs it (never for logging).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A connection URL that may carry a password: `Debug` and `Display` show it with the password
/// replaced by `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretUrl {
    url: Secret,
    redacted: String,
}

impl SecretUrl {
    /// Parses `value` as an absolute URL. The error never contains `value` (it may hold a password).
    pub fn parse(value: &str) -> Result<Self, url::ParseError> {
        let parsed = url::Url::parse(value)?;
        Ok(Self {
            redacted: redact_url(&parsed),
            url: Secret::new(value),
        })
    }

    /// The URL as given, password included; hand it to the client library, never to a log.
    pub fn expose(&self) -> &str {
        self.url.expose()
    }

    /// The URL with its password replaced by `***`, for logs and error messages.
    pub fn redacted(&self) -> &str {
        &self.redacted
    }

    /// The URL's scheme (`postgres`, `redis`, ...).
    pub fn scheme(&self) -> &str {
        self.expose().split_once(':').map_or("", |(scheme, _)| scheme)
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SecretUrl").field(&self.redacted).finish()
    }
}

impl fmt::Display for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted)
    }
}

/// `url` with any password replaced by `***`.
fn redact_url(url: &url::Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        // Only fails for URLs that cannot have credentials, which then have no password either.
        let _ = shown.set_password(Some("***"));
    }
    // libpq also accepts the password as a query parameter.
    if shown.query_pairs().any(|(key, _)| key == "password") {
        let pairs: Vec<(String, String)> = shown
            .query_pairs()
            .map(|(key, value)| {
                let value = if key == "password" {
                    "***".into()
                } else {
                    value.into_owned()
                };
                (key.into_owned(), value)
            })
            .collect();
        shown.query_pairs_mut().clear().extend_pairs(pairs);
    }
    shown.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_redacted_in_debug_and_display() {
        let secret = Secret::new("hunter2-hunter2");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(secret.to_string(), "[redacted]");
        assert_eq!(secret.expose(), "hunter2-hunter2");
    }

    #[test]
    fn url_password_is_redacted() {
        let url = SecretUrl::parse("postgres://app:s3cret@db.example:5432/stagely").unwrap();
        assert_eq!(url.redacted(), "postgres://app:***@db.example:5432/stagely");
        assert_eq!(url.to_string(), url.redacted());
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(url.expose(), "postgres://app:s3cret@db.example:5432/stagely");
        assert_eq!(url.scheme(), "postgres");
    }

    #[test]
    fn url_password_in_the_query_is_redacted() {
        let url = SecretUrl::parse("postgres://db/stagely?user=app&password=s3cret&sslmode=require").unwrap();
        assert!(!url.redacted().contains("s3cret"), "{}", url.redacted());
        assert!(url.redacted().contains("sslmode=require"));
    }

    #[test]
    fn url_without_password_is_unchanged() {
        let url = SecretUrl::parse("redis://127.0.0.1:6379").unwrap();
        assert_eq!(url.redacted(), "redis://127.0.0.1:6379");
    }
}
