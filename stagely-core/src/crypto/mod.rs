//! Encryption of secrets at rest: AES-256-GCM.
//!
//! Cloud credentials (`cloud_providers.encrypted_credentials`) and project secrets
//! (`secrets.encrypted_value`) are stored encrypted with one service-wide key, the
//! `ENCRYPTION_KEY` (64 hex characters). A stored value is text:
//!
//! ```text
//! base64( nonce (12 bytes) || ciphertext (as long as the plaintext) || tag (16 bytes) )
//! ```
//!
//! in the standard base64 alphabet with padding. That is exactly what Go's
//! `gcm.Seal(nonce, nonce, plaintext, nil)` followed by `base64.StdEncoding` produces, so values
//! written by the original Go design decrypt here and the other way round. Every call to
//! [`encrypt`] takes a fresh nonce from the operating system's CSPRNG (fetched 32 nonces per
//! system call, each used once; see `nonce.rs`), so encrypting the same text twice gives two
//! different values.
//!
//! Each call works in one buffer: the key is expanded once, when the [`EncryptionKey`] is made;
//! encryption lays out nonce || plaintext || tag and encrypts in place, decryption decodes
//! into one buffer and decrypts in place; base64 (SIMD, chosen at run time for the CPU) reads
//! and writes those buffers directly.
//!
//! The tag makes any change detectable: a flipped bit, a truncated value or the wrong key all
//! fail with [`CryptoError::IntegrityCheck`], never with garbage plaintext. The `*_with_aad`
//! variants additionally bind a value to its context (say the id of the row it is stored in),
//! so a ciphertext copied into another row fails to decrypt there.
//!
//! ```
//! use stagely_core::crypto::{self, EncryptionKey};
//!
//! let key = EncryptionKey::from_hex(
//!     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
//! )?;
//! let stored = crypto::encrypt("AKIA...", &key)?;
//! assert_eq!(crypto::decrypt(&stored, &key)?, "AKIA...");
//! # Ok::<(), crypto::CryptoError>(())
//! ```

mod cipher;
mod keyring;
mod nonce;

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as STRICT_BASE64;
use base64_simd::STANDARD as BASE64;
use rand::TryRng;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub use keyring::{KeyRing, KeyUsed};

/// Length of an AES-256 key in bytes.
pub const KEY_LEN: usize = 32;

/// Length of a key written as hex, as in `ENCRYPTION_KEY`.
pub const KEY_HEX_LEN: usize = 2 * KEY_LEN;

/// Length of the random nonce that starts every encrypted value (the GCM standard 96 bits).
pub const NONCE_LEN: usize = 12;

/// Length of the authentication tag that ends every encrypted value.
pub const TAG_LEN: usize = 16;

/// Why a key could not be read or a value could not be encrypted or decrypted.
///
/// No message ever contains key material or plaintext: these errors end up in logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    /// The key text is empty (or only whitespace).
    #[error(
        "encryption key is empty; set it to 64 hex characters (32 bytes), e.g. the output of `stagely-core gen-key`"
    )]
    EmptyKey,
    /// The key text does not have 64 characters.
    #[error(
        "encryption key has {actual} characters but must have exactly 64 hex characters (32 bytes); generate one with `stagely-core gen-key`"
    )]
    KeyLength {
        /// How many characters the key text has.
        actual: usize,
    },
    /// The key text has 64 characters but one of them is not a hex digit.
    #[error(
        "encryption key is not hexadecimal: character {position} is not 0-9, a-f or A-F; generate one with `stagely-core gen-key`"
    )]
    KeyNotHex {
        /// 1-based position of the first offending character (the character itself is not
        /// shown, as it is part of the key).
        position: usize,
    },
    /// The encrypted value is not standard, padded base64.
    #[error(
        "encrypted value is not valid base64 ({reason}); expected the standard alphabet with `=` padding"
    )]
    NotBase64 {
        /// What the base64 decoder objected to.
        reason: String,
    },
    /// The encrypted value is too short to hold a nonce and a tag.
    #[error(
        "encrypted value is too short: {actual} bytes after base64 decoding, but a nonce and a tag alone take 28; the value is truncated or was not made by this service"
    )]
    TooShort {
        /// The decoded length in bytes.
        actual: usize,
    },
    /// Authentication failed: the value was changed, or the key (or associated data) differs
    /// from the one used to encrypt it.
    #[error("integrity check failed (data may be corrupted or tampered, or the key is wrong)")]
    IntegrityCheck,
    /// The value decrypted correctly but is not UTF-8 text, so it cannot be returned as a
    /// `String`.
    #[error("decrypted value is not UTF-8 text; it holds binary data, so read it with decrypt_bytes")]
    NotUtf8,
    /// The plaintext exceeds AES-GCM's limit of 64 GiB per message.
    #[error("plaintext is too long for AES-GCM (the limit is 64 GiB per value); split it")]
    PlaintextTooLong,
    /// The operating system's random number generator failed, so no safe nonce could be made.
    #[error("the operating system's random number generator failed ({reason}); nothing was encrypted")]
    Randomness {
        /// What the operating system reported.
        reason: String,
    },
}

