//! AES-256-GCM encryption of secrets: the wire format, what must fail, and that nothing secret
//! leaks through errors or Debug.

use std::collections::HashSet;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use stagely_core::crypto::{
    self, CryptoError, EncryptionKey, NONCE_LEN, TAG_LEN, decrypt, decrypt_bytes, decrypt_bytes_with_aad,
    decrypt_with_aad, encrypt, encrypt_bytes, encrypt_bytes_with_aad, encrypt_with_aad,
};

const KEY_HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const OTHER_KEY_HEX: &str = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

fn key() -> EncryptionKey {
    EncryptionKey::from_hex(KEY_HEX).unwrap()
}

fn decoded(encoded: &str) -> Vec<u8> {
    BASE64.decode(encoded).unwrap()
}

#[test]
fn round_trips_text() {
    let key = key();
    let stored = encrypt("AKIAIOSFODNN7EXAMPLE", &key).unwrap();
    assert_eq!(decrypt(&stored, &key).unwrap(), "AKIAIOSFODNN7EXAMPLE");
}

#[test]
fn round_trips_the_empty_string() {
    let key = key();
    let stored = encrypt("", &key).unwrap();
    assert_eq!(decoded(&stored).len(), NONCE_LEN + TAG_LEN);
    assert_eq!(decrypt(&stored, &key).unwrap(), "");
}

#[test]
fn round_trips_unicode() {
    let key = key();
    let text = "pässwörd ✓ 日本語 🔐 \u{0} Ω";
    let stored = encrypt(text, &key).unwrap();
    assert_eq!(decrypt(&stored, &key).unwrap(), text);
}

#[test]
fn round_trips_one_mebibyte() {
    let key = key();
    let text: String = (0..1024 * 1024)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let stored = encrypt(&text, &key).unwrap();
    assert_eq!(decoded(&stored).len(), NONCE_LEN + text.len() + TAG_LEN);
    assert_eq!(decrypt(&stored, &key).unwrap(), text);

    let bytes: Vec<u8> = (0..1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let stored = encrypt_bytes(&bytes, &key).unwrap();
    assert_eq!(decrypt_bytes(&stored, &key).unwrap(), bytes);
}

#[test]
fn round_trips_binary_data() {
    let key = key();
    let bytes: Vec<u8> = (0..=255).collect();
    let stored = encrypt_bytes(&bytes, &key).unwrap();
    assert_eq!(decrypt_bytes(&stored, &key).unwrap(), bytes);
}

#[test]
fn writes_standard_padded_base64_of_nonce_ciphertext_tag() {
    let key = key();
    let stored = encrypt("12345", &key).unwrap();
    // 12 + 5 + 16 = 33 bytes -> 44 base64 characters from the standard alphabet.
    assert_eq!(stored.len(), 44);
    assert!(
        stored
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)),
        "{stored}"
    );
    assert_eq!(decoded(&stored).len(), 33);
}

#[test]
fn text_encrypted_as_bytes_decrypts_as_text_and_back() {
    let key = key();
    assert_eq!(
        decrypt(&encrypt_bytes("héllo".as_bytes(), &key).unwrap(), &key).unwrap(),
        "héllo"
    );
    assert_eq!(
        decrypt_bytes(&encrypt("héllo", &key).unwrap(), &key).unwrap(),
        "héllo".as_bytes()
    );
}

/// A NIST CAVP vector (gcmEncryptExtIV256.rsp, PTlen = 128, AADlen = 0, Count = 0), laid out
/// the way Go's `gcm.Seal(nonce, nonce, plaintext, nil)` lays it out, decrypts through the
/// public API: values written by the Go design are readable here.
#[test]
fn decrypts_a_published_vector_in_the_go_layout() {
    let key =
        EncryptionKey::from_hex("31bdadd96698c204aa9ce1448ea94ae1fb4a9a0b3c9d773b51bb1822666b8f22").unwrap();
    let sealed = hex::decode(concat!(
        "0d18e06c7c725ac9e362e1ce",         // nonce
        "fa4362189661d163fcd6a56d8bf0405a", // ciphertext
        "d636ac1bbedd5cc3ee727dc2ab4a9489", // tag
    ))
    .unwrap();
    let plaintext = decrypt_bytes(&BASE64.encode(&sealed), &key).unwrap();
    assert_eq!(hex::encode(plaintext), "2db5168e932556f8089a0622981d017d");
}

/// The same with associated data (PTlen = 128, AADlen = 128, Count = 0).
#[test]
fn decrypts_a_published_vector_with_associated_data() {
    let key =
        EncryptionKey::from_hex("92e11dcdaa866f5ce790fd24501f92509aacf4cb8b1339d50c9c1240935dd08b").unwrap();
    let sealed = hex::decode(concat!(
        "ac93a1a6145299bde902f21a",
        "8995ae2e6df3dbf96fac7b7137bae67f",
        "eca5aa77d51d4a0a14d9c51e1da474ab",
    ))
    .unwrap();
    let aad = hex::decode("1e0889016f67601c8ebea4943bc23ad6").unwrap();
    let plaintext = decrypt_bytes_with_aad(&BASE64.encode(&sealed), &key, &aad).unwrap();
    assert_eq!(hex::encode(plaintext), "2d71bcfa914e4ac045b2aa60955fad24");
    assert_eq!(
        decrypt_bytes(&BASE64.encode(&sealed), &key),
        Err(CryptoError::IntegrityCheck),
        "the vector needs its associated data"
    );
}

