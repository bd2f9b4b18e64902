//! The current key and, while a rotation is under way, the previous one.

use zeroize::Zeroizing;

use super::{CryptoError, EncryptionKey, Result, decrypt_bytes, encrypt_bytes};

/// Which key of a [`KeyRing`] opened a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUsed {
    /// `ENCRYPTION_KEY`, the one new values are encrypted with.
    Current,
    /// `ENCRYPTION_KEY_PREVIOUS`: the value still awaits re-encryption (`stagely-core rotate-key`).
    Previous,
}

/// `ENCRYPTION_KEY` and the optional `ENCRYPTION_KEY_PREVIOUS`: encrypts with the current key,
/// decrypts with the current key and then the previous one, so values stored before a key
/// change stay readable until `stagely-core rotate-key` has re-encrypted them.
///
/// ```
/// use stagely_core::crypto::{self, KeyRing, KeyUsed};
///
/// let (old, new) = (crypto::generate_key(), crypto::generate_key());
/// let stored = crypto::encrypt("s3cret", &old)?;
/// let keys = KeyRing::new(new, Some(old));
/// assert_eq!(keys.decrypt(&stored)?, "s3cret");
/// assert_eq!(keys.open(&stored)?.1, KeyUsed::Previous);
/// let fresh = keys.encrypt("s3cret")?;
/// assert_eq!(keys.open(&fresh)?.1, KeyUsed::Current);
/// # Ok::<(), crypto::CryptoError>(())
/// ```
#[derive(Debug, Clone)]
pub struct KeyRing {
    current: EncryptionKey,
    previous: Option<EncryptionKey>,
}

impl KeyRing {
    /// The keys: `current` encrypts; `previous`, when given, is tried after it when decrypting.
    pub fn new(current: EncryptionKey, previous: Option<EncryptionKey>) -> Self {
        Self { current, previous }
    }

    /// The key new values are encrypted with.
    pub fn current(&self) -> &EncryptionKey {
        &self.current
    }

    /// The key tried second, if any.
    pub fn previous(&self) -> Option<&EncryptionKey> {
        self.previous.as_ref()
    }

    /// Encrypts text with the current key (see [`super::encrypt`]).
    ///
    /// # Errors
    /// As [`super::encrypt`].
    pub fn encrypt(&self, plaintext: &str) -> Result<String> {
        encrypt_bytes(plaintext.as_bytes(), &self.current)
    }

    /// Decrypts text with the current key, else the previous one.
    ///
    /// # Errors
    /// As [`super::decrypt`]; [`CryptoError::IntegrityCheck`] when neither key opens it.
    pub fn decrypt(&self, encoded: &str) -> Result<String> {
        let (bytes, _) = self.open(encoded)?;
        String::from_utf8(bytes.to_vec()).map_err(|err| {
            drop(Zeroizing::new(err.into_bytes()));
            CryptoError::NotUtf8
        })
    }

    /// Decrypts binary data with the current key, else the previous one, and says which key
    /// opened it. The plaintext is wiped when dropped.
    ///
    /// # Errors
    /// As [`super::decrypt_bytes`]; [`CryptoError::IntegrityCheck`] when neither key opens it.
    pub fn open(&self, encoded: &str) -> Result<(Zeroizing<Vec<u8>>, KeyUsed)> {
        match decrypt_bytes(encoded, &self.current) {
            Ok(bytes) => Ok((Zeroizing::new(bytes), KeyUsed::Current)),
            Err(CryptoError::IntegrityCheck) => match &self.previous {
                Some(previous) => {
                    let bytes = decrypt_bytes(encoded, previous)?;
                    Ok((Zeroizing::new(bytes), KeyUsed::Previous))
                }
                None => Err(CryptoError::IntegrityCheck),
            },
            Err(other) => Err(other),
        }
    }
}
