//! Seals a session with one key, rotates to a new key, and reads the old cookie back.
//!
//! Run with `cargo run -p polyseal --example seal_unseal`.

use polyseal::{Format, Keyring, Sealer, SealerOptions, Value};

fn main() -> Result<(), polyseal::Error> {
    let old_ring = Keyring::builder()
        .password("k2025", "an-old-password-of-at-least-32-characters")
        .build()?;
    let options = SealerOptions {
        cookie_name: "session".into(),
        ttl_ms: Some(3_600_000),
        ..SealerOptions::default()
    };
    let session: Value = serde_json::json!({"userId": 12345, "roles": ["admin", "editor"]});
    let before = Sealer::with_options(old_ring, Format::Native, options.clone())?;
    let cookie = before.seal(&session)?;
    println!("sealed ({} chars): {cookie}", cookie.len());

    let rotated = Keyring::builder()
        .password("k2026", "a-new-password-of-at-least-32-characters!")
        .password("k2025", "an-old-password-of-at-least-32-characters")
        .build()?;
    let after = Sealer::with_options(rotated, Format::Native, options.clone())?;
    let opened = after.unseal(&cookie)?;
    println!(
        "unsealed with key {:?}: {} (needs reseal: {})",
        opened.key_id, opened.value, opened.needs_reseal
    );

    let elsewhere = Sealer::with_options(
        after.keyring().clone(),
        Format::Native,
        SealerOptions {
            cookie_name: "other".into(),
            ..options
        },
    )?;
    let refused = elsewhere.unseal(&cookie).unwrap_err();
    println!("the same token under another cookie name: {refused}");
    Ok(())
}