#[test]
fn rejects_the_wrong_key() {
    let stored = encrypt("secret", &key()).unwrap();
    let other = EncryptionKey::from_hex(OTHER_KEY_HEX).unwrap();
    assert_eq!(decrypt(&stored, &other), Err(CryptoError::IntegrityCheck));
    assert_eq!(
        decrypt(&stored, &other).unwrap_err().to_string(),
        "integrity check failed (data may be corrupted or tampered, or the key is wrong)"
    );
}

#[test]
fn rejects_every_single_flipped_bit() {
    let key = key();
    let sealed = decoded(&encrypt("flip any bit of me and I am gone", &key).unwrap());
    for byte in 0..sealed.len() {
        for bit in 0..8 {
            let mut tampered = sealed.clone();
            tampered[byte] ^= 1 << bit;
            assert_eq!(
                decrypt(&BASE64.encode(&tampered), &key),
                Err(CryptoError::IntegrityCheck),
                "flipping bit {bit} of byte {byte} went unnoticed"
            );
        }
    }
}

#[test]
fn rejects_truncation_at_every_length() {
    let key = key();
    let sealed = decoded(&encrypt("truncate me anywhere", &key).unwrap());
    for len in 0..sealed.len() {
        let result = decrypt(&BASE64.encode(&sealed[..len]), &key);
        let expected = if len < NONCE_LEN + TAG_LEN {
            CryptoError::TooShort { actual: len }
        } else {
            CryptoError::IntegrityCheck
        };
        assert_eq!(result, Err(expected), "truncated to {len} bytes");
    }
}

#[test]
fn rejects_truncated_text_at_every_length() {
    let key = key();
    let stored = encrypt("truncate the base64 text too", &key).unwrap();
    for len in 0..stored.len() {
        assert!(
            decrypt(&stored[..len], &key).is_err(),
            "truncated to {len} characters"
        );
    }
}

#[test]
fn rejects_appended_bytes() {
    let key = key();
    let mut sealed = decoded(&encrypt("secret", &key).unwrap());
    sealed.push(0);
    assert_eq!(
        decrypt(&BASE64.encode(&sealed), &key),
        Err(CryptoError::IntegrityCheck)
    );
}

#[test]
fn rejects_garbage_that_is_not_base64() {
    let key = key();
    for garbage in [
        "not base64!",
        "@@@@",
        "YWJj\n",
        "YWJjZA",
        "YWJjZA=",
        " YWJjZGVm",
        "É",
    ] {
        assert!(
            matches!(decrypt(garbage, &key), Err(CryptoError::NotBase64 { .. })),
            "{garbage:?} gave {:?}",
            decrypt(garbage, &key)
        );
    }
    let err = decrypt("not base64!", &key).unwrap_err().to_string();
    assert!(err.starts_with("encrypted value is not valid base64"), "{err}");
}

#[test]
fn rejects_valid_base64_that_is_too_short() {
    let key = key();
    assert_eq!(decrypt("", &key), Err(CryptoError::TooShort { actual: 0 }));
    assert_eq!(decrypt("YWJj", &key), Err(CryptoError::TooShort { actual: 3 }));
    let err = decrypt("YWJj", &key).unwrap_err().to_string();
    assert!(err.contains("too short: 3 bytes"), "{err}");
}

#[test]
fn refuses_binary_plaintext_as_text() {
    let key = key();
    let stored = encrypt_bytes(&[0xff, 0xfe, 0x00], &key).unwrap();
    assert_eq!(decrypt(&stored, &key), Err(CryptoError::NotUtf8));
    assert!(CryptoError::NotUtf8.to_string().contains("decrypt_bytes"));
}

#[test]
fn binds_values_to_their_associated_data() {
    let key = key();
    let row_a = b"6f1c2a0e-0000-4000-8000-00000000000a";
    let row_b = b"6f1c2a0e-0000-4000-8000-00000000000b";
    let stored = encrypt_with_aad("token", &key, row_a).unwrap();
    assert_eq!(decrypt_with_aad(&stored, &key, row_a).unwrap(), "token");
    assert_eq!(
        decrypt_with_aad(&stored, &key, row_b),
        Err(CryptoError::IntegrityCheck)
    );
    assert_eq!(
        decrypt(&stored, &key),
        Err(CryptoError::IntegrityCheck),
        "missing associated data"
    );

    let unbound = encrypt("token", &key).unwrap();
    assert_eq!(
        decrypt_with_aad(&unbound, &key, row_a),
        Err(CryptoError::IntegrityCheck)
    );
    assert_eq!(decrypt_with_aad(&unbound, &key, b"").unwrap(), "token");

    let stored = encrypt_bytes_with_aad(&[1, 2, 3], &key, row_b).unwrap();
    assert_eq!(decrypt_bytes_with_aad(&stored, &key, row_b).unwrap(), [1, 2, 3]);
    assert_eq!(
        decrypt_bytes_with_aad(&stored, &key, row_a),
        Err(CryptoError::IntegrityCheck)
    );
}

