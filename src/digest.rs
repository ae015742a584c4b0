//! SHA-256 in lowercase hex: a source's recorded `sha256` and the findings' fingerprints. And
//! a quick 64-bit digest for what is kept in memory only.

use sha2::{Digest, Sha256};

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A 64-bit digest of `bytes`, for keys and checks that live in memory only (the quote memo,
/// a released text): quick, and not stable from one kblint version to the next.
pub fn digest64(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = std::hash::DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
