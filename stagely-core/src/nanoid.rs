//! Subdomain hashes: short random ids of lowercase letters and digits.
//!
//! Each preview is served at `https://<hash>.stagely.dev`; the hash must be unguessable and
//! valid in a DNS label, so it uses `a-z0-9` only (36 symbols), drawn from the operating
//! system's CSPRNG with the NanoID mask-and-reject algorithm, which has no modulo bias.
//!
//! ```
//! let hash = stagely_core::nanoid::generate();
//! assert_eq!(hash.len(), 12);
//! assert!(hash.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
//! ```

use rand::TryRng;

/// The symbols a subdomain hash is made of.
pub const ALPHABET: [char; 36] = [
    'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u',
    'v', 'w', 'x', 'y', 'z', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
];

/// Length of a subdomain hash: 36^12 (about 4.7e18) possible values.
pub const DEFAULT_LENGTH: usize = 12;

/// A new 12-character subdomain hash.
pub fn generate() -> String {
    generate_with_length(DEFAULT_LENGTH)
}

/// A new id of `length` characters from [`ALPHABET`]; `0` gives an empty string.
///
/// ```
/// assert_eq!(stagely_core::nanoid::generate_with_length(0), "");
/// assert_eq!(stagely_core::nanoid::generate_with_length(30).len(), 30);
/// ```
pub fn generate_with_length(length: usize) -> String {
    if length == 0 {
        return String::new();
    }
    nanoid::nanoid!(length, &ALPHABET, os_random_bytes)
}

/// Random bytes straight from the operating system.
fn os_random_bytes(size: usize) -> Vec<u8> {
    let mut bytes = vec![0; size];
    // The OS generator failing means the machine cannot make any secret at all (no entropy
    // source); there is no meaningful fallback, and a predictable id would be worse than none.
    rand::rngs::SysRng
        .try_fill_bytes(&mut bytes)
        .expect("the operating system's random number generator failed");
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn generates_twelve_lowercase_alphanumerics() {
        for _ in 0..1000 {
            let id = generate();
            assert_eq!(id.len(), 12);
            assert!(id.chars().all(|c| ALPHABET.contains(&c)), "{id}");
        }
    }

    #[test]
    fn honours_the_requested_length() {
        assert_eq!(generate_with_length(0), "");
        assert_eq!(generate_with_length(1).len(), 1);
        assert_eq!(generate_with_length(64).len(), 64);
    }

    #[test]
    fn ids_are_unique_across_threads() {
        let handles: Vec<_> = (0..8)
            .map(|_| std::thread::spawn(|| (0..1250).map(|_| generate()).collect::<Vec<_>>()))
            .collect();
        let mut seen = HashSet::new();
        for handle in handles {
            for id in handle.join().unwrap() {
                assert!(seen.insert(id), "duplicate id");
            }
        }
        assert_eq!(seen.len(), 10_000);
    }

    #[test]
    fn symbols_are_uniformly_distributed() {
        // Chi-square test over 36 symbols (35 degrees of freedom). With 360,000 symbols the
        // statistic of a fair generator exceeds 66.6 with probability 0.001; a modulo-biased
        // generator (256 % 36 = 4 symbols favoured) scores in the hundreds.
        let mut counts = [0u64; 36];
        let ids = generate_with_length(360_000);
        for c in ids.chars() {
            counts[ALPHABET.iter().position(|&a| a == c).unwrap()] += 1;
        }
        let expected = 10_000.0;
        let chi2: f64 = counts
            .iter()
            .map(|&n| (n as f64 - expected).powi(2) / expected)
            .sum();
        assert!(
            chi2 < 66.6,
            "chi-square {chi2} says the symbols are not uniform: {counts:?}"
        );
    }
}