#[test]
fn uses_a_fresh_nonce_every_call() {
    let key = key();
    let mut nonces = HashSet::new();
    let mut values = HashSet::new();
    for _ in 0..10_000 {
        let stored = encrypt("same plaintext", &key).unwrap();
        let sealed = decoded(&stored);
        assert!(nonces.insert(sealed[..NONCE_LEN].to_vec()), "nonce reused");
        assert!(values.insert(stored), "ciphertext repeated");
    }
}

#[test]
fn reads_keys_in_either_case() {
    let lower = EncryptionKey::from_hex(OTHER_KEY_HEX).unwrap();
    let upper = EncryptionKey::from_hex(&OTHER_KEY_HEX.to_uppercase()).unwrap();
    assert_eq!(upper.to_hex().as_str(), OTHER_KEY_HEX);
    let stored = encrypt("x", &lower).unwrap();
    assert_eq!(decrypt(&stored, &upper).unwrap(), "x");
}

#[test]
fn rejects_an_empty_key() {
    assert_eq!(EncryptionKey::from_hex("").unwrap_err(), CryptoError::EmptyKey);
    assert_eq!(EncryptionKey::from_hex("   ").unwrap_err(), CryptoError::EmptyKey);
    assert!(CryptoError::EmptyKey.to_string().contains("gen-key"));
}

#[test]
fn rejects_keys_of_the_wrong_length() {
    for (text, actual) in [
        (&KEY_HEX[..62], 62),
        (&KEY_HEX[..63], 63),
        ("00", 2),
        (&*format!("{KEY_HEX}00"), 66),
        (&*format!("{KEY_HEX}\n"), 65),
    ] {
        assert_eq!(
            EncryptionKey::from_hex(text).unwrap_err(),
            CryptoError::KeyLength { actual },
            "{text:?}"
        );
    }
    let err = EncryptionKey::from_hex("abcd").unwrap_err().to_string();
    assert!(
        err.contains("has 4 characters but must have exactly 64 hex characters"),
        "{err}"
    );
}

#[test]
fn rejects_keys_that_are_not_hex() {
    let mut text = KEY_HEX.to_string();
    text.replace_range(9..10, "g");
    assert_eq!(
        EncryptionKey::from_hex(&text).unwrap_err(),
        CryptoError::KeyNotHex { position: 10 }
    );
    // 64 characters but more bytes: counted and reported in characters.
    let accented = format!("é{}", &KEY_HEX[1..]);
    assert_eq!(
        EncryptionKey::from_hex(&accented).unwrap_err(),
        CryptoError::KeyNotHex { position: 1 }
    );
}

#[test]
fn key_errors_do_not_echo_the_key() {
    // A key that is one character off must not be printed: the rest of it is still secret.
    let almost = format!("{}z", &KEY_HEX[..63]);
    let long = format!("{KEY_HEX}0");
    for text in [almost.as_str(), &KEY_HEX[..63], long.as_str()] {
        let err = EncryptionKey::from_hex(text).unwrap_err();
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains("0102030405"), "{shown}");
        }
    }
}

#[test]
fn debug_redacts_the_key() {
    let key = key();
    let shown = format!("{key:?} {:#?}", key);
    assert!(!shown.contains("0102"), "{shown}");
    assert!(!shown.contains('['), "no raw bytes: {shown}");
    assert_eq!(format!("{key:?}"), "EncryptionKey(<redacted>)");
}

#[test]
fn decryption_errors_do_not_contain_plaintext() {
    let key = key();
    let stored = encrypt("hunter2-super-secret", &key).unwrap();
    let mut sealed = decoded(&stored);
    sealed[NONCE_LEN] ^= 1;
    let err = decrypt(&BASE64.encode(&sealed), &key).unwrap_err();
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("hunter2"), "{shown}");
    }
    let other = EncryptionKey::from_hex(OTHER_KEY_HEX).unwrap();
    let err = decrypt(&stored, &other).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("hunter2"));
}

#[test]
fn generated_keys_are_random_and_print_as_64_hex_characters() {
    let mut seen = HashSet::new();
    for _ in 0..100 {
        let key = crypto::generate_key();
        let hex = key.to_hex();
        assert_eq!(hex.len(), 64);
        assert!(
            hex.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{}",
            hex.as_str()
        );
        let again = EncryptionKey::from_hex(&hex).unwrap();
        assert_eq!(again.to_hex().as_str(), hex.as_str());
        assert!(seen.insert(hex.to_string()), "duplicate key");
    }
}

#[test]
fn parses_with_from_str() {
    let key: EncryptionKey = KEY_HEX.parse().unwrap();
    assert_eq!(key.to_hex().as_str(), KEY_HEX);
    assert_eq!(
        "xyz".parse::<EncryptionKey>().unwrap_err(),
        CryptoError::KeyLength { actual: 3 }
    );
}