/// Result of the functions in this module.
pub type Result<T, E = CryptoError> = std::result::Result<T, E>;

/// A 256-bit AES key, wiped from memory when dropped.
///
/// Its `Debug` output is redacted, so a configuration struct holding one can be logged.
///
/// ```
/// use stagely_core::crypto::EncryptionKey;
///
/// let key: EncryptionKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f".parse()?;
/// assert_eq!(format!("{key:?}"), "EncryptionKey(<redacted>)");
/// assert!(EncryptionKey::from_hex("abc").is_err());
/// # Ok::<(), stagely_core::crypto::CryptoError>(())
/// ```
pub struct EncryptionKey {
    bytes: [u8; KEY_LEN],
    /// The key expanded once into AES round keys and the GHASH key, instead of on every call;
    /// wiped when dropped (see `cipher.rs`).
    cipher: cipher::Cipher,
}

impl EncryptionKey {
    /// Reads a key written as 64 hex characters (either case), as in `ENCRYPTION_KEY`.
    ///
    /// # Errors
    /// [`CryptoError::EmptyKey`], [`CryptoError::KeyLength`] or [`CryptoError::KeyNotHex`].
    pub fn from_hex(text: &str) -> Result<Self> {
        if text.trim().is_empty() {
            return Err(CryptoError::EmptyKey);
        }
        let actual = text.chars().count();
        if actual != KEY_HEX_LEN {
            return Err(CryptoError::KeyLength { actual });
        }
        if let Some(index) = text.chars().position(|c| !c.is_ascii_hexdigit()) {
            return Err(CryptoError::KeyNotHex { position: index + 1 });
        }
        let mut bytes = Zeroizing::new([0; KEY_LEN]);
        hex::decode_to_slice(text, &mut *bytes).map_err(|_| CryptoError::KeyNotHex { position: 1 })?;
        Ok(Self::from_bytes(&bytes))
    }

    fn from_bytes(bytes: &[u8; KEY_LEN]) -> Self {
        Self {
            bytes: *bytes,
            cipher: cipher::Cipher::new(bytes),
        }
    }

    /// A new random key from the operating system's CSPRNG.
    ///
    /// # Panics
    /// When the operating system cannot supply random bytes (no entropy source); there is no
    /// safe fallback for a key.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0; KEY_LEN]);
        rand::rngs::SysRng
            .try_fill_bytes(&mut *bytes)
            .expect("the operating system's random number generator failed");
        Self::from_bytes(&bytes)
    }

    /// The key as 64 lowercase hex characters, the form `ENCRYPTION_KEY` takes (what
    /// `stagely-core gen-key` prints). The returned text is wiped when dropped.
    ///
    /// ```
    /// let key = stagely_core::crypto::generate_key();
    /// let hex = key.to_hex();
    /// assert_eq!(hex.len(), 64);
    /// println!("{}", hex.as_str());
    /// ```
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.bytes))
    }
}

impl Clone for EncryptionKey {
    fn clone(&self) -> Self {
        Self::from_bytes(&self.bytes)
    }
}

impl From<[u8; KEY_LEN]> for EncryptionKey {
    fn from(mut bytes: [u8; KEY_LEN]) -> Self {
        let key = Self::from_bytes(&bytes);
        bytes.zeroize();
        key
    }
}

