//! Secrets encryption and subdomain ids, in-process.
//!
//! `encrypt`/`decrypt` are the service's calls as stored values use them: a fresh OS nonce,
//! AES-256-GCM (ring) with the key expanded once (kept in `EncryptionKey`), one buffer
//! encrypted or decrypted in place, and SIMD base64 of nonce || ciphertext || tag. `make bench`
//! sets them against `openssl speed -evp aes-256-gcm` (raw AEAD, no base64), so the groups also
//! time the parts separately (`aead_*`: ring's AEAD alone, in place, key set up once;
//! `base64_*` with the encoder the service uses; `os_nonce`; `key_setup`) to show where a gap
//! comes from.
//!
//! `nanoid` times our 12-character subdomain hash against the nanoid crate's own generator
//! with the same alphabet (its default, which reseeds a CSPRNG from the OS per id) and its
//! thread-local generator (no system call per id).
//!
//! Run with `cargo bench -p stagely-core --bench crypto` (or `make bench`).

use std::hint::black_box;
use std::time::Duration;

use base64_simd::STANDARD as BASE64;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::TryRng;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use stagely_core::crypto::{self, EncryptionKey};
use stagely_core::nanoid::{self, ALPHABET, DEFAULT_LENGTH};

const KEY_BYTES: [u8; 32] = [7; 32];

fn ring_key() -> LessSafeKey {
    LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &KEY_BYTES).expect("32-byte key"))
}

fn sizes() -> [(&'static str, usize); 2] {
    [("1KiB", 1024), ("1MiB", 1024 * 1024)]
}

fn aes_gcm(c: &mut Criterion) {
    let key = EncryptionKey::from(KEY_BYTES);
    let cipher = ring_key();
    let nonce = || Nonce::assume_unique_for_key([9u8; 12]);
    for (label, size) in sizes() {
        let plaintext: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let stored = crypto::encrypt_bytes(&plaintext, &key).expect("encrypt");
        let mut sealed = plaintext.clone();
        cipher
            .seal_in_place_append_tag(nonce(), Aad::empty(), &mut sealed)
            .expect("seal");

        let mut group = c.benchmark_group(format!("crypto_{label}"));
        group.throughput(Throughput::Bytes(size as u64));
        group.bench_function("encrypt", |b| {
            b.iter(|| crypto::encrypt_bytes(black_box(&plaintext), &key).expect("encrypt"))
        });
        group.bench_function("decrypt", |b| {
            b.iter(|| crypto::decrypt_bytes(black_box(&stored), &key).expect("decrypt"))
        });
        // In place over one reused buffer: the AEAD's own speed, as `openssl speed` measures it.
        let mut buffer = plaintext.clone();
        group.bench_function("aead_encrypt", |b| {
            b.iter(|| {
                cipher
                    .seal_in_place_separate_tag(nonce(), Aad::empty(), black_box(&mut buffer))
                    .expect("seal")
            })
        });
        // Opening in place consumes the ciphertext, so each run first copies it back (a memcpy,
        // a small part of the time next to the AEAD).
        let mut opening = sealed.clone();
        group.bench_function("aead_decrypt", |b| {
            b.iter(|| {
                opening.copy_from_slice(&sealed);
                cipher
                    .open_in_place(nonce(), Aad::empty(), black_box(&mut opening))
                    .map(|opened| opened.len())
                    .expect("open")
            })
        });
        group.bench_function("base64_encode", |b| {
            b.iter(|| BASE64.encode_to_string(black_box(&sealed)))
        });
        group.bench_function("base64_decode", |b| {
            b.iter(|| BASE64.decode_to_vec(black_box(&stored)).expect("base64"))
        });
        group.finish();
    }

    // Fixed costs every call pays whatever the size.
    let mut group = c.benchmark_group("crypto_per_call");
    group.bench_function("key_setup", |b| {
        b.iter(|| {
            LessSafeKey::new(UnboundKey::new(&AES_256_GCM, black_box(&KEY_BYTES)).expect("32-byte key"))
        })
    });
    group.bench_function("os_nonce", |b| {
        b.iter(|| {
            let mut nonce = [0u8; 12];
            rand::rngs::SysRng.try_fill_bytes(&mut nonce).expect("OS random");
            nonce
        })
    });
    group.finish();
}

fn subdomain_ids(c: &mut Criterion) {
    let mut group = c.benchmark_group("nanoid");
    group.throughput(Throughput::Elements(1));
    group.bench_function("stagely_generate", |b| b.iter(nanoid::generate));
    group.bench_function("crate_default", |b| {
        b.iter(|| ::nanoid::nanoid!(DEFAULT_LENGTH, &ALPHABET))
    });
    group.bench_function("crate_thread_local", |b| {
        b.iter(|| ::nanoid::nanoid!(DEFAULT_LENGTH, &ALPHABET, ::nanoid::rngs::thread_local))
    });
    group.finish();
}

fn config() -> Criterion {
    // These are microseconds to a millisecond each: 2 s of samples gives tight intervals and
    // keeps `make bench` well inside its time budget.
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = aes_gcm, subdomain_ids
}
criterion_main!(benches);
