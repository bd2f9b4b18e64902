//! Nonces: 12 bytes of the operating system's randomness each, fetched in blocks.
//!
//! Asking the operating system for 12 bytes is a system call that costs about as much as
//! encrypting a kilobyte. So bytes are fetched a block at a time into a buffer per thread, and
//! each byte is handed out once and then wiped. A forked child would inherit its parent's
//! unused bytes and hand out the parent's next nonces again, under the same key, which breaks
//! AES-GCM; the buffer therefore remembers the process it was filled in and is thrown away in
//! any other.

use std::cell::RefCell;

use rand::TryRng;

use super::{CryptoError, NONCE_LEN, Result};

/// Nonces fetched per system call.
const PER_BLOCK: usize = 32;

/// Unused operating-system randomness of this thread.
struct Pool {
    bytes: [u8; NONCE_LEN * PER_BLOCK],
    /// The next unused byte; `bytes.len()` when the pool is empty.
    next: usize,
    /// The process the bytes were fetched in.
    pid: u32,
}

thread_local! {
    static POOL: RefCell<Pool> = const {
        RefCell::new(Pool { bytes: [0; NONCE_LEN * PER_BLOCK], next: NONCE_LEN * PER_BLOCK, pid: 0 })
    };
}

/// A nonce no other call (in this or any process) has been given.
///
/// # Errors
/// [`CryptoError::Randomness`] when the operating system cannot supply random bytes.
pub(super) fn fresh() -> Result<[u8; NONCE_LEN]> {
    POOL.with_borrow_mut(|pool| {
        let pid = std::process::id();
        if pool.next == pool.bytes.len() || pool.pid != pid {
            pool.next = pool.bytes.len();
            rand::rngs::SysRng
                .try_fill_bytes(&mut pool.bytes)
                .map_err(|err| CryptoError::Randomness {
                    reason: err.to_string(),
                })?;
            pool.next = 0;
            pool.pid = pid;
        }
        let taken = &mut pool.bytes[pool.next..pool.next + NONCE_LEN];
        let mut nonce = [0; NONCE_LEN];
        nonce.copy_from_slice(taken);
        taken.fill(0);
        pool.next += NONCE_LEN;
        Ok(nonce)
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn never_hands_out_a_nonce_twice() {
        let nonces: HashSet<_> = (0..10 * PER_BLOCK).map(|_| fresh().unwrap()).collect();
        assert_eq!(nonces.len(), 10 * PER_BLOCK);
    }

    #[test]
    fn threads_draw_different_nonces() {
        let draw = || (0..PER_BLOCK).map(|_| fresh().unwrap()).collect::<Vec<_>>();
        let other = std::thread::spawn(draw).join().unwrap();
        let mine: HashSet<_> = draw().into_iter().collect();
        assert!(other.iter().all(|nonce| !mine.contains(nonce)));
    }

    #[test]
    fn a_used_nonce_is_wiped_from_the_pool() {
        let nonce = fresh().unwrap();
        POOL.with_borrow(|pool| {
            assert!(pool.bytes[..pool.next].iter().all(|&b| b == 0));
            assert_ne!(nonce, [0; NONCE_LEN]);
        });
    }
}