impl FromStr for EncryptionKey {
    type Err = CryptoError;

    fn from_str(text: &str) -> Result<Self> {
        Self::from_hex(text)
    }
}

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EncryptionKey(<redacted>)")
    }
}

impl Drop for EncryptionKey {
    fn drop(&mut self) {
        // The expanded key in `cipher` wipes itself.
        self.bytes.zeroize();
    }
}

impl ZeroizeOnDrop for EncryptionKey {}

/// A new random key; see [`EncryptionKey::generate`].
///
/// ```
/// let key = stagely_core::crypto::generate_key();
/// let stored = stagely_core::crypto::encrypt("s3cret", &key)?;
/// assert_eq!(stagely_core::crypto::decrypt(&stored, &key)?, "s3cret");
/// # Ok::<(), stagely_core::crypto::CryptoError>(())
/// ```
///
/// # Panics
/// When the operating system cannot supply random bytes.
pub fn generate_key() -> EncryptionKey {
    EncryptionKey::generate()
}

/// Encrypts text; the result is base64 of nonce || ciphertext || tag.
///
/// ```
/// let key = stagely_core::crypto::generate_key();
/// let a = stagely_core::crypto::encrypt("same text", &key)?;
/// let b = stagely_core::crypto::encrypt("same text", &key)?;
/// assert_ne!(a, b, "every call uses a fresh nonce");
/// # Ok::<(), stagely_core::crypto::CryptoError>(())
/// ```
///
/// # Errors
/// [`CryptoError::Randomness`] or [`CryptoError::PlaintextTooLong`].
pub fn encrypt(plaintext: &str, key: &EncryptionKey) -> Result<String> {
    encrypt_bytes_with_aad(plaintext.as_bytes(), key, b"")
}

/// Decrypts what [`encrypt`] produced.
///
/// ```
/// use stagely_core::crypto::{self, CryptoError};
///
/// let key = crypto::generate_key();
/// let stored = crypto::encrypt("hello", &key)?;
/// assert_eq!(crypto::decrypt(&stored, &key)?, "hello");
/// assert_eq!(crypto::decrypt(&stored, &crypto::generate_key()), Err(CryptoError::IntegrityCheck));
/// # Ok::<(), CryptoError>(())
/// ```
///
/// # Errors
/// [`CryptoError::NotBase64`], [`CryptoError::TooShort`], [`CryptoError::IntegrityCheck`] or
/// [`CryptoError::NotUtf8`].
pub fn decrypt(encoded: &str, key: &EncryptionKey) -> Result<String> {
    decrypt_with_aad(encoded, key, b"")
}

/// Encrypts binary data (a secret file, say); the result is base64 of nonce || ciphertext || tag.
///
/// ```
/// let key = stagely_core::crypto::generate_key();
/// let stored = stagely_core::crypto::encrypt_bytes(&[0, 159, 146, 150], &key)?;
/// assert_eq!(stagely_core::crypto::decrypt_bytes(&stored, &key)?, [0, 159, 146, 150]);
/// # Ok::<(), stagely_core::crypto::CryptoError>(())
/// ```
///
/// # Errors
/// [`CryptoError::Randomness`] or [`CryptoError::PlaintextTooLong`].
pub fn encrypt_bytes(plaintext: &[u8], key: &EncryptionKey) -> Result<String> {
    encrypt_bytes_with_aad(plaintext, key, b"")
}

/// Decrypts what [`encrypt_bytes`] (or [`encrypt`]) produced.
///
/// # Errors
/// [`CryptoError::NotBase64`], [`CryptoError::TooShort`] or [`CryptoError::IntegrityCheck`].
pub fn decrypt_bytes(encoded: &str, key: &EncryptionKey) -> Result<Vec<u8>> {
    decrypt_bytes_with_aad(encoded, key, b"")
}

