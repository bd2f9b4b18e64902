//! The AEAD under [`EncryptionKey`](super::EncryptionKey): AES-256-GCM from `ring`, whose
//! x86-64 and ARMv8 code is BoringSSL's assembly (AES-NI or VAES with carry-less
//! multiplication, chosen at run time), so a call runs at the speed of the CPU's AES units
//! rather than of a portable implementation.
//!
//! The key is expanded once, into round keys and the GHASH table, and lives in one heap cell
//! for the life of the [`Cipher`]; `ring` does not wipe its keys, so dropping a `Cipher`
//! overwrites that cell with zeros. This is the crate's one `unsafe` code: the cell is a
//! `MaybeUninit`, which may hold any bytes, so zeroing it after the key is dropped is sound.

#![allow(unsafe_code)]

use std::mem::{MaybeUninit, size_of};

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, Tag, UnboundKey};
use zeroize::Zeroize;

use super::{KEY_LEN, NONCE_LEN, TAG_LEN};

/// An expanded AES-256-GCM key, wiped when dropped.
pub(super) struct Cipher {
    /// Always initialised between `new` and `drop`; `MaybeUninit` only so `drop` may zero it.
    key: Box<MaybeUninit<LessSafeKey>>,
}

/// AES-GCM failed: a message over the algorithm's length limit (sealing), or a tag that does
/// not match (opening). Which one is clear from the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Failed;

impl Cipher {
    /// Expands `bytes` into round keys and the GHASH key.
    pub(super) fn new(bytes: &[u8; KEY_LEN]) -> Self {
        let unbound =
            UnboundKey::new(&AES_256_GCM, bytes).expect("AES_256_GCM takes exactly KEY_LEN bytes of key");
        let mut key = Box::new(MaybeUninit::uninit());
        key.write(LessSafeKey::new(unbound));
        Self { key }
    }

    fn key(&self) -> &LessSafeKey {
        // SAFETY: `new` initialised the cell and only `drop` de-initialises it.
        unsafe { self.key.assume_init_ref() }
    }

    /// Encrypts `in_out` in place and returns the tag.
    pub(super) fn seal(
        &self,
        nonce: &[u8; NONCE_LEN],
        associated_data: &[u8],
        in_out: &mut [u8],
    ) -> Result<[u8; TAG_LEN], Failed> {
        let tag = self
            .key()
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(*nonce),
                Aad::from(associated_data),
                in_out,
            )
            .map_err(|_| Failed)?;
        let mut bytes = [0; TAG_LEN];
        bytes.copy_from_slice(tag.as_ref());
        Ok(bytes)
    }

    /// Checks `tag` and, only when it matches, decrypts `in_out` in place.
    pub(super) fn open(
        &self,
        nonce: &[u8; NONCE_LEN],
        associated_data: &[u8],
        tag: [u8; TAG_LEN],
        in_out: &mut [u8],
    ) -> Result<(), Failed> {
        self.key()
            .open_in_place_separate_tag(
                Nonce::assume_unique_for_key(*nonce),
                Aad::from(associated_data),
                Tag::from(tag),
                in_out,
                0..,
            )
            .map(|_| ())
            .map_err(|_| Failed)
    }
}

impl Drop for Cipher {
    fn drop(&mut self) {
        // SAFETY: the cell is initialised (see `key`) and is not used again after this.
        unsafe { self.key.assume_init_drop() };
        // SAFETY: the pointer is the cell's own, valid for `size_of::<LessSafeKey>()` bytes and
        // aligned for bytes; any bytes are valid `MaybeUninit<u8>`.
        let bytes = unsafe {
            std::slice::from_raw_parts_mut(
                self.key.as_mut_ptr().cast::<MaybeUninit<u8>>(),
                size_of::<LessSafeKey>(),
            )
        };
        bytes.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_tag_or_context_does_not_open() {
        let cipher = Cipher::new(&[3; KEY_LEN]);
        let nonce = [5; NONCE_LEN];
        let mut data = *b"attack at dawn";
        let tag = cipher.seal(&nonce, b"row 1", &mut data).expect("seal");
        let mut bad_tag = tag;
        bad_tag[0] ^= 1;
        let sealed = data;
        assert_eq!(cipher.open(&nonce, b"row 1", bad_tag, &mut data), Err(Failed));
        let mut data = sealed;
        assert_eq!(cipher.open(&nonce, b"row 2", tag, &mut data), Err(Failed));
        let mut data = sealed;
        cipher.open(&nonce, b"row 1", tag, &mut data).expect("open");
        assert_eq!(&data, b"attack at dawn");
    }
}