/// Encrypts text bound to `associated_data`, which is authenticated but not stored: decrypting
/// needs the same bytes.
///
/// Pass what identifies where the value lives, such as the row id, so a value copied into
/// another row fails the integrity check there.
///
/// ```
/// use stagely_core::crypto::{self, CryptoError};
///
/// let key = crypto::generate_key();
/// let row = b"secrets/6f1c2a0e-0000-4000-8000-000000000001";
/// let stored = crypto::encrypt_with_aad("DATABASE_PASSWORD=x", &key, row)?;
/// assert_eq!(crypto::decrypt_with_aad(&stored, &key, row)?, "DATABASE_PASSWORD=x");
/// let other_row = b"secrets/6f1c2a0e-0000-4000-8000-000000000002";
/// assert_eq!(crypto::decrypt_with_aad(&stored, &key, other_row), Err(CryptoError::IntegrityCheck));
/// # Ok::<(), CryptoError>(())
/// ```
///
/// # Errors
/// [`CryptoError::Randomness`] or [`CryptoError::PlaintextTooLong`].
pub fn encrypt_with_aad(plaintext: &str, key: &EncryptionKey, associated_data: &[u8]) -> Result<String> {
    encrypt_bytes_with_aad(plaintext.as_bytes(), key, associated_data)
}

/// Decrypts what [`encrypt_with_aad`] produced with the same `associated_data`.
///
/// # Errors
/// [`CryptoError::NotBase64`], [`CryptoError::TooShort`], [`CryptoError::IntegrityCheck`]
/// (also when `associated_data` differs) or [`CryptoError::NotUtf8`].
pub fn decrypt_with_aad(encoded: &str, key: &EncryptionKey, associated_data: &[u8]) -> Result<String> {
    let bytes = decrypt_bytes_with_aad(encoded, key, associated_data)?;
    String::from_utf8(bytes).map_err(|err| {
        // The bytes are a decrypted secret even if they are not text: wipe them.
        err.into_bytes().zeroize();
        CryptoError::NotUtf8
    })
}

/// Encrypts binary data bound to `associated_data`; see [`encrypt_with_aad`].
///
/// One working buffer per call: nonce || plaintext || tag is laid out once, the plaintext is
/// encrypted in place, and the base64 text is encoded straight from it.
///
/// # Errors
/// [`CryptoError::Randomness`] or [`CryptoError::PlaintextTooLong`].
pub fn encrypt_bytes_with_aad(
    plaintext: &[u8],
    key: &EncryptionKey,
    associated_data: &[u8],
) -> Result<String> {
    let nonce = nonce::fresh()?;
    let sealed = seal(key, &nonce, plaintext, associated_data)?;
    Ok(BASE64.encode_to_string(&sealed))
}

/// Decrypts binary data bound to `associated_data`; see [`encrypt_with_aad`].
///
/// One buffer per call: the nonce is decoded on its own (its 16 base64 characters are a whole
/// number of base64 groups), the rest is decoded into the buffer that is then decrypted in
/// place and returned, without the tag.
///
/// # Errors
/// [`CryptoError::NotBase64`], [`CryptoError::TooShort`] or [`CryptoError::IntegrityCheck`]
/// (also when `associated_data` differs).
pub fn decrypt_bytes_with_aad(encoded: &str, key: &EncryptionKey, associated_data: &[u8]) -> Result<Vec<u8>> {
    let text = encoded.as_bytes();
    if text.len() < SHORTEST_ENCODED_LEN {
        // Valid base64 this short holds fewer than NONCE_LEN + TAG_LEN bytes.
        let decoded = BASE64.decode_to_vec(text).map_err(|_| not_base64(encoded))?;
        return Err(CryptoError::TooShort {
            actual: decoded.len(),
        });
    }
    let (nonce_text, rest) = text.split_at(NONCE_BASE64_LEN);
    let mut nonce = [0; NONCE_LEN];
    BASE64
        .decode(nonce_text, base64_simd::Out::from_slice(&mut nonce))
        .map_err(|_| not_base64(encoded))?;
    let mut body = Vec::with_capacity(BASE64.estimated_decoded_length(rest.len()));
    BASE64
        .decode_append(rest, &mut body)
        .map_err(|_| not_base64(encoded))?;
    let Some(split) = body.len().checked_sub(TAG_LEN) else {
        return Err(CryptoError::TooShort {
            actual: NONCE_LEN + body.len(),
        });
    };
    let (ciphertext, tag) = body.split_at_mut(split);
    let tag = <[u8; TAG_LEN]>::try_from(&*tag).map_err(|_| CryptoError::IntegrityCheck)?;
    // The tag is checked before anything is returned: on failure no plaintext is produced.
    key.cipher
        .open(&nonce, associated_data, tag, ciphertext)
        .map_err(|_| CryptoError::IntegrityCheck)?;
    body.truncate(split);
    Ok(body)
}

/// The fewest base64 characters that can hold a nonce and a tag (28 bytes, 40 characters).
const SHORTEST_ENCODED_LEN: usize = (NONCE_LEN + TAG_LEN).div_ceil(3) * 4;

/// The base64 characters of the nonce: 12 bytes are exactly 4 groups of 4 characters.
const NONCE_BASE64_LEN: usize = NONCE_LEN / 3 * 4;

/// Why `encoded` is not base64, worded by the strict decoder (only called on the error path).
fn not_base64(encoded: &str) -> CryptoError {
    CryptoError::NotBase64 {
        reason: STRICT_BASE64
            .decode(encoded)
            .err()
            .map_or_else(|| "invalid base64".to_string(), |err| err.to_string()),
    }
}

/// nonce || ciphertext || tag for a given nonce: the deterministic core of encryption, kept
/// apart so known-answer tests can check it against published AES-256-GCM vectors.
fn seal(
    key: &EncryptionKey,
    nonce: &[u8; NONCE_LEN],
    plaintext: &[u8],
    associated_data: &[u8],
) -> Result<Vec<u8>> {
    let mut sealed = Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN);
    sealed.extend_from_slice(nonce);
    sealed.extend_from_slice(plaintext);
    let tag = key
        .cipher
        .seal(nonce, associated_data, &mut sealed[NONCE_LEN..])
        // The only failure AES-GCM has when encrypting is a message over its length limit.
        .map_err(|_| CryptoError::PlaintextTooLong)?;
    sealed.extend_from_slice(&tag);
    Ok(sealed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// NIST CAVP `gcmEncryptExtIV256.rsp`, [Keylen = 256] [IVlen = 96] [PTlen = 128] [AADlen = 0], Count = 0.
    #[test]
    fn seals_the_nist_vector_without_associated_data() {
        let key = EncryptionKey::from_hex("31bdadd96698c204aa9ce1448ea94ae1fb4a9a0b3c9d773b51bb1822666b8f22")
            .unwrap();
        let nonce: [u8; 12] = hex::decode("0d18e06c7c725ac9e362e1ce")
            .unwrap()
            .try_into()
            .unwrap();
        let plaintext = hex::decode("2db5168e932556f8089a0622981d017d").unwrap();
        let sealed = seal(&key, &nonce, &plaintext, b"").unwrap();
        assert_eq!(
            hex::encode(sealed),
            concat!(
                "0d18e06c7c725ac9e362e1ce",         // nonce
                "fa4362189661d163fcd6a56d8bf0405a", // ciphertext
                "d636ac1bbedd5cc3ee727dc2ab4a9489", // tag
            )
        );
    }

    /// NIST CAVP `gcmEncryptExtIV256.rsp`, [PTlen = 128] [AADlen = 128], Count = 0.
    #[test]
    fn seals_the_nist_vector_with_associated_data() {
        let key = EncryptionKey::from_hex("92e11dcdaa866f5ce790fd24501f92509aacf4cb8b1339d50c9c1240935dd08b")
            .unwrap();
        let nonce: [u8; 12] = hex::decode("ac93a1a6145299bde902f21a")
            .unwrap()
            .try_into()
            .unwrap();
        let plaintext = hex::decode("2d71bcfa914e4ac045b2aa60955fad24").unwrap();
        let aad = hex::decode("1e0889016f67601c8ebea4943bc23ad6").unwrap();
        let sealed = seal(&key, &nonce, &plaintext, &aad).unwrap();
        assert_eq!(
            hex::encode(sealed),
            concat!(
                "ac93a1a6145299bde902f21a",
                "8995ae2e6df3dbf96fac7b7137bae67f",
                "eca5aa77d51d4a0a14d9c51e1da474ab",
            )
        );
    }
}
